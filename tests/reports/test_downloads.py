"""Every download, opened again: XLSX with openpyxl, CSV with csv, PDF with pypdf, JSON parsed."""

import csv
import hashlib
import io
import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import services
from reports.figures import SECTIONS
from tests.pdf_checks import assert_fonts_embedded, non_white_pixels
from tests.reports.conftest import MARCH, at, login

pytestmark = pytest.mark.django_db

NAME = "双溪乡2017年3月政务公开月报"


@pytest.fixture
def version(march, shuangxi, org_admin):
    services.report_save_narrative(
        organisation=shuangxi,
        month=MARCH,
        by=org_admin,
        work_done="召开政务公开工作领导小组会议，部署全年公开工作。",
        problems="部分信息公开不够及时。",
        improvements="每月及时上报。",
    )
    return services.report_submit(organisation=shuangxi, month=MARCH, by=org_admin, at=at("2017-04-05"))


def download(client, user, version, file_format):
    login(client, user)
    url = reverse(
        "reports:download",
        kwargs={"slug": "shuangxi", "month": MARCH, "number": version.number, "file_format": file_format},
    )
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return response, data


def rows_of(sheet):
    return list(sheet.iter_rows(values_only=True))


def find_row(rows, first):
    return next(row for row in rows if row and row[0] == first)


def test_xlsx_holds_the_figures_as_numbers_with_merged_headers_and_a_sheet_per_section(client, county_office, version):
    response, data = download(client, county_office, version, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"filename*=UTF-8''{quote(NAME + '.xlsx')}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith('attachment; filename="shuangxi-2017-03-v1.xlsx"')
    assert hashlib.sha256(data).hexdigest() == version.files.get(format="xlsx").sha256

    workbook = load_workbook(io.BytesIO(data))
    # Sections registered by apps above reports (applications, mailbox) follow the four built-in ones.
    built_in = ["主动公开信息情况", "公开时效", "公开完整性", "个人信息保护"]
    assert workbook.sheetnames == ["概况", *built_in, *[s.title for s in SECTIONS[4:]], "工作情况"]
    published = workbook["主动公开信息情况"]
    rows = rows_of(published)
    figures = version.figures["sections"]["published"]
    assert find_row(rows, "主动公开信息")[:3] == ("主动公开信息", figures["total"]["month"], figures["total"]["ytd"])
    assert find_row(rows, "主动公开信息")[1:3] == (2, 4)
    assert find_row(rows, "渠道合计（同一信息只计一次）")[1:3] == (2, 3)
    assert find_row(rows, "民政所")[1:3] == (1, 1)
    assert isinstance(find_row(rows, "合计")[2], int)
    merged = [str(cell_range) for cell_range in published.merged_cells.ranges]
    assert any(":" in cell_range for cell_range in merged)  # title and 公开信息条数 span several columns
    assert "公开信息条数" in {published.cell(row=r, column=2).value for r in range(1, 20)}

    late_sheet = rows_of(workbook["公开时效"])
    late = find_row(late_sheet, "shuangxi/00002")
    # 2017 has no working-day calendar loaded: calendar days, and the cell says so.
    assert late[1] == "双溪乡2017年2月财政收支情况" and late[5] == "19（日历日）"
    assert late[4].date().isoformat() == "2017-03-20"  # a real date, not text
    summary = rows_of(workbook["概况"])
    assert find_row(summary, "报送单位")[1] == "上犹县双溪乡人民政府"
    assert find_row(summary, "是否逾期上报")[1] == "否"
    narrative = [row[0] for row in rows_of(workbook["工作情况"])]
    assert "召开政务公开工作领导小组会议，部署全年公开工作。" in narrative


def test_csv_is_utf8_with_a_bom_and_reads_back_with_the_csv_module(client, approver, version):
    response, data = download(client, approver, version, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [NAME]
    assert ["主动公开信息", "2", "4"] in rows
    assert ["政策文件", "1", "2"] in [row[1:] for row in rows if len(row) == 4]
    assert ["本月工作开展情况", "召开政务公开工作领导小组会议，部署全年公开工作。"] in rows


def test_pdf_text_is_chinese_and_names_the_township(client, county_office, version):
    _, data = download(client, county_office, version, "pdf")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "双溪乡" in text
    assert NAME in text.replace("\n", "")
    assert "主动公开信息情况" in text
    assert reader.metadata.title == NAME


def test_pdf_carries_its_font_and_prints_ink_in_any_viewer(client, county_office, version):
    _, data = download(client, county_office, version, "pdf")
    assert_fonts_embedded(data)
    assert non_white_pixels(data) > 3000


def test_json_parses_and_carries_the_frozen_figures(client, county_office, version):
    response, data = download(client, county_office, version, "json")
    payload = json.loads(data)
    assert payload["figures"] == version.figures
    assert payload["report"]["organisation"]["short_name"] == "双溪乡"
    assert payload["report"]["month"] == "2017-03"
    assert payload["report"]["version"] == 1
    assert payload["report"]["is_late"] is False
    assert payload["narrative"]["improvements"] == "每月及时上报。"


def test_a_draft_downloads_live_figures_marked_as_draft(client, march, org_admin):
    login(client, org_admin)
    url = reverse("reports:draft_download", kwargs={"slug": "shuangxi", "month": MARCH, "file_format": "json"})
    response = client.get(url)
    assert quote(f"{NAME}（草稿）.json") in response["Content-Disposition"]
    payload = json.loads(response.content)
    assert payload["report"]["draft"] is True
    assert payload["figures"]["sections"]["published"]["total"] == {"month": 2, "ytd": 4}


def test_a_tampered_file_is_refused(client, county_office, version):
    stored = version.files.get(format="csv")
    with open(stored.file.path, "ab") as handle:
        handle.write(b"tampered")
    login(client, county_office)
    url = reverse("reports:download", kwargs={"slug": "shuangxi", "month": MARCH, "number": 1, "file_format": "csv"})
    response = client.get(url)
    assert response.status_code == 503
    assert "未通过完整性校验" in response.content.decode()


def test_county_workbook_has_a_totals_sheet_and_a_sheet_per_township(
    client, county_office, version, yingqian, django_assert_max_num_queries
):
    login(client, county_office)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports:county_download", kwargs={"month": MARCH}))
    assert quote("上犹县2017年3月政务公开月报汇总.xlsx") in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["全县汇总", "双溪乡", "营前镇"]
    totals = rows_of(workbook["全县汇总"])
    shuangxi_row = find_row(totals, "双溪乡")
    assert shuangxi_row[1] == "按时上报"
    assert shuangxi_row[3:5] == (2, 4)
    assert shuangxi_row[-1] == "已上报（冻结数据）"
    yingqian_row = find_row(totals, "营前镇")
    assert yingqian_row[1] == "未开始" and yingqian_row[3:5] == (1, 1)
    assert yingqian_row[-1] == "未上报（实时数据）"
    assert find_row(totals, "合计")[3:5] == (3, 5)
    township = rows_of(workbook["双溪乡"])
    assert find_row(township, "主动公开信息")[1:3] == (2, 4)


def test_titles_and_narrative_that_start_with_an_equals_sign_stay_text_in_the_workbooks(
    client, county_office, march, shuangxi, org_admin, yingqian
):
    """A township's text must never become a formula that Excel runs on the county office's computer."""
    formula = '=HYPERLINK("http://example.invalid","点击查看")'
    march["items"]["B"].title = formula
    march["items"]["B"].save()
    services.report_save_narrative(
        organisation=shuangxi, month=MARCH, by=org_admin, work_done="=1+1", problems="", improvements=""
    )
    version = services.report_submit(organisation=shuangxi, month=MARCH, by=org_admin, at=at("2017-04-05"))
    _, data = download(client, county_office, version, "xlsx")
    login(client, county_office)
    county = client.get(reverse("reports:county_download", kwargs={"month": MARCH})).content
    for workbook in (load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(county))):
        cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        values = {cell.value for cell in cells}
        assert formula in values and "=1+1" in values


def test_text_that_starts_like_a_formula_is_neutralised_in_the_csv(client, county_office, march, shuangxi, org_admin):
    formula = '=HYPERLINK("http://example.invalid","点击查看")'
    march["items"]["B"].title = formula
    march["items"]["B"].save()
    services.report_save_narrative(
        organisation=shuangxi, month=MARCH, by=org_admin, work_done="@SUM(1+1)", problems="", improvements=""
    )
    version = services.report_submit(organisation=shuangxi, month=MARCH, by=org_admin, at=at("2017-04-05"))
    _, data = download(client, county_office, version, "csv")
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    assert "'" + formula in cells and "'@SUM(1+1)" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "@"))]
