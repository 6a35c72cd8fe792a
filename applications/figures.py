"""Figures for the monthly report (a registered section) and the annual report (a registered source).

Both count with the annual report's codes (township_portal.lib.annual), so twelve months of
"received" and "answered per outcome" add up to 表三's rows for the year. An application counts
as received on its day of receipt (Art. 31) and as closed on the day its answer was approved
(or it lapsed); online submissions not yet confirmed and void ones count nowhere.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from applications.models import Application, ApplicationEvent, EventKind, Remedy
from reports.figures import DisplayTable, MonthContext, Section, register_section
from township_portal.lib.annual import (
    APPLICANT_KINDS,
    OUTCOME_CODES,
    OUTCOMES,
    REMEDY_KINDS,
    REMEDY_RESULTS,
    AnnualFigures,
    register_annual_source,
)

KIND_CODES = [code for code, _label in APPLICANT_KINDS]
COUNTED_EVENTS = {
    "corrections": EventKind.CORRECTION_SENT,
    "extended": EventKind.EXTENDED,
    "third_party": EventKind.THIRD_PARTY_SENT,
}

# --- Monthly ---------------------------------------------------------------------


def _pair(month: int = 0, ytd: int = 0) -> dict:
    return {"month": month, "ytd": ytd}


def compute_month(context: MonthContext) -> dict[int, dict]:
    """Per organisation: received, answered per outcome, corrections, extensions, third parties
    (month and year to date), and what was open and overdue at the month's end. Four queries."""
    first, last, year_first = context.month.first_day, context.month.last_day, datetime.date(context.month.year, 1, 1)
    counted = Application.objects.received().filter(organisation_id__in=context.ids)
    month_q = Q(received_on__gte=first, received_on__lte=last)
    ytd_q = Q(received_on__gte=year_first, received_on__lte=last)
    open_q = Q(received_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gt=last))
    # A month still running is judged as of today, not as of its last day.
    as_of = min(last, timezone.localdate())
    received = {
        row["organisation_id"]: row
        for row in counted.values("organisation_id").annotate(
            month=Count("id", filter=month_q),
            ytd=Count("id", filter=ytd_q),
            open=Count("id", filter=open_q),
            # Overdue at the month's end by the due date as it stands now (moved by every event).
            overdue=Count("id", filter=open_q & Q(due_on__lt=as_of)),
        )
    }
    outcomes: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in (
        counted.filter(closed_on__gte=year_first, closed_on__lte=last)
        .values("organisation_id", "outcome")
        .annotate(
            month=Count("id", filter=Q(closed_on__gte=first)),
            ytd=Count("id"),
        )
    ):
        outcomes[row["organisation_id"]][row["outcome"]] = _pair(row["month"], row["ytd"])
    events: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in (
        ApplicationEvent.objects.filter(
            application__organisation_id__in=context.ids,
            kind__in=list(COUNTED_EVENTS.values()),
            on__gte=year_first,
            on__lte=last,
        )
        .values("application__organisation_id", "kind")
        .annotate(month=Count("id", filter=Q(on__gte=first)), ytd=Count("id"))
    ):
        events[row["application__organisation_id"]][row["kind"]] = _pair(row["month"], row["ytd"])
    result = {}
    for oid in context.ids:
        row = received.get(oid, {})
        answered = outcomes.get(oid, {})
        result[oid] = {
            "received": _pair(row.get("month", 0), row.get("ytd", 0)),
            "outcomes": {code: answered.get(code, _pair()) for code in OUTCOME_CODES},
            "answered": _pair(sum(v["month"] for v in answered.values()), sum(v["ytd"] for v in answered.values())),
            **{name: events.get(oid, {}).get(kind, _pair()) for name, kind in COUNTED_EVENTS.items()},
            "open_at_end": row.get("open", 0),
            "overdue_at_end": row.get("overdue", 0),
        }
    return result


def month_tables(data: dict) -> list[DisplayTable]:
    def line(label, pair):
        return [label, pair["month"], pair["ytd"]]

    outcome_rows = [line(f"{group}{label}", data["outcomes"][code]) for code, group, label in OUTCOMES]
    return [
        DisplayTable(
            "政府信息公开申请办理情况",
            ["项目", "本月", "本年累计"],
            [
                line("收到申请", data["received"]),
                line("办结", data["answered"]),
                line("发出补正通知", data["corrections"]),
                line("延长答复期限", data["extended"]),
                line("征求第三方意见", data["third_party"]),
                ["月末仍在办理", data["open_at_end"], None],
                ["其中：月末已超过答复期限", data["overdue_at_end"], None],
            ],
            groups=[("", 1), ("件", 2)],
            note="收到日期按条例第三十一条确定；办结按答复审批日期计入当月，与年度报告表三的办理结果一致。",
        ),
        DisplayTable(
            "办理结果（与年度报告表三一致）",
            ["办理结果", "本月", "本年累计"],
            [*outcome_rows, line("总计", data["answered"])],
            groups=[("", 1), ("件", 2)],
        ),
    ]


register_section(Section("applications", "依申请公开", compute_month, month_tables))

# --- Annual ----------------------------------------------------------------------


def _kinds() -> dict[str, int]:
    return dict.fromkeys(KIND_CODES, 0)


def applications_year(*, organisation_ids: list[int], year: int) -> dict[int, AnnualFigures]:
    """表三, 表四 and the fees of one year, per organisation, in four queries.

    一 received in the year; 二 received before it and still open on 1 January; 三 closed in
    the year, by outcome; 四 received by 31 December and still open then. So 一 + 二 = 三 + 四
    in every column. 表四 counts reviews and lawsuits filed in the year, or filed earlier and
    decided in it or still pending; the fee is what was paid in the year.
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    counted = Application.objects.received().filter(organisation_id__in=organisation_ids)
    figures = {
        oid: AnnualFigures(
            received=_kinds(),
            carried_in=_kinds(),
            carried_out=_kinds(),
            outcomes={code: _kinds() for code in OUTCOME_CODES},
            remedies={kind: dict.fromkeys([code for code, _ in REMEDY_RESULTS], 0) for kind, _ in REMEDY_KINDS},
        )
        for oid in organisation_ids
    }
    open_on = lambda day: Q(received_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))  # noqa: E731
    for row in counted.values("organisation_id", "applicant_kind").annotate(
        received=Count("id", filter=Q(received_on__gte=first, received_on__lte=last)),
        carried_in=Count("id", filter=open_on(first - datetime.timedelta(days=1))),
        carried_out=Count("id", filter=open_on(last)),
    ):
        target = figures[row["organisation_id"]]
        for name in ("received", "carried_in", "carried_out"):
            getattr(target, name)[row["applicant_kind"]] += row[name]
    for row in (
        counted.filter(closed_on__gte=first, closed_on__lte=last)
        .values("organisation_id", "applicant_kind", "outcome")
        .annotate(n=Count("id"))
    ):
        figures[row["organisation_id"]].outcomes[row["outcome"]][row["applicant_kind"]] += row["n"]
    for row in (
        Remedy.objects.filter(application__organisation_id__in=organisation_ids, filed_on__lte=last)
        .filter(Q(filed_on__gte=first) | Q(decided_on__isnull=True) | Q(decided_on__gte=first))
        .values("application__organisation_id", "kind", "result", "decided_on")
        .annotate(n=Count("id"))
    ):
        # A case decided after the year's end was still pending at it.
        result = "pending" if row["decided_on"] is None or row["decided_on"] > last else row["result"]
        figures[row["application__organisation_id"]].remedies[row["kind"]][result] += row["n"]
    for row in ApplicationEvent.objects.filter(
        application__organisation_id__in=organisation_ids, kind=EventKind.FEE_PAID, on__gte=first, on__lte=last
    ).values("application__organisation_id", "data"):
        figures[row["application__organisation_id"]].fees_yuan += Decimal(row["data"].get("amount", "0"))
    return figures


register_annual_source("applications", applications_year)
