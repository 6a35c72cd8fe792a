"""One cleaning step for what clients send: NUL and controls stripped, direction overrides refused,
overlong numbers dropped or refused, oversized bodies 413, unusable file names refused with a message."""

import io
from pathlib import Path

from django.urls import reverse

from catalog.models import Category
from catalog.services import catalog_export_rows
from catalog.transfer import parse_catalog_file, rows_to_csv
from disclosure.importing import import_items
from disclosure.models import Attachment, Item
from tests.conftest import PASSWORD
from tests.disclosure import files
from township_portal.lib.cleaning import clean_text, int_param

ITEM_FORM = {
    "attachments-TOTAL_FORMS": "0",
    "attachments-INITIAL_FORMS": "0",
    "attachments-MIN_NUM_FORMS": "0",
    "attachments-MAX_NUM_FORMS": "1000",
    "written_on": "2026-04-10",
    "mode": "proactive",
}


def item_form(shuangxi, category, **fields):
    return ITEM_FORM | {"organisation": shuangxi.pk, "category": category.pk, "publisher": shuangxi.pk} | fields


def test_clean_text_drops_nul_and_controls_keeps_line_breaks_and_composes():
    assert clean_text("工作\x00动态\x07\t说明\r\n第二行") == "工作动态\t说明\r\n第二行"
    assert clean_text("e\u0301") == "\u00e9"


def test_int_param_refuses_text_overlong_and_negative():
    assert int_param("42") == 42
    assert [int_param(v) for v in ("abc", "1" * 30, "-1", "²", "", None, "4 2")] == [None] * 7


def test_a_title_with_a_direction_override_is_refused_in_chinese_and_nothing_saved(client, author, shuangxi, category):
    client.login(username=author.username, password=PASSWORD)
    response = client.post(
        reverse("admin:disclosure_item_add"), item_form(shuangxi, category, title="名单\u202etxt.exe")
    )
    assert response.status_code == 400
    assert "方向控制字符" in response.content.decode() and "U+202E" in response.content.decode()
    assert not Item.objects.exists()


def test_nul_in_a_title_is_stripped_on_every_database(client, author, shuangxi, category):
    client.login(username=author.username, password=PASSWORD)
    response = client.post(reverse("admin:disclosure_item_add"), item_form(shuangxi, category, title="春耕\x00通知"))
    assert response.status_code == 302
    assert Item.objects.get().title == "春耕通知"


def test_an_overlong_id_in_a_form_is_refused_and_in_a_link_ignored(client, author, shuangxi, category):
    client.login(username=author.username, password=PASSWORD)
    response = client.post(reverse("admin:disclosure_item_add"), item_form(shuangxi, category) | {"category": "9" * 30})
    assert response.status_code == 400 and "数字过大" in response.content.decode()
    assert client.get(reverse("admin:disclosure_item_changelist"), {"organisation": "9" * 30}).status_code == 200
    assert client.get(reverse("admin:disclosure_item_changelist"), {"organisation": "abc"}).status_code in (200, 302)


def test_a_nul_in_a_path_is_the_chinese_404_page_on_every_database(client, shuangxi):
    # PostgreSQL refused the letter number "工作\x00动态" with a 500 (found by the mailbox fuzz).
    for path in ("/shuangxi/mailbox/public/%E5%B7%A5%00/", "/apply/status/A%00B/", "/shuangxi%01/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "找不到" in response.content.decode() or "不存在" in response.content.decode(), path


def test_an_oversized_post_answers_413_with_a_chinese_page(client, author, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.login(username=author.username, password=PASSWORD)
    response = client.post(reverse("admin:disclosure_item_add"), {"title": "长" * 20_000})
    assert response.status_code == 413
    assert "提交的内容太大" in response.content.decode()
    assert not Item.objects.exists()


def test_an_upload_named_dot_dot_is_refused_with_a_message(client, author, item):
    client.login(username=author.username, password=PASSWORD)
    upload = io.BytesIO(files.pdf_bytes())
    upload.name = ".."  # what a hand-made request can send; Django's parser used to drop it silently
    response = client.post(
        reverse("admin:disclosure_item_change", args=[item.pk]),
        ITEM_FORM
        | {
            "organisation": item.organisation_id,
            "category": item.category_id,
            "publisher": item.publisher_id,
            "title": item.title,
            "written_on": "2024-03-01",
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": upload,
            "attachments-0-order": "0",
            "attachments-0-item": item.pk,
        },
    )
    assert response.status_code == 200
    assert "文件名无法使用" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_gbk_csv_with_one_utf8_row_is_refused_naming_the_row(tmp_path, shuangxi, category, org_admin):
    header = "标题,目录分类,成文日期,发布日期".encode("gbk")
    good = "春耕通知,TZGG,2019-07-01,2019-07-02".encode("gbk")
    pasted = "抗旱通知,TZGG,2019-07-01,2019-07-02".encode()
    path = Path(tmp_path / "信息.csv")
    path.write_bytes(b"\r\n".join([header, good, pasted]) + b"\r\n")
    result = import_items(organisation=shuangxi, spreadsheet=path, by=org_admin)
    assert not result.ok
    assert any(issue.row == 3 and "编码" in issue.message for issue in result.errors)
    assert not Item.objects.exists()


def test_the_catalog_csv_export_neutralises_formulas_and_round_trips(shuangxi):
    Category.objects.create(organisation=shuangxi, code="07", name='=HYPERLINK("http://evil.example/","点此")')
    rows = catalog_export_rows(organisation=shuangxi)
    data = rows_to_csv(rows)
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    parsed = parse_catalog_file("目录.csv", data)
    assert parsed.categories[0].name == '=HYPERLINK("http://evil.example/","点此")'


def test_a_direction_override_in_an_imported_category_name_is_refused(shuangxi):
    rows = catalog_export_rows(organisation=shuangxi)
    rows.append([""] * 11 + ["08", "名单\u202etxt.exe", "", "", "", ""])
    import pytest

    from catalog.transfer import CatalogFileError

    with pytest.raises(CatalogFileError) as refused:
        parse_catalog_file("目录.csv", rows_to_csv(rows))
    assert "方向控制字符" in str(refused.value)


def test_a_category_cannot_belong_to_an_internal_office(client, shuangxi_office, django_user_model):
    from catalog.services import catalog_import
    from catalog.transfer import CatalogFileError

    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    response = client.post(
        reverse("admin:catalog_category_add"),
        {
            "organisation": shuangxi_office.pk,
            "code": "07",
            "name": "民政所自己的栏目",
            "column_kind": "notice",
            "order": 0,
        },
    )
    assert response.status_code == 200 and "organisation" in response.context["adminform"].form.errors
    assert not Category.objects.exists()
    try:
        catalog_import(organisation=shuangxi_office, file_name="目录.csv", data=b"x", by=root)
    except CatalogFileError as error:
        assert "内设机构" in str(error)
    else:
        raise AssertionError("imported into an office")
    assert not Category.objects.exists()
