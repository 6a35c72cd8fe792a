"""The events that move the clock: 补正, third-party consultation, extension, fee notice.

Each service locks the application, checks the person's role and the application's state,
records the event (the clock is recomputed from the events), writes the letter the
Regulation requires, audits, and does all of it or nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.models import Application, EventKind, Letter
from applications.services.clock import (
    FEE_PAYMENT_DAYS,
    MAX_EXTENSION_DAYS,
    THIRD_PARTY_DAYS,
)
from applications.services.common import (
    DRAFTERS,
    EXTENSION_APPROVERS,
    add_event,
    audit,
    clock_of,
    event_day,
    locked,
    moment,
    require_role,
    require_status,
    save_changed,
)
from applications.services.letters import letter_generate
from applications.validation import check_plain_text
from catalog.calendar import work_calendar
from township_portal.lib.files import atomic_with_files

Status = Application.Status


def _text(value: str, label: str, *, required: bool = True, limit: int = 2000) -> str:
    value = check_plain_text(value or "", label)
    if required and not value:
        raise ValidationError(f"请填写“{label}”。")
    if len(value) > limit:
        raise ValidationError(f"“{label}”最多 {limit} 个字。")
    return value


def correction_send(
    *, application: Application, by, missing: str, until: date, on: date | None = None, version: int | None = None
) -> Application:
    """Send the one correction notice (Art. 30): within 7 working days of receipt, saying what and by when."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "发出补正通知")
        require_status(application, Status.OPEN, doing="发出补正通知")
        if application.events.filter(kind=EventKind.CORRECTION_SENT).exists():
            raise ValidationError("补正通知只能发出一次（第三十条：一次性告知）。")
        day = event_day(on, application)
        clock = clock_of(application)
        if day > clock.correction_notice_by:
            raise ValidationError(
                f"补正通知应在收到申请之日起 7 个工作日内发出"
                f"（最迟 {clock.correction_notice_by:%Y-%m-%d}），已超过期限。"
            )
        missing = _text(missing, "需要补正的事项")
        if until is None or until <= day:
            raise ValidationError("请给出晚于今天的补正期限。")
        application.status = Status.CORRECTION
        add_event(
            application, kind=EventKind.CORRECTION_SENT, on=day, by=by, note=missing, data={"until": until.isoformat()}
        )
        save_changed(application, "status")
        letter_generate(
            application=application,
            kind=Letter.Kind.CORRECTION,
            dated=day,
            context={"missing": missing, "until": until},
        )
        audit(by, "application.correction_send", application, after={"until": until.isoformat()})
    return application


def correction_receive(
    *, application: Application, by, on: date | None = None, note: str = "", version: int | None = None
) -> Application:
    """Record the corrected application: the 20 working days run again from that day."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "登记补正")
        require_status(application, Status.CORRECTION, doing="登记补正")
        day = event_day(on, application)
        application.status = Status.OPEN
        add_event(
            application, kind=EventKind.CORRECTION_RECEIVED, on=day, by=by, note=_text(note, "补正内容", required=False)
        )
        save_changed(application, "status")
        audit(by, "application.correction_receive", application, after={"on": day.isoformat()})
    return application


def _close(application: Application, *, by, outcome: str, kind: str, day: date, note: str) -> None:
    application.status = Status.CLOSED
    application.outcome = outcome
    application.closed_on = day
    add_event(application, kind=kind, on=day, by=by, note=note)
    save_changed(application, "status", "outcome", "closed_on", refresh_clock=False)


def correction_lapse(
    *, application: Application, by, version: int | None = None, at: datetime | None = None
) -> Application:
    """No correction by the period's end: the application is no longer handled (其他处理（一）)."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "办结逾期未补正的申请")
        require_status(application, Status.CORRECTION, doing="按逾期未补正办结")
        today = timezone.localdate(moment(at))
        if application.pause_until and today <= application.pause_until:
            raise ValidationError(f"补正期限到 {application.pause_until:%Y-%m-%d} 为止，尚未届满。")
        _close(application, by=by, outcome="other_1", kind=EventKind.CORRECTION_LAPSED, day=today, note="逾期未补正")
        audit(by, "application.correction_lapse", application)
    return application


def third_party_consult(
    *, application: Application, by, party: str, on: date | None = None, version: int | None = None
) -> Application:
    """Ask a third party in writing (Art. 32); its 15 working days for a reply do not count."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "征求第三方意见")
        require_status(application, Status.OPEN, doing="征求第三方意见")
        if application.consulting:
            raise ValidationError("正在等待第三方答复，请先登记答复。")
        party = _text(party, "第三方名称", limit=100)
        day = event_day(on, application)
        reply_by = work_calendar().add_workdays(day, THIRD_PARTY_DAYS)
        add_event(application, kind=EventKind.THIRD_PARTY_SENT, on=day, by=by, note="", data={"party": party})
        save_changed(application)
        letter_generate(
            application=application,
            kind=Letter.Kind.THIRD_PARTY,
            dated=day,
            context={"party": party, "reply_by": reply_by},
        )
        audit(by, "application.third_party_consult", application, after={"reply_by": reply_by.isoformat()})
    return application


def third_party_reply(
    *, application: Application, by, on: date | None = None, note: str = "", version: int | None = None
) -> Application:
    """Record the third party's reply (or, after 15 working days, its silence); the clock runs again."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "登记第三方答复")
        if not application.consulting:
            raise ValidationError("这件申请没有在等待第三方答复。如与页面显示的不同，请刷新页面后再操作。")
        sent = application.events.filter(kind=EventKind.THIRD_PARTY_SENT).order_by("-on", "-pk").first()
        day = event_day(on, application, after=sent.on)
        add_event(
            application,
            kind=EventKind.THIRD_PARTY_REPLIED,
            on=day,
            by=by,
            note=_text(note, "第三方意见", required=False),
        )
        save_changed(application)
        audit(by, "application.third_party_reply", application)
    return application


def application_extend(
    *, application: Application, by, days: int, reason: str, on: date | None = None, version: int | None = None
) -> Application:
    """Extend the time limit once, by at most 20 working days (Art. 33), with a reason, told to the applicant.

    Only the head of the disclosure office approves it: the organisation's 分管领导 or 机构管理员.
    """
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, EXTENSION_APPROVERS, "批准延长答复期限")
        require_status(application, Status.OPEN, doing="延长答复期限")
        if application.events.filter(kind=EventKind.EXTENDED).exists():
            raise ValidationError("答复期限只能延长一次（第三十三条）。")
        if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
            raise ValidationError(f"延长的期限为 1 到 {MAX_EXTENSION_DAYS} 个工作日。")
        reason = _text(reason, "延期理由", limit=500)
        day = event_day(on, application)
        if application.due_on and day > application.due_on:
            raise ValidationError("答复期限已过，不能再延长。")
        add_event(application, kind=EventKind.EXTENDED, on=day, by=by, note=reason, data={"days": days})
        save_changed(application)
        letter_generate(
            application=application,
            kind=Letter.Kind.EXTENSION,
            dated=day,
            context={"days": days, "reason": reason, "new_due": application.due_on},
        )
        audit(by, "application.extend", application, after={"days": days, "due_on": application.due_on.isoformat()})
    return application


def fee_notify(
    *, application: Application, by, amount, basis: str, on: date | None = None, version: int | None = None
) -> Application:
    """Send a fee notice (Art. 42): the clock stands still while the applicant may pay (20 working days)."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "发出收费通知")
        require_status(application, Status.OPEN, doing="发出收费通知")
        if application.events.filter(kind=EventKind.FEE_NOTICE).exists():
            raise ValidationError("这件申请已经发过收费通知。")
        try:
            amount = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError("收费金额应为数字（元）。") from None
        if amount <= 0 or amount > Decimal("100000"):
            raise ValidationError("收费金额应大于 0 元。")
        basis = _text(basis, "计费依据", limit=500)
        day = event_day(on, application)
        pay_by = work_calendar().add_workdays(day, FEE_PAYMENT_DAYS)
        application.status = Status.FEE
        add_event(application, kind=EventKind.FEE_NOTICE, on=day, by=by, note=basis, data={"amount": str(amount)})
        save_changed(application, "status")
        letter_generate(
            application=application,
            kind=Letter.Kind.FEE,
            dated=day,
            context={"amount": amount, "basis": basis, "pay_by": pay_by},
        )
        audit(by, "application.fee_notify", application, after={"amount": str(amount)})
    return application


def fee_pay(*, application: Application, by, on: date | None = None, version: int | None = None) -> Application:
    """Record the payment: the clock runs again from the next day."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "登记缴费")
        require_status(application, Status.FEE, doing="登记缴费")
        notice = application.events.filter(kind=EventKind.FEE_NOTICE).get()
        day = event_day(on, application, after=notice.on)
        application.status = Status.OPEN
        add_event(application, kind=EventKind.FEE_PAID, on=day, by=by, data={"amount": notice.data.get("amount", "0")})
        save_changed(application, "status")
        audit(by, "application.fee_pay", application, after={"amount": notice.data.get("amount", "0")})
    return application


def fee_lapse(*, application: Application, by, version: int | None = None, at: datetime | None = None) -> Application:
    """No payment within 20 working days: the application is no longer handled (其他处理（二）)."""
    with atomic_with_files():
        application = locked(application, version)
        require_role(by, application, DRAFTERS, "办结逾期未缴费的申请")
        require_status(application, Status.FEE, doing="按逾期未缴费办结")
        today = timezone.localdate(moment(at))
        if application.pause_until and today <= application.pause_until:
            raise ValidationError(f"缴费期限到 {application.pause_until:%Y-%m-%d} 为止，尚未届满。")
        _close(application, by=by, outcome="other_2", kind=EventKind.FEE_LAPSED, day=today, note="逾期未缴费")
        audit(by, "application.fee_lapse", application)
    return application
