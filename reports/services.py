"""Writing monthly reports: the narrative, submission (the freeze) and the county office's decision."""

import datetime
import json
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Organisation
from reports import access
from reports.exports import RENDERERS
from reports.figures import compute_figures
from reports.freezing import version_decide, version_files_write
from reports.models import MonthlyReport, ReportDecision, ReportFile, ReportVersion
from reports.months import Month
from reports.queries import version_document
from township_portal.lib.files import atomic_with_files


class ReportError(ValidationError):
    """A request the rules refuse; the message is shown to the user as it is."""


def _locked_report(*, organisation: Organisation, month: Month, by) -> MonthlyReport:
    report, _ = MonthlyReport.objects.select_for_update().get_or_create(
        organisation=organisation, month=month.first_day, defaults={"created_by": by}
    )
    return report


def _require_preparer(by, organisation: Organisation) -> None:
    if not access.can_prepare(by, organisation):
        raise PermissionDenied("只有本乡镇的机构管理员或分管领导可以填写和上报月报。")


@transaction.atomic
def report_save_narrative(
    *, organisation: Organisation, month: Month, by, work_done: str, problems: str, improvements: str
) -> MonthlyReport:
    """Saves the narrative on the township's working copy; refused once the month is submitted or accepted."""
    _require_preparer(by, organisation)
    report = _locked_report(organisation=organisation, month=month, by=by)
    if not report.is_editable:
        raise ReportError("本月月报已上报，不能修改；如需修改，请县政务公开办退回后再改。")
    before = report.narrative()
    report.work_done, report.problems, report.improvements = work_done.strip(), problems.strip(), improvements.strip()
    if report.narrative() != before:
        report.save(update_fields=["work_done", "problems", "improvements", "updated_at"])
        audit_record(
            actor=by,
            action="report.narrative_save",
            obj=report,
            organisation=organisation,
            before=before,
            after=report.narrative(),
        )
    return report


@atomic_with_files()
def report_submit(
    *, organisation: Organisation, month: Month, by, at: datetime.datetime | None = None
) -> ReportVersion:
    """Freezes the month as a new version.

    The figures are computed from the records now and stored with the narrative as
    they are; the XLSX, CSV, PDF and JSON files are generated once and kept with
    their SHA-256 (under fresh storage names, removed again if the submission
    fails). Nothing done to items afterwards changes this version. Refused
    before the month has ended, while a submission awaits the county office, after
    acceptance, without the narrative's work section, and from anyone but the
    township's organisation administrator or approver.
    """
    at = at or timezone.now()
    _require_preparer(by, organisation)
    if not month.has_ended(at):
        raise ReportError(f"{month.label}尚未结束，月末之后才能上报。")
    report = _locked_report(organisation=organisation, month=month, by=by)
    if report.status == MonthlyReport.Status.SUBMITTED:
        raise ReportError("本月月报已上报，正等待县政务公开办处理，不能重复上报。")
    if report.status == MonthlyReport.Status.ACCEPTED:
        raise ReportError("本月月报已被县政务公开办接收，不能再上报。")
    if not report.work_done:
        raise ReportError("请先填写“本月工作开展情况”再上报。")

    organisation = Organisation.objects.select_related("parent").get(pk=organisation.pk)
    # Through JSON and back: the files are built from the figures exactly as stored.
    figures = json.loads(json.dumps(compute_figures([organisation], month)[organisation.pk]))
    number = (report.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
    deadline = month.deadline
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        figures=figures,
        narrative=report.narrative(),
        submitted_by=by,
        submitted_at=at,
        deadline=deadline,
        is_late=timezone.localdate(at) > deadline,
    )
    # A fresh storage name every time: a file left by a killed submission can never take the
    # name a later one needs. The name people see is `download_name` (Content-Disposition).
    checksums = version_files_write(
        version=version,
        file_model=ReportFile,
        document=version_document(version),
        renderers=RENDERERS,
        stored_name=lambda file_format: f"{uuid.uuid4().hex}.{file_format}",
    )
    report.status = MonthlyReport.Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="report.submit",
        obj=version,
        organisation=organisation,
        after={"version": number, "is_late": version.is_late, "deadline": deadline.isoformat(), "sha256": checksums},
    )
    return version


def _decide(*, version: ReportVersion, by, outcome: str, comment: str, at) -> ReportDecision:
    return version_decide(
        version=version,
        report_model=MonthlyReport,
        decision_model=ReportDecision,
        by=by,
        outcome=outcome,
        comment=comment,
        at=at,
        action_prefix="report",
        what="乡镇月报",
        error=ReportError,
    )


@transaction.atomic
def report_accept(*, version: ReportVersion, by, comment: str = "", at=None) -> ReportDecision:
    """The county office accepts the latest submitted version; the month is then closed."""
    return _decide(version=version, by=by, outcome=ReportDecision.Outcome.ACCEPTED, comment=comment.strip(), at=at)


@transaction.atomic
def report_return(*, version: ReportVersion, by, comment: str, at=None) -> ReportDecision:
    """The county office returns the latest submitted version with a comment; the township may resubmit."""
    comment = comment.strip()
    if not comment:
        raise ReportError("退回月报时请填写退回意见。")
    return _decide(version=version, by=by, outcome=ReportDecision.Outcome.RETURNED, comment=comment, at=at)
