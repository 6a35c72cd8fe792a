"""The staff home's "留言办理" panel and the county board's three-month alarm (each a fixed number of queries)."""

from django.db.models import Case, Count, IntegerField, Q, Sum, When, Window
from django.urls import reverse

from catalog import access
from catalog.models import Organisation
from mailbox.models import Message
from mailbox.services.deadlines import alarm_line
from mailbox.services.permissions import visible_messages
from township_portal.lib.panels import Panel, PanelRow

ROWS = 10


def _alarm_text(count: int) -> str:
    return f"有 {count} 条留言超过三个月未答复：网站检查中属单项否决，请立即办理。" if count else ""


def staff_home_panels(*, user, today) -> list[Panel]:
    """Open messages within two working days of their limit or past it, with the three-month count: one query."""
    if access.staff_of(user) is None and not user.is_superuser:
        return []
    alarm = alarm_line(today)
    over_line = Case(When(received_on__lt=alarm, then=1), default=0, output_field=IntegerField())
    flagged = list(
        visible_messages(user)
        .open()
        .filter(Q(warn_on__lte=today) | Q(received_on__lt=alarm))
        .select_related("office")
        .annotate(flagged_total=Window(Count("pk")), alarm_total=Window(Sum(over_line)))
        .order_by("due_on", "pk")[:ROWS]
    )
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
            total=flagged[0].flagged_total if flagged else 0,
            empty="没有临近答复期限或超期的留言。",
            link=reverse("admin:mailbox_message_changelist") + "?open=soon",
            warning=_alarm_text(flagged[0].alarm_total if flagged else 0),
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
