"""Section 一、主动公开信息情况: items published in the month and year to date, by first-level
category, column (leaf category), publisher and channel, against the county's monthly minimum."""

from collections import defaultdict

from django.db import connections
from django.db.models import Case, F, IntegerField, Max, When

from catalog.models import Channel, Organisation
from disclosure.models import ItemChannel
from reports.figures.base import DisplayTable, Section, register_section
from reports.figures.context import MonthContext
from reports.figures.helpers import MONTH_YTD_GROUPS, _pair, _total_row


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
