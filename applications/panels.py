"""Lists on the staff home and the county board: due soon, overdue, waiting, Art. 44 proposals."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from applications.models import Application
from applications.services.clock import DUE_SOON_DAYS
from applications.services.proposals import proposal_candidates
from catalog import access
from catalog.calendar import CalendarMissingError, work_calendar
from township_portal.lib.panels import Panel, PanelRow, register_panels

ROWS = 10


def _soon_limit(today: date) -> date | None:
    try:
        return work_calendar().add_workdays(today, DUE_SOON_DAYS)
    except CalendarMissingError:
        return None


def _row(application: Application, today: date, calendar) -> PanelRow:
    detail = application.get_status_display()
    if application.due_on:
        try:
            left = calendar.workdays_between(today, application.due_on)
        except CalendarMissingError:
            left = None
        if left is not None:
            detail = f"答复期限 {application.due_on:%Y-%m-%d}，" + (
                f"已超期 {-left} 个工作日" if left < 0 else f"还剩 {left} 个工作日"
            )
    return PanelRow(
        text=f"{application.number} {application.organisation.short_name}",
        url=reverse("admin:applications_application_change", args=[application.pk]),
        detail=detail,
    )


def staff_panels(*, user, today: date) -> list[Panel]:
    visible = access.visible_organisations(user)
    if not user.is_superuser and access.staff_of(user) is None:
        return []
    base = Application.objects.open().filter(organisation__in=visible).select_related("organisation")
    limit = _soon_limit(today)
    calendar = work_calendar()
    link = reverse("admin:applications_application_changelist")
    panels = []
    overdue = base.filter(due_on__lt=today).order_by("due_on")
    overdue_rows = list(overdue[:ROWS])
    panels.append(
        Panel(
            title="已超过答复期限的申请",
            rows=[_row(a, today, calendar) for a in overdue_rows],
            total=overdue.count() if len(overdue_rows) == ROWS else len(overdue_rows),
            empty="没有超期的申请。",
            link=f"{link}?clock=overdue",
            warning="有申请已超过法定答复期限，请尽快办理。" if overdue_rows else "",
        )
    )
    if limit is not None:
        soon = base.filter(due_on__gte=today, due_on__lte=limit).order_by("due_on")
        soon_rows = list(soon[:ROWS])
        panels.append(
            Panel(
                title=f"{DUE_SOON_DAYS} 个工作日内到期的申请",
                rows=[_row(a, today, calendar) for a in soon_rows],
                total=soon.count() if len(soon_rows) == ROWS else len(soon_rows),
                empty="近期没有到期的申请。",
                link=f"{link}?clock=soon",
            )
        )
    waiting = Application.objects.filter(organisation__in=visible, status=Application.Status.SUBMITTED)
    waiting_rows = list(waiting.select_related("organisation").order_by("submitted_at")[:ROWS])
    panels.append(
        Panel(
            title="待确认的网上申请",
            rows=[_row(a, today, calendar) for a in waiting_rows],
            total=waiting.count() if len(waiting_rows) == ROWS else len(waiting_rows),
            empty="没有待确认的网上申请。",
            link=f"{link}?status=submitted",
        )
    )
    candidates = proposal_candidates(
        list(
            Application.objects.received()
            .filter(organisation__in=visible, proposals__isnull=True)
            .select_related("organisation")
            .order_by("pk")[:500]
        )
    )
    if candidates:
        panels.append(
            Panel(
                title="建议转为主动公开（第四十四条：多人申请相同信息）",
                rows=[
                    PanelRow(
                        text=(group[0].document_title or group[0].description)[:40],
                        url=reverse("admin:applications_application_propose", args=[group[0].pk]),
                        detail="、".join(a.number for a in group),
                    )
                    for group in candidates[:ROWS]
                ],
                total=len(candidates),
            )
        )
    return panels


def board_panels(*, user, today: date) -> list[Panel]:
    """The county office: every township's open, due-soon and overdue applications."""
    visible = access.visible_organisations(user)
    limit = _soon_limit(today) or today
    rows = (
        Application.objects.open()
        .filter(organisation__in=visible)
        .values("organisation__short_name", "organisation__order")
        .annotate(
            open=Count("id"),
            soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=limit)),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
        .order_by("organisation__order", "organisation__short_name")
    )
    rows = list(rows)
    link = reverse("admin:applications_application_changelist")
    return [
        Panel(
            title="各乡镇依申请公开办理情况",
            rows=[
                PanelRow(
                    text=row["organisation__short_name"],
                    url=link,
                    detail=(
                        f"办理中 {row['open']} 件，{DUE_SOON_DAYS} 个工作日内到期 {row['soon']} 件，"
                        f"已超期 {row['overdue']} 件"
                    ),
                )
                for row in rows
            ],
            total=sum(row["open"] for row in rows),
            empty="没有在办的政府信息公开申请。",
            warning="有乡镇的申请已超过答复期限。" if any(row["overdue"] for row in rows) else "",
        )
    ]


register_panels("staff_home", staff_panels)
register_panels("county_board", board_panels)
