"""The text of long PDFs, read by the task queue after the upload.

An upload in the admin is checked in the request (`attachment_check(defer_text=True)`): its
kind, size and every inflated part are judged there, so a refused file still writes
nothing. Only reading the text of a long PDF (pypdf reads ~40 pages a second) moves here:

    attachment stored with text_state=pending  →  on commit: attachment_text_extract.enqueue(pk)
    worker: reads the text (ATTACHMENT_QUEUE_PARSE_SECONDS)  →  ready, the item's scan rerun
                                                              →  failed, with the reason

Until every attachment of an item is ready the item cannot be submitted for review or
published (`require_texts_ready`), so nothing reaches the public unscanned.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from disclosure.attachments import stored_text
from disclosure.models import Attachment, Item

# A pending attachment older than this when someone tries to submit is queued again (its task
# may have been lost with a worker that stopped).
REQUEUE_AFTER = timedelta(minutes=10)


def queue_text(attachment: Attachment) -> None:
    """Queue the attachment's text once the transaction that stored it commits."""
    pk = attachment.pk
    transaction.on_commit(lambda: attachment_text_extract.enqueue(pk))


@task()
def attachment_text_extract(attachment_id: int) -> str:
    """Read one pending attachment's text, store it and rescan its item (idempotent)."""
    attachment = Attachment.objects.filter(pk=attachment_id, text_state=Attachment.TextState.PENDING).first()
    if attachment is None:
        return "nothing to do"
    try:
        text, error = stored_text(attachment), ""
    except ValidationError as exc:
        text, error = "", "；".join(exc.messages)[:500]
    from disclosure.services.findings import _scan

    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=attachment.item_id)
        updated = Attachment.objects.filter(pk=attachment_id, text_state=Attachment.TextState.PENDING).update(
            text=text,
            text_state=Attachment.TextState.FAILED if error else Attachment.TextState.READY,
            text_error=error,
        )
        if updated:
            _scan(item)
    return f"failed: {error}" if error else f"{len(text)} characters"


def require_texts_ready(item: Item, doing: str) -> None:
    """Refuse `doing` while an attachment's text is still being read, or could not be read."""
    unready = list(item.attachments.exclude(text_state=Attachment.TextState.READY).order_by("order", "pk"))
    if not unready:
        return
    failed = [a for a in unready if a.text_state == Attachment.TextState.FAILED]
    if failed:
        names = "、".join(f"“{a.original_name}”（{a.text_error}）" for a in failed)
        raise ValidationError(
            f"附件 {names} 的文字未能提取，无法检查其中的个人信息，不能{doing}。请删除该附件，换一个文件后重试。"
        )
    stale = timezone.now() - REQUEUE_AFTER
    for attachment in unready:
        if attachment.uploaded_at < stale:
            queue_text(attachment)
    names = "、".join(f"“{a.original_name}”" for a in unready)
    raise ValidationError(f"附件 {names} 较长，正在后台提取文字以检查个人信息，完成后才能{doing}。请几分钟后再试。")
