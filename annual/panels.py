"""The county board's panel: townships whose annual report for last year is not in yet."""

from django.urls import reverse

from annual.figures import deadline_for
from annual.models import AnnualReport
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
