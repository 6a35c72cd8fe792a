"""Staff pages for annual reports, in the admin's look: a township's year (draft or frozen), the
downloads, and the county office's board. Residents get the login page; staff who may not see a
report get a 404, as if it did not exist."""

import hashlib
import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from annual import services
from annual.checks import failures
from annual.exports import CONTENT_TYPES, RENDERERS, CountyEntry, county_workbook
from annual.figures import deadline_for
from annual.forms import DecisionForm, PreviousForm, ReportForm, YearForm
from annual.models import AnnualFile, AnnualReport, AnnualVersion
from annual.narrative import draft_narrative
from annual.queries import board_rows
from catalog.access import staff_of
from catalog.models import Organisation
from reports import access
from reports.pages import county_or_404, staff_render, township_or_404

logger = logging.getLogger(__name__)


def _render(request, template: str, context: dict, status: int = 200):
    return staff_render(request, template, context, status)


def _township(user, slug: str) -> Organisation:
    return township_or_404(user, slug, missing="没有这份年度报告。")


def _county(user) -> Organisation:
    return county_or_404(user, missing="只有县政务公开办可以查看全县年度报告。")


def _default_year() -> int:
    return timezone.localdate().year - 1


def _attachment(data: bytes, *, file_format: str, name: str, fallback: str, etag: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


def _initial(report: AnnualReport | None, figures: dict) -> dict:
    """The form as staff find it: what they saved, else the text pre-drafted from the figures."""
    drafted = draft_narrative(figures)
    saved = report.narrative() if report else {}
    initial = {key: saved.get(key) or text for key, text in drafted.items()}
    for key, entry in figures["table2"]["entered"].items():
        if entry:
            initial[f"{key}_value"], initial[f"{key}_note"] = entry["value"], entry["source_note"]
    return initial


@login_required
def index(request):
    """A township's recent years; the county office goes to its board."""
    if access.county_of_office(request.user) is not None:
        return redirect("annual:board")
    staff = staff_of(request.user)
    if staff is None or staff.organisation.kind != Organisation.Kind.TOWNSHIP:
        raise Http404("没有可查看的年度报告。")
    township = staff.organisation
    reports = {r.year: r for r in AnnualReport.objects.filter(organisation=township)}
    years = [(year, reports.get(year)) for year in range(_default_year(), _default_year() - 5, -1)]
    return _render(
        request,
        "annual/index.html",
        {"title": f"{township.short_name}政府信息公开工作年度报告", "township": township, "years": years},
    )


def _report_page(request, township, year: int, *, form=None, previous_form=None, decision_form=None, status=200):
    report = (
        AnnualReport.objects.filter(organisation=township, year=year)
        .select_related("manual_previous_by", "published_item")
        .prefetch_related("entered_figures__entered_by")
        .first()
    )
    versions = []
    if report is not None:
        versions = list(
            report.versions.select_related("decision__decided_by", "submitted_by").prefetch_related("files")
        )
        for version in versions:
            version.report = report
    frozen = bool(versions) and report.status in (AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED)
    document = services.version_document(versions[0]) if frozen else services.live_document(township, year, report)
    can_prepare = access.can_prepare(request.user, township) and (report is None or report.is_editable)
    can_decide = (
        report is not None
        and report.status == AnnualReport.Status.SUBMITTED
        and access.can_decide(request.user, township)
    )
    if can_prepare and form is None:
        form = ReportForm(initial=_initial(report, document.figures))
    if can_prepare and previous_form is None and document.figures["previous"]["basis"] != "frozen":
        previous_form = PreviousForm()
    if can_decide and decision_form is None:
        decision_form = DecisionForm()
    can_publish = (
        report is not None
        and report.status == AnnualReport.Status.ACCEPTED
        and report.published_item_id is None
        and access.can_prepare(request.user, township)
    )
    return _render(
        request,
        "annual/report.html",
        {
            "title": document.title,
            "township": township,
            "year": year,
            "report": report,
            "document": document,
            "tables": document.tables(),
            "failed": failures(document.checks),
            "frozen": frozen,
            "version": versions[0] if frozen else None,
            "versions": versions,
            "returned": versions[0].decision if versions and report.status == AnnualReport.Status.RETURNED else None,
            "form": form if can_prepare else None,
            "previous_form": previous_form if can_prepare else None,
            "decision_form": decision_form if can_decide else None,
            "can_publish": can_publish,
            "formats": list(RENDERERS),
            "deadline": deadline_for(year),
        },
        status=status,
    )


@login_required
def report_detail(request, slug: str, year: int):
    return _report_page(request, _township(request.user, slug), year)


def _show_checks(request, checks) -> None:
    failed = failures(checks)
    if failed:
        messages.warning(
            request, f"勾稽校验有 {len(failed)} 项未通过（上报前须改正）：" + "；".join(c.cell for c in failed[:8])
        )
    else:
        messages.info(request, "勾稽校验全部通过。")


@login_required
@require_POST
def report_save(request, slug: str, year: int):
    township = _township(request.user, slug)
    if not access.can_prepare(request.user, township):
        raise Http404("只有本乡镇的机构管理员或分管领导可以填写年度报告。")
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "有填写不正确的地方，请按提示修改后再保存（已填写的内容都保留在下面）。")
        return _report_page(request, township, year, form=form, status=400)
    try:
        _report, checks = services.annual_save(
            organisation=township, year=year, by=request.user, narrative=form.narrative(), entered=form.entered()
        )
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
        return _report_page(request, township, year, form=form, status=400)
    messages.success(request, "已保存年度报告。")
    _show_checks(request, checks)
    return redirect("annual:report", slug=slug, year=year)


@login_required
@require_POST
def report_previous(request, slug: str, year: int):
    township = _township(request.user, slug)
    if not access.can_prepare(request.user, township):
        raise Http404("只有本乡镇的机构管理员或分管领导可以填写年度报告。")
    form = PreviousForm(request.POST)
    if not form.is_valid():
        return _report_page(request, township, year, previous_form=form, status=400)
    try:
        _report, checks = services.annual_enter_previous(
            organisation=township,
            year=year,
            by=request.user,
            carried_out=form.carried_out(),
            valid=form.valid(),
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
        return _report_page(request, township, year, previous_form=form, status=400)
    messages.success(request, "已记录手工录入的上年结转数据。")
    _show_checks(request, checks)
    return redirect("annual:report", slug=slug, year=year)


@login_required
@require_POST
def report_submit(request, slug: str, year: int):
    township = _township(request.user, slug)
    if not access.can_prepare(request.user, township):
        raise Http404("只有本乡镇的机构管理员或分管领导可以上报年度报告。")
    try:
        version = services.annual_submit(organisation=township, year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
    else:
        when = "逾期上报" if version.is_late else "按时上报"
        messages.success(request, f"已上报第{version.number}版（{when}），数据和文件已冻结。")
    return redirect("annual:report", slug=slug, year=year)


@login_required
@require_POST
def report_publish(request, slug: str, year: int):
    township = _township(request.user, slug)
    report = get_object_or_404(AnnualReport, organisation=township, year=year)
    try:
        item = services.annual_publish(report=report, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "".join(getattr(error, "messages", [str(error)])))
        return redirect("annual:report", slug=slug, year=year)
    messages.success(request, "已在“年度报告”栏目起草并送审，审核签发后公开。")
    return redirect("admin:disclosure_item_change", item.pk)


def _version(township, year: int, number: int) -> AnnualVersion:
    return get_object_or_404(
        AnnualVersion.objects.select_related("report", "submitted_by"),
        report__organisation=township,
        report__year=year,
        number=number,
    )


@login_required
@require_POST
def version_decide(request, slug: str, year: int, number: int):
    township = _township(request.user, slug)
    if not access.can_decide(request.user, township):
        raise Http404("只有县政务公开办可以接收或退回年度报告。")
    version = _version(township, year, number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, township, year, decision_form=form, status=400)
    decide = services.annual_accept if form.cleaned_data["outcome"] == "accepted" else services.annual_return
    try:
        decision = decide(version=version, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
    else:
        messages.success(request, f"已{decision.get_outcome_display()}{township.short_name}{year}年度报告。")
    return redirect(f"{reverse('annual:board')}?year={year}")


@login_required
def version_download(request, slug: str, year: int, number: int, file_format: str):
    township = _township(request.user, slug)
    stored = get_object_or_404(
        AnnualFile,
        version__report__organisation=township,
        version__report__year=year,
        version__number=number,
        format=file_format,
    )
    with stored.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        logger.error("Annual report file %s failed its SHA-256 check", stored.file.name)
        return HttpResponseServerError("文件校验失败（SHA-256 不一致），请联系系统管理员。", content_type="text/plain")
    return _attachment(
        data,
        file_format=file_format,
        name=stored.download_name,
        fallback=f"{township.slug}-{year}-annual-v{number}.{file_format}",
        etag=stored.sha256,
    )


@login_required
def draft_download(request, slug: str, year: int, file_format: str):
    township = _township(request.user, slug)
    report = AnnualReport.objects.filter(organisation=township, year=year).first()
    document = services.live_document(township, year, report)
    return _attachment(
        RENDERERS[file_format](document),
        file_format=file_format,
        name=f"{document.file_stem}.{file_format}",
        fallback=f"{township.slug}-{year}-annual-draft.{file_format}",
    )


def _board_year(request) -> tuple[int, YearForm]:
    form = YearForm(request.GET) if "year" in request.GET else YearForm(initial={"year": _default_year()})
    if form.is_bound and form.is_valid():
        return form.cleaned_data["year"], form
    return _default_year(), form


@login_required
def board(request):
    """Every township of the county for one year: status, whether the checks hold, late or not."""
    county = _county(request.user)
    year, form = _board_year(request)
    townships = list(access.reporting_townships(county))
    return _render(
        request,
        "annual/board.html",
        {
            "title": f"{county.short_name}{year}年各乡镇政府信息公开工作年度报告",
            "county": county,
            "year": year,
            "form": form,
            "rows": board_rows(townships, year),
            "deadline": deadline_for(year),
        },
    )


@login_required
def county_download(request, year: int):
    county = _county(request.user)
    townships = list(access.reporting_townships(county))
    entries = [
        CountyEntry(row.document(), row.status_label, row.frozen, row.checks_ok, row.is_late)
        for row in board_rows(townships, year)
    ]
    return _attachment(
        county_workbook(county_name=county.short_name, year=year, entries=entries),
        file_format="xlsx",
        name=f"{county.short_name}{year}年政府信息公开工作年度报告汇总.xlsx",
        fallback=f"{county.slug}-{year}-annual.xlsx",
    )
