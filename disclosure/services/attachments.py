"""Attachments of drafts: add (checked by content), remove or replace, each audited."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files import File

from audit.services import audit_record
from disclosure.attachments import (
    CheckedFile,
    attachment_check,
    attachment_store,
)
from disclosure.models import (
    Attachment,
    Item,
    ItemRevision,
    PersonalDataFinding,
)
from disclosure.services.findings import _scan
from disclosure.services.permissions import _require_editor
from disclosure.services.revisions import _locked, _now, _revision_add, content_of
from township_portal.lib.files import atomic_with_files, delete_on_commit

logger = logging.getLogger(__name__)


def _require_attachments_editable(item: Item, doing: str) -> None:
    """Files change only on an item that was never published: a draft, also one returned for changes."""
    if item.index_number is not None or item.status != Item.Status.DRAFT:
        raise ValidationError(
            f"“{item.get_status_display()}”状态的信息不能{doing}：只有从未发布过的草稿（含退回修改的）可以增删附件。"
            "已发布信息的附件有误，请撤回该信息并说明理由后重新起草发布。"
        )


def _attachments_changed(item: Item, *, by, when: datetime) -> None:
    """Changing the files is writing the item: a revision makes `by` one of its writers (see `_authors`)."""
    _revision_add(
        item,
        by=by,
        content=content_of(item),
        state=ItemRevision.State.SAVED,
        cause=ItemRevision.Cause.ATTACHMENTS,
        at=when,
    )


def attachment_add(*, item: Item, uploaded_file: File, by, order: int = 0, at: datetime | None = None) -> Attachment:
    """Check an upload and attach it to a draft (see `attachment_add_checked`).

    The file is judged by its content and refused with a clear Chinese ValidationError
    before anything is written (`attachment_check`).
    """
    return attachment_add_checked(item=item, checked=attachment_check(uploaded_file), by=by, order=order, at=at)


@atomic_with_files()
def attachment_add_checked(
    *, item: Item, checked: CheckedFile, by, order: int = 0, at: datetime | None = None
) -> Attachment:
    """Attach a file that passed `attachment_check` to a draft.

    Guarantees: `by` can edit the item's organisation; the item was never published and is
    a draft (files of an item under review, approved or published cannot change without a
    new review); the file is stored under a generated name (images without EXIF) and
    removed again if anything here fails; the uploader becomes one of the item's writers
    (they cannot review it); the addition is audited and the file's text scanned.
    """
    if item.pk is None:
        raise ValueError("save the item before attaching files to it")
    item = _locked(item)
    _require_editor(by, item)
    _require_attachments_editable(item, "添加附件")
    attachment = attachment_store(item=item, checked=checked, by=by, order=order)
    _attachments_changed(item, by=by, when=_now(at))
    _scan(item)
    return attachment


@atomic_with_files()
def attachment_remove(*, attachment: Attachment, by, reason: str = "", at: datetime | None = None) -> None:
    """Remove a file from an item that was never published (to replace a wrong or unmasked file).

    Guarantees: `by` can edit the item's organisation; the item is a draft without an index
    number (a published item's files are never removed: withdraw it instead); the audit
    event, recorded on the item, keeps the file's original name, size and SHA-256 (not its
    content); open findings in the file are closed as gone; the remover becomes one of the
    item's writers; the row is deleted now and the stored file only once the transaction
    has committed, so a rollback loses nothing.
    """
    when = _now(at)
    item = _locked(attachment.item)
    _require_editor(by, item)
    _require_attachments_editable(item, "移除附件")
    attachment = Attachment.objects.select_for_update().filter(pk=attachment.pk, item=item).first()
    if attachment is None:
        raise ValidationError("这个附件已经移除了，请刷新页面。")
    item.findings.filter(attachment=attachment, status=PersonalDataFinding.Status.OPEN).update(
        status=PersonalDataFinding.Status.GONE, resolved_at=when
    )
    audit_record(
        actor=by,
        action="attachment.remove",
        obj=item,
        organisation=item.organisation,
        before={
            "attachment": attachment.pk,
            "original_name": attachment.original_name,
            "stored_as": attachment.file.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
        note=(reason or "").strip(),
    )
    _attachments_changed(item, by=by, when=when)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()  # the findings keep their record, without the file (SET_NULL)
    delete_on_commit(storage=storage, name=name)
    _scan(item)
