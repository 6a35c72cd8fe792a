"""The county office at work in a real browser: the board, a download, a return."""

import io

import pytest
from openpyxl import load_workbook

from reports import services
from reports.models import MonthlyReport
from tests.reports.conftest import MARCH, at

pytestmark = pytest.mark.browser


def submit(township, by, when):
    services.report_save_narrative(
        organisation=township, month=MARCH, by=by, work_done="按目录更新信息。", problems="", improvements=""
    )
    return services.report_submit(organisation=township, month=MARCH, by=by, at=at(when))


def test_county_office_opens_the_board_downloads_shuangxi_and_returns_yingqian(
    page, login, march, shuangxi, yingqian, org_admin, make_staff, county_office
):
    submit(shuangxi, org_admin, "2017-04-03")
    submit(yingqian, make_staff("yq_admin", yingqian, "org_admin"), "2017-04-04")

    login(county_office)
    page.goto("/reports/")
    page.wait_for_url("**/reports/board/")
    page.fill("input[name=month]", "2017-03")
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url("**/reports/board/?month=2017-03")
    shuangxi_row = page.locator("tr", has=page.locator("th", has_text="双溪乡"))
    assert shuangxi_row.locator(".status").inner_text() == "按时上报"
    assert page.locator("svg.trend-chart").is_visible()
    assert page.locator("#trend-table caption").inner_text().startswith("2016年4月至2017年3月")

    with page.expect_download() as download_info:
        shuangxi_row.get_by_role("link", name="双溪乡2017年3月政务公开月报.xlsx").click()
    download = download_info.value
    assert download.suggested_filename == "双溪乡2017年3月政务公开月报.xlsx"
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    overview = next(row for row in workbook["主动公开信息情况"].iter_rows(values_only=True) if row[0] == "主动公开信息")
    assert overview[1:3] == (2, 4)

    page.locator("tr", has=page.locator("th", has_text="营前镇")).get_by_role("link", name="营前镇", exact=True).click()
    page.wait_for_url("**/reports/yingqian/2017-03/")
    page.get_by_role("radio", name="退回").check()
    page.get_by_label("意见（退回时必填）").fill("请补充本月工作动态的更新情况。")
    page.get_by_role("button", name="提交处理结果").click()
    page.wait_for_url("**/reports/board/?month=2017-03")
    assert "已退回营前镇2017年3月月报" in page.locator(".messagelist").inner_text()
    yingqian_row = page.locator("tr", has=page.locator("th", has_text="营前镇"))
    assert yingqian_row.locator(".status").inner_text() == "已退回"
    assert MonthlyReport.objects.get(organisation=yingqian).status == MonthlyReport.Status.RETURNED


def test_a_township_types_the_narrative_and_presses_submit_without_saving_first(page, login, march, org_admin):
    login(org_admin)
    page.goto("/reports/shuangxi/2017-03/")
    page.get_by_label("本月工作开展情况").fill("组织全乡干部学习《政府信息公开条例》，更新公开目录。")
    page.get_by_label("存在的主要问题").fill("部分栏目更新不及时。")
    page.get_by_role("button", name="上报2017年3月月报").click()
    page.wait_for_url("**/reports/shuangxi/2017-03/")
    assert "已上报第1版" in page.locator(".messagelist").inner_text()
    assert "组织全乡干部学习《政府信息公开条例》，更新公开目录。" in page.locator(".narrative").first.inner_text()
    version = MonthlyReport.objects.get(organisation__slug="shuangxi").versions.get()
    assert version.narrative["work_done"] == "组织全乡干部学习《政府信息公开条例》，更新公开目录。"
    assert version.narrative["problems"] == "部分栏目更新不及时。"
