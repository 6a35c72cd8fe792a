"""Index numbers across townships, the scheduled run, the schedule in the audit trail, the emergency list,
indexes behind the admin lists, and one source for the lists the code shares."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import Role
from disclosure import queries, services
from disclosure.admin import ItemAdminForm
from disclosure.models import IndexCounter, Item, ItemRevision, PersonalDataFinding, ReviewStep
from disclosure.models.revisions import CONTENT_FIELDS
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.disclosure.conftest import WRITTEN_ON, local


@pytest.fixture
def yq_approver(make_staff, yingqian):
    return make_staff("yq_approver", yingqian, "approver", title="营前镇副镇长")


@pytest.fixture
def yingqian_item(yingqian, other_category, outsider):
    """A draft of 营前镇, whose procedure is a single sign-off by its approver."""
    ReviewStep.objects.create(organisation=yingqian, order=1, name="签发", role=Role.APPROVER)

    def make(**fields):
        return services.item_create(
            by=outsider,
            organisation=yingqian,
            category=other_category,
            title="营前镇春耕生产通知",
            summary="部署春耕。",
            written_on=WRITTEN_ON,
            **fields,
        )

    return make


# --- index numbers across townships -----------------------------------------------------------


def test_a_format_without_the_organisation_code_is_refused_before_two_townships_share_numbers(
    make_item, publish, shuangxi
):
    shuangxi.index_number_format = "SX-{year}-{serial:05d}"
    shuangxi.save()
    with pytest.raises(ValidationError, match="code"):
        publish(make_item(), at=local(2026, 3, 20, 9))
    item = Item.objects.get()
    assert item.status == Item.Status.IN_REVIEW and item.index_number is None
    assert not IndexCounter.objects.exists()


def imported_with_number(yingqian, other_category, outsider, number):
    """An item another township brought over from its old site, under a number in someone else's format."""
    return Item.objects.create(
        organisation=yingqian,
        category=other_category,
        publisher=yingqian,
        title="旧网站迁移的信息",
        written_on=date(2025, 6, 1),
        status=Item.Status.PUBLISHED,
        index_number=number,
        published_at=local(2025, 6, 2, 9),
        created_by=outsider,
    )


def test_a_number_another_township_already_holds_stops_the_sign_off_with_a_message(
    make_item, author, reviewer, secrecy_reviewer, approver, shuangxi, yingqian, other_category, outsider
):
    taken = imported_with_number(yingqian, other_category, outsider, f"{shuangxi.code}/2026-00001")
    item = make_item()
    services.item_submit(item=item, by=author)
    for person in (reviewer, secrecy_reviewer):
        item.refresh_from_db()
        services.item_review(item=item, by=person, approve=True)
    item.refresh_from_db()

    with pytest.raises(ValidationError, match=f"索引号“{taken.index_number}”已被其他信息使用"):
        services.item_review(item=item, by=approver, approve=True, at=local(2026, 3, 21, 9))

    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW and item.index_number is None
    assert not IndexCounter.objects.filter(organisation=shuangxi).exists()  # the drawn serial went back


def test_one_failing_scheduled_item_does_not_stop_the_run_and_is_reported(
    make_item, publish, shuangxi, yingqian, other_category, yingqian_item, outsider, yq_approver, capsys
):
    imported_with_number(yingqian, other_category, outsider, f"{shuangxi.code}/2026-00001")
    failing = publish(make_item(title="双溪乡定时发布", scheduled_for=local(2026, 3, 24, 9)), at=local(2026, 3, 21, 9))
    later = yingqian_item(scheduled_for=local(2026, 3, 25, 9))
    services.item_submit(item=later, by=outsider)
    later.refresh_from_db()
    later = services.item_review(item=later, by=yq_approver, approve=True, at=local(2026, 3, 21, 9))
    assert failing.status == later.status == Item.Status.APPROVED

    with pytest.raises(SystemExit) as exited:
        call_command("publish_scheduled")  # the real clock is past both scheduled times
    assert exited.value.code == 1

    failing.refresh_from_db()
    later.refresh_from_db()
    assert failing.status == Item.Status.APPROVED and failing.scheduled_for == local(2026, 3, 24, 9)
    assert failing.index_number is None
    assert later.status == Item.Status.PUBLISHED and later.index_number.startswith(f"{yingqian.code}/")
    output = capsys.readouterr()
    assert later.index_number in output.out
    assert "双溪乡定时发布" in output.err and "已被其他信息使用" in output.err


# --- the schedule in the audit trail ----------------------------------------------------------


def test_changing_only_the_scheduled_time_of_a_draft_is_audited(make_item, author):
    item = make_item()
    revisions = item.revisions.count()

    services.item_update(item=item, by=author, scheduled_for=local(2026, 12, 1, 9))

    event = AuditEvent.objects.get(action="item.update", object_id=str(item.pk))
    assert event.actor == author
    assert event.before == {"scheduled_for": None}
    assert event.after == {"scheduled_for": local(2026, 12, 1, 9).isoformat()}
    assert item.revisions.count() == revisions  # not content: no new revision
    services.item_update(item=item, by=author, scheduled_for=local(2026, 12, 1, 9))
    assert AuditEvent.objects.filter(action="item.update").count() == 1  # unchanged saves write nothing


def test_the_scheduled_time_is_audited_alongside_a_content_change(make_item, author):
    item = make_item()
    services.item_update(item=item, by=author, title="新标题", scheduled_for=local(2026, 12, 1, 9))
    event = AuditEvent.objects.get(action="item.update")
    assert event.after == {"title": "新标题", "scheduled_for": local(2026, 12, 1, 9).isoformat()}


# --- the emergency list on the staff home -----------------------------------------------------


@pytest.mark.parametrize("how", ["edited", "uploaded a file"])
def test_an_approver_who_wrote_an_emergency_item_is_not_asked_to_confirm_it(
    how, make_item, make_staff, shuangxi, org_admin, approver
):
    other_approver = make_staff("sx_approver2", shuangxi, "approver", title="乡长")
    item = make_item(title="暴雨预警")
    if how == "edited":
        services.item_update(item=item, by=approver, summary="暴雨红色预警，请沿河群众立即转移。")
    else:
        services.attachment_add(item=item, uploaded_file=files.upload("转移路线.pdf", files.pdf_bytes()), by=approver)
    services.item_emergency_publish(item=item, by=org_admin, reason="暴雨")

    waiting = queries.staff_home(approver, today=date(2026, 11, 26)).sections[1]
    assert waiting.rows == [] and waiting.total == 0
    with pytest.raises(PermissionDenied):
        services.item_emergency_confirm(item=item, by=approver)
    assert [row.title for row in queries.staff_home(other_approver, today=date(2026, 11, 26)).sections[1].rows] == [
        "暴雨预警"
    ]


def test_the_emergency_list_stays_a_fixed_number_of_queries(
    make_item, org_admin, approver, django_assert_max_num_queries
):
    for n in range(5):
        services.item_emergency_publish(item=make_item(title=f"紧急{n}"), by=org_admin, reason="暴雨")
    with django_assert_max_num_queries(20):
        home = queries.staff_home(approver, today=date(2026, 11, 26))
    assert home.sections[1].total == 5


# --- indexes behind the admin lists -----------------------------------------------------------


def _plain_filters(model_admin) -> list[str]:
    return [name for name in model_admin.list_filter if isinstance(name, str)]


def test_every_item_list_filter_and_the_list_order_have_an_index_led_by_the_organisation():
    item_admin = admin.site._registry[Item]
    indexes = [tuple(index.fields) for index in Item._meta.indexes]
    led_by_organisation = [fields[1:] for fields in indexes if fields[0] == "organisation"]
    for field in [*_plain_filters(item_admin), "late_workdays"]:  # late_workdays: the timeliness filter
        assert any(rest and rest[0] == field for rest in led_by_organisation), field
    assert ("-updated_at",) in led_by_organisation  # the list's default order


def test_every_findings_list_filter_has_an_index_in_the_lists_order():
    findings_admin = admin.site._registry[PersonalDataFinding]
    indexes = [tuple(index.fields) for index in PersonalDataFinding._meta.indexes]
    for field in _plain_filters(findings_admin):
        assert any(fields[0] == field and fields[1].lstrip("-") == "found_at" for fields in indexes), field


# --- one source ---------------------------------------------------------------------------------


def test_the_item_form_edits_exactly_the_content_a_revision_records():
    assert set(ItemAdminForm._meta.fields) == {"organisation", "scheduled_for", *CONTENT_FIELDS}
    assert set(services.EDITABLE_FIELDS) == {"scheduled_for", *CONTENT_FIELDS}


def test_overdue_means_the_same_on_the_staff_home_and_in_the_item_list(
    client, make_item, publish, author, django_assert_max_num_queries
):
    draft = make_item(title="草稿超期")
    in_review = make_item(title="审核中超期")
    services.item_submit(item=in_review, by=author)
    publish(make_item(title="已发布"), at=local(2026, 4, 30, 9))
    assert draft.due_on < date(2026, 11, 26)

    home = queries.staff_home(author, today=date(2026, 11, 26))
    overdue_home = {row.title for row in home.sections[3].rows}
    assert client.login(username=author.username, password=PASSWORD)
    listed = client.get(reverse("admin:disclosure_item_changelist") + "?timeliness=overdue")
    overdue_list = {item.title for item in listed.context["cl"].result_list}
    unpublished = set(Item.objects.unpublished().filter(due_on__lt=date(2026, 11, 26)).values_list("title", flat=True))
    assert overdue_home == overdue_list == unpublished == {"草稿超期", "审核中超期"}
    assert set(Item.UNPUBLISHED_STATUSES) == {Item.Status.DRAFT, Item.Status.IN_REVIEW, Item.Status.APPROVED}


def test_a_file_change_is_a_revision_a_person_can_read(make_item, author):
    item = make_item()
    services.attachment_add(item=item, uploaded_file=files.upload("名单.pdf", files.pdf_bytes()), by=author)
    latest = item.revisions.order_by("-number").first()
    assert latest.cause == ItemRevision.Cause.ATTACHMENTS and latest.get_cause_display() == "附件变更"
    assert latest.created_by == author
