"""In a real browser: a township admin edits last year's pre-drafted report and submits it, the county
office accepts it, and after the normal review it is on the public 年度报告 column with its tables."""

import pytest
from django.utils import timezone

from annual.models import AnnualReport
from disclosure import services as disclosure
from disclosure.models import Item, PersonalDataFinding

pytestmark = pytest.mark.browser

LAST_YEAR = timezone.localdate().year - 1


def test_admin_submits_county_accepts_and_the_report_is_public(
    page, login, submitted_2024, org_admin, county_office, reviewer, secrecy_reviewer, approver, columns
):
    assert LAST_YEAR == 2025, "the fixture's second year is last year"
    login(org_admin)
    page.goto("/annual/")
    page.get_by_role("link", name="2025年度").click()
    page.wait_for_url("**/annual/shuangxi/2025/")
    proactive = page.get_by_label("（一）主动公开")
    assert proactive.input_value().startswith("2025年主动公开政府信息5条，涉及2类信息")
    platform = page.get_by_label("（四）平台建设")
    platform.fill("依托县政府门户网站集约化平台发布，本年新增“年度报告”栏目。")
    for key, value, note in [
        ("permits", "15", "县行政审批局系统导出"),
        ("penalties", "4", "乡综合执法队台账"),
        ("enforcement", "1", "乡综合执法队台账"),
        ("fees", "0.8", "乡财政所收费台账"),
    ]:
        page.fill(f"#id_{key}_value", value)
        page.fill(f"#id_{key}_note", note)
    page.get_by_role("button", name="保存（并运行勾稽校验）").click()
    page.wait_for_url("**/annual/shuangxi/2025/")
    assert "勾稽校验全部通过" in page.locator(".messagelist").inner_text()
    assert page.get_by_label("（四）平台建设").input_value().endswith("本年新增“年度报告”栏目。")
    page.get_by_role("button", name="上报2025年度报告").click()
    assert "已上报第1版" in page.locator(".messagelist").inner_text()

    page.context.clear_cookies()
    login(county_office)
    page.goto("/annual/board/?year=2025")
    row = page.locator("tr", has=page.locator("th", has_text="双溪乡"))
    assert "逾期上报" in row.inner_text() and "通过" in row.inner_text()
    row.get_by_role("link", name="双溪乡").click()
    page.get_by_role("radio", name="接收").check()
    page.get_by_role("button", name="提交处理结果").click()
    page.wait_for_url("**/annual/board/?year=2025")
    assert "已接收双溪乡2025年度报告" in page.locator(".messagelist").inner_text()

    page.context.clear_cookies()
    login(org_admin)
    page.goto("/annual/shuangxi/2025/")
    page.get_by_role("button", name="发布到“年度报告”栏目").click()
    page.wait_for_url("**/admin/disclosure/item/*/change/")
    item = AnnualReport.objects.get(year=2025).published_item
    assert item.status == Item.Status.IN_REVIEW
    # The format's labels (属于国家秘密 …) are not findings: nobody has to confirm them.
    assert not item.findings.filter(status=PersonalDataFinding.Status.OPEN).exists()
    for person in (reviewer, secrecy_reviewer, approver):
        disclosure.item_review(item=Item.objects.get(pk=item.pk), by=person, approve=True)
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED

    page.context.clear_cookies()
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"/shuangxi/category/{columns['annual'].code}/")
    page.get_by_role("link", name="双溪乡2025年政府信息公开工作年度报告").first.click()
    table = page.get_by_role("table", name="三、收到和处理政府信息公开申请情况")
    assert table.is_visible()
    assert table.get_by_role("columnheader", name="申请人情况").is_visible()
    assert page.get_by_role("rowheader", name="一、本年新收政府信息公开申请数量").count() == 1
    assert item.index_number in page.content()
    # At 320 px the page itself does not scroll sideways: the wide tables scroll inside themselves.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
