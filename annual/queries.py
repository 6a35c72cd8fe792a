"""Reading annual reports: the county office's board for a year, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from annual.checks import Check, failures, from_json, run_checks
from annual.figures import compute_year, deadline_for
from annual.models import AnnualReport, AnnualVersion
from annual.services import live_document, version_document
from catalog.models import Organisation

STATUS_LABELS = {
    "not_started": "未开始",
    "draft": "草稿",
    "submitted_on_time": "按时上报",
    "submitted_late": "逾期上报",
    "returned": "已退回",
    "accepted": "已接收",
}


@dataclass
class BoardRow:
    organisation: Organisation
    year: int
    report: AnnualReport | None
    versions: list[AnnualVersion] = field(default_factory=list)  # newest first
    figures: dict | None = None
    checks: list[Check] = field(default_factory=list)
    frozen: bool = False

    @property
    def latest(self) -> AnnualVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def is_late(self) -> bool:
        """Late when first submitted after the deadline, or not submitted and the deadline has passed."""
        if self.versions:
            return self.versions[-1].is_late
        from django.utils import timezone

        return timezone.localdate() > deadline_for(self.year)

    @property
    def checks_ok(self) -> bool:
        return not failures(self.checks)

    @property
    def failed_checks(self) -> list[Check]:
        return failures(self.checks)

    @property
    def status(self) -> str:
        if self.report is None:
            return "not_started"
        if self.report.status == AnnualReport.Status.SUBMITTED:
            return "submitted_late" if self.versions and self.versions[-1].is_late else "submitted_on_time"
        return self.report.status

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def document(self):
        if self.frozen:
            return version_document(self.latest)
        return live_document(self.organisation, self.year, self.report, figures=self.figures)


def board_rows(organisations: list[Organisation], year: int) -> list[BoardRow]:
    """Each organisation's report: frozen figures where the county office holds a version, live otherwise."""
    reports = {
        report.organisation_id: report
        for report in AnnualReport.objects.filter(organisation__in=organisations, year=year)
        .select_related("manual_previous_by")
        .prefetch_related("entered_figures__entered_by")
    }
    versions = defaultdict(list)
    for version in (
        AnnualVersion.objects.filter(report__in=reports.values())
        .select_related("decision", "submitted_by")
        .prefetch_related("files")
        .order_by("-number")
    ):
        versions[version.report_id].append(version)
    rows = []
    for organisation in organisations:
        report = reports.get(organisation.pk)
        row = BoardRow(organisation, year, report, versions[report.pk] if report else [])
        for version in row.versions:
            version.report = report
        held = report is not None and report.status in (AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED)
        if held and row.latest is not None:
            row.figures, row.frozen = row.latest.figures, True
            row.checks = from_json(row.latest.checks)
        rows.append(row)
    live = [row.organisation for row in rows if not row.frozen]
    if live:
        computed = compute_year(live, year, reports={oid: r for oid, r in reports.items()})
        for row in rows:
            if not row.frozen:
                row.figures = computed[row.organisation.pk]
                row.checks = run_checks(row.figures)
    return rows
