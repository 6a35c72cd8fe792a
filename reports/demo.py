"""Past months of monthly reports for the demo (data in ``demo_reports.json``).

Made through the real services, so the board, its chart and the county workbook show what a
county office sees after a few months: reports on time and late, accepted, returned and
resubmitted, and one township that has not reported yet. Idempotent: nothing is added while any
demo township already has a report.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Organisation
from reports import services
from reports.models import MonthlyReport
from reports.months import Month
from township_portal.lib.files import atomic_with_files

DATA = Path(__file__).with_name("demo_reports.json")
COUNTY_OFFICE = "county_office"


def _moments(month: Month, steps: list, now: datetime.datetime) -> list[datetime.datetime]:
    """When each step happened: its day of the following month, or, for a day still to come, a moment
    between the month's end and now (in the steps' order)."""
    following = month.next()
    moments = []
    for index, (_, day, hour, *_) in enumerate(steps):
        wanted = timezone.make_aware(
            datetime.datetime.combine(datetime.date(following.year, following.month, day), datetime.time(hour))
        )
        if wanted >= now:
            wanted = month.end + (now - month.end) * (index + 1) / (len(steps) + 1)
        if moments and wanted <= moments[-1]:
            wanted = moments[-1] + (now - moments[-1]) / 2
        moments.append(wanted)
    return moments


def load_reports(*, stdout=None, now: datetime.datetime | None = None) -> int:
    """Submit, return and accept the demo's past reports; returns how many versions were submitted."""
    now = now or timezone.now()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    slugs = {report["township"] for entry in data["months"] for report in entry["reports"]}
    townships = {org.slug: org for org in Organisation.objects.filter(slug__in=slugs)}
    if MonthlyReport.objects.filter(organisation__in=townships.values()).exists():
        if stdout is not None:
            stdout.write("月报演示数据已存在，跳过。")
        return 0
    users = {user.username: user for user in get_user_model().objects.all()}
    county_office = users[COUNTY_OFFICE]
    submitted = 0
    current = Month.current()
    with atomic_with_files():  # a failure half-way leaves no row and no report file
        for entry in data["months"]:
            month = current.back(entry["back"] + 1)[0]
            for report in entry["reports"]:
                township, by = townships[report["township"]], users[report["by"]]
                narrative = data["narratives"][report["narrative"]]
                services.report_save_narrative(organisation=township, month=month, by=by, **narrative)
                version = None
                for step, at in zip(report["steps"], _moments(month, report["steps"], now), strict=True):
                    action, extra = step[0], step[3:]
                    if action == "submit":
                        version = services.report_submit(organisation=township, month=month, by=by, at=at)
                        submitted += 1
                    elif action == "accept":
                        services.report_accept(version=version, by=county_office, at=at)
                    elif action == "return":
                        services.report_return(version=version, by=county_office, comment=extra[-1], at=at)
                    elif action == "narrative":
                        fixed = data["narratives"][extra[-1]]
                        services.report_save_narrative(organisation=township, month=month, by=by, **fixed)
    if stdout is not None:
        stdout.write(f"月报演示数据已加载：{len(data['months'])} 个月，上报 {submitted} 版。")
    return submitted
