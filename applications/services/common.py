"""What every application service shares: who may act, locking, events, the stored clock, audit."""

from __future__ import annotations

from datetime import date

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
    """The application's clock from its events (None before it is received)."""
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
    return compute_clock(received_on=application.received_on, events=clock_events, calendar=calendar or work_calendar())


def save_changed(application: Application, *fields: str, refresh_clock: bool = True) -> None:
    """Store the application's new state, its recomputed clock and a new version."""
    names = set(fields) | {"version"}
    if refresh_clock and application.received_on is not None:
        try:
            clock = clock_of(application)
        except CalendarMissingError as exc:
            raise ValidationError(
                f"没有加载 {exc.year} 年的节假日安排，无法计算答复期限。"
                "请管理员先加载该年的工作日历（load_calendar）。",
                code="calendar_missing",
            ) from None
        application.due_on = clock.due_on
        application.pause_until = clock.pause_until
        application.consulting = clock.consulting
        names |= {"due_on", "pause_until", "consulting"}
    application.version += 1
    application.save(update_fields=sorted(names))


def audit(by, action: str, application: Application, *, after: dict | None = None, note: str = "") -> None:
    audit_record(
        actor=by, action=action, obj=application, organisation=application.organisation, after=after, note=note
    )
