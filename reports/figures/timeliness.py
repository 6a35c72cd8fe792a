"""Section 二、公开时效: items that went out after their due date, and items overdue at the month's end."""

import datetime
from collections import defaultdict

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.calendar import work_calendar
from disclosure.models import Item
from reports.figures.base import DisplayTable, Section, register_section
from reports.figures.context import MonthContext
from reports.figures.helpers import _date, _iso, _pair
from township_portal.lib.workdays import CalendarMissingError


def _compute_timeliness(context: MonthContext) -> dict[int, dict]:
    # Only the month's late items are listed; the year's counts come from `context.totals`.
    late_items = defaultdict(list)
    for row in (
        Item.objects.filter(
            context.standing(since=context.month.start), organisation_id__in=context.ids, due_on__isnull=False
        )
        .annotate(published_on=TruncDate("published_at", tzinfo=timezone.get_default_timezone()))
        .filter(published_on__gt=F("due_on"))
        .order_by("published_at", "id")
        .values(
            "id",
            "organisation_id",
            "index_number",
            "title",
            "category__name",
            "due_on",
            "published_on",
            "late_workdays",
        )
    ):
        late_items[row["organisation_id"]].append(
            {
                "id": row["id"],
                "index_number": row["index_number"] or "",
                "title": row["title"],
                "category": row["category__name"],
                "due_on": _iso(row["due_on"]),
                "published_on": _iso(row["published_on"]),
                "days_late": (row["published_on"] - row["due_on"]).days,
                # Working days, as the item page and the staff home count them (None: year without a calendar).
                "workdays_late": row["late_workdays"],
            }
        )
    end = context.month.end
    overdue_rows = list(
        Item.objects.filter(organisation_id__in=context.ids, due_on__lte=context.month.last_day)
        .filter(Q(published_at__isnull=True) | Q(published_at__gte=end))
        .order_by("due_on", "id")
        .values("id", "organisation_id", "title", "category__name", "due_on")
    )
    calendar = work_calendar() if overdue_rows else None  # two queries, only when something is overdue
    overdue_items = defaultdict(list)
    for row in overdue_rows:
        overdue_items[row["organisation_id"]].append(
            {
                "id": row["id"],
                "title": row["title"],
                "category": row["category__name"],
                "due_on": _iso(row["due_on"]),
                "days_overdue": (context.month.next().first_day - row["due_on"]).days,
                "workdays_overdue": _workdays_after(calendar, row["due_on"], context.month.last_day),
            }
        )
    return {
        oid: {
            "late": _pair(context.totals[oid]["late_month"], context.totals[oid]["late_ytd"]),
            "undated": _pair(context.totals[oid]["undated_month"], context.totals[oid]["undated_ytd"]),
            "provisional": _pair(context.totals[oid]["provisional_month"], context.totals[oid]["provisional_ytd"]),
            "late_items": late_items[oid],
            "overdue": {"count": len(overdue_items[oid])},
            "overdue_items": overdue_items[oid],
        }
        for oid in context.ids
    }


def _workdays_after(calendar, due_on: str | datetime.date, last_day: datetime.date) -> int | None:
    """Working days from the day after `due_on` to `last_day`, as the staff home counts them."""
    try:
        return calendar.workdays_between(due_on, last_day)
    except CalendarMissingError:
        return None


def _days_cell(row: dict, workdays_key: str, days_key: str):
    """Working days; for a year without a loaded calendar (or a version frozen before), calendar days, so labelled."""
    workdays = row.get(workdays_key)
    if workdays is not None:
        return workdays
    days = row.get(days_key)
    return None if days is None else f"{days}（日历日）"


def _timeliness_tables(data: dict) -> list[DisplayTable]:
    overview = [["超过公开时限发布的信息", data["late"]["month"], data["late"]["ytd"]]]
    for key, label in (
        ("undated", "没有应公开日期、未计入时效判断的信息"),
        ("provisional", "应公开日期为暂定（节假日安排未载入）的信息"),
    ):
        if key in data:  # versions frozen before these rows existed have no such keys
            overview.append([label, data[key]["month"], data[key]["ytd"]])
    overview.append(["月末逾期未发布的信息", data["overdue"]["count"], None])
    return [
        DisplayTable(
            "时效概况",
            ["项目", "本月", "本年累计"],
            overview,
            groups=[("", 1), ("条数", 2)],
        ),
        DisplayTable(
            "本月超过公开时限发布的信息",
            ["索引号", "标题", "栏目", "应公开日期", "发布日期", "超期工作日数"],
            [
                [
                    row["index_number"],
                    row["title"],
                    row["category"],
                    _date(row["due_on"]),
                    _date(row["published_on"]),
                    _days_cell(row, "workdays_late", "days_late"),
                ]
                for row in data["late_items"]
            ],
            note="工作日按国务院办公厅公布的节假日安排计算，自应公开日期次日起算；未载入当年工作日历的按日历日计。",
        ),
        DisplayTable(
            "月末逾期未发布的信息",
            ["标题", "栏目", "应公开日期", "月末已逾期工作日数"],
            [
                [
                    row["title"],
                    row["category"],
                    _date(row["due_on"]),
                    _days_cell(row, "workdays_overdue", "days_overdue"),
                ]
                for row in data["overdue_items"]
            ],
        ),
    ]


register_section(Section("timeliness", "公开时效", _compute_timeliness, _timeliness_tables))
