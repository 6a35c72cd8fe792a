"""Publishing answered messages on the township's 公众留言 page, with the writer's personal data removed.

The public columns are written here only: the writer's name becomes 王**, the writer's
phone and email never appear, ID, mobile and bank-card numbers found by the personal-data
scan are masked, and text with a word of the sensitive-word list is refused until the
publishing person rewrites it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from mailbox.models import Message
from mailbox.services.permissions import can_decide, require
from mailbox.validators import validate_body_size, validate_plain_text
from search.indexing import touch_organisations
from township_portal.lib.personal_data import mask_text, scan

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")


def mask_name(name: str) -> str:
    """王小明 -> 王**: the surname only, and the same two stars whatever the length."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else "匿名"


def sensitive_words() -> list[str]:
    return [*settings.SENSITIVE_WORDS, *settings.MAILBOX_SENSITIVE_WORDS]


def public_text(message: Message, text: str) -> str:
    """The text with the writer's name, phone and email replaced and every maskable finding masked."""
    name = message.writer_name.strip()
    if len(name) >= 2:
        text = text.replace(name, mask_name(name))
    if message.writer_email:
        text = text.replace(message.writer_email, "***")
    text = _EMAIL.sub("***", text)
    text = _LANDLINE.sub(lambda m: m.group(0)[:4] + re.sub(r"[0-9]", "*", m.group(0)[4:]), text)
    findings = [f for f in scan(text) if f.kind.is_maskable]
    text = mask_text(text, findings)
    if message.writer_phone and message.writer_phone in text:
        text = text.replace(message.writer_phone, "*" * len(message.writer_phone))
    return text


def publication_problems(*texts: str) -> list[str]:
    """Words of the sensitive-word list in the texts, as messages for the publishing person."""
    words = sorted(
        {f.value for text in texts for f in scan(text, sensitive_words=sensitive_words()) if not f.kind.is_maskable}
    )
    return [f"公开内容含敏感词“{word}”，请修改公开文本后再公开。" for word in words]


@transaction.atomic
def message_publish(*, message: Message, by, subject: str = "", body: str = "", answer: str = "") -> Message:
    """Publish an answered message the writer allowed to publish; the texts default to the originals."""
    require(can_decide(by, message), "只有本乡镇的审核人、分管领导或机构管理员可以公开留言。")
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != Message.Status.ANSWERED:
        raise ValidationError("只有已答复的留言可以公开。")
    if not message.may_publish:
        raise ValidationError("留言人未同意公开，不能公开。")
    if message.is_published:
        raise ValidationError("这条留言已经公开。")
    texts = {
        "subject": (subject or message.subject).strip(),
        "body": (body or message.body).strip(),
        "answer": (answer or message.answer).strip(),
    }
    for field, value in texts.items():
        try:
            validate_plain_text(value)
            validate_body_size(value)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    texts = {field: public_text(message, value) for field, value in texts.items()}
    if problems := publication_problems(*texts.values()):
        raise ValidationError(problems)
    message.public_subject = texts["subject"][:100]
    message.public_body = texts["body"]
    message.public_answer = texts["answer"]
    message.public_writer = mask_name(message.writer_name)
    message.published_at, message.published_by = timezone.now(), by
    message.unpublished_at, message.unpublish_reason = None, ""
    message.save()
    touch_organisations({message.organisation_id})  # cached portal and search pages change
    audit_record(actor=by, action="mailbox.publish", obj=message, organisation=message.organisation)
    return message


@transaction.atomic
def message_unpublish(*, message: Message, by, reason: str) -> Message:
    """Take a published message off the public page; the reason is kept."""
    require(can_decide(by, message), "只有本乡镇的审核人、分管领导或机构管理员可以撤下留言。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤下的理由。"})
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message.is_published:
        raise ValidationError("这条留言没有公开。")
    message.unpublished_at, message.unpublish_reason = timezone.now(), reason[:500]
    message.save(update_fields=["unpublished_at", "unpublish_reason"])
    touch_organisations({message.organisation_id})
    audit_record(
        actor=by,
        action="mailbox.unpublish",
        obj=message,
        organisation=message.organisation,
        after={"reason": reason[:500]},
    )
    return message
