"""The county board's panel: townships whose annual report for last year is not in yet."""

from django.urls import reverse

from annual.figures import deadline_for
from annual.models import AnnualReport
from catalog.access import staff_of
from catalog.models import Organisation
from reports import access
from township_portal.lib.panels import Panel, PanelRow


def county_board_panels(*, user, today) -> list[Panel]:
    county = access.county_of_office(user)
    if county is None:
        return []
    year = today.year - 1
    townships = list(access.reporting_townships(county))
    held = set(
        AnnualReport.objects.filter(
            organisation__in=townships,
            year=year,
            status__in=[AnnualReport.Status.SUBMITTED, AnnualReport.Status.ACCEPTED],
        ).values_list("organisation_id", flat=True)
    )
    missing = [township for township in townships if township.pk not in held]
    deadline = deadline_for(year)
    return [
        Panel(
            title=f"{year}年度政府信息公开工作年度报告未上报",
            rows=[
                PanelRow(text=f"{t.short_name}{year}年度报告", url=reverse("annual:report", args=[t.slug, year]))
                for t in missing
            ],
            total=len(missing),
            empty="各乡镇均已上报。",
            link=f"{reverse('annual:board')}?year={year}",
            warning=f"已过上报截止日期（{deadline:%Y-%m-%d}）。" if missing and today > deadline else "",
        )
    ]


def staff_home_panels(*, user, today) -> list[Panel]:
    """Township staff: last year's annual report, its status and the deadline."""
    staff = staff_of(user)
    if staff is None or staff.organisation.kind != Organisation.Kind.TOWNSHIP:
        return []
    year = today.year - 1
    township = staff.organisation
    report = AnnualReport.objects.filter(organisation=township, year=year).first()
    status = report.get_status_display() if report else "未开始"
    deadline = deadline_for(year)
    late = report is None or report.status in (AnnualReport.Status.DRAFT, AnnualReport.Status.RETURNED)
    return [
        Panel(
            title="政府信息公开工作年度报告",
            rows=[
                PanelRow(
                    text=f"{township.short_name}{year}年度报告",
                    url=reverse("annual:report", args=[township.slug, year]),
                    detail=f"{status}；上报截止 {deadline:%Y-%m-%d}",
                )
            ],
            total=1,
            warning=f"已过上报截止日期（{deadline:%Y-%m-%d}），请尽快上报。" if late and today > deadline else "",
        )
    ]
