"""The township's page (pre-drafted, editable, nothing typed lost), the county board and workbook, access."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from annual import services
from annual.figures import compute_year
from catalog.models import Category
from tests.annual.conftest import Applications, login

pytestmark = pytest.mark.django_db


def page_url(year=2025):
    return reverse("annual:report", args=["shuangxi", year])


def test_the_draft_is_pre_drafted_from_the_figures(client, org_admin, applications, items):
    response = login(client, org_admin).get(page_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "2025年主动公开政府信息5条，涉及2类信息，其中政策文件3条、工作动态2条；通过政府网站、公示栏等2种渠道公开"
        in html
    )
    assert "本年新收政府信息公开申请6件，上年结转2件，本年办结6件" in html
    assert "本年度依据《政府信息公开信息处理费管理办法》收取信息处理费100元。" in html
    assert "<caption>三、收到和处理政府信息公开申请情况</caption>" in html


def test_a_refused_form_keeps_everything_typed(client, org_admin, applications, items):
    typed = {
        "overview_proactive": "我们修改过的主动公开文字。",
        "overview_applications": "依申请。",
        "permits_value": "abc",
        "permits_note": "县审批局",
        "penalties_value": "4",
        "penalties_note": "",  # a figure without its source
        "fees_value": "0.5",
        "fees_note": "财政所台账",
    }
    response = login(client, org_admin).post(reverse("annual:save", args=["shuangxi", 2025]), typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "我们修改过的主动公开文字。" in html and 'value="abc"' in html and "财政所台账" in html
    assert "请填写不小于 0 的整数。" in html and "请写明“行政处罚 本年处理决定数量”的数据来源。" in html
    assert not services.AnnualReport.objects.exists()


def test_saving_runs_the_checks_and_says_which_cells_fail(client, org_admin, applications, items):
    response = login(client, org_admin).post(
        reverse("annual:save", args=["shuangxi", 2024]),
        {"overview_proactive": "主动公开。", "permits_value": "3", "permits_note": "审批局"},
        follow=True,
    )
    html = response.content.decode()
    assert "已保存年度报告。" in html
    assert "勾稽校验有 3 项未通过" in html and "表二 行政处罚 本年处理决定数量" in html


def test_outsiders_and_residents_see_nothing(client, outsider, author, applications, items):
    assert client.get(page_url()).status_code == 302  # to the login page
    assert login(client, outsider).get(page_url()).status_code == 404
    client.logout()
    login(client, author)
    assert client.get(page_url()).status_code == 200  # own township: reads
    assert client.post(reverse("annual:save", args=["shuangxi", 2025]), {}).status_code == 404  # but cannot write


def test_frozen_download_is_checked_against_its_sha256(client, org_admin, submitted_2024):
    login(client, org_admin)
    url = reverse("annual:download", args=["shuangxi", 2024, 1, "docx"])
    response = client.get(url)
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    stored = submitted_2024.files.get(format="docx")
    with stored.file.storage.open(stored.file.name, "wb") as handle:
        handle.write(b"tampered")
    assert client.get(url).status_code == 500


@pytest.fixture
def second_township(yingqian, make_staff):
    Category.objects.create(organisation=yingqian, code="01", name="工作动态")
    return yingqian


def test_county_board_shows_status_checks_and_lateness(
    client, county_office, submitted_2024, second_township, django_assert_max_num_queries
):
    login(client, county_office)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("annual:board") + "?year=2024")
    html = response.content.decode()
    assert response.status_code == 200
    assert "按时上报" in html and "第1版（冻结）" in html
    # 营前镇 has not started; its entered figures are missing, so its checks do not hold; it is late.
    row = html[html.index("营前镇") :]
    assert "未开始" in row[:400] and "不通过" in row[:600] and "逾期" in row[:800]


def test_county_workbook_has_totals_and_a_sheet_per_township(client, county_office, submitted_2024, second_township):
    login(client, county_office)
    response = client.get(reverse("annual:county_download", args=[2024]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全县合计", "双溪乡", "营前镇"]
    totals = [[cell.value for cell in row] for row in workbook["全县合计"].iter_rows()]
    received = next(row for row in totals if row[0] == "一、本年新收政府信息公开申请数量")
    assert received[3:10] == [2, 1, 1, 0, 0, 0, 4]
    normative = next(row for row in totals if row[0] == "行政规范性文件")
    assert normative[1:4] == [2, 0, 2]
    assert any(row[0] == "全县合计 四、政府信息公开行政复议、行政诉讼情况" for row in totals)


def test_townships_cannot_open_the_board(client, org_admin):
    assert login(client, org_admin).get(reverse("annual:board")).status_code == 404


def test_a_county_year_costs_the_same_queries_whatever_the_volume(
    applications, items, columns, make_item, second_township, shuangxi, make_staff
):
    townships = [shuangxi, second_township]
    with CaptureQueriesContext(connection) as few:
        compute_year(townships, 2025)
    for n in range(40):
        make_item(columns["news" if n % 2 else "policy"], f"2025-{n % 12 + 1:02d}-05")
    # 40 more applications in 双溪乡 and 12 in 营前镇: every kind, several outcomes, some still
    # open, a fee, reviews and lawsuits; more rows to count, not more queries.
    kinds = ["natural", "business", "research", "public_interest", "legal_service", "other"]
    outcomes = ["disclosed", "partial", "refused_4", "unable_1", "not_processed_2", None]
    yingqian = Applications(
        organisation=second_township,
        author=make_staff("yq_author2", second_township, "author"),
        approver=make_staff("yq_approver", second_township, "approver"),
    )
    for filed, count in ((applications, 40), (yingqian, 12)):
        for n in range(count):
            outcome = outcomes[n % len(outcomes)]
            filed.add(
                f"more{n}",
                kinds[n % len(kinds)],
                f"2025-{n % 10 + 1:02d}-02",
                closed=f"2025-{n % 10 + 1:02d}-20" if outcome else None,
                outcome=outcome,
                before_closing=[(f"2025-{n % 10 + 1:02d}-05", filed.fee)] if n == 7 else (),
            )
        filed.remedy("more1", "review", filed="2025-11-02", result="corrected", decided="2025-12-01")
        filed.remedy("more2", "lawsuit_after_review", filed="2025-11-03")
    with CaptureQueriesContext(connection) as many:
        figures = compute_year(townships, 2025)
    mine, theirs = figures[shuangxi.pk], figures[second_township.pk]
    assert mine["proactive"]["total"] == 45
    assert mine["table3"]["received"]["total"] == 46 and theirs["table3"]["received"]["total"] == 12
    assert theirs["table3"]["received"]["other"] == 2 and theirs["table3"]["carried_out"]["total"] == 2
    assert mine["table4"]["lawsuit_after_review"]["pending"] == 1 and theirs["table4"]["review"]["corrected"] == 1
    assert mine["fees_yuan"] == "200" and theirs["fees_yuan"] == "100"
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_demo_loads_last_years_draft_once(db, settings):
    from io import StringIO

    from django.apps import apps

    from catalog import demo as catalog_demo

    settings.DEMO_MODE = True
    catalog_demo.load_organisations()
    for _ in range(2):
        apps.get_app_config("annual").load_demo(stdout=StringIO())
    report = services.AnnualReport.objects.get(organisation__slug="shuangxi")
    assert report.entered_figures.count() == 4 and report.overview_proactive == ""
    assert report.year == timezone.localdate().year - 1


def test_county_board_lists_townships_without_last_years_report(client, county_office, shuangxi):
    year = timezone.localdate().year - 1
    board = login(client, county_office).get(reverse("reports:board")).content.decode()
    assert f"{year}年度政府信息公开工作年度报告未上报" in board and "双溪乡" in board
