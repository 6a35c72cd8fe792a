"""A draft's wrong file can be removed or replaced; a published item's files cannot change without review."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from disclosure import services
from disclosure.models import Attachment, Item, PersonalDataFinding
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.disclosure.conftest import WRITTEN_ON, local

MOBILE = "13812345678"
LIST_WITH_PHONE = f"低保对象名单 张三 联系电话 {MOBILE}"


def attach(item, by, name="低保名单.pdf", text="低保对象名单"):
    return services.attachment_add(item=item, uploaded_file=files.upload(name, files.pdf_bytes(text)), by=by)


def stored(attachment) -> Path:
    return Path(attachment.file.path)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def open_findings(item):
    return list(item.findings.filter(status=PersonalDataFinding.Status.OPEN))


# --- removing ---------------------------------------------------------------------------------


def test_removing_a_drafts_attachment_deletes_the_row_and_the_file_only_after_commit(
    make_item, author, django_capture_on_commit_callbacks
):
    item = make_item()
    attachment = attach(item, author)
    path = stored(attachment)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attachment_remove(attachment=attachment, by=author, reason="传错了文件")
        assert path.exists()  # still there while the transaction could roll back
    assert not Attachment.objects.exists()
    assert path.exists()
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_removal_is_audited_on_the_item_with_the_name_and_checksum_but_not_the_content(make_item, author):
    item = make_item()
    attachment = attach(item, author, name="低保 名单（第一批）.pdf", text=LIST_WITH_PHONE)
    sha256 = attachment.sha256

    services.attachment_remove(attachment=attachment, by=author, reason="附件含有手机号，换成遮盖后的版本")

    event = AuditEvent.objects.get(action="attachment.remove")
    assert event.actor == author
    assert event.object_type == "disclosure.item" and event.object_id == str(item.pk)
    assert event.before["original_name"] == "低保 名单（第一批）.pdf"
    assert event.before["sha256"] == sha256
    assert event.note == "附件含有手机号，换成遮盖后的版本"
    assert MOBILE not in f"{event.before}{event.after}{event.note}"


def test_a_finding_in_the_removed_file_is_closed_as_gone_and_no_longer_blocks_sign_off(
    make_item, author, reviewer, secrecy_reviewer, approver
):
    item = make_item()
    attachment = attach(item, author, text=LIST_WITH_PHONE)
    services.item_submit(item=item, by=author)
    finding = item.findings.get(location=PersonalDataFinding.Location.ATTACHMENT)
    assert finding.attachment == attachment and finding.status == PersonalDataFinding.Status.OPEN
    item.refresh_from_db()
    item = services.item_return(item=item, by=reviewer, comment="附件里有手机号，请替换附件后重新送审。")

    services.attachment_remove(attachment=attachment, by=author)
    attach(item, author, name="低保名单（已遮盖）.pdf", text="低保对象名单 张三 联系电话 138****5678")

    finding.refresh_from_db()
    assert finding.status == PersonalDataFinding.Status.GONE and finding.resolved_at is not None
    assert finding.attachment is None  # the record stays, without its file
    assert open_findings(item) == []
    services.item_submit(item=item, by=author)
    for person in (reviewer, secrecy_reviewer, approver):
        item.refresh_from_db()
        item = services.item_review(item=item, by=person, approve=True, at=local(2026, 3, 20, 9))
    assert item.status == Item.Status.PUBLISHED
    assert [a.original_name for a in item.attachments.all()] == ["低保名单（已遮盖）.pdf"]


def test_a_rolled_back_removal_keeps_the_row_and_the_file(make_item, author, django_capture_on_commit_callbacks):
    item = make_item()
    attachment = attach(item, author)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.attachment_remove(attachment=attachment, by=author)
        raise RuntimeError("the page failed after the removal")
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored(attachment).exists()


@pytest.mark.parametrize("stage", ["in_review", "approved", "published"])
def test_files_of_an_item_past_its_draft_cannot_be_removed(
    stage, make_item, publish, author, reviewer, secrecy_reviewer, approver
):
    item = make_item(scheduled_for=local(2026, 12, 31, 9) if stage == "approved" else None)
    attachment = attach(item, author)
    if stage == "published":
        item = publish(item, at=local(2026, 3, 20, 9))
    else:
        services.item_submit(item=item, by=author)
        if stage == "approved":
            for person in (reviewer, secrecy_reviewer, approver):
                item.refresh_from_db()
                item = services.item_review(item=item, by=person, approve=True, at=local(2026, 3, 20, 9))
    item.refresh_from_db()
    assert item.status == stage

    with pytest.raises(ValidationError, match="只有从未发布过的草稿"):
        services.attachment_remove(attachment=attachment, by=author)
    assert Attachment.objects.filter(pk=attachment.pk).exists() and stored(attachment).exists()
    assert not AuditEvent.objects.filter(action="attachment.remove").exists()


def test_a_withdrawn_items_files_stay(make_item, publish, author, approver):
    item = make_item()
    attachment = attach(item, author)
    item = publish(item, at=local(2026, 3, 20, 9))
    services.item_withdraw(item=item, by=approver, reason="内容有误。")
    with pytest.raises(ValidationError, match="已撤回"):
        services.attachment_remove(attachment=attachment, by=author)
    assert stored(attachment).exists()


def test_an_outsider_cannot_remove_another_townships_file(make_item, author, outsider):
    attachment = attach(make_item(), author)
    with pytest.raises(PermissionDenied):
        services.attachment_remove(attachment=attachment, by=outsider)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_county_office_cannot_remove_a_file_either(make_item, author, county_office):
    attachment = attach(make_item(), author)
    with pytest.raises(PermissionDenied):
        services.attachment_remove(attachment=attachment, by=county_office)


# --- adding -----------------------------------------------------------------------------------


def test_files_cannot_be_added_to_a_published_item_without_review(make_item, publish, author, settings):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ValidationError, match="“已发布”状态的信息不能添加附件"):
        attach(item, author)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_files_cannot_be_added_while_the_item_is_in_review(make_item, author):
    item = make_item()
    services.item_submit(item=item, by=author)
    with pytest.raises(ValidationError, match="审核中"):
        attach(item, author)
    assert not Attachment.objects.exists()


def test_an_outsider_cannot_attach_files_to_another_townships_draft(make_item, outsider, settings):
    with pytest.raises(PermissionDenied):
        attach(make_item(), outsider)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_whoever_uploads_a_file_to_a_draft_counts_as_its_writer_and_cannot_review_it(
    make_item, author, reviewer, secrecy_reviewer
):
    item = make_item()
    attach(item, reviewer, name="补充材料.pdf")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied, match="起草或修改过"):
        services.item_review(item=item, by=reviewer, approve=True)
    services.item_review(item=item, by=secrecy_reviewer, approve=True)


def test_whoever_removes_a_file_counts_as_a_writer_too(make_item, author, reviewer, secrecy_reviewer):
    item = make_item()
    attachment = attach(item, author)
    services.attachment_remove(attachment=attachment, by=reviewer)
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied, match="起草或修改过"):
        services.item_review(item=item, by=reviewer, approve=True)


# --- in the admin -----------------------------------------------------------------------------


def change_url(item):
    return reverse("admin:disclosure_item_change", args=[item.pk])


def item_form(item) -> dict:
    return {
        "category": item.category_id,
        "obligation": "",
        "publisher": item.publisher_id,
        "title": item.title,
        "document_number": "",
        "written_on": WRITTEN_ON.isoformat(),
        "mode": "proactive",
        "keywords": "",
        "summary": item.summary,
        "body": item.body,
        "scheduled_for_0": "",
        "scheduled_for_1": "",
    }


def test_staff_replace_a_drafts_file_in_the_admin_and_its_finding_goes(client, make_item, author, settings):
    item = make_item()
    old = attach(item, author, name="名单.pdf", text=LIST_WITH_PHONE)
    services.item_scan(item=item, by=author)
    assert len(open_findings(item)) == 1
    assert client.login(username=author.username, password=PASSWORD)
    page = client.get(change_url(item)).content.decode()
    assert 'name="attachments-0-DELETE"' in page

    data = item_form(item) | {
        "attachments-TOTAL_FORMS": "2",
        "attachments-INITIAL_FORMS": "1",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-id": old.pk,
        "attachments-0-item": item.pk,
        "attachments-0-order": "1",
        "attachments-0-DELETE": "on",
        "attachments-1-item": item.pk,
        "attachments-1-order": "1",
        "attachments-1-file": files.upload("名单（已遮盖）.pdf", files.pdf_bytes("低保对象名单 张三")),
    }
    response = client.post(change_url(item), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert [a.original_name for a in item.attachments.all()] == ["名单（已遮盖）.pdf"]
    assert open_findings(item) == []
    assert AuditEvent.objects.filter(action="attachment.remove", object_id=str(item.pk)).exists()
    assert AuditEvent.objects.filter(action="attachment.add").count() == 2


def test_the_admin_offers_no_delete_box_for_a_published_items_files(client, make_item, publish, author):
    item = make_item()
    attach(item, author)
    item = publish(item, at=local(2026, 3, 20, 9))
    assert client.login(username=author.username, password=PASSWORD)
    page = client.get(change_url(item)).content.decode()
    assert "低保名单.pdf" in page
    assert 'name="attachments-0-DELETE"' not in page


def test_masking_a_finding_in_a_file_says_how_to_replace_the_file(make_item, author):
    item = make_item()
    attach(item, author, text=LIST_WITH_PHONE)
    services.item_scan(item=item, by=author)
    with pytest.raises(ValidationError, match="附件栏勾选“删除”"):
        services.finding_mask(finding=item.findings.get(), by=author)
