"""The answer (Art. 36, 37): drafted by one person, approved by another, then delivered."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone

from applications.models import Answer, AnswerFile, Application, Channel, DeliveryMeans, EventKind, Letter
from applications.services.common import (
    APPROVERS,
    DRAFTERS,
    STALE,
    add_event,
    audit,
    event_day,
    locked,
    moment,
    require_role,
    require_status,
    save_changed,
)
from applications.services.letters import letter_generate
from applications.validation import check_plain_text
from catalog import access
from catalog.models import Organisation
from disclosure.attachments import CheckedFile
from disclosure.models import Item
from township_portal.lib.annual import OUTCOME_CODES, OUTCOMES
from township_portal.lib.files import atomic_with_files, save_file
from township_portal.lib.personal_data import scan

Status = Application.Status

# What each outcome must say (Art. 36): the legal reason for a refusal, the holder when not held.
NEEDS_LEGAL_BASIS = {code for code in OUTCOME_CODES if code.startswith(("refused_", "not_processed_"))} | {"partial"}
NEEDS_HOLDER = {"unable_1"}
WITH_FILES = {"disclosed", "partial"}
# Closed by the clock, not by an answer: 逾期不补正 / 逾期不缴费 have their own services.
NOT_ANSWERS = {"other_1", "other_2"}
ANSWER_OUTCOMES = [(code, f"{group}{label}") for code, group, label in OUTCOMES if code not in NOT_ANSWERS]


def _scan_findings(checked: CheckedFile) -> list[dict]:
    return [{"kind": f.kind.value, "label": f.kind.label, "masked": f.masked} for f in scan(checked.text or "")]


def answer_draft(
    *,
    application: Application,
    by,
    outcome: str,
    explanation: str,
    legal_basis: str = "",
    published_item: Item | None = None,
    holder_name: str = "",
    holder_organisation: Organisation | None = None,
    files: Iterable[CheckedFile] = (),
    version: int | None = None,
    at: datetime | None = None,
) -> Answer:
    """Draft the answer for approval; the outcome's own requirements are checked, files scanned.

    Guarantees: one draft at a time; an already-public answer names a published item and its
    索引号 (Art. 36(1)); a refusal gives its legal basis; "not held" names the holder; disclosed
    files passed `attachment_check` and carry their personal-data findings for the approver.
    """
    files = list(files)
    when = moment(at)
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "拟写答复")
        require_status(application, Status.OPEN, doing="拟写答复")
        if application.answers.filter(state=Answer.State.DRAFT).exists():
            raise ValidationError("已有一份答复在等待审批。")
        errors = {}
        if outcome not in dict(ANSWER_OUTCOMES):
            errors["outcome"] = "请选择办理结果。"
        explanation = check_plain_text(explanation or "", "答复内容")
        if not explanation:
            errors["explanation"] = "请填写答复内容。"
        legal_basis = check_plain_text(legal_basis or "", "法律依据")
        holder_name = check_plain_text(holder_name or "", "掌握该信息的机关")
        if outcome in NEEDS_LEGAL_BASIS and not legal_basis:
            errors["legal_basis"] = "不予公开、部分公开和不予处理须写明法律依据。"
        if outcome in NEEDS_HOLDER and not (holder_name or holder_organisation):
            errors["holder_name"] = "本机关不掌握该信息时，须告知掌握该信息的机关。"
        if files and outcome not in WITH_FILES:
            errors["files"] = "只有予以公开或部分公开的答复才附公开的文件。"
        if published_item is not None and (
            published_item.status != Item.Status.PUBLISHED or not access.can_view(by, published_item.organisation_id)
        ):
            errors["published_item"] = "请选择本机构已经发布的信息。"
        if holder_organisation is not None and holder_organisation.pk == application.organisation_id:
            errors["holder_organisation"] = "不能转办给本机关自己。"
        if errors:
            raise ValidationError(errors)
        answer = Answer.objects.create(
            application=application,
            outcome=outcome,
            explanation=explanation,
            legal_basis=legal_basis,
            published_item=published_item,
            published_index_number=(published_item.index_number or "") if published_item else "",
            holder_name=holder_name or (holder_organisation.name if holder_organisation else ""),
            holder_organisation=holder_organisation,
            drafted_by=by,
            drafted_at=when,
        )
        for checked in files:
            checked.data.seek(0)
            name = save_file(
                storage=default_storage,
                name=f"applications/files/{uuid.uuid4().hex}{checked.kind.extensions[0]}",
                content=checked.data,
            )
            AnswerFile.objects.create(
                answer=answer,
                file=name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                findings=_scan_findings(checked),
            )
        add_event(application, kind=EventKind.ANSWER_DRAFTED, on=timezone.localdate(when), by=by, note=outcome)
        save_changed(application, refresh_clock=False)
        audit(by, "application.answer_draft", application, after={"outcome": outcome, "files": len(files)})
    return answer


def _locked_draft(answer: Answer, version: int | None) -> tuple[Application, Answer]:
    application = locked(answer.application, version)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.state != Answer.State.DRAFT:
        raise ValidationError(STALE, code="stale")
    return application, answer


def answer_approve(
    *, answer: Answer, by, findings_checked: bool = False, version: int | None = None, at: datetime | None = None
) -> Answer:
    """Approve the draft (never by its drafter): the application is answered and its letter generated.

    When the information is held by another body on this platform, the application is
    handed over (转办): a copy is filed with that body, for it to confirm.
    """
    with atomic_with_files():
        application, answer = _locked_draft(answer, version)
        require_role(by, application, APPROVERS, "审批答复")
        if by.pk == answer.drafted_by_id:
            raise PermissionDenied("拟写答复的人不能审批自己的答复。")
        require_status(application, Status.OPEN, doing="审批答复")
        flagged = [f for f in answer.files.all() if f.findings]
        if flagged and not findings_checked:
            names = "、".join(f.original_name for f in flagged)
            raise ValidationError(f"公开的文件中发现个人信息（{names}），请核对并勾选“已核对个人信息”后再审批。")
        when = moment(at)
        today = timezone.localdate(when)
        answer.state = Answer.State.APPROVED
        answer.decided_by = by
        answer.decided_at = when
        answer.answered_on = today
        try:
            answer.save(update_fields=["state", "decided_by", "decided_at", "answered_on"])
        except IntegrityError:
            raise ValidationError(STALE, code="stale") from None
        application.status = Status.CLOSED
        application.outcome = answer.outcome
        application.closed_on = today
        add_event(application, kind=EventKind.ANSWERED, on=today, by=by, note=answer.get_outcome_display())
        save_changed(application, "status", "outcome", "closed_on", refresh_clock=False)
        handed = _hand_over(application, answer, by, when) if answer.holder_organisation_id else None
        letter_generate(
            application=application,
            kind=Letter.Kind.ANSWER,
            dated=today,
            context={"answer": answer, "files": list(answer.files.all()), "handed_over": handed},
        )
        audit(by, "application.answer_approve", application, after={"outcome": answer.outcome})
    return answer


def _hand_over(application: Application, answer: Answer, by, when: datetime) -> Application:
    target = answer.holder_organisation
    if target.kind == Organisation.Kind.OFFICE or not target.is_active:
        raise ValidationError("转办的机构不受理政府信息公开申请。")
    from applications.services.intake import _allocate_number

    fields = [
        "applicant_kind", "applicant_name", "id_type", "id_number", "legal_representative", "contact_person",
        "work_unit", "phone", "address", "postcode", "email", "description", "document_title",
        "document_number", "other_features", "form_wanted", "delivery_wanted", "needs_help",
    ]  # fmt: skip
    copy = Application.objects.create(
        organisation=target,
        number=_allocate_number(target, timezone.localdate(when).year),
        query_code_hash=application.query_code_hash,  # the applicant follows it with the same 查询码
        channel=Channel.HANDOVER,
        status=Status.SUBMITTED,
        submitted_at=when,
        handed_over_from=application,
        **{name: getattr(application, name) for name in fields},
    )
    add_event(
        copy,
        kind=EventKind.SUBMITTED,
        on=timezone.localdate(when),
        by=by,
        note=f"由{application.organisation.name}转来",
    )
    add_event(
        application,
        kind=EventKind.HANDED_OVER,
        on=timezone.localdate(when),
        by=by,
        note=f"转{target.name}（{copy.number}）",
    )
    audit(by, "application.hand_over", application, after={"to": copy.number})
    return copy


def answer_return(
    *, answer: Answer, by, comment: str, version: int | None = None, at: datetime | None = None
) -> Answer:
    """Send the draft back to be rewritten, with a comment."""
    with atomic_with_files():
        application, answer = _locked_draft(answer, version)
        require_role(by, application, APPROVERS, "退回答复")
        if by.pk == answer.drafted_by_id:
            raise PermissionDenied("拟写答复的人不能审批自己的答复。")
        comment = check_plain_text(comment or "", "退回意见")
        if not comment:
            raise ValidationError("请写明退回意见。")
        when = moment(at)
        answer.state = Answer.State.RETURNED
        answer.decided_by = by
        answer.decided_at = when
        answer.return_comment = comment[:500]
        answer.save(update_fields=["state", "decided_by", "decided_at", "return_comment"])
        add_event(application, kind=EventKind.ANSWER_RETURNED, on=timezone.localdate(when), by=by, note=comment[:500])
        save_changed(application, refresh_clock=False)
        audit(by, "application.answer_return", application, note=comment[:500])
    return answer


def answer_deliver(
    *, application: Application, by, means: str, on: date | None = None, version: int | None = None
) -> Answer:
    """Record how and when the answer reached the applicant."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "登记送达")
        answer = application.answers.filter(state=Answer.State.APPROVED).first()
        if answer is None:
            raise ValidationError("这件申请还没有审批通过的答复。")
        if answer.delivered_on:
            raise ValidationError("已登记过送达。")
        if means not in DeliveryMeans.values:
            raise ValidationError({"means": "请选择送达方式。"})
        day = event_day(on, application, after=answer.answered_on)
        answer.delivered_on = day
        answer.delivery_means = means
        answer.save(update_fields=["delivered_on", "delivery_means"])
        add_event(application, kind=EventKind.DELIVERED, on=day, by=by, note=DeliveryMeans(means).label)
        save_changed(application, refresh_clock=False)
        audit(by, "application.deliver", application, after={"on": day.isoformat(), "means": means})
    return answer
