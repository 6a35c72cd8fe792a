"""Lists on the staff home and the county board: due soon, overdue, waiting, Art. 44 proposals."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse

from applications.models import Application
from applications.services.clock import DUE_SOON_DAYS
from applications.services.proposals import proposal_candidates
from catalog import access
from catalog.calendar import CalendarMissingError, work_calendar
from township_portal.lib.panels import Panel, PanelRow, register_panels

ROWS = 10


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
    """Overdue, due within 5 working days, online submissions to confirm, Art. 44 proposals.

    One query when there is nothing to show; the calendar and the lists are read only when needed.
    """
    if not user.is_superuser and access.staff_of(user) is None:
        return []
    visible = Application.objects.filter(organisation__in=access.visible_organisations(user))
    open_q = Q(received_on__isnull=False) & ~Q(status__in=[Application.Status.CLOSED, Application.Status.VOID])
    # The applicant's period for a correction or a fee has ended: staff close it or record what came.
    lapsed_q = Q(status__in=[Application.Status.CORRECTION, Application.Status.FEE], pause_until__lt=today)
    # 5 working days never span more than 20 calendar days (国庆: 8 days off plus weekends).
    counts = visible.aggregate(
        overdue=Count("id", filter=open_q & Q(due_on__lt=today)),
        near=Count("id", filter=open_q & Q(due_on__gte=today, due_on__lte=today + timedelta(days=20))),
        waiting=Count("id", filter=Q(status=Application.Status.SUBMITTED)),
        lapsed=Count("id", filter=lapsed_q),
        recent=Count("id", filter=Q(received_on__gte=today - timedelta(days=365))),
    )
    panels = []
    if counts["overdue"] or counts["near"] or counts["waiting"]:
        panels += _case_panels(visible, open_q, counts, today)
    if counts["lapsed"]:
        panels.append(_lapsed_panel(visible, lapsed_q, counts["lapsed"]))
    if counts["recent"] >= 2:
        panels += _proposal_panels(visible, today)
    return panels


def _case_panels(visible, open_q, counts, today: date) -> list[Panel]:
    calendar = work_calendar()
    try:
        limit = calendar.add_workdays(today, DUE_SOON_DAYS)
    except CalendarMissingError:
        limit = today
    link = reverse("admin:applications_application_changelist")
    cases = visible.select_related("organisation")
    overdue = list(cases.filter(open_q, due_on__lt=today).order_by("due_on", "pk")[:ROWS])
    soon = list(cases.filter(open_q, due_on__gte=today, due_on__lte=limit).order_by("due_on", "pk")[:ROWS])
    waiting = list(cases.filter(status=Application.Status.SUBMITTED).order_by("submitted_at", "pk")[:ROWS])
    return [
        Panel(
            title="已超过答复期限的申请",
            rows=[_row(a, today, calendar) for a in overdue],
            total=counts["overdue"],
            empty="没有超期的申请。",
            link=f"{link}?clock=overdue",
            warning="有申请已超过法定答复期限，请尽快办理。" if overdue else "",
        ),
        Panel(
            title=f"{DUE_SOON_DAYS} 个工作日内到期的申请",
            rows=[_row(a, today, calendar) for a in soon],
            total=len(soon) if len(soon) < ROWS else cases.filter(open_q, due_on__gte=today, due_on__lte=limit).count(),
            empty="近期没有到期的申请。",
            link=f"{link}?clock=soon",
        ),
        Panel(
            title="待确认的网上申请",
            rows=[_row(a, today, calendar) for a in waiting],
            total=counts["waiting"],
            empty="没有待确认的网上申请。",
            link=f"{link}?status=submitted",
        ),
    ]


def _lapsed_panel(visible, lapsed_q, total: int) -> Panel:
    cases = visible.filter(lapsed_q).select_related("organisation").order_by("pause_until", "pk")[:ROWS]
    return Panel(
        title="补正、缴费期限已届满的申请",
        rows=[
            PanelRow(
                text=f"{a.number} {a.organisation.short_name}",
                url=reverse("admin:applications_application_change", args=[a.pk]),
                detail=f"{a.get_status_display()}，期限 {a.pause_until:%Y-%m-%d} 已届满：登记补正或缴费，或按逾期办结",
            )
            for a in cases
        ],
        total=total,
        empty="",
        link=reverse("admin:applications_application_changelist") + "?clock=lapsed",
        warning="申请人的补正或缴费期限已过，请办结或登记。",
    )


def _proposal_panels(visible, today: date) -> list[Panel]:
    pool = list(
        visible.received()
        .filter(received_on__gte=today - timedelta(days=365), proposals__isnull=True)
        .select_related("organisation")
        .order_by("pk")[:500]
    )
    candidates = proposal_candidates(pool)
    if not candidates:
        return []
    return [
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
    ]


def board_panels(*, user, today: date) -> list[Panel]:
    """The county office: every township's open, due-soon and overdue applications."""
    visible = access.visible_organisations(user)
    try:
        limit = work_calendar().add_workdays(today, DUE_SOON_DAYS)
    except CalendarMissingError:
        limit = today
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
