"""Catalog import and export in the county layout: the round trip, and bad files refused whole."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import Category, Obligation
from catalog.services import catalog_export_rows, catalog_import
from catalog.transfer import COUNTY_COLUMNS, CatalogFileError, rows_to_csv, rows_to_xlsx
from tests.conftest import PASSWORD

HEADER = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容(要素)",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
    "目录类别编码",
    "目录类别",
    "上级类别编码",
    "栏目类型",
    "类别说明",
    "预期发布频率",
]
BLANK_COUNTY = [""] * 11


def good_rows():
    """A small file as a township would prepare it: row 1 header, rows 2-5 entries."""
    return [
        list(HEADER),
        BLANK_COUNTY + ["07", "精准扶贫脱贫和社会救助信息", "", "通知公告/政策类", "", ""],
        BLANK_COUNTY + ["0702", "社会救助", "07", "通知公告/政策类", "", ""],
        ["0702-01", "最低生活保障", "低保对象审核确认结果", "低保对象姓名（部分隐去）、保障金额",
         "《社会救助暂行办法》", "信息形成或变更之日起20个工作日内", "上犹县人民政府", "政府网站、公示栏",
         "全社会", "主动公开", "乡级", "0702", "社会救助", "", "", "", "每月"],
        ["0702-02", "临时救助", "", "救助对象范围、救助标准", "", "实时公开", "上犹县人民政府", "公开栏、微信公众号",
         "特定群体", "主动公开", "乡级", "0702", "", "", "", "", ""],
    ]  # fmt: skip


def nothing_in(organisation):
    return (
        not Category.objects.filter(organisation=organisation).exists()
        and not Obligation.objects.filter(organisation=organisation).exists()
    )


def import_rows(organisation, rows, *, name="catalog.csv", by=None):
    return catalog_import(organisation=organisation, file_name=name, data=rows_to_csv(rows), by=by)


def problems_of(organisation, data, name="catalog.csv"):
    with pytest.raises(CatalogFileError) as error:
        catalog_import(organisation=organisation, file_name=name, data=data, by=None)
    assert nothing_in(organisation)
    return [str(p) for p in error.value.problems]


def snapshot(organisation):
    """Everything the catalog says, in display order (siblings by order then code), without database ids."""
    categories = list(Category.objects.filter(organisation=organisation).select_related("parent"))
    obligations = list(
        Obligation.objects.filter(organisation=organisation).select_related("category", "responsible_body")
    )
    children = {}
    for c in sorted(categories, key=lambda c: (c.order, c.code)):
        children.setdefault(c.parent_id, []).append(c)
    tree = []

    def walk(parent_id):
        for c in children.get(parent_id, []):
            tree.append((c.code, c.name, c.parent.code if c.parent else "", c.column_kind, c.description, c.is_active))
            walk(c.pk)

    walk(None)
    entries = [
        (
            o.code, o.first_level, o.second_level, o.content_elements, o.legal_basis, o.time_limit_kind,
            o.time_limit_days, o.period, o.responsible_body.name, o.channels, o.audience, o.mode, o.level,
            o.expected_frequency, o.is_active,
        )
        for o in sorted(obligations, key=lambda o: (o.order, o.code))
    ]  # fmt: skip
    by_category = {}
    for o, entry in zip(sorted(obligations, key=lambda o: (o.order, o.code)), entries, strict=True):
        by_category.setdefault(o.category.code, []).append(entry)
    return tree, by_category


def wipe(organisation):
    Obligation.objects.filter(organisation=organisation).delete()
    Category.objects.filter(organisation=organisation).update(parent=None)
    Category.objects.filter(organisation=organisation).delete()


# --- the round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_catalog(demo_catalog, file_format):
    shuangxi = demo_catalog["shuangxi"]
    before = snapshot(shuangxi)
    assert len(before[0]) > 20 and sum(map(len, before[1].values())) > 30
    rows = catalog_export_rows(organisation=shuangxi)
    data = rows_to_xlsx(rows, title="双溪乡公开目录") if file_format == "xlsx" else rows_to_csv(rows)
    wipe(shuangxi)
    assert nothing_in(shuangxi)

    result = catalog_import(organisation=shuangxi, file_name=f"双溪乡.{file_format}", data=data, by=None)

    assert result.categories_created == len(before[0])
    assert result.obligations_created == sum(map(len, before[1].values()))
    assert snapshot(shuangxi) == before


def test_exported_workbook_has_the_county_columns_in_order(demo_catalog):
    data = rows_to_xlsx(catalog_export_rows(organisation=demo_catalog["shuangxi"]), title="双溪乡公开目录")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "双溪乡公开目录"
    assert [c.value for c in sheet[2]][:11] == COUNTY_COLUMNS
    names = [row[12] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "精准扶贫脱贫和社会救助信息" in names


def test_importing_an_unchanged_export_changes_nothing(demo_catalog):
    shuangxi = demo_catalog["shuangxi"]
    before = snapshot(shuangxi)
    data = rows_to_csv(catalog_export_rows(organisation=shuangxi))
    result = catalog_import(organisation=shuangxi, file_name="双溪乡.csv", data=data, by=None)
    assert result.obligations_created == 0 and result.obligations_updated == sum(map(len, before[1].values()))
    assert snapshot(shuangxi) == before


def test_a_good_file_imports_with_its_tree_and_words_read_as_choices(yingqian, county):
    result = import_rows(yingqian, good_rows())
    assert (result.categories_created, result.obligations_created) == (2, 2)
    child = Category.objects.get(organisation=yingqian, code="0702")
    assert child.parent.code == "07"
    low, temporary = Obligation.objects.filter(organisation=yingqian).order_by("code")
    assert low.channels == ["website", "bulletin_board"] and low.expected_frequency == "monthly"
    assert low.time_limit_kind == "working_days" and low.time_limit_days == 20
    assert temporary.time_limit_kind == "real_time" and temporary.channels == ["bulletin_board", "new_media"]
    assert temporary.audience == "specific" and temporary.responsible_body == county


def test_a_county_file_without_category_columns_goes_into_the_chosen_category(yingqian, county):
    target = Category.objects.create(organisation=yingqian, code="14", name="重点领域信息")
    rows = [row[:11] for row in good_rows() if any(row[:11])]
    result = catalog_import(
        organisation=yingqian, file_name="县目录.csv", data=rows_to_csv(rows), by=None, default_category=target
    )
    assert result.obligations_created == 2
    assert set(Obligation.objects.filter(organisation=yingqian).values_list("category", flat=True)) == {target.pk}


# --- bad files: every problem named by row and column, nothing written -----------------------


def test_unknown_column_is_named_and_nothing_imported(yingqian, county):
    rows = good_rows()
    rows[0][4] = "备注"
    assert problems_of(yingqian, rows_to_csv(rows)) == ["第 1 行 E 列“备注”：未知的列名；可用的列见导出模板。"]


def test_unknown_channel_is_named_and_nothing_imported(yingqian, county):
    rows = good_rows()
    rows[3][7] = "政府网站、抖音"
    [problem] = problems_of(yingqian, rows_to_csv(rows))
    assert problem.startswith("第 4 行 H 列“公开渠道和载体”：无法识别的渠道“抖音”")


def test_empty_required_cell_is_named_and_nothing_imported(yingqian, county):
    rows = good_rows()
    rows[4][3] = ""
    assert problems_of(yingqian, rows_to_csv(rows)) == ["第 5 行 D 列“公开内容(要素)”：必填，不能为空。"]


def test_duplicated_code_is_named_and_nothing_imported(yingqian, county):
    rows = good_rows()
    rows[4][0] = "0702-01"
    assert problems_of(yingqian, rows_to_csv(rows)) == ["第 5 行 A 列“序号”：序号“0702-01”与第 4 行重复。"]


def test_every_problem_in_a_workbook_is_listed_with_its_sheet_row(yingqian, county):
    rows = good_rows()
    rows[3][7] = "抖音"
    rows[4][10] = "省级"
    problems = problems_of(yingqian, rows_to_xlsx(rows, title="营前镇目录"), name="营前镇.xlsx")
    # The title occupies row 1, so the header is row 2 and the entries start at row 3.
    assert problems[0].startswith("第 5 行 H 列“公开渠道和载体”：无法识别的渠道“抖音”")
    assert problems[1].startswith("第 6 行 K 列“公开层级”：无法识别“省级”")


def test_gbk_csv_gets_a_clear_encoding_message(yingqian, county):
    data = rows_to_csv(good_rows()).decode("utf-8").lstrip("\ufeff").encode("gbk")
    [problem] = problems_of(yingqian, data)
    assert problem.startswith("第 1 行：第 1 个字节处不是 UTF-8 编码，看起来是 GBK 编码")
    assert "CSV UTF-8" in problem


def test_a_50_mb_file_is_refused_by_its_size(yingqian, county):
    data = rows_to_csv(good_rows()) + b" " * (50 * 1024 * 1024)
    [problem] = problems_of(yingqian, data)
    assert problem.startswith("文件大小 50.0 MB，超过上限 5 MB，未读取。")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("目录.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"),
        ("目录.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("目录.pdf", b"%PDF-1.4\n"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(yingqian, county, name, data):
    [problem] = problems_of(yingqian, data, name=name)
    assert "只能导入 .xlsx" in problem


def test_a_word_document_renamed_to_xlsx_is_refused(yingqian, county):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    [problem] = problems_of(yingqian, buffer.getvalue(), name="目录.xlsx")
    assert problem == "这不是有效的 Excel 工作簿（.xlsx），可能已损坏或是其他压缩文件。"


def test_a_responsible_body_outside_the_county_tree_is_named(yingqian, county):
    rows = good_rows()
    rows[3][6] = "某某市民政局"
    [problem] = problems_of(yingqian, rows_to_csv(rows))
    assert problem == "第 4 行 G 列“公开主体”：“某某市民政局”：找不到这个机构，请写机构全称。"


def test_an_unreadable_time_limit_is_named(yingqian, county):
    rows = good_rows()
    rows[3][5] = "尽快"
    [problem] = problems_of(yingqian, rows_to_csv(rows))
    assert problem.startswith("第 4 行 F 列“公开时限”：无法识别的公开时限“尽快”")


# --- the admin page and the commands ---------------------------------------------------------


def test_admin_import_page_imports_into_the_users_own_township(client, org_admin, shuangxi, county):
    client.login(username=org_admin.username, password=PASSWORD)
    url = reverse("admin:catalog_category_transfer")
    page = client.get(url).content.decode()
    assert "上犹县双溪乡人民政府" in page and "上犹县营前镇人民政府" not in page
    upload = io.BytesIO(rows_to_csv(good_rows()))
    upload.name = "双溪乡目录.csv"
    response = client.post(url, {"organisation": shuangxi.pk, "file": upload})
    assert response.status_code == 302
    assert Obligation.objects.filter(organisation=shuangxi).count() == 2


def test_admin_import_shows_each_problem_and_imports_nothing(client, org_admin, shuangxi, county):
    client.login(username=org_admin.username, password=PASSWORD)
    rows = good_rows()
    rows[3][7] = "抖音"
    upload = io.BytesIO(rows_to_csv(rows))
    upload.name = "双溪乡目录.csv"
    response = client.post(reverse("admin:catalog_category_transfer"), {"organisation": shuangxi.pk, "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 4 行 H 列“公开渠道和载体”：无法识别的渠道“抖音”" in html
    assert nothing_in(shuangxi)


def test_admin_import_refuses_another_townships_catalog(client, org_admin, shuangxi, yingqian, county):
    client.login(username=org_admin.username, password=PASSWORD)
    upload = io.BytesIO(rows_to_csv(good_rows()))
    upload.name = "目录.csv"
    response = client.post(reverse("admin:catalog_category_transfer"), {"organisation": yingqian.pk, "file": upload})
    assert response.status_code == 200 and nothing_in(yingqian)


def test_admin_export_downloads_a_workbook_of_a_visible_organisation_only(client, author, shuangxi, yingqian, county):
    Category.objects.create(organisation=shuangxi, code="03", name="工作动态", column_kind="news")
    client.login(username=author.username, password=PASSWORD)
    url = reverse("admin:catalog_category_export")
    response = client.get(url, {"organisation": shuangxi.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][11:13] == ["03", "工作动态"]
    csv_response = client.get(url, {"organisation": shuangxi.pk, "format": "csv"})
    assert csv_response.content.startswith("\ufeff序号".encode())
    assert client.get(url, {"organisation": yingqian.pk}).status_code == 403


def test_commands_export_and_import_a_catalog(demo_catalog, tmp_path):
    path = tmp_path / "双溪乡.xlsx"
    call_command("export_catalog", "shuangxi", str(path))
    before = snapshot(demo_catalog["shuangxi"])
    wipe(demo_catalog["shuangxi"])
    call_command("import_catalog", "shuangxi", str(path))
    assert snapshot(demo_catalog["shuangxi"]) == before


def test_import_command_refuses_a_50_mb_file_before_reading_it(yingqian, county, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="文件大小 50.0 MB，超过上限 5 MB，未读取"):
        call_command("import_catalog", "yingqian", str(path))
    assert nothing_in(yingqian)


def test_import_command_lists_problems_by_row_and_column(yingqian, county, tmp_path):
    rows = good_rows()
    rows[4][3] = ""
    path = tmp_path / "营前镇.csv"
    path.write_bytes(rows_to_csv(rows))
    with pytest.raises(CommandError, match="第 5 行 D 列“公开内容\\(要素\\)”：必填"):
        call_command("import_catalog", "yingqian", str(path))
    assert nothing_in(yingqian)


def test_an_absurd_time_limit_is_named(yingqian, county):
    rows = good_rows()
    rows[3][5] = "信息形成之日起99999个工作日内"
    [problem] = problems_of(yingqian, rows_to_csv(rows))
    assert problem == "第 4 行 F 列“公开时限”：时限超过 250 个工作日，请核对。"


def test_an_over_long_category_name_is_named(yingqian, county):
    rows = good_rows()
    rows[4][11:13] = ["0799", "类" * 61]
    [problem] = problems_of(yingqian, rows_to_csv(rows))
    assert problem.startswith("第 5 行 M 列“目录类别”：类别编码最长 20 个字符")


def test_text_that_starts_with_an_equals_sign_survives_the_workbook_round_trip(yingqian, county):
    """Excel would run such a cell as a formula (and openpyxl reads an unrun formula back as empty)."""
    import_rows(yingqian, good_rows())
    Obligation.objects.filter(organisation=yingqian, code="0702-01").update(
        content_elements='=HYPERLINK("http://example.invalid","点击查看")', legal_basis="=《社会救助暂行办法》"
    )
    before = snapshot(yingqian)
    data = rows_to_xlsx(catalog_export_rows(organisation=yingqian), title="营前镇公开目录")
    sheet = load_workbook(io.BytesIO(data)).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]

    catalog_import(organisation=yingqian, file_name="营前镇.xlsx", data=data, by=None)

    assert snapshot(yingqian) == before


def test_admin_export_with_a_mangled_organisation_answers_403_not_a_server_error(client, author, shuangxi):
    client.login(username=author.username, password=PASSWORD)
    url = reverse("admin:catalog_category_export")
    for value in ("abc", "1.5", "²", "99999999999999999999999"):
        assert client.get(url, {"organisation": value}).status_code == 403, value
