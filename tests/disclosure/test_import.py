"""Bulk import of a township's already-published items: all rows or none, errors named by row."""

import datetime
import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from catalog.models import Category, Channel
from disclosure.importing import import_items
from disclosure.models import Attachment, ImportJob, Item, ItemChannel, PersonalDataFinding
from disclosure.services import index_number_allocate
from search.models import SearchEntry
from tests.disclosure import files

HEADER = [
    "索引号",
    "标题",
    "目录分类",
    "发布机构",
    "文号",
    "成文日期",
    "发布日期",
    "有效性",
    "废止日期",
    "内容概述",
    "正文",
    "关键词",
    "附件",
]


@pytest.fixture
def categories(shuangxi, shuangxi_office):
    """双溪乡's catalog columns (and its 民政所, which publishes some items)."""
    return {
        "ZCWJ": Category.objects.create(organisation=shuangxi, code="ZCWJ", name="政策文件"),
        "TZGG": Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告"),
    }


def row(**values) -> list:
    defaults = {
        "索引号": "",
        "标题": "双溪乡2019年春耕生产工作方案",
        "目录分类": "ZCWJ",
        "发布机构": "",
        "文号": "",
        "成文日期": "2019-03-01",
        "发布日期": "2019-03-05",
        "有效性": "",
        "废止日期": "",
        "内容概述": "",
        "正文": "",
        "关键词": "",
        "附件": "",
    }
    defaults.update(values)
    return [defaults[name] for name in HEADER]


def good_rows(shuangxi) -> list[list]:
    code = shuangxi.code
    return [
        row(
            索引号=f"{code}/2019-00012",
            标题="双溪乡2019年春耕生产工作方案",
            文号="双府发〔2019〕5号",
            正文="一、总体要求\n二、工作措施",
            关键词="春耕",
            附件="春耕方案.pdf;现场照片.jpg",
        ),
        row(
            索引号="",
            标题="关于2024年低保对象的公示",
            目录分类="通知公告",
            发布机构="双溪乡民政所",
            成文日期=datetime.date(2024, 5, 6),
            发布日期=datetime.datetime(2024, 5, 8, 10, 30),
            附件="低保名单.xlsx",
        ),
        row(
            索引号=f"{code}/2020-00003",
            标题="双溪乡村庄规划管理办法（试行）",
            成文日期="2020年1月2日",
            发布日期="2020/1/6",
            有效性="废止",
            废止日期="2023-12-31",
        ),
    ]


def write_xlsx(path: Path, rows: list[list], header=HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    workbook.save(path)
    return path


def attachment_files() -> dict[str, bytes]:
    return {
        "春耕方案.pdf": files.pdf_bytes("双溪乡2019年春耕生产工作方案"),
        "现场照片.jpg": files.jpeg_with_gps(),
        "低保名单.xlsx": files.xlsx_bytes([["姓名", "村组"], ["李四", "双溪村二组"]]),
    }


def write_folder(path: Path, members: dict[str, bytes]) -> Path:
    path.mkdir()
    for name, data in members.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_gbk_named_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A ZIP as Chinese Windows tools write it: GBK names and no UTF-8 flag."""
    placeholders = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"{number:0{len(raw)}d}".encode()
            placeholders[placeholder] = raw
            archive.writestr(placeholder.decode(), data)
    content = buffer.getvalue()
    for placeholder, raw in placeholders.items():
        content = content.replace(placeholder, raw)
    path.write_bytes(content)
    return path


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_nothing_written(settings):
    assert not Item.objects.exists()
    assert not Attachment.objects.exists()
    assert not ItemChannel.objects.exists()
    assert not AuditEvent.objects.filter(action="item.import").exists()
    assert stored_files(settings) == []


def run(shuangxi, org_admin, spreadsheet, attachments=None, **kwargs):
    return import_items(
        organisation=shuangxi, spreadsheet=spreadsheet, attachments_dir_or_zip=attachments, by=org_admin, **kwargs
    )


# --- the happy path ---------------------------------------------------------------------------


def test_rows_and_attachments_from_a_folder_become_published_items(
    tmp_path, shuangxi, shuangxi_office, categories, org_admin, settings, django_capture_on_commit_callbacks
):
    spreadsheet = write_xlsx(tmp_path / "旧网站信息.xlsx", good_rows(shuangxi))
    folder = write_folder(tmp_path / "附件", attachment_files())
    steps = []

    with django_capture_on_commit_callbacks(execute=True):
        result = run(shuangxi, org_admin, spreadsheet, folder, progress=lambda *step: steps.append(step))

    assert result.ok, [str(e) for e in result.errors]
    assert len(result.items) == 3 and result.attachment_count == 3
    plan, rules, notice = Item.objects.order_by("published_at")
    assert {item.status for item in (plan, notice, rules)} == {Item.Status.PUBLISHED}

    assert plan.index_number == f"{shuangxi.code}/2019-00012"
    assert timezone.localdate(plan.published_at) == datetime.date(2019, 3, 5)
    assert plan.written_on == datetime.date(2019, 3, 1)
    assert plan.document_number == "双府发〔2019〕5号"
    assert plan.category == categories["ZCWJ"]
    assert plan.publisher == shuangxi
    assert plan.body == "<p>一、总体要求</p><p>二、工作措施</p>"
    pdf, photo = plan.attachments.order_by("order")
    assert (pdf.original_name, photo.original_name) == ("春耕方案.pdf", "现场照片.jpg")
    assert "春耕生产工作方案" in pdf.text
    assert not Image.open(photo.file.path).getexif().get_ifd(files.GPS_IFD)
    assert "春耕" not in pdf.file.name

    # A row without an index number gets the next one of the organisation's format.
    assert notice.index_number == f"{shuangxi.code}/2024-00001"
    assert notice.publisher == shuangxi_office
    assert notice.category == categories["TZGG"]
    assert timezone.localtime(notice.published_at).time() == datetime.time(10, 30)
    assert "李四" in notice.attachments.get().text

    assert rules.validity == Item.Validity.REPEALED
    assert rules.repealed_on == datetime.date(2023, 12, 31)

    channels = ItemChannel.objects.filter(channel=Channel.WEBSITE)
    assert sorted(channels.values_list("posted_on", flat=True)) == [
        datetime.date(2019, 3, 5),
        datetime.date(2020, 1, 6),
        datetime.date(2024, 5, 8),
    ]
    assert AuditEvent.objects.filter(action="item.import", actor=org_admin).count() == 3
    assert SearchEntry.objects.filter(item__in=result.items).count() == 3
    assert ("检查", 3, 3) in steps and ("导入", 3, 3) in steps
    assert len(stored_files(settings)) == 3


def test_attachments_from_a_zip_with_gbk_names_and_subfolders_are_found(
    tmp_path, shuangxi, categories, org_admin, django_capture_on_commit_callbacks
):
    members = {f"2019年/{name}" if name.endswith(".pdf") else name: data for name, data in attachment_files().items()}
    archive = write_gbk_named_zip(tmp_path / "附件.zip", members)

    with django_capture_on_commit_callbacks(execute=True):
        result = run(shuangxi, org_admin, write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi)), archive)

    assert result.ok, [str(e) for e in result.errors]
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "低保名单.xlsx",
        "春耕方案.pdf",
        "现场照片.jpg",
    ]


def test_an_uploaded_zip_and_csv_in_gbk_work_as_a_township_exports_them(
    tmp_path, shuangxi, categories, org_admin, django_capture_on_commit_callbacks
):
    lines = [",".join(HEADER)]
    lines.append(
        f"{shuangxi.code}/2019-00001,双溪乡防汛工作通知,通知公告,,,2019-06-01,2019-06-02,有效,,,,防汛,防汛通知.pdf"
    )
    csv_upload = files.upload("信息.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"))
    zip_upload = files.upload(
        "附件.zip", write_zip(tmp_path / "a.zip", {"防汛通知.pdf": files.pdf_bytes()}).read_bytes()
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = run(shuangxi, org_admin, csv_upload, zip_upload)

    assert result.ok, [str(e) for e in result.errors]
    item = Item.objects.get()
    assert item.title == "双溪乡防汛工作通知"
    assert item.keywords == "防汛"
    assert item.attachments.get().original_name == "防汛通知.pdf"


def test_imported_numbers_move_the_allocator_on_so_they_are_never_handed_out_again(
    tmp_path, shuangxi, categories, org_admin
):
    rows = [row(索引号=f"{shuangxi.code}/2024-00007", 发布日期="2024-02-01", 成文日期="2024-01-30")]
    assert run(shuangxi, org_admin, write_xlsx(tmp_path / "a.xlsx", rows)).ok

    with transaction.atomic():
        assert index_number_allocate(organisation=shuangxi, year=2024) == f"{shuangxi.code}/2024-00008"


def test_rows_are_written_in_bulk_with_numbers_in_row_order_and_every_record(tmp_path, shuangxi, categories, org_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure.models import ItemRevision

    def rows(count, title):
        return [row(标题=f"{title}{n}", 正文="身份证号11010519491231002X" if n == 1 else "正文") for n in range(count)]

    with CaptureQueriesContext(connection) as few:
        assert run(shuangxi, org_admin, write_xlsx(tmp_path / "few.xlsx", rows(3, "少"))).ok
    with CaptureQueriesContext(connection) as many:
        result = run(shuangxi, org_admin, write_xlsx(tmp_path / "many.xlsx", rows(60, "多")))
    assert result.ok
    # The same statements whatever the number of rows (SQLite may split a bulk insert in two).
    assert len(many) <= len(few) + 6, (len(few), len(many))
    numbers = [item.index_number for item in result.items]
    assert numbers == [f"{shuangxi.code}/2019-{serial:05d}" for serial in range(4, 64)]
    imported = Item.objects.filter(title__startswith="多")
    assert ItemRevision.objects.filter(item__in=imported, number=1, state=ItemRevision.State.APPLIED).count() == 60
    assert ItemChannel.objects.filter(item__in=imported, channel=Channel.WEBSITE).count() == 60
    for action in ("item.create", "item.import"):
        assert AuditEvent.objects.filter(action=action, object_id__in=[str(i.pk) for i in imported]).count() == 60
    assert PersonalDataFinding.objects.filter(item__title="多1", status=PersonalDataFinding.Status.OPEN).count() == 1
    assert [w for w in result.warnings if "个人信息" in w] == [w for w in result.warnings if "第 3 行" in w]
    assert all(item.due_on is not None for item in imported)


def test_an_old_sites_html_body_is_sanitised(tmp_path, shuangxi, categories, org_admin):
    body = '<p onclick="steal()">通知</p><script>alert(1)</script><a href="javascript:alert(2)">链接</a>'
    assert run(shuangxi, org_admin, write_xlsx(tmp_path / "a.xlsx", [row(正文=body)])).ok

    stored = Item.objects.get().body
    assert "通知" in stored
    assert "script" not in stored and "onclick" not in stored and "javascript" not in stored


def test_personal_data_in_an_imported_item_is_flagged_for_review(tmp_path, shuangxi, categories, org_admin):
    rows = [row(正文="低保户张三，身份证号11010519491231002X，电话13812345678。")]
    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "a.xlsx", rows))

    assert result.ok
    assert any("个人信息" in warning and "第 2 行" in warning for warning in result.warnings)
    assert PersonalDataFinding.objects.filter(status=PersonalDataFinding.Status.OPEN).count() == 2


def test_unknown_columns_and_unused_files_are_reported_without_stopping_the_import(
    tmp_path, shuangxi, categories, org_admin
):
    spreadsheet = write_xlsx(tmp_path / "a.xlsx", [row() + [123]], header=[*HEADER, "浏览次数"])
    folder = write_folder(tmp_path / "附件", {"多余.pdf": files.pdf_bytes()})

    result = run(shuangxi, org_admin, spreadsheet, folder)

    assert result.ok
    assert any("浏览次数" in warning for warning in result.warnings)
    assert any("多余.pdf" in warning for warning in result.warnings)


# --- errors: each named by row and column, nothing written --------------------------------------


def import_errors(tmp_path, shuangxi, org_admin, settings, rows, members=None) -> list[str]:
    folder = write_folder(tmp_path / "附件", members if members is not None else attachment_files())
    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "信息.xlsx", rows), folder)
    assert not result.ok
    assert_nothing_written(settings)
    return [str(error) for error in result.errors]


def test_an_unknown_category_is_named_by_row_and_nothing_is_written(
    tmp_path, shuangxi, categories, org_admin, settings
):
    rows = [*good_rows(shuangxi), row(索引号=f"{shuangxi.code}/2019-00099", 目录分类="招商引资")]

    errors = import_errors(tmp_path, shuangxi, org_admin, settings, rows)

    assert errors == ["第 5 行，“目录分类”列：本机构的公开目录中没有编码或名称为“招商引资”的分类。"]


def test_bad_dates_are_named_by_row_and_column(tmp_path, shuangxi, categories, org_admin, settings):
    rows = [
        row(索引号="A-1", 发布日期="2019-02-30"),
        row(索引号="A-2", 成文日期="去年三月"),
        row(索引号="A-3", 成文日期="2019-04-01", 发布日期="2019-03-01"),
        row(索引号="A-4", 发布日期=(timezone.localdate() + datetime.timedelta(days=3)).isoformat()),
    ]

    errors = import_errors(tmp_path, shuangxi, org_admin, settings, rows)

    assert errors[0] == "第 2 行，“发布日期”列：“2019-02-30”不是存在的日期。"
    assert errors[1].startswith("第 3 行，“成文日期”列：“去年三月”不是日期")
    assert errors[2].startswith("第 4 行，“成文日期”列：成文日期 2019-04-01 晚于发布日期")
    assert errors[3].startswith("第 5 行，“发布日期”列：")
    assert len(errors) == 4


def test_duplicate_index_numbers_in_the_file_and_in_the_database_are_named(
    tmp_path, shuangxi, categories, org_admin, author, settings
):
    Item.objects.create(
        organisation=shuangxi,
        category=categories["ZCWJ"],
        publisher=shuangxi,
        title="已有信息",
        written_on="2018-01-01",
        created_by=author,
        status=Item.Status.PUBLISHED,
        index_number="OLD-2018-1",
        published_at=timezone.now(),
    )
    rows = [row(索引号="A-1"), row(索引号="OLD-2018-1"), row(索引号="A-1")]

    folder = write_folder(tmp_path / "附件", {})
    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "信息.xlsx", rows), folder)

    assert [str(e) for e in result.errors] == [
        "第 3 行，“索引号”列：索引号“OLD-2018-1”已被系统中的其他信息使用。",
        "第 4 行，“索引号”列：索引号“A-1”与第 2 行重复。",
    ]
    assert Item.objects.count() == 1
    assert stored_files(settings) == []


def test_an_organisation_format_without_a_year_does_not_break_importing_numbered_rows(
    tmp_path, shuangxi, categories, org_admin
):
    shuangxi.index_number_format = "{code}-{serial:05d}"
    shuangxi.save()
    rows = [row(索引号=f"{shuangxi.code}-00007")]

    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "信息.xlsx", rows))

    assert result.ok, result.errors
    assert Item.objects.get().index_number == f"{shuangxi.code}-00007"


def test_a_missing_attachment_file_is_named_by_row(tmp_path, shuangxi, categories, org_admin, settings):
    members = attachment_files()
    del members["低保名单.xlsx"]

    errors = import_errors(tmp_path, shuangxi, org_admin, settings, good_rows(shuangxi), members)

    assert errors == ["第 3 行，“附件”列：找不到附件文件“低保名单.xlsx”。"]


def test_an_attachment_refused_by_its_content_is_named_by_row_and_file(
    tmp_path, shuangxi, categories, org_admin, settings
):
    members = {**attachment_files(), "春耕方案.pdf": files.image_bytes("PNG")}

    errors = import_errors(tmp_path, shuangxi, org_admin, settings, good_rows(shuangxi), members)

    assert len(errors) == 1
    assert errors[0].startswith("第 2 行，“附件”列：附件“春耕方案.pdf”：文件内容与扩展名不符")


def test_a_csv_row_in_another_encoding_is_named_by_row(tmp_path, shuangxi, categories, org_admin, settings):
    header = ",".join(HEADER).encode("utf-8")
    good = "A-1,防汛通知,TZGG,,,2019-06-01,2019-06-02,,,,,,".encode()
    pasted_from_gbk = "A-2,抗旱通知,TZGG,,,2019-07-01,2019-07-02,,,,,,".encode("gbk")
    spreadsheet = tmp_path / "信息.csv"
    spreadsheet.write_bytes(b"\r\n".join([header, good, pasted_from_gbk]) + b"\r\n")

    result = run(shuangxi, org_admin, spreadsheet)

    assert [str(e) for e in result.errors] == [
        "第 3 行：文字编码错误：本行不是 UTF-8 编码（与第一行不同）。请将整个表格统一另存为“CSV UTF-8”后导入。"
    ]
    assert_nothing_written(settings)


def test_a_file_in_an_unknown_encoding_is_refused_at_its_first_row(tmp_path, shuangxi, categories, org_admin, settings):
    spreadsheet = tmp_path / "信息.csv"
    spreadsheet.write_bytes(",".join(HEADER).encode("utf-16-be"))

    result = run(shuangxi, org_admin, spreadsheet)

    assert len(result.errors) == 1 and str(result.errors[0]).startswith("第 1 行：无法识别文件编码")
    assert_nothing_written(settings)


def test_missing_required_columns_are_named(tmp_path, shuangxi, categories, org_admin, settings):
    spreadsheet = write_xlsx(tmp_path / "a.xlsx", [["通知", "2019-01-01"]], header=["标题", "发布日期"])

    result = run(shuangxi, org_admin, spreadsheet)

    assert [str(e) for e in result.errors] == [
        "第 1 行：缺少必填列“目录分类”。",
        "第 1 行：缺少必填列“成文日期”。",
    ]


def test_a_zip_with_a_path_leaving_the_archive_is_refused_whole(tmp_path, shuangxi, categories, org_admin, settings):
    archive = write_zip(tmp_path / "附件.zip", {**attachment_files(), "../../township_portal/settings.py": b"x"})

    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi)), archive)

    assert len(result.errors) == 1
    assert "“附件”列" in str(result.errors[0]) and "../../township_portal/settings.py" in str(result.errors[0])
    assert_nothing_written(settings)
    assert not (tmp_path.parent / "township_portal").exists()


def test_an_attachment_name_climbing_out_of_the_folder_is_refused(tmp_path, shuangxi, categories, org_admin, settings):
    (tmp_path / "secret.pdf").write_bytes(files.pdf_bytes("机密"))
    rows = [row(索引号="A-1", 附件="../secret.pdf")]

    errors = import_errors(tmp_path, shuangxi, org_admin, settings, rows, members={})

    assert errors == ["第 2 行，“附件”列：附件名“../secret.pdf”指向附件文件夹之外，不予接受。"]


def test_rows_naming_attachments_without_a_folder_or_zip_are_refused(tmp_path, shuangxi, categories, org_admin):
    result = run(shuangxi, org_admin, write_xlsx(tmp_path / "a.xlsx", good_rows(shuangxi)))

    assert "第 2 行，“附件”列：列出了附件，但没有提供附件文件夹或压缩包。" in [str(e) for e in result.errors]


def test_files_written_before_a_failure_are_removed_with_the_rolled_back_rows(
    tmp_path, shuangxi, categories, org_admin, settings
):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))
    folder = write_folder(tmp_path / "附件", attachment_files())

    def interrupt(stage, done, total):
        if stage == "导入" and done == 2:  # the first two rows and their three files are written
            assert len(stored_files(settings)) == 3
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(shuangxi, org_admin, spreadsheet, folder, progress=interrupt)

    assert_nothing_written(settings)


def test_only_the_organisation_administrator_may_import(tmp_path, shuangxi, categories, author, org_admin, outsider):
    spreadsheet = write_xlsx(tmp_path / "a.xlsx", [row(索引号="A-1")])
    for user in (author, outsider):
        with pytest.raises(PermissionDenied):
            import_items(organisation=shuangxi, spreadsheet=spreadsheet, by=user)
    assert not Item.objects.exists()


# --- the command line -------------------------------------------------------------------------


def test_the_command_shows_progress_and_imports(tmp_path, shuangxi, shuangxi_office, categories, org_admin):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))
    folder = write_folder(tmp_path / "附件", attachment_files())
    out = io.StringIO()

    call_command(
        "import_items", str(spreadsheet), organisation="shuangxi", by="sx_admin", attachments=str(folder), stdout=out
    )

    output = out.getvalue()
    assert "检查 1/3" in output and "检查 3/3" in output
    assert "导入 3/3" in output
    assert "已导入 3 条信息、3 个附件" in output
    assert Item.objects.count() == 3


def test_the_command_lists_every_error_by_row_and_fails(tmp_path, shuangxi, categories, org_admin, settings):
    rows = [row(索引号="A-1", 目录分类="招商引资"), row(索引号="A-2", 发布日期="明天")]
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", rows)
    err = io.StringIO()

    with pytest.raises(CommandError, match="共 2 处错误，未导入任何信息"):
        call_command("import_items", str(spreadsheet), organisation="shuangxi", by="sx_admin", stderr=err)

    assert "第 2 行，“目录分类”列" in err.getvalue()
    assert "第 3 行，“发布日期”列" in err.getvalue()
    assert_nothing_written(settings)


# --- the staff page ---------------------------------------------------------------------------


def run_worker():
    """The task worker, for real: `manage.py db_worker` until the queue is empty.

    Tests that run it use `transactional_db`: the worker closes connections that are inside a
    transaction (as a worker process should), which would end a test's wrapping transaction.
    """
    call_command("db_worker", batch=True, startup_delay=False, interval=0)


def test_the_administrator_imports_through_the_staff_page(
    client, tmp_path, shuangxi, categories, org_admin, transactional_db
):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))
    archive = write_zip(tmp_path / "附件.zip", attachment_files())
    client.force_login(org_admin)
    url = reverse("disclosure:item_import")
    form = client.get(url)
    key = form.context["form"]["key"].value()

    with (
        spreadsheet.open("rb") as sheet,
        archive.open("rb") as zipped,
    ):
        data = {"organisation": shuangxi.pk, "spreadsheet": sheet, "attachments": zipped, "key": key}
        response = client.post(url, data)

    # The request only stores the files and queues the job; its page follows the worker.
    assert response.status_code == 302
    job_page = response["Location"]
    assert not Item.objects.exists()
    waiting = client.get(job_page).content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting

    run_worker()

    page = client.get(job_page).content.decode()
    assert "已导入 3 条信息、3 个附件" in page and 'http-equiv="refresh"' not in page
    assert Item.objects.filter(status=Item.Status.PUBLISHED).count() == 3
    job = ImportJob.objects.get()
    assert not job.spreadsheet and not job.attachments  # the uploads are gone once imported


def test_the_same_import_posted_twice_imports_once(client, tmp_path, shuangxi, categories, org_admin, transactional_db):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))
    archive = write_zip(tmp_path / "附件.zip", attachment_files())
    client.force_login(org_admin)
    key = client.get(reverse("disclosure:item_import")).context["form"]["key"].value()
    locations = []
    for _ in range(2):  # the probe's replay: the same POST again
        with (
            spreadsheet.open("rb") as sheet,
            archive.open("rb") as zipped,
        ):
            data = {"organisation": shuangxi.pk, "spreadsheet": sheet, "attachments": zipped, "key": key}
            locations.append(client.post(reverse("disclosure:item_import"), data)["Location"])
        run_worker()
    assert locations[0] == locations[1]
    assert ImportJob.objects.count() == 1
    assert Item.objects.filter(status=Item.Status.PUBLISHED).count() == 3
    # Reloading the result page writes nothing either.
    client.get(locations[0])
    assert Item.objects.count() == 3


def test_the_staff_page_lists_errors_by_row_and_imports_nothing(
    client, tmp_path, shuangxi, categories, org_admin, transactional_db
):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", [row(索引号="A-1", 目录分类="招商引资")])
    client.force_login(org_admin)

    with spreadsheet.open("rb") as sheet:
        data = {"organisation": shuangxi.pk, "spreadsheet": sheet, "key": uuid.uuid4()}
        response = client.post(reverse("disclosure:item_import"), data)
    run_worker()

    page = client.get(response["Location"]).content.decode()
    assert "第 2 行，“目录分类”列：本机构的公开目录中没有编码或名称为“招商引资”的分类。" in page
    assert not Item.objects.exists()


def test_another_administrator_cannot_open_the_job_page(
    client, tmp_path, shuangxi, categories, org_admin, make_staff, transactional_db
):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))
    client.force_login(org_admin)
    with spreadsheet.open("rb") as sheet:
        data = {"organisation": shuangxi.pk, "spreadsheet": sheet, "key": uuid.uuid4()}
        location = client.post(reverse("disclosure:item_import"), data)["Location"]
    client.force_login(make_staff("sx_admin2", shuangxi, "org_admin"))
    assert client.get(location).status_code == 404


def test_the_staff_page_is_closed_to_authors_and_residents(client, shuangxi, categories, author):
    url = reverse("disclosure:item_import")
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(author)
    assert client.get(url).status_code == 403


def test_an_administrator_cannot_import_into_another_township(
    client, tmp_path, shuangxi, yingqian, categories, org_admin
):
    spreadsheet = write_xlsx(tmp_path / "信息.xlsx", [row(索引号="A-1")])
    client.force_login(org_admin)

    with spreadsheet.open("rb") as sheet:
        data = {"organisation": yingqian.pk, "spreadsheet": sheet, "key": uuid.uuid4()}
        response = client.post(reverse("disclosure:item_import"), data)

    assert "organisation" in response.context["form"].errors
    assert not Item.objects.exists()
