"""Revisions, changes to published items, withdrawal, repeal, and no deletion (issue 4, point 7)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from disclosure import services
from disclosure.models import Item, ItemRevision, ProtectedItemError, Review
from tests.disclosure.conftest import local, postgres_only


def test_every_saved_change_is_a_revision_with_who_when_and_a_readable_diff(make_item, author, reviewer):
    item = make_item(body="<h2>一、工作目标</h2><p>全年无重大森林火灾。</p>")
    services.item_update(
        item=item,
        by=reviewer,
        title="双溪乡2026年森林防火工作方案",
        body="<h2>一、工作目标</h2><p>全年无森林火灾。</p>",
    )
    first, second = ItemRevision.objects.filter(item=item).order_by("number")
    assert (first.number, first.created_by, first.cause) == (1, author, ItemRevision.Cause.CREATED)
    assert (second.number, second.created_by) == (2, reviewer)
    diff = second.diff(first)
    assert {
        "field": "标题",
        "before": "双溪乡2026年春季森林防火工作部署",
        "after": "双溪乡2026年森林防火工作方案",
    } in diff
    body = next(change for change in diff if change["field"] == "正文")
    assert ("-", "全年无重大森林火灾。") in body["lines"] and ("+", "全年无森林火灾。") in body["lines"]
    assert (" ", "一、工作目标") in body["lines"]


def test_saving_without_a_change_adds_no_revision(make_item, author):
    item = make_item()
    services.item_update(item=item, by=author, title=item.title)
    assert item.revisions.count() == 1


def test_editing_a_published_item_creates_a_pending_revision_while_the_published_text_stays_online(
    make_item, publish, author, reviewer, secrecy_reviewer, approver
):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    number = item.index_number
    services.item_update(item=item, by=author, summary="部署春季森林防火工作（更正联系电话）。")
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.summary == "部署春季森林防火工作。"
    assert services.working_copy(item).summary == "部署春季森林防火工作（更正联系电话）。"
    assert item.revisions.first().state == ItemRevision.State.PENDING

    review = services.item_submit(item=item, by=author)
    assert review.kind == Review.Kind.CHANGE
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED and item.review_step.name == "初审"
    with pytest.raises(ValidationError, match="正在审核"):
        services.item_update(item=item, by=author, summary="再改一次")
    for person in (reviewer, secrecy_reviewer, approver):
        item.refresh_from_db()
        services.item_review(item=item, by=person, approve=True)
    item.refresh_from_db()
    assert item.summary == "部署春季森林防火工作（更正联系电话）。"
    assert item.index_number == number and item.review_step is None
    assert item.revisions.first().state == ItemRevision.State.APPLIED


def test_returned_change_stays_pending_and_the_online_text_is_untouched(make_item, publish, author, reviewer):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    services.item_update(item=item, by=author, title="改过的标题")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_return(item=item, by=reviewer, comment="标题不规范")
    assert item.status == Item.Status.PUBLISHED and item.title == "双溪乡2026年春季森林防火工作部署"
    assert services.working_copy(item).title == "改过的标题"
    services.item_change_discard(item=item, by=author)
    assert services.working_copy(item).title == "双溪乡2026年春季森林防火工作部署"


def test_withdrawal_needs_a_public_reason_and_keeps_the_item(make_item, publish, approver):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ValidationError, match="理由"):
        services.item_withdraw(item=item, by=approver, reason="  ")
    item = services.item_withdraw(
        item=item, by=approver, reason="该通知已被县政府新文件替代。", at=local(2026, 4, 1, 9)
    )
    item.refresh_from_db()
    assert item.status == Item.Status.WITHDRAWN
    assert item.withdrawal_reason == "该通知已被县政府新文件替代。"
    assert item.withdrawn_at == local(2026, 4, 1, 9)
    assert item.index_number and item not in Item.objects.public()


@pytest.mark.parametrize("persona", ["author", "reviewer", "county_office", "outsider"])
def test_only_an_approver_or_org_admin_may_withdraw(request, persona, make_item, publish):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(PermissionDenied):
        services.item_withdraw(item=item, by=request.getfixturevalue(persona), reason="想撤")
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED


def test_org_admin_may_withdraw(make_item, publish, org_admin):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    assert services.item_withdraw(item=item, by=org_admin, reason="误发").status == Item.Status.WITHDRAWN


def test_drafts_cannot_be_withdrawn(make_item, approver):
    with pytest.raises(ValidationError):
        services.item_withdraw(item=make_item(), by=approver, reason="x")


def test_repeal_records_the_date_and_revision_links_the_replacement(make_item, publish, approver, author):
    old = publish(make_item(title="双溪乡村规民约（2024年）"), at=local(2026, 3, 20, 9))
    new = publish(make_item(title="双溪乡村规民约（2026年修订）"), at=local(2026, 3, 21, 9))
    with pytest.raises(PermissionDenied):
        services.item_repeal(item=old, by=author, repealed_on=date(2026, 3, 21))
    with pytest.raises(ValidationError):
        services.item_repeal(item=old, by=approver, repealed_on=date(2026, 3, 21), replaced_by=old)
    services.item_repeal(item=old, by=approver, repealed_on=date(2026, 3, 21), replaced_by=new)
    old.refresh_from_db()
    assert (old.validity, old.repealed_on, old.replaced_by) == (Item.Validity.REVISED, date(2026, 3, 21), new)
    assert old in Item.objects.public()
    plain = publish(make_item(title="旧通知"), at=local(2026, 3, 22, 9))
    services.item_repeal(item=plain, by=approver, repealed_on=date(2026, 4, 1))
    plain.refresh_from_db()
    assert plain.validity == Item.Validity.REPEALED


def test_a_published_item_cannot_be_deleted_through_the_model(make_item, publish):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ProtectedItemError):
        item.delete()
    with pytest.raises(ProtectedItemError):
        Item.objects.filter(pk=item.pk).delete()
    assert Item.objects.filter(pk=item.pk).exists()


def test_a_published_items_organisation_cannot_be_deleted_either(make_item, publish, shuangxi):
    from django.db.models import ProtectedError

    publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ProtectedError):
        shuangxi.delete()


@postgres_only
def test_the_database_refuses_a_raw_delete_of_a_published_item(make_item, publish):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM disclosure_item WHERE id = %s", [item.pk])
    assert Item.objects.filter(pk=item.pk).exists()
