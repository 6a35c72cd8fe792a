"""The demo's past monthly reports: the county board is not empty on day one."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from catalog.demo import DEMO_PASSWORD
from reports.models import MonthlyReport, ReportVersion
from reports.months import Month
from tests.demo_content import on_sqlite_only

pytestmark = pytest.mark.django_db

SUBMITTED = {"按时上报", "逾期上报", "已接收"}


@on_sqlite_only
def test_after_load_demo_the_board_for_last_month_shows_submitted_reports_and_a_chart(client, settings):
    settings.DEMO_MODE = True
    output = io.StringIO()
    call_command("load_demo", "--url", "http://127.0.0.1:8010/", stdout=output)
    printed = output.getvalue()
    assert "http://127.0.0.1:8010/" in printed and "http://127.0.0.1:8010/admin/" in printed
    assert ":8000" not in printed

    assert client.login(username="county_office", password=DEMO_PASSWORD)
    last_month = Month.current().previous()
    html = client.get(f"/reports/board/?month={last_month}").content.decode()
    statuses = re.findall(r'<span class="status status-\w+">([^<]+)</span>', html)
    assert sum(status in SUBMITTED for status in statuses) >= 3, statuses
    assert "未开始" in statuses  # one township has not reported yet
    assert "第2版" in html  # returned and resubmitted
    # The chart draws at least one township's line with a non-zero month.
    assert "<svg" in html and re.search(r'<td class="num">[1-9]\d*</td>', html.split('id="trend-table"')[1])

    # Over the past months: one late, one returned and resubmitted, one accepted, in three townships or more.
    versions = ReportVersion.objects.select_related("report__organisation")
    assert versions.filter(is_late=True).exists()
    assert MonthlyReport.objects.filter(status=MonthlyReport.Status.ACCEPTED).exists()
    assert MonthlyReport.objects.filter(versions__number=2).exists()
    assert versions.values("report__organisation").distinct().count() >= 3
    assert versions.values("report__month").distinct().count() >= 3

    workbook = load_workbook(io.BytesIO(client.get(f"/reports/board/{last_month}/county.xlsx").content))
    totals = [row for row in workbook["全县汇总"].iter_rows(values_only=True) if row and row[-1]]
    assert sum(1 for row in totals if row[-1] == "已上报（冻结数据）") >= 3

    # Loading again adds nothing.
    count = ReportVersion.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert ReportVersion.objects.count() == count
