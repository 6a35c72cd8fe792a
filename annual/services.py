"""Writing annual reports: the narrative and entered figures, last year's carry-over entered by hand,
submission (the freeze), the county office's decision, and publication in the 年度报告 column."""

import datetime
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annual.checks import as_json, failures, from_json, run_checks
from annual.exports import RENDERERS, AnnualDocument, publication_body
from annual.figures import DOCUMENT_KINDS, KIND_KEYS, compute_year, deadline_for
from annual.models import NARRATIVE_FIELDS, AnnualDecision, AnnualFile, AnnualReport, AnnualVersion, EnteredFigure
from audit.services import audit_record
from catalog.models import Category, Organisation
from disclosure import services as disclosure
from disclosure.models import Item
from reports import access
from reports.freezing import version_decide, version_files_write
from township_portal.lib.files import atomic_with_files

NARRATIVE_KEYS = [key for key, _label in NARRATIVE_FIELDS]
ANNUAL_COLUMN_NAMES = ("年度报告", "政府信息公开年度报告", "年报")


class AnnualError(ValidationError):
    """A request the rules refuse; the message is shown to the user as it is."""


def _require_preparer(by, organisation: Organisation) -> None:
    if not access.can_prepare(by, organisation):
        raise PermissionDenied("只有本乡镇的机构管理员或分管领导可以填写和上报年度报告。")


def _locked_report(*, organisation: Organisation, year: int, by) -> AnnualReport:
    report, _ = AnnualReport.objects.select_for_update().get_or_create(
        organisation=organisation, year=year, defaults={"created_by": by}
    )
    return report


def _require_editable(report: AnnualReport) -> None:
    if not report.is_editable:
        raise AnnualError("本年度报告已上报或已被接收，不能修改；如需修改，请县政务公开办退回后再改。")


def _refresh_checks(report: AnnualReport) -> list:
    """Recompute the figures and checks of the working copy (every save runs the checks)."""
    report = AnnualReport.objects.prefetch_related("entered_figures__entered_by").get(pk=report.pk)
    figures = compute_year([report.organisation], report.year, reports={report.organisation_id: report})
    checks = run_checks(figures[report.organisation_id])
    ok = not failures(checks)
    if report.checks_ok != ok:
        AnnualReport.objects.filter(pk=report.pk).update(checks_ok=ok)
    return checks


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def annual_save(
    *,
    organisation: Organisation,
    year: int,
    by,
    narrative: dict[str, str],
    entered: dict[str, tuple[Decimal, str]] | None = None,
    at: datetime.datetime | None = None,
) -> tuple[AnnualReport, list]:
    """Saves the narrative and the entered figures of 表二 on the working copy; returns it with its checks.

    `entered` maps an `EnteredFigure.Key` to (value, source note); a figure without a
    source note is refused (who gave the number must be on record). Refused once the
    year is submitted or accepted. Every changed figure records who entered it and when.
    """
    _require_preparer(by, organisation)
    at = at or timezone.now()
    unknown = set(narrative) - set(NARRATIVE_KEYS)
    if unknown:
        raise ValueError(f"not narrative fields: {sorted(unknown)}")
    report = _locked_report(organisation=organisation, year=year, by=by)
    _require_editable(report)
    before = report.narrative()
    for key, text in narrative.items():
        setattr(report, key, (text or "").strip())
    if report.narrative() != before:
        report.save(update_fields=[*narrative, "updated_at"])
        audit_record(
            actor=by,
            action="annual.narrative_save",
            obj=report,
            organisation=organisation,
            before={k: v for k, v in before.items() if k in narrative},
            after=narrative,
        )
    for key, (value, note) in (entered or {}).items():
        if key not in EnteredFigure.Key.values:
            raise ValueError(f"not an entered figure: {key}")
        if value is None:
            continue
        note = (note or "").strip()
        label = EnteredFigure.Key(key).label
        if not note:
            raise AnnualError(f"请写明“{label}”的数据来源（如：县市场监管局行政许可系统导出）。")
        if value < 0:
            raise AnnualError(f"“{label}”不能为负数。")
        if key != EnteredFigure.Key.FEES and value != value.to_integral_value():
            raise AnnualError(f"“{label}”是件数，请填写整数。")
        current = report.entered_figures.filter(key=key).first()
        if current is not None and current.value == value and current.source_note == note:
            continue
        old = {"value": str(current.value), "source_note": current.source_note} if current else None
        EnteredFigure.objects.update_or_create(
            report=report, key=key, defaults={"value": value, "source_note": note, "entered_by": by, "entered_at": at}
        )
        audit_record(
            actor=by,
            action="annual.figure_enter",
            obj=report,
            organisation=organisation,
            before=old,
            after={"key": key, "value": str(value), "source_note": note},
        )
    return report, _refresh_checks(report)


@transaction.atomic
def annual_enter_previous(
    *, organisation: Organisation, year: int, by, carried_out: dict[str, int], valid: dict[str, int], note: str
) -> tuple[AnnualReport, list]:
    """Records last year's carry-over (表三 四 per column, 表二 现行有效) by hand, for the first year on the platform.

    Refused when a report of last year was frozen on the platform (that one is the
    reference), without a note saying where the numbers come from, or with negative
    numbers. Recorded as entered by hand, by whom and when; the checks then use it.
    """
    _require_preparer(by, organisation)
    note = (note or "").strip()
    if AnnualVersion.objects.filter(report__organisation=organisation, report__year=year - 1).exists():
        raise AnnualError(f"{year - 1}年度报告已在平台上报，上年结转以其冻结数据为准，不能手工录入。")
    if not note:
        raise AnnualError("请写明手工录入的上年数据来源（如：2025年度报告纸质版）。")
    values = [*carried_out.values(), *valid.values()]
    if any(value is None or value < 0 for value in values):
        raise AnnualError("上年结转数据须为不小于 0 的整数。")
    report = _locked_report(organisation=organisation, year=year, by=by)
    _require_editable(report)
    row = {kind: int(carried_out.get(kind, 0)) for kind in KIND_KEYS}
    row["total"] = sum(row.values())
    manual = {"carried_out": row, "valid": {kind: int(valid.get(kind, 0)) for kind in DOCUMENT_KINDS}}
    before = report.manual_previous
    report.manual_previous, report.manual_previous_note = manual, note
    report.manual_previous_by, report.manual_previous_at = by, timezone.now()
    report.save(
        update_fields=[
            "manual_previous",
            "manual_previous_note",
            "manual_previous_by",
            "manual_previous_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="annual.previous_enter",
        obj=report,
        organisation=organisation,
        before=before,
        after=manual,
        note=f"首年手工录入上年结转：{note}",
    )
    return report, _refresh_checks(report)


def version_document(version: AnnualVersion) -> AnnualDocument:
    figures = version.figures
    return AnnualDocument(
        organisation_name=figures["organisation"]["name"],
        short_name=figures["organisation"]["short_name"],
        year=version.report.year,
        figures=figures,
        narrative=version.narrative,
        checks=from_json(version.checks),
        version=version.number,
        submitted_at=version.submitted_at,
        submitted_by=_user_name(version.submitted_by),
        deadline=version.deadline,
        is_late=version.is_late,
    )


def live_document(organisation: Organisation, year: int, report: AnnualReport | None, figures: dict | None = None):
    """The year as the records stand now, with the narrative written so far (a draft)."""
    if figures is None:
        reports = {organisation.pk: report} if report is not None else None
        figures = compute_year([organisation], year, reports=reports)[organisation.pk]
    return AnnualDocument(
        organisation_name=organisation.name,
        short_name=organisation.short_name,
        year=year,
        figures=figures,
        narrative=report.narrative() if report else {},
        checks=run_checks(figures),
        deadline=deadline_for(year),
    )


@transaction.atomic
def annual_submit(*, organisation: Organisation, year: int, by, at: datetime.datetime | None = None) -> AnnualVersion:
    """Freezes the year as a new version, with its DOCX, PDF, XLSX and JSON and their SHA-256.

    Refused before the year has ended, while a submission awaits the county office, after
    acceptance, without the 总体情况 narrative, and while any check fails (the message
    names the cells). Files are written inside the transaction: if anything fails, no
    row and no file is left behind.
    """
    at = at or timezone.now()
    _require_preparer(by, organisation)
    if timezone.localdate(at).year <= year:
        raise AnnualError(f"{year}年尚未结束，年末之后才能上报年度报告。")
    report = _locked_report(organisation=organisation, year=year, by=by)
    if report.status == AnnualReport.Status.SUBMITTED:
        raise AnnualError("本年度报告已上报，正等待县政务公开办处理，不能重复上报。")
    if report.status == AnnualReport.Status.ACCEPTED:
        raise AnnualError("本年度报告已被县政务公开办接收，不能再上报。")
    missing = [label for key, label in NARRATIVE_FIELDS if key.startswith("overview_") and not getattr(report, key)]
    if missing:
        raise AnnualError("请先填写并保存“一、总体情况”：" + "、".join(missing) + "。")
    organisation = Organisation.objects.get(pk=organisation.pk)
    report = AnnualReport.objects.prefetch_related("entered_figures__entered_by").get(pk=report.pk)
    # Through JSON and back: the files are built from the figures exactly as stored.
    figures = json.loads(
        json.dumps(compute_year([organisation], year, reports={organisation.pk: report})[organisation.pk])
    )
    checks = run_checks(figures)
    failed = failures(checks)
    if failed:
        raise AnnualError(
            f"有 {len(failed)} 项勾稽校验未通过，不能上报：" + "；".join(f"{c.cell}（{c.message}）" for c in failed)
        )
    number = (report.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
    deadline = deadline_for(year)
    with atomic_with_files():
        version = AnnualVersion.objects.create(
            report=report,
            number=number,
            figures=figures,
            narrative=report.narrative(),
            checks=as_json(checks),
            submitted_by=by,
            submitted_at=at,
            deadline=deadline,
            is_late=timezone.localdate(at) > deadline,
        )
        stem = f"annual/{organisation.slug}/{year}/v{number}/{organisation.slug}-{year}-v{number}"
        checksums = version_files_write(
            version=version,
            file_model=AnnualFile,
            document=version_document(version),
            renderers=RENDERERS,
            stored_name=lambda file_format: f"{stem}.{file_format}",
        )
        report.status = AnnualReport.Status.SUBMITTED
        report.checks_ok = True
        report.save(update_fields=["status", "checks_ok", "updated_at"])
        audit_record(
            actor=by,
            action="annual.submit",
            obj=version,
            organisation=organisation,
            after={
                "version": number,
                "is_late": version.is_late,
                "deadline": deadline.isoformat(),
                "sha256": checksums,
            },
        )
    return version


def _decide(*, version: AnnualVersion, by, outcome: str, comment: str, at) -> AnnualDecision:
    return version_decide(
        version=version,
        report_model=AnnualReport,
        decision_model=AnnualDecision,
        by=by,
        outcome=outcome,
        comment=comment,
        at=at,
        action_prefix="annual",
        what="乡镇年度报告",
        error=AnnualError,
    )


@transaction.atomic
def annual_accept(*, version: AnnualVersion, by, comment: str = "", at=None) -> AnnualDecision:
    """The county office accepts the latest submitted version; the township may then publish it."""
    return _decide(version=version, by=by, outcome=AnnualDecision.Outcome.ACCEPTED, comment=comment.strip(), at=at)


@transaction.atomic
def annual_return(*, version: AnnualVersion, by, comment: str, at=None) -> AnnualDecision:
    """The county office returns the latest submitted version with a comment; the township may resubmit."""
    comment = (comment or "").strip()
    if not comment:
        raise AnnualError("退回年度报告时请填写退回意见。")
    return _decide(version=version, by=by, outcome=AnnualDecision.Outcome.RETURNED, comment=comment, at=at)


def annual_column(organisation: Organisation) -> Category | None:
    """The township's 年度报告 column (a leaf category named so), if its catalog has one."""
    candidates = Category.objects.filter(organisation=organisation, is_active=True, name__in=ANNUAL_COLUMN_NAMES)
    return candidates.filter(children__isnull=True).order_by("order", "id").first()


@transaction.atomic
def annual_publish(*, report: AnnualReport, by, at: datetime.datetime | None = None) -> Item:
    """Drafts the accepted report as an item of the township's 年度报告 column and sends it into review.

    The item's body holds the narrative and the tables as HTML tables; the frozen DOCX
    and PDF are attached. From here the normal review (初审, 保密审查, 签发) publishes it
    and gives it its 索引号; the author (`by`) cannot approve it. Refused before the
    county office accepted the report, twice for the same report, and when the
    township's catalog has no 年度报告 column.
    """
    report = AnnualReport.objects.select_for_update().select_related("organisation").get(pk=report.pk)
    organisation = report.organisation
    if not access.can_prepare(by, organisation):
        raise PermissionDenied("只有本乡镇的机构管理员或分管领导可以发布年度报告。")
    if report.status != AnnualReport.Status.ACCEPTED:
        raise AnnualError("县政务公开办接收年度报告后才能发布。")
    if report.published_item_id is not None:
        raise AnnualError("本年度报告已送审发布，请在公开信息中查看。")
    column = annual_column(organisation)
    if column is None:
        raise AnnualError("本乡镇的公开目录中没有“年度报告”栏目，请机构管理员先添加该栏目。")
    version = report.versions.select_related("submitted_by").prefetch_related("files").order_by("-number").first()
    document = version_document(version)
    accepted_on = timezone.localdate(version.decision.decided_at)
    item = disclosure.item_create(
        by=by,
        organisation=organisation,
        category=column,
        title=document.title,
        written_on=min(accepted_on, timezone.localdate()),
        summary=f"{organisation.short_name}{report.year}年政府信息公开工作年度报告（按国办公开办函〔2021〕30号格式）。",
        body=publication_body(document),
        keywords="政府信息公开,年度报告",
        at=at,
    )
    for stored in version.files.all():
        if stored.format not in ("pdf", "docx"):
            continue
        with stored.file.open("rb") as handle:
            data = handle.read()
        disclosure.attachment_add(item=item, uploaded_file=ContentFile(data, name=stored.download_name), by=by, at=at)
    disclosure.item_submit(item=item, by=by, at=at)
    item.refresh_from_db()
    report.published_item = item
    report.save(update_fields=["published_item", "updated_at"])
    audit_record(
        actor=by,
        action="annual.publish",
        obj=report,
        organisation=organisation,
        after={"item": item.pk, "version": version.number},
    )
    return item
