"""Answering: assign to an office (站所), draft, a second person approves or returns, deliver; or close with a reason.

Each step locks the row and checks its state, so two people clicking at once cannot
both succeed; every step is audited.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Organisation
from mailbox.models import Message
from mailbox.services.permissions import can_decide, can_handle, require
from mailbox.validators import validate_body_size, validate_plain_text

Status = Message.Status


def _locked(message: Message, *states: str) -> Message:
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.status not in states:
        raise ValidationError(f"这条留言当前为“{locked.get_status_display()}”，不能进行此操作，请刷新页面。")
    return locked


def _audit(message: Message, by, action: str, **after) -> None:
    audit_record(
        actor=by, action=f"mailbox.{action}", obj=message, organisation=message.organisation, after=after or None
    )


def _text(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"请填写{label}。"})
    try:
        validate_plain_text(value)
        validate_body_size(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return value


@transaction.atomic
def message_assign(*, message: Message, by, office: Organisation) -> Message:
    """Give the message to one of the township's offices (or the township itself).

    Reassigning is allowed until the answer is approved.
    """
    require(can_handle(by, Message(organisation=message.organisation)), "只有本乡镇的工作人员可以分办留言。")
    if office.pk != message.organisation_id and (office.parent_id != message.organisation_id or not office.is_active):
        raise ValidationError({"office": "只能分办给本乡镇的站所。"})
    message = _locked(message, Status.RECEIVED, Status.ASSIGNED, Status.DRAFTED)
    message.office, message.assigned_by, message.assigned_at = office, by, timezone.now()
    if message.status == Status.RECEIVED:
        message.status = Status.ASSIGNED
    message.save(update_fields=["office", "assigned_by", "assigned_at", "status"])
    _audit(message, by, "assign", office=office.name)
    return message


@transaction.atomic
def message_draft(*, message: Message, by, answer: str) -> Message:
    """The office writes (or rewrites) the answer and sends it for approval."""
    require(can_handle(by, message))
    answer = _text(answer, field="answer", label="答复内容")
    message = _locked(message, Status.ASSIGNED, Status.DRAFTED)
    message.answer, message.drafted_by, message.drafted_at = answer, by, timezone.now()
    message.status, message.return_comment = Status.DRAFTED, ""
    message.save(update_fields=["answer", "drafted_by", "drafted_at", "status", "return_comment"])
    _audit(message, by, "draft")
    return message


@transaction.atomic
def message_approve(*, message: Message, by) -> Message:
    """A second person approves the answer: never the one who drafted it."""
    require(can_decide(by, message), "只有本乡镇的审核人、分管领导或机构管理员可以审核答复。")
    message = _locked(message, Status.DRAFTED)
    require(message.drafted_by_id != by.pk, "答复须由拟稿人以外的另一人审核，您不能审核自己起草的答复。")
    message.approved_by, message.approved_at, message.status = by, timezone.now(), Status.APPROVED
    message.save(update_fields=["approved_by", "approved_at", "status"])
    _audit(message, by, "approve")
    return message


@transaction.atomic
def message_return(*, message: Message, by, comment: str) -> Message:
    """The approver sends the draft back to the office with a comment."""
    require(can_decide(by, message), "只有本乡镇的审核人、分管领导或机构管理员可以退回答复。")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见。"})
    message = _locked(message, Status.DRAFTED)
    message.status, message.return_comment = Status.ASSIGNED, comment[:500]
    message.save(update_fields=["status", "return_comment"])
    _audit(message, by, "return", comment=comment[:500])
    return message


@transaction.atomic
def message_deliver(*, message: Message, by, delivery: str, answered_on: date) -> Message:
    """The approved answer reached the writer (and shows on the status page from now on)."""
    require(can_handle(by, message))
    if delivery not in Message.Delivery.values:
        raise ValidationError({"delivery": "请选择送达方式。"})
    message = _locked(message, Status.APPROVED)
    if answered_on > timezone.localdate() or answered_on < message.received_on:
        raise ValidationError({"answered_on": "答复日期须在收到日期和今天之间。"})
    message.delivery, message.delivered_by, message.answered_on = delivery, by, answered_on
    message.status = Status.ANSWERED
    message.save(update_fields=["delivery", "delivered_by", "answered_on", "status"])
    _audit(message, by, "deliver", delivery=delivery, answered_on=answered_on.isoformat())
    return message


@transaction.atomic
def message_close(*, message: Message, by, reason: str) -> Message:
    """Close without an answer (a duplicate, abuse, nothing to answer): a decision, with its reason kept."""
    require(can_decide(by, message), "只有本乡镇的审核人、分管领导或机构管理员可以决定不予受理。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予受理的理由。"})
    message = _locked(message, Status.RECEIVED, Status.ASSIGNED, Status.DRAFTED)
    message.status, message.closed_reason, message.closed_at = Status.CLOSED, reason[:500], timezone.now()
    message.save(update_fields=["status", "closed_reason", "closed_at"])
    _audit(message, by, "close", reason=reason[:500])
    return message
