"""The figures of an annual report, computed from the records for many organisations at once.

`compute_year(organisations, year)` answers in a fixed number of queries, whatever the
number of organisations, items or applications: the county's board and workbook call it
once for every township.

What counts:
- 主动公开: an item counts for the year when it went out in the year and still stood at the
  end of the month it went out, exactly as the monthly reports count it, so the twelve
  monthly reports add up to the year (`reports.queries.monthly_trend`).
- 表二 规章 / 行政规范性文件 (`Item.document_kind`): 本年制发 = published in the year;
  本年废止 = repealed (or revised) in the year; 现行有效 = published by the year's end,
  not withdrawn and not repealed by then. So 现行有效 = last year's + 制发 − 废止 holds
  unless a record changed behind a frozen year.
- 表三 / 表四 and the information-processing fees: from every source registered in
  `township_portal.lib.annual` (the applications app), summed.
- 表二 行政许可 / 处罚 / 强制 / 收费: entered by the township (`EnteredFigure`).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from annual.models import AnnualReport, AnnualVersion, EnteredFigure
from catalog.models import Category, Channel, Organisation
from disclosure.models import Item, ItemChannel
from reports.models import MonthlyReport, ReportVersion
from reports.months import Month
from reports.queries import monthly_trend
from township_portal.lib.annual import APPLICANT_KINDS, OUTCOME_CODES, REMEDY_KINDS, REMEDY_RESULTS, annual_sources

SCHEMA_VERSION = 1
KIND_KEYS = [key for key, _label in APPLICANT_KINDS]
RESULT_KEYS = [key for key, _label in REMEDY_RESULTS]
DOCUMENT_KINDS = [Item.DocumentKind.REGULATION, Item.DocumentKind.NORMATIVE]
# 表三's rows in order: key -> label (the outcome rows' labels come from OUTCOMES).
TABLE3_ROWS = ["received", "carried_in", *OUTCOME_CODES, "outcomes_total", "carried_out"]
ENTERED_KEYS = [key for key, _label in EnteredFigure.Key.choices]


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime(year, 1, 1), tz)
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1), tz)
    return start, end


def _standing(prefix: str, at: datetime.datetime) -> Q:
    return Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gte": at})


def _went_out_in(prefix: str, start, end) -> Q:
    return Q(
        **{
            f"{prefix}status__in": [Item.Status.PUBLISHED, Item.Status.WITHDRAWN],
            f"{prefix}published_at__gte": start,
            f"{prefix}published_at__lt": end,
        }
    )


def _kinds(ids: list[int], start, end) -> dict[int, list[dict]]:
    """Per organisation: items of the year per first-level catalog category (the seed's 八类)."""
    tz = timezone.get_default_timezone()
    categories = {
        row["id"]: row
        for row in Category.objects.filter(organisation_id__in=ids)
        .order_by("organisation_id", "order", "code", "id")
        .values("id", "parent_id", "organisation_id", "name")
    }
    counts = (
        Item.objects.filter(_went_out_in("", start, end), organisation_id__in=ids)
        .annotate(pm=TruncMonth("published_at", tzinfo=tz), wm=TruncMonth("withdrawn_at", tzinfo=tz))
        .filter(Q(withdrawn_at__isnull=True) | Q(wm__gt=F("pm")))
        .values("category_id")
        .annotate(n=Count("id"))
    )
    per_category = {row["category_id"]: row["n"] for row in counts}

    def root(category_id):
        row, seen = categories[category_id], set()
        while row["parent_id"] in categories and row["id"] not in seen:
            seen.add(row["id"])
            row = categories[row["parent_id"]]
        return row

    result: dict[int, dict[int, dict]] = {oid: {} for oid in ids}
    for row in categories.values():  # ordered: first-level rows appear in catalog order
        if row["parent_id"] is None or row["parent_id"] not in categories:
            result[row["organisation_id"]][row["id"]] = {"name": row["name"], "count": 0}
    for category_id, n in per_category.items():
        if category_id in categories:
            top = root(category_id)
            result[top["organisation_id"]][top["id"]]["count"] += n
    return {oid: [entry for entry in rows.values() if entry["count"]] for oid, rows in result.items()}


def _channels(ids: list[int], start, end) -> dict[int, list[dict]]:
    tz = timezone.get_default_timezone()
    rows = (
        ItemChannel.objects.filter(_went_out_in("item__", start, end), item__organisation_id__in=ids)
        .filter(posted_on__lt=timezone.localdate(end))
        .annotate(pm=TruncMonth("item__published_at", tzinfo=tz), wm=TruncMonth("item__withdrawn_at", tzinfo=tz))
        .filter(Q(item__withdrawn_at__isnull=True) | Q(wm__gt=F("pm")))
        .values("item__organisation_id", "channel")
        .annotate(n=Count("item", distinct=True))
    )
    found = {(row["item__organisation_id"], row["channel"]): row["n"] for row in rows}
    return {
        oid: [
            {"code": code, "name": str(label), "count": found[(oid, code)]}
            for code, label in Channel.choices
            if found.get((oid, code))
        ]
        for oid in ids
    }


def _documents(ids: list[int], year: int) -> dict[int, dict]:
    """表二's 规章 and 行政规范性文件 for the year, and 现行有效 at the end of the year before."""
    start, end = year_bounds(year)
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    published_by = Q(status__in=[Item.Status.PUBLISHED, Item.Status.WITHDRAWN], published_at__isnull=False)
    valid_at_end = (
        Q(published_at__lt=end) & _standing("", end) & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=last_day))
    )
    valid_at_start = (
        Q(published_at__lt=start) & _standing("", start) & (Q(repealed_on__isnull=True) | Q(repealed_on__gte=first_day))
    )
    rows = (
        Item.objects.filter(published_by, organisation_id__in=ids, document_kind__in=DOCUMENT_KINDS)
        .values("organisation_id", "document_kind")
        .annotate(
            issued=Count("id", filter=Q(published_at__gte=start, published_at__lt=end) & _standing("", end)),
            repealed=Count(
                "id",
                filter=Q(published_at__lt=end, repealed_on__gte=first_day, repealed_on__lte=last_day)
                & _standing("", end),
            ),
            valid=Count("id", filter=valid_at_end),
            valid_before=Count("id", filter=valid_at_start),
        )
    )
    empty = {"issued": 0, "repealed": 0, "valid": 0, "valid_before": 0}
    result = {oid: {kind: dict(empty) for kind in DOCUMENT_KINDS} for oid in ids}
    for row in rows:
        result[row["organisation_id"]][row["document_kind"]] = {key: row[key] for key in empty}
    return result


def _zero_row() -> dict:
    return dict.fromkeys([*KIND_KEYS, "total"], 0)


def _from_sources(ids: list[int], year: int) -> tuple[dict[int, dict], list[str]]:
    """Tables 三 and 四 and the fees, summed over every registered source."""
    sources = annual_sources()
    result = {}
    for oid in ids:
        result[oid] = {
            "table3": {key: _zero_row() for key in TABLE3_ROWS},
            "table4": {kind: dict.fromkeys([*RESULT_KEYS, "total"], 0) for kind, _label in REMEDY_KINDS},
            "fees_yuan": Decimal("0"),
            "unknown": [],
        }
    for name, source in sources.items():
        answered = source(organisation_ids=list(ids), year=year)
        for oid, figures in answered.items():
            if oid not in result:
                continue
            entry = result[oid]
            rows = entry["table3"]
            for row_key, values in (
                ("received", figures.received),
                ("carried_in", figures.carried_in),
                ("carried_out", figures.carried_out),
            ):
                for kind, n in values.items():
                    if kind in rows[row_key]:
                        rows[row_key][kind] += n
                    else:
                        entry["unknown"].append(f"{name}: 申请人类型 {kind}")
            for code, values in figures.outcomes.items():
                if code not in rows:
                    entry["unknown"].append(f"{name}: 办理结果 {code}")
                    continue
                for kind, n in values.items():
                    if kind in rows[code]:
                        rows[code][kind] += n
                    else:
                        entry["unknown"].append(f"{name}: 申请人类型 {kind}")
            for remedy, results in figures.remedies.items():
                if remedy not in entry["table4"]:
                    entry["unknown"].append(f"{name}: 复议诉讼类型 {remedy}")
                    continue
                for result_key, n in results.items():
                    if result_key in entry["table4"][remedy]:
                        entry["table4"][remedy][result_key] += n
                    else:
                        entry["unknown"].append(f"{name}: 复议诉讼结果 {result_key}")
            entry["fees_yuan"] += Decimal(figures.fees_yuan or 0)
    for entry in result.values():
        rows = entry["table3"]
        for kind in KIND_KEYS:
            rows["outcomes_total"][kind] = sum(rows[code][kind] for code in OUTCOME_CODES)
        for row in rows.values():
            row["total"] = sum(row[kind] for kind in KIND_KEYS)
        for results in entry["table4"].values():
            results["total"] = sum(results[key] for key in RESULT_KEYS)
    return result, sorted(sources)


def _previous_versions(ids: list[int], year: int) -> dict[int, AnnualVersion]:
    """Each organisation's latest frozen version of `year`."""
    latest = {}
    for version in (
        AnnualVersion.objects.filter(report__organisation_id__in=ids, report__year=year)
        .order_by("report__organisation_id", "-number")
        .select_related("report")
    ):
        latest.setdefault(version.report.organisation_id, version)
    return latest


def _frozen_months(ids: list[int], year: int) -> dict[tuple[int, int], dict]:
    """(organisation, month) -> the latest submitted or accepted monthly version's number, its items of
    the month and, when it has the 依申请公开 section, its applications received and answered in the month."""
    found = {}
    applications = "figures__sections__applications__"
    rows = (
        ReportVersion.objects.filter(
            report__organisation_id__in=ids,
            report__month__year=year,
            report__status__in=[MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.ACCEPTED],
        )
        .order_by("report_id", "-number")
        .values(
            "report__organisation_id",
            "report__month",
            "number",
            "figures__sections__published__total__month",
            f"{applications}received__month",
            f"{applications}answered__month",
        )
    )
    for row in rows:
        key = (row["report__organisation_id"], row["report__month"].month)
        if key in found:
            continue
        received, answered = row[f"{applications}received__month"], row[f"{applications}answered__month"]
        found[key] = {
            "version": row["number"],
            "items": int(row["figures__sections__published__total__month"] or 0),
            "applications": None
            if received is None or answered is None
            else {"received": int(received), "answered": int(answered)},
        }
    return found


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _entered(report: AnnualReport | None) -> dict:
    entered = dict.fromkeys(ENTERED_KEYS)
    if report is None:
        return entered
    for figure in report.entered_figures.all():
        value = figure.value.normalize() if figure.key == EnteredFigure.Key.FEES else int(figure.value)
        entered[figure.key] = {
            "value": str(value) if isinstance(value, Decimal) else value,
            "source_note": figure.source_note,
            "entered_by": _user_name(figure.entered_by),
            "entered_at": figure.entered_at.isoformat(),
        }
    return entered


def _previous(oid: int, documents: dict, version: AnnualVersion | None, report: AnnualReport | None) -> dict:
    if version is not None:
        figures = version.figures
        return {
            "basis": "frozen",
            "version": version.number,
            "carried_out": {key: figures["table3"]["carried_out"][key] for key in [*KIND_KEYS, "total"]},
            "valid": {kind: figures["table2"]["documents"][kind]["valid"] for kind in DOCUMENT_KINDS},
            "note": f"上年度第{version.number}版年度报告（已冻结）",
        }
    if report is not None and report.manual_previous:
        manual = report.manual_previous
        return {
            "basis": "manual",
            "version": None,
            "carried_out": {key: int(manual["carried_out"].get(key, 0)) for key in [*KIND_KEYS, "total"]},
            "valid": {kind: int(manual["valid"].get(kind, 0)) for kind in DOCUMENT_KINDS},
            "note": (
                f"首年使用平台，上年数据由{_user_name(report.manual_previous_by)}手工录入"
                f"（{timezone.localtime(report.manual_previous_at):%Y-%m-%d}）：{report.manual_previous_note}"
            ),
        }
    return {
        "basis": "records",
        "version": None,
        "carried_out": None,
        "valid": {kind: documents[kind]["valid_before"] for kind in DOCUMENT_KINDS},
        "note": "上年度没有冻结的年度报告，上年现行有效件数按平台记录计算；上年结转未核对。",
    }


def compute_year(organisations: list[Organisation], year: int, *, reports=None) -> dict[int, dict]:
    """The figures of `year` for each organisation, keyed by its id; a fixed number of queries.

    `reports` (organisation id -> AnnualReport with `entered_figures` prefetched) saves
    the look-up when the caller already has them.
    """
    ids = [organisation.pk for organisation in organisations]
    start, end = year_bounds(year)
    if reports is None:
        reports = {
            report.organisation_id: report
            for report in AnnualReport.objects.filter(organisation_id__in=ids, year=year)
            .select_related("manual_previous_by")
            .prefetch_related("entered_figures__entered_by")
        }
    months = monthly_trend(organisations, [Month(year, number) for number in range(1, 13)])
    kinds = _kinds(ids, start, end)
    channels = _channels(ids, start, end)
    documents = _documents(ids, year)
    sourced, source_names = _from_sources(ids, year)
    previous_versions = _previous_versions(ids, year - 1)
    frozen_months = _frozen_months(ids, year)
    computed_at = timezone.now().isoformat()
    result = {}
    for organisation in organisations:
        oid = organisation.pk
        sources = sourced[oid]
        result[oid] = {
            "schema_version": SCHEMA_VERSION,
            "organisation": {
                "id": oid,
                "name": organisation.name,
                "short_name": organisation.short_name,
                "code": organisation.code,
            },
            "year": year,
            "computed_at": computed_at,
            "proactive": {
                "total": sum(months[oid]),
                "kinds": kinds[oid],
                "channels": channels[oid],
            },
            "monthly": [
                {
                    "month": number,
                    "records": months[oid][number - 1],
                    "frozen": frozen_months[(oid, number)]["items"] if (oid, number) in frozen_months else None,
                    "version": frozen_months[(oid, number)]["version"] if (oid, number) in frozen_months else None,
                    "frozen_applications": frozen_months[(oid, number)]["applications"]
                    if (oid, number) in frozen_months
                    else None,
                }
                for number in range(1, 13)
            ],
            "table2": {
                "documents": {
                    kind: {key: documents[oid][kind][key] for key in ("issued", "repealed", "valid")}
                    for kind in DOCUMENT_KINDS
                },
                "entered": _entered(reports.get(oid)),
            },
            "table3": sources["table3"],
            "table4": sources["table4"],
            # The shortest plain form (100.00 and 100 from two sources read the same; never 1E+2).
            "fees_yuan": f"{sources['fees_yuan'].normalize():f}",
            "sources": source_names,
            "source_problems": sources["unknown"],
            "previous": _previous(oid, documents[oid], previous_versions.get(oid), reports.get(oid)),
        }
    return result


def sum_figures(all_figures: list[dict]) -> dict:
    """Tables 二, 三 and 四 added up over several organisations (the county's totals)."""
    table2 = {kind: dict.fromkeys(("issued", "repealed", "valid"), 0) for kind in DOCUMENT_KINDS}
    entered = dict.fromkeys(ENTERED_KEYS, Decimal("0"))
    table3 = {key: _zero_row() for key in TABLE3_ROWS}
    table4 = {kind: dict.fromkeys([*RESULT_KEYS, "total"], 0) for kind, _label in REMEDY_KINDS}
    for figures in all_figures:
        for kind in DOCUMENT_KINDS:
            for key in table2[kind]:
                table2[kind][key] += figures["table2"]["documents"][kind][key]
        for key in ENTERED_KEYS:
            value = figures["table2"]["entered"].get(key)
            if value:
                entered[key] += Decimal(str(value["value"]))
        for row_key, row in figures["table3"].items():
            for column, n in row.items():
                table3[row_key][column] += n
        for kind, results in figures["table4"].items():
            for key, n in results.items():
                table4[kind][key] += n
    return {
        "table2": {
            "documents": table2,
            "entered": {
                key: {"value": int(v) if key != "fees" else str(v.normalize()), "source_note": "", "entered_by": ""}
                for key, v in entered.items()
            },
        },
        "table3": table3,
        "table4": table4,
    }


def deadline_for(year: int) -> datetime.date:
    """The day by which `year`'s report is on time: ANNUAL_REPORT_DEADLINE (MM-DD) of the next year."""
    from django.conf import settings

    month, day = (int(part) for part in getattr(settings, "ANNUAL_REPORT_DEADLINE", "01-31").split("-"))
    return datetime.date(year + 1, month, day)
