"""What every application service shares: who may act, locking, events, the stored clock, audit."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from applications.services.clock import Clock, ClockEvent, compute_clock
from audit.services import audit_record
from catalog import access
from catalog.calendar import CalendarMissingError, work_calendar
from catalog.models import Role

# Who does what (documented in README "依申请公开"):
DRAFTERS = frozenset({Role.AUTHOR, Role.ORG_ADMIN})  # register, confirm, correspond, draft answers
APPROVERS = frozenset({Role.APPROVER, Role.ORG_ADMIN})  # approve answers (never their own)
# Art. 33's "head of the disclosure office" who approves an extension: the organisation's
# 分管领导 (approver) or its 机构管理员 (org_admin), the two roles that sign for the office.
EXTENSION_APPROVERS = APPROVERS
WORKERS = frozenset({Role.AUTHOR, Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN})

STALE = "这件申请刚被他人处理过，请刷新页面后再操作。"
CLOCK_KINDS = frozenset(
    {
        "correction_sent",
        "correction_received",
        "third_party_sent",
        "third_party_replied",
        "extended",
        "fee_notice",
        "fee_paid",
    }
)


def roles_of(by, application: Application) -> set[str]:
    """The roles `by` holds for the application's organisation; empty outside it (superusers: all)."""
    if by is None or not by.is_authenticated:
        return set()
    if by.is_superuser:
        return set(WORKERS)
    staff = access.staff_of(by)
    if staff is None or not access.can_edit(by, application.organisation_id):
        return set()
    return staff.roles & WORKERS


def require_role(by, application: Application, roles: frozenset[str], doing: str) -> None:
    if not roles_of(by, application) & roles:
        names = "或".join(str(Role(role).label) for role in sorted(roles))
        raise PermissionDenied(f"只有本机构的{names}可以{doing}。")


def locked(application: Application, version: int | None = None) -> Application:
    """The application's row, locked until the transaction ends; refuses a stale form."""
    fresh = Application.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=application.pk)
    if version is not None and fresh.version != version:
        raise ValidationError(STALE, code="stale")
    return fresh


def require_status(application: Application, *statuses: str, doing: str) -> None:
    if application.status not in statuses:
        raise ValidationError(
            f"申请当前为“{application.get_status_display()}”，不能{doing}。如与页面显示的不同，请刷新页面后再操作。",
            code="status",
        )


def moment(at: datetime | None) -> datetime:
    """When a step happens: now, or a given earlier moment (a case recorded after the fact, tests)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError("时间不能晚于现在。", code="future")
    return at


def event_day(on: date | None, application: Application, *, after: date | None = None) -> date:
    """The day an event happened: today by default, never in the future or before `after`."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError("日期不能晚于今天。", code="future")
    floor = after or application.received_on
    if floor and on < floor:
        raise ValidationError(f"日期不能早于 {floor:%Y-%m-%d}。", code="past")
    return on


def add_event(application: Application, *, kind: str, on: date, by, note: str = "", data=None) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        on=on,
        by=by if by and by.is_authenticated else None,
        note=note,
        data=data or {},
    )


def clock_of(application: Application, calendar=None, events=None) -> Clock | None:
    """The application's clock from its events (None before it is received).

    Without a calendar given, a year with no loaded holiday notice gives a provisional clock
    (weekends only, `clock.provisional`), so a case received in December is handled before the
    State Council's notice for next year is loaded; `load_calendar` recomputes it.
    """
    if application.received_on is None:
        return None
    if events is None:
        events = application.events.filter(kind__in=CLOCK_KINDS)
    clock_events = [
        ClockEvent(
            kind=e.kind,
            on=e.on,
            days=int(e.data.get("days", 0) or 0),
            until=date.fromisoformat(e.data["until"]) if e.data.get("until") else None,
        )
        for e in events
        if e.kind in CLOCK_KINDS
    ]
    if calendar is not None:
        return compute_clock(received_on=application.received_on, events=clock_events, calendar=calendar)
    try:
        return compute_clock(received_on=application.received_on, events=clock_events, calendar=work_calendar())
    except CalendarMissingError:
        year = application.received_on.year
        provisional = work_calendar(weekends_only=range(year - 1, year + 3))
        clock = compute_clock(received_on=application.received_on, events=clock_events, calendar=provisional)
        clock.provisional = True
        return clock


def save_changed(application: Application, *fields: str, refresh_clock: bool = True) -> None:
    """Store the application's new state, its recomputed clock and a new version."""
    names = set(fields) | {"version"}
    if refresh_clock and application.received_on is not None:
        clock = clock_of(application)
        application.due_on = clock.due_on
        application.pause_until = clock.pause_until
        application.consulting = clock.consulting
        application.due_on_provisional = clock.provisional
        names |= {"due_on", "pause_until", "consulting", "due_on_provisional"}
    application.version += 1
    application.save(update_fields=sorted(names))


def recompute_provisional_clocks(*, year: int) -> str:
    """After `load_calendar` loaded ``year``: every open case with a provisional clock gets its real one."""
    cases = list(
        Application.objects.filter(due_on_provisional=True).exclude(
            status__in=[Application.Status.CLOSED, Application.Status.VOID]
        )
    )
    fixed = 0
    for application in cases:
        clock = clock_of(application)
        if clock.provisional:
            continue  # still runs through another year without a notice
        application.due_on, application.pause_until = clock.due_on, clock.pause_until
        application.consulting, application.due_on_provisional = clock.consulting, False
        application.version += 1
        fixed += 1
    Application.objects.bulk_update(
        [a for a in cases if not a.due_on_provisional],
        ["due_on", "pause_until", "consulting", "due_on_provisional", "version"],
    )
    return f"已按 {year} 年节假日安排重新计算 {fixed} 件依申请公开的答复期限。" if fixed else ""


def audit(by, action: str, application: Application, *, after: dict | None = None, note: str = "") -> None:
    audit_record(
        actor=by, action=action, obj=application, organisation=application.organisation, after=after, note=note
    )
