"""The staff home's "留言办理" panel and the county board's three-month alarm (each a fixed number of queries)."""

from django.db.models import Count, Q
from django.urls import reverse

from catalog import access
from catalog.models import Organisation
from mailbox.models import Message
from mailbox.services.deadlines import alarm_line, warning_line
from mailbox.services.permissions import visible_messages
from township_portal.lib.panels import Panel, PanelRow

ROWS = 10


def _alarm_text(count: int) -> str:
    return f"有 {count} 条留言超过三个月未答复：网站检查中属单项否决，请立即办理。" if count else ""


def staff_home_panels(*, user, today) -> list[Panel]:
    if access.staff_of(user) is None and not user.is_superuser:
        return []
    open_messages = visible_messages(user).open()
    soon, alarm = warning_line(today), alarm_line(today)
    counts = open_messages.aggregate(
        flagged=Count("pk", filter=Q(due_on__lte=soon)), alarm=Count("pk", filter=Q(received_on__lt=alarm))
    )
    flagged = open_messages.filter(due_on__lte=soon).select_related("office").order_by("due_on", "pk")[:ROWS]
    rows = [
        PanelRow(
            text=f"{m.number} {m.subject}",
            url=reverse("admin:mailbox_message_change", args=[m.pk]),
            detail=("已超期" if m.due_on < today else "即将到期")
            + f"，答复期限 {m.due_on:%Y-%m-%d}"
            + (f"，{m.office.short_name}" if m.office else "，待分办")
            + ("，超过三个月" if m.received_on < alarm else ""),
        )
        for m in flagged
    ]
    return [
        Panel(
            title="临近答复期限或超期的留言",
            rows=rows,
            total=counts["flagged"],
            empty="没有临近答复期限或超期的留言。",
            link=reverse("admin:mailbox_message_changelist") + "?open=1",
            warning=_alarm_text(counts["alarm"]),
        )
    ]


def county_board_panels(*, user, today) -> list[Panel]:
    alarm = alarm_line(today)
    townships = access.visible_organisations(user).filter(kind=Organisation.Kind.TOWNSHIP)
    rows = (
        Message.objects.open()
        .filter(organisation__in=townships, received_on__lt=alarm)
        .values("organisation__short_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__short_name")
    )
    rows = list(rows)
    total = sum(row["n"] for row in rows)
    return [
        Panel(
            title="超过三个月未答复的留言",
            rows=[PanelRow(text=row["organisation__short_name"], detail=f"{row['n']} 条") for row in rows],
            total=total,
            empty="各乡镇没有超过三个月未答复的留言。",
            warning=_alarm_text(total),
        )
    ]
