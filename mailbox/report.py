"""The monthly report's 留言办理 section (registered with reports.figures.register_section)."""

from django.db.models import Count, F, Q

from mailbox.models import Message
from mailbox.services.deadlines import three_months_before
from reports.figures import DisplayTable, MonthContext, Section

KEY = "mailbox"
TITLE = "群众留言办理"


def compute(context: MonthContext) -> dict[int, dict]:
    """Per organisation, in one query: received, answered on time or late, published, open at month end."""
    month = context.month
    first, last = month.first_day, month.last_day
    year_first = first.replace(month=1, day=1)

    def received(since):
        return Q(received_at__gte=since, received_at__lt=month.end)

    def answered(since):
        return Q(answered_on__gte=since, answered_on__lte=last)

    def published(since):
        return Q(published_at__gte=since, published_at__lt=month.end)

    on_time, late = Q(answered_on__lte=F("due_on")), Q(answered_on__gt=F("due_on"))
    open_at_end = (
        Q(received_at__lt=month.end)
        & (Q(answered_on__isnull=True) | Q(answered_on__gt=last))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=month.end))
    )
    rows = {
        row["organisation_id"]: row
        for row in Message.objects.filter(organisation_id__in=context.ids)
        .values("organisation_id")
        .annotate(
            received_month=Count("pk", filter=received(month.start)),
            received_ytd=Count("pk", filter=received(month.year_start)),
            on_time_month=Count("pk", filter=answered(first) & on_time),
            on_time_ytd=Count("pk", filter=answered(year_first) & on_time),
            late_month=Count("pk", filter=answered(first) & late),
            late_ytd=Count("pk", filter=answered(year_first) & late),
            published_month=Count("pk", filter=published(month.start)),
            published_ytd=Count("pk", filter=published(month.year_start)),
            open=Count("pk", filter=open_at_end),
            open_over_three_months=Count("pk", filter=open_at_end & Q(received_on__lt=three_months_before(last))),
        )
    }
    result = {}
    for oid in context.ids:
        row = rows.get(oid, {})
        result[oid] = {
            name: {"month": row.get(f"{name}_month", 0), "ytd": row.get(f"{name}_ytd", 0)}
            for name in ("received", "on_time", "late", "published")
        }
        result[oid]["open"] = row.get("open", 0)
        result[oid]["open_over_three_months"] = row.get("open_over_three_months", 0)
    return result


def tables(data: dict) -> list[DisplayTable]:
    return [
        DisplayTable(
            "咨询、投诉、建议信箱和监督投诉电话",
            ["项目", "本月", "本年累计"],
            [
                ["收到留言", data["received"]["month"], data["received"]["ytd"]],
                ["按期答复", data["on_time"]["month"], data["on_time"]["ytd"]],
                ["超期答复", data["late"]["month"], data["late"]["ytd"]],
                ["公开留言", data["published"]["month"], data["published"]["ytd"]],
                ["月末未办结", data["open"], None],
                ["其中：超过三个月未答复", data["open_over_three_months"], None],
            ],
            groups=[("", 1), ("条", 2)],
            note="答复按送达日期计入当月；超过三个月未答复的留言在网站检查中属单项否决。",
        )
    ]


SECTION = Section(KEY, TITLE, compute, tables)
