"""Reading monthly reports: documents for the files, the county office's board, the 12-month trend."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from catalog.models import Organisation
from disclosure.models import Item
from reports.exports import ReportDocument
from reports.figures import compute_figures, headline
from reports.models import MonthlyReport, ReportVersion
from reports.months import Month


def version_document(version: ReportVersion) -> ReportDocument:
    """A frozen version as its files show it."""
    report = version.report
    user = version.submitted_by
    return ReportDocument(
        organisation_name=version.figures["organisation"]["name"],
        short_name=version.figures["organisation"]["short_name"],
        month=report.period,
        figures=version.figures,
        narrative=version.narrative,
        version=version.number,
        submitted_at=version.submitted_at,
        submitted_by=user.get_full_name() or user.get_username(),
        deadline=version.deadline,
        is_late=version.is_late,
    )


def live_document(organisation: Organisation, month: Month, report: MonthlyReport | None, figures=None):
    """The month as the records stand now, with the narrative written so far (a draft)."""
    if figures is None:
        figures = compute_figures([organisation], month)[organisation.pk]
    return ReportDocument(
        organisation_name=organisation.name,
        short_name=organisation.short_name,
        month=month,
        figures=figures,
        narrative=report.narrative() if report else {},
        deadline=month.deadline,
    )


class BoardStatus:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED_ON_TIME = "submitted_on_time"
    SUBMITTED_LATE = "submitted_late"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    LABELS = {
        NOT_STARTED: "未开始",
        DRAFT: "草稿",
        SUBMITTED_ON_TIME: "按时上报",
        SUBMITTED_LATE: "逾期上报",
        RETURNED: "已退回",
        ACCEPTED: "已接收",
    }


@dataclass
class BoardRow:
    organisation: Organisation
    month: Month
    report: MonthlyReport | None
    versions: list[ReportVersion] = field(default_factory=list)  # newest first
    figures: dict | None = None
    frozen: bool = False

    @property
    def latest(self) -> ReportVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def first(self) -> ReportVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def submitted_late(self) -> bool:
        """The deadline applies to the first submission; a resubmission after a return is not late in itself."""
        return bool(self.first and self.first.is_late)

    @property
    def status(self) -> str:
        if self.report is None:
            return BoardStatus.NOT_STARTED
        Status = MonthlyReport.Status
        if self.report.status == Status.SUBMITTED:
            return BoardStatus.SUBMITTED_LATE if self.submitted_late else BoardStatus.SUBMITTED_ON_TIME
        return {
            Status.DRAFT: BoardStatus.DRAFT,
            Status.RETURNED: BoardStatus.RETURNED,
            Status.ACCEPTED: BoardStatus.ACCEPTED,
        }[self.report.status]

    @property
    def status_label(self) -> str:
        return BoardStatus.LABELS[self.status]

    @property
    def headline(self) -> dict:
        return headline(self.figures)

    def document(self) -> ReportDocument:
        if self.frozen:
            return version_document(self.latest)
        return live_document(self.organisation, self.month, self.report, figures=self.figures)


def board_rows(organisations: list[Organisation], month: Month) -> list[BoardRow]:
    """Each organisation's report for the month, with frozen figures where the county office holds it.

    A submitted or accepted report shows its latest version's figures; every other
    organisation's figures are computed live, all together: the number of queries
    does not depend on the number of organisations or items.
    """
    reports = {
        report.organisation_id: report
        for report in MonthlyReport.objects.filter(organisation__in=organisations, month=month.first_day)
    }
    versions = defaultdict(list)
    for version in (
        ReportVersion.objects.filter(report__in=reports.values())
        .select_related("decision", "submitted_by")
        .prefetch_related("files")
        .order_by("-number")
    ):
        versions[version.report_id].append(version)
    rows = []
    for organisation in organisations:
        report = reports.get(organisation.pk)
        row = BoardRow(organisation, month, report, versions[report.pk] if report else [])
        if report is not None:
            for version in row.versions:
                version.report = report
        held_by_county = report is not None and report.status in (
            MonthlyReport.Status.SUBMITTED,
            MonthlyReport.Status.ACCEPTED,
        )
        if held_by_county and row.latest is not None:
            row.figures, row.frozen = row.latest.figures, True
        rows.append(row)
    live = [row.organisation for row in rows if not row.frozen]
    if live:
        computed = compute_figures(live, month)
        for row in rows:
            if not row.frozen:
                row.figures = computed[row.organisation.pk]
    return rows


def monthly_trend(organisations: list[Organisation], months: list[Month]) -> dict[int, list[int]]:
    """Items published per organisation in each of `months` (consecutive), counted as the reports count them."""
    tz = timezone.get_default_timezone()
    counts = defaultdict(int)
    rows = (
        Item.objects.filter(
            organisation__in=organisations,
            status__in=[Item.Status.PUBLISHED, Item.Status.WITHDRAWN],
            published_at__gte=months[0].start,
            published_at__lt=months[-1].end,
        )
        .annotate(
            published_month=TruncMonth("published_at", tzinfo=tz),
            withdrawn_month=TruncMonth("withdrawn_at", tzinfo=tz),
        )
        # An item withdrawn in the month it went out never stood at that month's end.
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_month__gt=F("published_month")))
        .values("organisation_id", "published_month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        local = timezone.localtime(row["published_month"], tz)
        counts[(row["organisation_id"], Month(local.year, local.month))] += row["n"]
    return {organisation.pk: [counts[(organisation.pk, month)] for month in months] for organisation in organisations}


def township_months(organisation: Organisation, year: int) -> list[tuple[Month, MonthlyReport | None]]:
    """The twelve months of a year with the township's report for each, if it has one."""
    reports = {
        report.month.month: report
        for report in MonthlyReport.objects.filter(organisation=organisation, month__year=year)
    }
    return [(Month(year, number), reports.get(number)) for number in range(1, 13)]
