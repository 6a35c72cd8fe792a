"""Section 三、公开完整性: obligations due this period with nothing published, idle columns and empty columns."""

from collections import defaultdict

from django.db.models import Count, Q

from catalog.models import ColumnKind, Obligation, freshness_limits
from reports.figures.base import DisplayTable, Section, register_section
from reports.figures.context import MonthContext
from reports.figures.helpers import _date, _iso, _local_date

# 政府网站与政务新媒体检查指标 (2019): five or more idle columns, or five or more
# empty columns, fail a site outright.
INSPECTION_IDLE_LIMIT = 5
INSPECTION_EMPTY_LIMIT = 5


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
