"""The figures of a monthly report, computed from the records in the database.

A report is made of sections registered in `SECTIONS`, in order. Each section
computes its figures for many organisations at once (so a county-wide month costs
the same few queries as one township's) and turns its stored figures into display
tables that every format (web page, XLSX, CSV, PDF) lays out the same way. A later
section, such as applications (依申请公开), is added with `register_section` and
appears in every format and in the JSON without touching the others.

An item counts for a period when it was published in the period and still stood
at the period's end: withdrawn later, it still counts for the month it went out,
so recomputing an old month gives the same answer as on the day it ended.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from catalog.calendar import work_calendar
from catalog.models import Category, Channel, ColumnKind, Obligation, Organisation, freshness_limits
from disclosure.models import Item, ItemChannel, PersonalDataFinding
from reports.months import Month
from township_portal.lib.workdays import CalendarMissingError

SCHEMA_VERSION = 1

# 政府网站与政务新媒体检查指标 (2019): five or more idle columns, or five or more
# empty columns, fail a site outright.
INSPECTION_IDLE_LIMIT = 5
INSPECTION_EMPTY_LIMIT = 5

# --- Sections ---------------------------------------------------------------


@dataclass
class DisplayTable:
    """A table as every format shows it.

    `groups` is an optional header row above `columns`: (label, span) pairs covering
    all columns; a span-1 group with an empty label lets the column header below
    take both rows. Cells are str, int, datetime.date or None.
    """

    title: str
    columns: list[str]
    rows: list[list]
    groups: list[tuple[str, int]] | None = None
    note: str = ""

    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """Header rows as (label, colspan, rowspan) cells, for HTML."""
        if not self.groups:
            return [[(name, 1, 1) for name in self.columns]]
        top, bottom, column = [], [], 0
        for label, span in self.groups:
            if span == 1 and not label:
                top.append((self.columns[column], 1, 2))
            else:
                top.append((label, span, 1))
                bottom += [(name, 1, 1) for name in self.columns[column : column + span]]
            column += span
        return [top, bottom]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    compute: Callable[["MonthContext"], dict[int, dict]]
    tables: Callable[[dict], list[DisplayTable]]


SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    if any(existing.key == section.key for existing in SECTIONS):
        raise ValueError(f"report section {section.key!r} is registered twice")
    SECTIONS.append(section)
    return section


class MonthContext:
    """One month for a set of organisations; queries shared by sections run once."""

    def __init__(self, organisations: list[Organisation], month: Month):
        self.organisations = organisations
        self.ids = [organisation.pk for organisation in organisations]
        self.month = month

    def standing(self, prefix: str = "", *, since: datetime.datetime | None) -> Q:
        """Items published before the month's end (and from `since`, when given) and still standing then."""
        end = self.month.end
        published = {f"{prefix}status__in": [Item.Status.PUBLISHED, Item.Status.WITHDRAWN]}
        published[f"{prefix}published_at__lt"] = end
        if since is not None:
            published[f"{prefix}published_at__gte"] = since
        return Q(**published) & (
            Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gte": end})
        )

    @property
    def ytd(self) -> datetime.datetime:
        return self.month.year_start

    @cached_property
    def _year_counts(self) -> list[dict]:
        """The year's standing items counted in one pass, per (organisation, column, publisher):
        month and year to date, those that went out late, those without a due date (neither on
        time nor late) and those whose due date is provisional. Totals, columns and publishers
        are sums of these rows (one read of the year's items where there were three)."""
        month_q = Q(published_at__gte=self.month.start)
        counted = {
            "": Q(),
            "late_": Q(published_on__gt=F("due_on")),
            # No loaded holiday calendar or a missing formation date; on-request obligations
            # have no proactive deadline and are left out.
            "undated_": Q(due_on__isnull=True) & ~Q(obligation__mode=Obligation.Mode.ON_REQUEST),
            "provisional_": Q(due_on_provisional=True),
        }
        aggregates = {}
        for prefix, condition in counted.items():
            aggregates[f"{prefix}month"] = Count("id", filter=condition & month_q)
            aggregates[f"{prefix}ytd"] = Count("id", filter=condition)
        return list(
            Item.objects.filter(self.standing(since=self.ytd), organisation_id__in=self.ids)
            .annotate(published_on=TruncDate("published_at", tzinfo=timezone.get_default_timezone()))
            .values("organisation_id", "category_id", "publisher_id", "publisher__short_name")
            .annotate(**aggregates)
            .order_by()
        )

    def _summed(self, key) -> dict:
        sums = {}
        for row in self._year_counts:
            into = sums.setdefault(key(row), dict.fromkeys(COUNT_KEYS, 0))
            for name in COUNT_KEYS:
                into[name] += row[name]
        return sums

    @cached_property
    def totals(self) -> dict[int, dict]:
        """Per organisation: the counts of `_year_counts`, zero where it has none."""
        found = self._summed(lambda row: row["organisation_id"])
        return {oid: found.get(oid, dict.fromkeys(COUNT_KEYS, 0)) for oid in self.ids}

    @cached_property
    def publishers(self) -> dict[tuple[int, int], dict]:
        """(organisation, publisher) -> the publisher's name and its month and year-to-date counts."""
        names = {row["publisher_id"]: row["publisher__short_name"] for row in self._year_counts}
        return {
            key: {"name": names[key[1]], "month": row["month"], "ytd": row["ytd"]}
            for key, row in self._summed(lambda row: (row["organisation_id"], row["publisher_id"])).items()
        }

    @cached_property
    def categories(self) -> list[dict]:
        """Every category of the organisations with its counts and its last item before the month's end."""
        counts = self._summed(lambda row: (row["organisation_id"], row["category_id"]))

        # The newest standing item of each category: a correlated subquery that walks the
        # (category, status, published_at) index from the newest, one status at a time, and
        # stops at the first standing item. A join grouped over every item ever published read
        # the whole history of the townships (13 s for a county month at 1,000,000 items).
        def newest(status):
            rows = (
                Item.objects.filter(
                    self.standing(since=None),
                    category_id=OuterRef("pk"),
                    organisation_id=OuterRef("organisation_id"),
                    status=status,
                )
                .order_by("-published_at")
                .values("published_at")[:1]
            )
            return Subquery(rows)

        published, withdrawn = newest(Item.Status.PUBLISHED), newest(Item.Status.WITHDRAWN)
        rows = list(
            Category.objects.filter(organisation_id__in=self.ids)
            .annotate(
                # Greatest is NULL on SQLite when either side is: each side falls back to the other.
                last_published_at=Greatest(Coalesce(published, withdrawn), Coalesce(withdrawn, published)),
            )
            .order_by("organisation_id", "order", "code", "id")
            .values(
                "id", "organisation_id", "parent_id", "code", "name", "column_kind", "is_active", "last_published_at"
            )
        )
        for row in rows:
            count = counts.get((row["organisation_id"], row["id"]), {})
            row["n_month"], row["n_ytd"] = count.get("month", 0), count.get("ytd", 0)
        return rows


COUNT_KEYS = [
    f"{prefix}{period}" for prefix in ("", "late_", "undated_", "provisional_") for period in ("month", "ytd")
]


def compute_figures(organisations: list[Organisation], month: Month) -> dict[int, dict]:
    """The figures of `month` for each organisation, keyed by its id; a fixed number of queries."""
    context = MonthContext(organisations, month)
    computed_at = timezone.now().isoformat()
    results = {
        organisation.pk: {
            "schema_version": SCHEMA_VERSION,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "short_name": organisation.short_name,
                "code": organisation.code,
            },
            "month": str(month),
            "period": {
                "first_day": month.first_day.isoformat(),
                "last_day": month.last_day.isoformat(),
                "year_from": datetime.date(month.year, 1, 1).isoformat(),
            },
            "computed_at": computed_at,
            "sections": {},
        }
        for organisation in organisations
    }
    for section in SECTIONS:
        per_organisation = section.compute(context)
        for organisation_id, figures in results.items():
            figures["sections"][section.key] = {"title": section.title, **per_organisation[organisation_id]}
    return results


def section_tables(figures: dict) -> list[tuple[str, list[DisplayTable]]]:
    """(section title, tables) for every registered section present in stored figures."""
    stored = figures.get("sections", {})
    return [(section.title, section.tables(stored[section.key])) for section in SECTIONS if section.key in stored]


def headline(figures: dict) -> dict:
    """The few numbers the county office's board shows for each township."""
    sections = figures["sections"]
    published = sections["published"]
    timeliness = sections["timeliness"]
    completeness = sections["completeness"]
    return {
        "month": published["total"]["month"],
        "ytd": published["total"]["ytd"],
        "minimum": published["minimum"]["required"],
        "minimum_met": published["minimum"]["met"],
        "late": timeliness["late"]["month"],
        "overdue": timeliness["overdue"]["count"],
        "missed_obligations": completeness["counts"]["missed_obligations"],
        "idle_columns": completeness["counts"]["idle_columns"],
        "empty_columns": completeness["counts"]["empty_columns"],
    }


# --- Helpers ----------------------------------------------------------------


def _pair(month: int = 0, ytd: int = 0) -> dict:
    return {"month": month, "ytd": ytd}


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _total_row(label: str, rows: list[dict], first_columns: int = 1) -> list:
    return [label, *[""] * (first_columns - 1), sum(r["month"] for r in rows), sum(r["ytd"] for r in rows)]


MONTH_YTD_GROUPS = [("", 1), ("公开信息条数", 2)]

# --- 一、主动公开信息情况 ---------------------------------------------------------


def _category_tree(context: MonthContext) -> dict[int, dict]:
    """Per organisation: first-level rows with rolled-up counts, and leaf rows (the columns)."""
    by_id = {row["id"]: row for row in context.categories}
    has_children = {row["parent_id"] for row in context.categories if row["parent_id"]}

    def root_of(row):
        seen = set()
        while row["parent_id"] in by_id and row["id"] not in seen:
            seen.add(row["id"])
            row = by_id[row["parent_id"]]
        return row

    trees = {organisation_id: {"first_level": {}, "leaves": []} for organisation_id in context.ids}
    for row in context.categories:
        tree = trees[row["organisation_id"]]
        root = root_of(row)
        first = tree["first_level"].setdefault(
            root["id"],
            {"id": root["id"], "code": root["code"], "name": root["name"], "active": root["is_active"], **_pair()},
        )
        first["month"] += row["n_month"]
        first["ytd"] += row["n_ytd"]
        if row["id"] not in has_children:
            tree["leaves"].append({**row, "first_level": root["name"]})
    return trees


def _compute_published(context: MonthContext) -> dict[int, dict]:
    publishers = defaultdict(dict)
    for organisation in context.organisations:
        publishers[organisation.pk][organisation.pk] = {"id": organisation.pk, "name": "本级", **_pair()}
    for office in Organisation.objects.filter(
        parent_id__in=context.ids, kind=Organisation.Kind.OFFICE, is_active=True
    ).order_by("order", "name"):
        publishers[office.parent_id][office.pk] = {"id": office.pk, "name": office.short_name, **_pair()}
    for (oid, publisher_id), row in context.publishers.items():
        entry = publishers[oid].setdefault(publisher_id, {"id": publisher_id, "name": row["name"], **_pair()})
        entry["month"], entry["ytd"] = row["month"], row["ytd"]

    per_channel, distinct, multi = _channel_counts(context)
    trees = _category_tree(context)
    result = {}
    for organisation in context.organisations:
        oid = organisation.pk
        total = _pair(context.totals[oid]["month"], context.totals[oid]["ytd"])
        required = _county_of(organisation).monthly_minimum_items
        channel_distinct = _pair(distinct.get(oid, {}).get("month", 0), distinct.get(oid, {}).get("ytd", 0))
        tree = trees[oid]
        result[oid] = {
            "total": total,
            "minimum": {"required": required, "met": total["month"] >= required if required else None},
            "first_level": [
                {key: row[key] for key in ("id", "code", "name", "month", "ytd")}
                for row in tree["first_level"].values()
                if row["active"] or row["ytd"]
            ],
            "categories": [
                {
                    "id": row["id"],
                    "code": row["code"],
                    "name": row["name"],
                    "first_level": row["first_level"],
                    "month": row["n_month"],
                    "ytd": row["n_ytd"],
                }
                for row in tree["leaves"]
                if row["is_active"] or row["n_ytd"]
            ],
            "publishers": list(publishers[oid].values()),
            "channels": [
                {
                    "code": code,
                    "name": str(label),
                    "month": per_channel.get((oid, code), {}).get("month", 0),
                    "ytd": per_channel.get((oid, code), {}).get("ytd", 0),
                }
                for code, label in Channel.choices
            ],
            "channels_distinct": channel_distinct,
            "channels_unrecorded": _pair(
                total["month"] - channel_distinct["month"], total["ytd"] - channel_distinct["ytd"]
            ),
            "multi_channel": _pair(multi.get(oid, {}).get("month", 0), multi.get(oid, {}).get("ytd", 0)),
        }
    return result


def _channel_counts(context: MonthContext) -> tuple[dict, dict, dict]:
    """The year's standing items by channel, month and year to date, in one read of their channel
    records: per (organisation, channel), per organisation counting an item once, and per
    organisation the items on two or more channels.

    The inner query gives each item one row (its organisation, whether it went out this
    month, a 0/1 column per channel); the outer one counts the items of each combination.
    A channel recorded after the month's end does not change the month.
    """
    codes = [code for code, _ in Channel.choices]
    on = {
        f"on_{index}": Max(Case(When(channel=code, then=1), default=0, output_field=IntegerField()))
        for index, code in enumerate(codes)
    }
    per_item = (
        ItemChannel.objects.filter(
            context.standing("item__", since=context.ytd),
            item__organisation_id__in=context.ids,
            posted_on__lte=context.month.last_day,
        )
        .values("item_id")
        .annotate(
            org=F("item__organisation_id"),
            this_month=Case(
                When(item__published_at__gte=context.month.start, then=1), default=0, output_field=IntegerField()
            ),
            **on,
        )
        .order_by()
    )
    sql, params = per_item.query.sql_with_params()
    columns = ", ".join(["org", "this_month", *on])
    with connections[per_item.db].cursor() as cursor:
        cursor.execute(f"SELECT {columns}, COUNT(*) FROM ({sql}) per_item GROUP BY {columns}", params)
        combinations = cursor.fetchall()
    per_channel, distinct, multi = defaultdict(_pair), defaultdict(_pair), defaultdict(_pair)
    for org, this_month, *flags, n in combinations:
        channels = [code for code, flag in zip(codes, flags, strict=True) if flag]
        targets = [per_channel[(org, code)] for code in channels] + [distinct[org]]
        if len(channels) >= 2:
            targets.append(multi[org])
        for target in targets:
            target["ytd"] += n
            target["month"] += n if this_month else 0
    return per_channel, distinct, multi


def _county_of(organisation: Organisation) -> Organisation:
    parent = organisation.parent
    return parent if parent is not None and parent.kind == Organisation.Kind.COUNTY else organisation


def _minimum_text(minimum: dict) -> str:
    if not minimum["required"]:
        return "不考核"
    return "是" if minimum["met"] else "否"


def _published_tables(data: dict) -> list[DisplayTable]:
    channel_rows = [[row["name"], row["month"], row["ytd"]] for row in data["channels"] if row["ytd"] or row["month"]]
    return [
        DisplayTable(
            "总体情况",
            ["项目", "本月", "本年累计"],
            [
                ["主动公开信息", data["total"]["month"], data["total"]["ytd"]],
                ["其中：在两个及以上渠道公开", data["multi_channel"]["month"], data["multi_channel"]["ytd"]],
                ["县定每月最低发布条数", data["minimum"]["required"], None],
                ["本月是否达到最低要求", _minimum_text(data["minimum"]), None],
            ],
            groups=MONTH_YTD_GROUPS,
        ),
        DisplayTable(
            "按一级目录类别",
            ["类别编码", "一级类别", "本月", "本年累计"],
            [[row["code"], row["name"], row["month"], row["ytd"]] for row in data["first_level"]]
            + [_total_row("合计", data["first_level"], 2)],
            groups=[("", 1), ("", 1), ("公开信息条数", 2)],
        ),
        DisplayTable(
            "按栏目（末级类别）",
            ["所属一级类别", "栏目", "本月", "本年累计"],
            [[row["first_level"], row["name"], row["month"], row["ytd"]] for row in data["categories"]]
            + [_total_row("合计", data["categories"], 2)],
            groups=[("", 1), ("", 1), ("公开信息条数", 2)],
        ),
        DisplayTable(
            "按发布机构",
            ["发布机构", "本月", "本年累计"],
            [[row["name"], row["month"], row["ytd"]] for row in data["publishers"]]
            + [_total_row("合计", data["publishers"])],
            groups=MONTH_YTD_GROUPS,
        ),
        DisplayTable(
            "按公开渠道",
            ["公开渠道", "本月", "本年累计"],
            channel_rows
            + [
                ["渠道合计（同一信息只计一次）", data["channels_distinct"]["month"], data["channels_distinct"]["ytd"]],
                ["未登记公开渠道", data["channels_unrecorded"]["month"], data["channels_unrecorded"]["ytd"]],
            ],
            groups=MONTH_YTD_GROUPS,
            note="同一条信息在多个渠道公开时，各渠道分别计数，合计只计一次。",
        ),
    ]


register_section(Section("published", "主动公开信息情况", _compute_published, _published_tables))

# --- 二、公开时效 -------------------------------------------------------------------


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

# --- 三、公开完整性 -----------------------------------------------------------------


def _compute_completeness(context: MonthContext) -> dict[int, dict]:
    month = context.month
    Frequency = Obligation.Frequency
    due = [Frequency.MONTHLY]
    window = Q(expected_frequency=Frequency.MONTHLY, items__published_at__gte=month.start)
    if month.ends_quarter:
        due.append(Frequency.QUARTERLY)
        window |= Q(expected_frequency=Frequency.QUARTERLY, items__published_at__gte=month.quarter_start)
    if month.ends_year:
        due.append(Frequency.YEARLY)
        window |= Q(expected_frequency=Frequency.YEARLY, items__published_at__gte=month.year_start)
    missed = defaultdict(list)
    frequency_labels = dict(Frequency.choices)
    for row in (
        Obligation.objects.filter(
            organisation_id__in=context.ids,
            is_active=True,
            mode=Obligation.Mode.PROACTIVE,
            expected_frequency__in=due,
        )
        .annotate(n=Count("items", filter=window & context.standing("items__", since=None)))
        .filter(n=0)
        .order_by("order", "code", "id")
        .values("id", "organisation_id", "code", "first_level", "second_level", "category__name", "expected_frequency")
    ):
        missed[row["organisation_id"]].append(
            {
                "id": row["id"],
                "code": row["code"],
                "name": " / ".join(part for part in (row["first_level"], row["second_level"]) if part),
                "category": row["category__name"],
                "frequency": row["expected_frequency"],
                "frequency_label": str(frequency_labels[row["expected_frequency"]]),
            }
        )

    limits = freshness_limits()
    kind_labels = dict(ColumnKind.choices)
    has_children = {row["parent_id"] for row in context.categories if row["parent_id"]}
    idle, empty = defaultdict(list), defaultdict(list)
    for row in context.categories:
        if not row["is_active"] or row["id"] in has_children:
            continue
        column = {"id": row["id"], "code": row["code"], "name": row["name"], "kind": row["column_kind"]}
        column["kind_label"] = str(kind_labels.get(row["column_kind"], row["column_kind"]))
        last = _local_date(row["last_published_at"])
        if last is None:
            empty[row["organisation_id"]].append(column)
            continue
        limit = limits.get(row["column_kind"])
        idle_days = (month.last_day - last).days
        if limit is not None and idle_days >= limit:
            idle[row["organisation_id"]].append(
                {**column, "last_published_on": _iso(last), "idle_days": idle_days, "limit_days": limit}
            )
    result = {}
    for oid in context.ids:
        warnings = []
        if len(idle[oid]) >= INSPECTION_IDLE_LIMIT:
            warnings.append(f"超期未更新栏目达 {len(idle[oid])} 个，按网站检查指标将被判为单项否决。")
        if len(empty[oid]) >= INSPECTION_EMPTY_LIMIT:
            warnings.append(f"空白栏目达 {len(empty[oid])} 个，按网站检查指标将被判为单项否决。")
        result[oid] = {
            "counts": {
                "missed_obligations": len(missed[oid]),
                "idle_columns": len(idle[oid]),
                "empty_columns": len(empty[oid]),
            },
            "missed_obligations": missed[oid],
            "idle_columns": idle[oid],
            "empty_columns": empty[oid],
            "warnings": warnings,
        }
    return result


def _completeness_tables(data: dict) -> list[DisplayTable]:
    counts = data["counts"]
    return [
        DisplayTable(
            "完整性概况",
            ["项目", "数量"],
            [
                ["应发布而未发布的公开事项", counts["missed_obligations"]],
                ["超期未更新的栏目", counts["idle_columns"]],
                ["空白栏目", counts["empty_columns"]],
            ],
            note="\n".join(data["warnings"]),
        ),
        DisplayTable(
            "按预期频率本期应发布而未发布的公开事项",
            ["序号", "公开事项", "目录类别", "预期发布频率"],
            [[row["code"], row["name"], row["category"], row["frequency_label"]] for row in data["missed_obligations"]],
        ),
        DisplayTable(
            "超期未更新的栏目（截至月末）",
            ["栏目", "栏目类型", "最近发布日期", "未更新天数", "更新要求（天）"],
            [
                [row["name"], row["kind_label"], _date(row["last_published_on"]), row["idle_days"], row["limit_days"]]
                for row in data["idle_columns"]
            ],
        ),
        DisplayTable(
            "空白栏目（截至月末没有任何信息）",
            ["栏目", "栏目类型"],
            [[row["name"], row["kind_label"]] for row in data["empty_columns"]],
        ),
    ]


register_section(Section("completeness", "公开完整性", _compute_completeness, _completeness_tables))

# --- 四、个人信息保护 ---------------------------------------------------------------


def _compute_findings(context: MonthContext) -> dict[int, dict]:
    """Findings opened in the period, and resolved in it by each way of resolving one."""
    month = context.month
    Status = PersonalDataFinding.Status

    def within(field, since):
        return Q(**{f"{field}__gte": since, f"{field}__lt": month.end})

    aggregates = {
        "opened_month": Count("id", filter=within("found_at", month.start)),
        "opened_ytd": Count("id", filter=within("found_at", month.year_start)),
        "open_at_end": Count("id", filter=Q(status=Status.OPEN) | Q(resolved_at__gte=month.end)),
    }
    resolutions = [status for status in Status if status != Status.OPEN]
    for status in resolutions:
        aggregates[f"{status}_month"] = Count("id", filter=Q(status=status) & within("resolved_at", month.start))
        aggregates[f"{status}_ytd"] = Count("id", filter=Q(status=status) & within("resolved_at", month.year_start))
    rows = {
        row["item__organisation_id"]: row
        for row in PersonalDataFinding.objects.filter(item__organisation_id__in=context.ids, found_at__lt=month.end)
        .values("item__organisation_id")
        .annotate(**aggregates)
    }
    result = {}
    for oid in context.ids:
        row = rows.get(oid, {})
        result[oid] = {
            "opened": _pair(row.get("opened_month", 0), row.get("opened_ytd", 0)),
            "resolved": [
                {
                    "status": str(status),
                    "name": str(status.label),
                    **_pair(row.get(f"{status}_month", 0), row.get(f"{status}_ytd", 0)),
                }
                for status in resolutions
            ],
            "open_at_end": row.get("open_at_end", 0),
        }
    return result


def _findings_tables(data: dict) -> list[DisplayTable]:
    return [
        DisplayTable(
            "发布前个人信息和敏感词检查",
            ["项目", "本月", "本年累计"],
            [
                ["检查发现", data["opened"]["month"], data["opened"]["ytd"]],
                *[[f"其中：{row['name']}", row["month"], row["ytd"]] for row in data["resolved"]],
                ["月末仍待处理", data["open_at_end"], None],
            ],
            groups=[("", 1), ("处", 2)],
            note="“其中”各项按处理日期计入处理当月。",
        )
    ]


register_section(Section("findings", "个人信息保护", _compute_findings, _findings_tables))

# --- Narrative ----------------------------------------------------------------

NARRATIVE_FIELDS = [
    ("work_done", "本月工作开展情况"),
    ("problems", "存在的主要问题"),
    ("improvements", "改进措施"),
]
NARRATIVE_TITLE = "工作情况"

CHINESE_NUMERALS = "一二三四五六七八九十"


def numbered(index: int, title: str) -> str:
    """一、title for the index-th section (0-based)."""
    return f"{CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else index + 1}、{title}"
