"""Staff pages for monthly reports, in the admin's look: a township's months, a report and its
versions, the downloads, and the county office's board. Residents get the login page; staff
who may not see a report get a 404, as if it did not exist."""

import hashlib
import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from catalog.access import staff_of
from catalog.models import Organisation
from reports import access, services
from reports.chart import trend_svg
from reports.exports import CONTENT_TYPES, RENDERERS, CountyRow, county_workbook
from reports.forms import DecisionForm, MonthForm, NarrativeForm
from reports.models import MonthlyReport, ReportFile, ReportVersion
from reports.months import Month
from reports.pages import county_or_404, staff_render, township_or_404
from reports.queries import board_rows, live_document, monthly_trend, township_months, version_document
from township_portal.lib.files import file_unavailable
from township_portal.lib.panels import panels_for

logger = logging.getLogger(__name__)


def _render(request, template: str, context: dict, status: int = 200):
    return staff_render(request, template, context, status)


def _township(user, slug: str) -> Organisation:
    return township_or_404(user, slug, missing="没有这份月报。")


def _county(user) -> Organisation:
    return county_or_404(user, missing="只有县政务公开办可以查看全县月报。")


def _attachment(data: bytes, *, file_format: str, name: str, fallback: str, etag: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    # RFC 6266 / 5987: an ASCII name for old clients, the Chinese name for everyone else.
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


def _error_message(error: ValidationError) -> str:
    return "".join(error.messages)


@login_required
def index(request):
    """A township's months of one year; the county office goes to its board."""
    if access.county_of_office(request.user) is not None:
        return redirect("reports:board")
    staff = staff_of(request.user)
    if staff is None or staff.organisation.kind != Organisation.Kind.TOWNSHIP:
        raise Http404("没有可查看的月报。")
    township = staff.organisation
    default_year = Month.current().previous().year
    try:
        year = int(request.GET.get("year", default_year))
        months = township_months(township, year)
    except ValueError:
        messages.error(request, "年份格式不正确，已显示默认年份。")
        year = default_year
        months = township_months(township, year)
    return _render(
        request,
        "reports/index.html",
        {"title": f"{township.short_name}{year}年政务公开月报", "township": township, "year": year, "months": months},
    )


def _report_page(request, township: Organisation, month: Month, *, narrative_form=None, decision_form=None):
    report = MonthlyReport.objects.filter(organisation=township, month=month.first_day).first()
    versions = []
    if report is not None:
        versions = list(
            report.versions.select_related("decision__decided_by", "submitted_by").prefetch_related("files")
        )
        for version in versions:
            version.report = report
    frozen = bool(versions) and report.status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.ACCEPTED)
    document = version_document(versions[0]) if frozen else live_document(township, month, report)
    can_prepare = access.can_prepare(request.user, township) and (report is None or report.is_editable)
    can_decide = (
        report is not None
        and report.status == MonthlyReport.Status.SUBMITTED
        and access.can_decide(request.user, township)
    )
    if can_prepare and narrative_form is None:
        narrative_form = NarrativeForm(initial=report.narrative() if report else None)
    if can_decide and decision_form is None:
        decision_form = DecisionForm()
    returned = versions[0].decision if versions and report.status == MonthlyReport.Status.RETURNED else None
    return _render(
        request,
        "reports/report.html",
        {
            "title": document.title,
            "township": township,
            "month": month,
            "report": report,
            "document": document,
            "frozen": frozen,
            "version": versions[0] if frozen else None,
            "versions": versions,
            "returned": returned,
            "can_prepare": can_prepare,
            "can_decide": can_decide,
            "narrative_form": narrative_form if can_prepare else None,
            "decision_form": decision_form if can_decide else None,
            "formats": list(RENDERERS),
            "month_ended": month.has_ended(),
        },
    )


@login_required
def report_detail(request, slug: str, month: Month):
    return _report_page(request, _township(request.user, slug), month)


def _typed_narrative(request) -> NarrativeForm | None:
    form = NarrativeForm(request.POST)
    # None for a bare 上报 (an old page, a script): the saved text stays as it is.
    return form if any(name in request.POST for name in form.fields) else None


def _narrative_posted(request, township: Organisation, month: Month) -> NarrativeForm | None:
    """Saves the narrative the request carries; a refused one comes back bound, with what was typed."""
    form = _typed_narrative(request)
    if form is None:
        return None
    if form.is_valid():
        try:
            services.report_save_narrative(organisation=township, month=month, by=request.user, **form.cleaned_data)
            return None
        except ValidationError as error:
            messages.error(request, _error_message(error))
    return form


@login_required
@require_POST
def report_narrative(request, slug: str, month: Month):
    township = _township(request.user, slug)
    if not access.can_prepare(request.user, township):
        raise Http404("只有本乡镇的机构管理员或分管领导可以填写月报。")
    refused = _narrative_posted(request, township, month)
    if refused is not None:
        return _report_page(request, township, month, narrative_form=refused)
    messages.success(request, "已保存月报文字部分。")
    return redirect("reports:report", slug=slug, month=month)


@login_required
@require_POST
def report_submit(request, slug: str, month: Month):
    """上报 carries the narrative form: what was typed is saved first, and kept on the page if refused."""
    township = _township(request.user, slug)
    if not access.can_prepare(request.user, township):
        raise Http404("只有本乡镇的机构管理员或分管领导可以上报月报。")
    refused = _narrative_posted(request, township, month)
    if refused is not None:
        return _report_page(request, township, month, narrative_form=refused)
    try:
        version = services.report_submit(organisation=township, month=month, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_message(error))
        return _report_page(request, township, month, narrative_form=_typed_narrative(request))
    when = "逾期上报" if version.is_late else "按时上报"
    messages.success(request, f"已上报第{version.number}版（{when}），数据和文件已冻结。")
    return redirect("reports:report", slug=slug, month=month)


def _version(township: Organisation, month: Month, number: int) -> ReportVersion:
    version = get_object_or_404(
        ReportVersion.objects.select_related("report", "decision__decided_by", "submitted_by").prefetch_related(
            "files"
        ),
        report__organisation=township,
        report__month=month.first_day,
        number=number,
    )
    version.report.organisation = township
    return version


@login_required
def version_detail(request, slug: str, month: Month, number: int):
    township = _township(request.user, slug)
    return _version_page(request, township, _version(township, month, number))


def _version_page(request, township: Organisation, version: ReportVersion, decision_form=None):
    month = version.report.period
    number = version.number
    report = version.report
    latest = report.versions.order_by("-number").values_list("number", flat=True).first()
    can_decide = (
        access.can_decide(request.user, township)
        and report.status == MonthlyReport.Status.SUBMITTED
        and number == latest
    )
    if can_decide and decision_form is None:
        decision_form = DecisionForm()
    document = version_document(version)
    return _render(
        request,
        "reports/version.html",
        {
            "title": document.file_stem,
            "township": township,
            "month": month,
            "report": report,
            "version": version,
            "document": document,
            "latest_number": latest,
            "decision_form": decision_form if can_decide else None,
        },
    )


@login_required
@require_POST
def version_decide(request, slug: str, month: Month, number: int):
    township = _township(request.user, slug)
    if not access.can_decide(request.user, township):
        raise Http404("只有县政务公开办可以接收或退回月报。")
    version = _version(township, month, number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _version_page(request, township, version, decision_form=form)
    decide = services.report_accept if form.cleaned_data["outcome"] == "accepted" else services.report_return
    try:
        decision = decide(version=version, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, _error_message(error))
    else:
        messages.success(request, f"已{decision.get_outcome_display()}{township.short_name}{month.label}月报。")
    return redirect(f"{reverse('reports:board')}?month={month}")


@login_required
def version_download(request, slug: str, month: Month, number: int, file_format: str):
    township = _township(request.user, slug)
    stored = get_object_or_404(
        ReportFile,
        version__report__organisation=township,
        version__report__month=month.first_day,
        version__number=number,
        format=file_format,
    )
    try:
        with stored.file.open("rb") as handle:
            data = handle.read()
    except OSError:  # the row is there, its file is not (a restore without MEDIA_ROOT)
        return file_unavailable(request, name=stored.file.name)
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        return file_unavailable(request, name=stored.file.name, problem="damaged (SHA-256 mismatch)")
    return _attachment(
        data,
        file_format=file_format,
        name=stored.download_name,
        fallback=f"{township.slug}-{month}-v{number}.{file_format}",
        etag=stored.sha256,
    )


@login_required
def draft_download(request, slug: str, month: Month, file_format: str):
    """The month as the records stand now, in any format (not frozen, marked 草稿)."""
    township = _township(request.user, slug)
    report = MonthlyReport.objects.filter(organisation=township, month=month.first_day).first()
    document = live_document(township, month, report)
    return _attachment(
        RENDERERS[file_format](document),
        file_format=file_format,
        name=f"{document.file_stem}.{file_format}",
        fallback=f"{township.slug}-{month}-draft.{file_format}",
    )


def _board_month(request) -> tuple[Month, MonthForm]:
    default = Month.current().previous()
    form = MonthForm(request.GET) if "month" in request.GET else MonthForm(initial={"month": str(default)})
    if form.is_bound and form.is_valid():
        return form.cleaned_data["month"], form
    return default, form


@login_required
def board(request):
    """Every township of the county for one month: status, headline figures, files, and a 12-month chart."""
    county = _county(request.user)
    month, form = _board_month(request)
    townships = list(access.reporting_townships(county).select_related("parent"))
    rows = board_rows(townships, month)
    months = month.back(12)
    trend = monthly_trend(townships, months)
    trend_rows = [(township.short_name, trend[township.pk]) for township in townships]
    return _render(
        request,
        "reports/board.html",
        {
            "title": f"{county.short_name}{month.label}各乡镇政务公开月报",
            "county": county,
            "month": month,
            "previous": month.previous(),
            "next": month.next() if month.next() <= Month.current() else None,
            "form": form,
            "rows": rows,
            "chart": trend_svg(trend_rows, months),
            "trend_months": months,
            "trend_rows": trend_rows,
            "panels": panels_for("county_board", request.user, timezone.localdate()),
        },
    )


@login_required
def county_download(request, month: Month):
    county = _county(request.user)
    townships = list(access.reporting_townships(county).select_related("parent"))
    rows = [CountyRow(row.document(), row.status_label, row.frozen) for row in board_rows(townships, month)]
    data = county_workbook(county_name=county.short_name, month=month, rows=rows)
    return _attachment(
        data,
        file_format="xlsx",
        name=f"{county.short_name}{month.label}政务公开月报汇总.xlsx",
        fallback=f"{county.slug}-{month}-reports.xlsx",
    )
