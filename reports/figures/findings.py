"""Section 四、个人信息保护: personal-data findings of the pre-publication check, opened and resolved."""

from django.db.models import Count, Q

from disclosure.models import PersonalDataFinding
from reports.figures.base import DisplayTable, Section, register_section
from reports.figures.context import MonthContext
from reports.figures.helpers import _pair


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
