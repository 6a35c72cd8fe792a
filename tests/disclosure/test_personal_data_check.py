"""The personal-data and secrecy check before approval (issue 4, point 6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from disclosure import services
from disclosure.models import Attachment, Item, ItemRevision, PersonalDataFinding
from disclosure.services import attachment_add
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.disclosure.conftest import local

ID_NUMBER = "11010519491231002X"  # the GB 11643-1999 sample, valid checksum
MOBILE = "13812345678"
OTHER_MOBILE = "13899995678"  # a different number with the same mask, 138****5678


def luhn_complete(prefix: str) -> str:
    for digit in "0123456789":
        number = prefix + digit
        total = 0
        for position, char in enumerate(reversed(number)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number
    raise AssertionError


BANK_CARD = luhn_complete("622202123456789")


def low_income_list_body() -> str:
    return (
        "<p>2026年3月低保对象名单：</p><table><tr><td>张三</td>"
        f"<td>{ID_NUMBER}</td><td>{MOBILE}</td><td>{BANK_CARD}</td></tr></table>"
    )


@pytest.fixture
def in_secrecy_review(make_item, author, reviewer):
    def make(**fields):
        item = make_item(**fields)
        services.item_submit(item=item, by=author)
        item.refresh_from_db()
        return services.item_review(item=item, by=reviewer, approve=True)

    return make


@pytest.fixture
def sign_off(secrecy_reviewer, approver):
    """The secrecy review and 签发 of an item waiting in the secrecy review."""

    def decide(item):
        item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
        return services.item_review(item=item, by=approver, approve=True)

    return decide


def open_findings(item):
    return list(item.findings.filter(status=PersonalDataFinding.Status.OPEN).order_by("kind"))


def test_id_number_mobile_and_bank_card_in_the_body_are_found_in_masked_form(make_item):
    item = make_item(body=low_income_list_body())
    found = {(f.kind, f.location, f.masked_value) for f in open_findings(item)}
    assert found == {
        ("id_number", "body", "11**************2X"),
        ("mobile", "body", "138****5678"),
        ("bank_card", "body", BANK_CARD[:4] + "********" + BANK_CARD[-4:]),
    }
    # Only the masked form is stored.
    assert not PersonalDataFinding.objects.filter(masked_value__contains=MOBILE).exists()


def test_title_summary_and_attachment_text_are_checked_too(make_item):
    item = make_item(title=f"关于{MOBILE}的说明", summary=f"身份证{ID_NUMBER}")
    Attachment.objects.create(
        item=item,
        file="attachments/x.pdf",
        original_name="名单.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        text=f"户主 李四 {BANK_CARD}",
    )
    services.item_scan(item=item)
    assert {(f.location, f.kind) for f in open_findings(item)} == {
        ("title", "mobile"),
        ("summary", "id_number"),
        ("attachment", "bank_card"),
    }


def test_sensitive_words_from_the_setting_are_found(make_item, settings):
    settings.SENSITIVE_WORDS = ["机密", "内部资料"]
    item = make_item(body="<p>本文件为内部资料，不含机密。</p>")
    assert {f.masked_value for f in open_findings(item)} == {"内部资料", "机密"}


def test_the_secrecy_review_refuses_an_item_with_open_findings(in_secrecy_review, secrecy_reviewer):
    item = in_secrecy_review(body=low_income_list_body())
    assert item.review_step.name == "保密审查" and item.review_step.is_secrecy_review
    with pytest.raises(ValidationError, match="保密审查未通过：还有 3 条"):
        services.item_review(item=item, by=secrecy_reviewer, approve=True)
    item.refresh_from_db()
    assert item.review_step.name == "保密审查" and item.status == Item.Status.IN_REVIEW
    assert not item.reviews.get().decisions.filter(step_name="保密审查").exists()


def test_masking_lets_the_secrecy_review_pass(in_secrecy_review, secrecy_reviewer):
    item = in_secrecy_review(body=low_income_list_body())
    assert services.finding_mask_all(item=item, by=secrecy_reviewer) == 3
    item.refresh_from_db()
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    assert item.review_step.name == "签发"


def test_open_findings_block_sign_off_where_the_procedure_has_no_secrecy_review(
    in_secrecy_review, secrecy_reviewer, approver
):
    item = in_secrecy_review(body="<p>2026年3月低保对象名单。</p>")
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    # A number slips in after the secrecy review (an old procedure, a step marked otherwise).
    Item.objects.filter(pk=item.pk).update(body=low_income_list_body())
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="签发未通过：还有 3 条"):
        services.item_review(item=item, by=approver, approve=True)
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW and item.index_number is None


def test_one_click_masks_every_number_in_the_stored_text_then_sign_off_succeeds(
    in_secrecy_review, secrecy_reviewer, approver
):
    item = in_secrecy_review(body=low_income_list_body())
    assert services.finding_mask_all(item=item, by=secrecy_reviewer) == 3
    item.refresh_from_db()
    assert "138****5678" in item.body and "11**************2X" in item.body
    assert MOBILE not in item.body and ID_NUMBER not in item.body and BANK_CARD not in item.body
    assert {f.status for f in item.findings.all()} == {PersonalDataFinding.Status.MASKED}
    item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
    item = services.item_review(item=item, by=approver, approve=True)
    assert item.status == Item.Status.PUBLISHED


def test_masking_also_removes_the_raw_numbers_from_history_and_the_audit_log(make_item, author):
    item = make_item(body=low_income_list_body())
    services.item_update(item=item, by=author, summary=f"联系电话 {MOBILE}")
    services.finding_mask_all(item=item, by=author)
    for revision in ItemRevision.objects.filter(item=item):
        assert MOBILE not in str(revision.content) and ID_NUMBER not in str(revision.content)
    for event in AuditEvent.objects.all():
        assert MOBILE not in f"{event.before}{event.after}{event.note}"
    masked = ItemRevision.objects.filter(item=item).first()
    assert masked.cause == ItemRevision.Cause.MASKED and masked.created_by == author


def test_masking_one_finding_leaves_the_others_open(make_item, author):
    item = make_item(body=low_income_list_body())
    mobile = item.findings.get(kind="mobile")
    services.finding_mask(finding=mobile, by=author)
    item.refresh_from_db()
    assert "138****5678" in item.body and ID_NUMBER in item.body
    assert {f.kind for f in open_findings(item)} == {"id_number", "bank_card"}


def test_sensitive_words_and_attachment_findings_cannot_be_masked_by_a_click(make_item, author):
    item = make_item(body="<p>内部通知</p>")
    with pytest.raises(ValidationError, match="人工判断"):
        services.finding_mask(finding=item.findings.get(), by=author)
    assert item.findings.get().status == PersonalDataFinding.Status.OPEN


def test_approver_overrides_a_finding_with_a_recorded_reason(in_secrecy_review, sign_off, approver):
    item = in_secrecy_review(body="<p>行政处罚决定书：当事人联系电话13812345678。</p>")
    finding = item.findings.get()
    with pytest.raises(ValidationError, match="理由"):
        services.finding_override(finding=finding, by=approver, reason=" ")
    services.finding_override(finding=finding, by=approver, reason="行政处罚决定依法公开，电话为单位电话。")
    finding.refresh_from_db()
    assert finding.status == PersonalDataFinding.Status.OVERRIDDEN and finding.resolved_by == approver
    event = AuditEvent.objects.get(action="finding.override")
    assert event.note == "行政处罚决定依法公开，电话为单位电话。" and event.actor == approver
    item = sign_off(item)
    assert item.status == Item.Status.PUBLISHED
    # A later scan leaves the decision alone.
    services.item_scan(item=item)
    finding.refresh_from_db()
    assert finding.status == PersonalDataFinding.Status.OVERRIDDEN


@pytest.mark.parametrize(
    "persona", ["reviewer", "secrecy_reviewer", "org_admin", "author", "county_office", "outsider"]
)
def test_only_an_approver_may_override(request, persona, make_item):
    item = make_item(body="<p>内部</p>")
    with pytest.raises(PermissionDenied):
        services.finding_override(finding=item.findings.get(), by=request.getfixturevalue(persona), reason="可以公开")
    assert item.findings.get().status == PersonalDataFinding.Status.OPEN


def test_author_holding_the_approver_role_cannot_override_findings_in_own_item(make_staff, shuangxi, make_item):
    boss = make_staff("sx_boss", shuangxi, "author", "approver")
    item = make_item(by=boss, body="<p>内部</p>")
    with pytest.raises(PermissionDenied, match="起草"):
        services.finding_override(finding=item.findings.get(), by=boss, reason="我觉得可以")


def test_an_approver_who_edited_the_draft_cannot_override_the_numbers_they_put_in(make_item, approver):
    item = make_item()
    services.item_update(item=item, by=approver, body=f"<p>联系电话{MOBILE}</p>")
    with pytest.raises(PermissionDenied, match="起草"):
        services.finding_override(finding=item.findings.get(), by=approver, reason="我加的电话可以公开")
    assert item.findings.get().status == PersonalDataFinding.Status.OPEN


def test_a_number_in_the_title_never_reaches_the_append_only_audit_log(make_item, author, settings):
    item = make_item(title=f"关于张三（{ID_NUMBER}）低保申请的公示")
    attachment_add(item=item, uploaded_file=files.upload("公示.pdf", files.pdf_bytes("公示")), by=author)
    services.item_update(item=item, by=author, summary="已更新。")
    services.finding_mask_all(item=item, by=author)
    item.refresh_from_db()
    assert ID_NUMBER not in item.title
    events = list(AuditEvent.objects.all())
    assert {"item.create", "attachment.add", "item.update", "finding.mask"} <= {e.action for e in events}
    for event in events:
        assert ID_NUMBER not in f"{event.object_repr}{event.before}{event.after}{event.note}", event.action


def test_finding_removed_from_the_text_by_an_edit_is_closed(make_item, author):
    item = make_item(body=f"<p>电话{MOBILE}</p>")
    services.item_update(item=item, by=author, body="<p>电话见附件</p>")
    assert open_findings(item) == []
    assert item.findings.get().status == PersonalDataFinding.Status.GONE


def test_outsider_cannot_mask_another_townships_item(make_item, outsider):
    item = make_item(body=f"<p>电话{MOBILE}</p>")
    with pytest.raises(PermissionDenied):
        services.finding_mask_all(item=item, by=outsider)
    item.refresh_from_db()
    assert MOBILE in item.body


def test_emergency_publication_is_blocked_by_open_findings(make_item, org_admin):
    item = make_item(body=f"<p>联系人手机{MOBILE}</p>")
    with pytest.raises(ValidationError, match="紧急发布也必须"):
        services.item_emergency_publish(item=item, by=org_admin, reason="紧急", at=local(2026, 3, 3, 9))
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT


def test_an_override_does_not_cover_a_different_number_with_the_same_mask(
    in_secrecy_review, sign_off, author, approver
):
    item = in_secrecy_review(body=f"<p>行政处罚决定书：当事人单位电话{MOBILE}。</p>")
    services.finding_override(finding=item.findings.get(), by=approver, reason="单位电话，依法公开。")
    item = sign_off(item)
    assert item.status == Item.Status.PUBLISHED
    services.item_update(item=item, by=author, body=f"<p>行政处罚决定书：当事人单位电话{OTHER_MOBILE}。</p>")
    [finding] = open_findings(item)
    assert (finding.kind, finding.masked_value) == ("mobile", "138****5678")
    services.item_submit(item=item, by=author)
    assert services.item_scan(item=item) == [finding]


def test_an_override_still_covers_the_same_number_after_an_unrelated_edit(
    in_secrecy_review, sign_off, author, approver
):
    item = in_secrecy_review(body=f"<p>当事人单位电话{MOBILE}。</p>")
    services.finding_override(finding=item.findings.get(), by=approver, reason="单位电话，依法公开。")
    item = sign_off(item)
    services.item_update(item=item, by=author, body=f"<p>当事人单位电话{MOBILE}。已整改。</p>")
    assert open_findings(item) == []


def test_a_finding_keeps_a_keyed_fingerprint_of_the_number_never_the_number(make_item):
    item = make_item(body=f"<p>{MOBILE}</p><p>{OTHER_MOBILE}</p>")
    findings = open_findings(item)
    assert len(findings) == 2  # same mask, two different people
    hashes = {f.value_hash for f in findings}
    assert len(hashes) == 2
    for value_hash in hashes:
        assert len(value_hash) == 64 and MOBILE not in value_hash and OTHER_MOBILE not in value_hash


def test_an_override_recorded_before_fingerprints_existed_covers_nothing(in_secrecy_review, sign_off, author, approver):
    item = in_secrecy_review(body=f"<p>当事人单位电话{MOBILE}。</p>")
    finding = item.findings.get()
    services.finding_override(finding=finding, by=approver, reason="单位电话，依法公开。")
    PersonalDataFinding.objects.filter(pk=finding.pk).update(value_hash="")
    # Whether it was this number or another with the same mask cannot be told: the approver decides again.
    with pytest.raises(ValidationError, match="1 条"):
        sign_off(item)
    finding.refresh_from_db()
    assert finding.status == PersonalDataFinding.Status.OVERRIDDEN


def test_a_number_typed_and_deleted_before_submission_is_masked_in_every_old_revision(client, make_item, author):
    item = make_item(body="<p>申请人：张三。</p>")
    services.item_update(item=item, by=author, body=f"<p>申请人：张三，身份证号{ID_NUMBER}。</p>")
    services.item_update(item=item, by=author, body="<p>申请人：张三。</p>")
    services.item_submit(item=item, by=author)
    revisions = list(ItemRevision.objects.filter(item=item).order_by("number"))
    assert len(revisions) == 3
    for revision in revisions:
        assert ID_NUMBER not in str(revision.content)
    assert "11**************2X" in revisions[1].content["body"]
    assert client.login(username=author.username, password=PASSWORD)
    for revision in revisions:
        html = client.get(reverse("admin:disclosure_item_revision", args=[item.pk, revision.number])).content.decode()
        assert ID_NUMBER not in html and "张三" in html
    item.refresh_from_db()
    assert item.body == "<p>申请人：张三。</p>"


def test_a_deleted_mobile_is_masked_in_history_as_soon_as_its_finding_is_gone(make_item, author):
    item = make_item(body=f"<p>联系电话{MOBILE}</p>")
    services.item_update(item=item, by=author, body="<p>联系电话见公告栏</p>")
    assert item.findings.get().status == PersonalDataFinding.Status.GONE
    for revision in ItemRevision.objects.filter(item=item):
        assert MOBILE not in str(revision.content)


def test_history_keeps_a_number_that_is_still_in_the_current_text(in_secrecy_review, sign_off, author, approver):
    # An overridden number is published as it stands; its history is not rewritten behind the diff.
    item = in_secrecy_review(body=f"<p>当事人单位电话{MOBILE}。</p>")
    services.finding_override(finding=item.findings.get(), by=approver, reason="单位电话，依法公开。")
    item = sign_off(item)
    item.refresh_from_db()
    assert MOBILE in item.body
    assert MOBILE in ItemRevision.objects.filter(item=item).order_by("number").first().content["body"]


def test_history_scrubbing_leaves_the_published_text_and_sensitive_words_alone(publish, make_item, author):
    item = publish(make_item(body="<p>控制制度。</p>"), at=local(2026, 3, 20, 9))
    services.item_update(item=item, by=author, body=f"<p>内部控制制度。联系电话{MOBILE}</p>")
    services.item_update(item=item, by=author, body="<p>控制制度，已修订。</p>")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    assert item.body == "<p>控制制度。</p>"
    revisions = list(ItemRevision.objects.filter(item=item).order_by("number"))
    for revision in revisions:
        assert MOBILE not in str(revision.content)
    assert revisions[1].content["body"] == "<p>内部控制制度。联系电话138****5678</p>"


def test_an_open_finding_recorded_before_fingerprints_existed_is_kept_and_fingerprinted(make_item):
    item = make_item(body=f"<p>联系电话{MOBILE}</p>")
    finding = item.findings.get()
    PersonalDataFinding.objects.filter(pk=finding.pk).update(value_hash="")
    assert services.item_scan(item=item) == [finding]
    finding.refresh_from_db()
    assert finding.status == PersonalDataFinding.Status.OPEN and len(finding.value_hash) == 64
