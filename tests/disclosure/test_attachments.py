"""Uploads are judged by content, images lose their EXIF, refusals leave nothing behind."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from audit.models import AuditEvent
from catalog.models import Category
from disclosure.attachments import attachment_check, attachment_store, clean_file_name
from disclosure.forms import AttachmentForm
from disclosure.models import Attachment, Item
from disclosure.services import attachment_add
from tests.disclosure import files

GENERATED_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+$")


@pytest.fixture
def item(shuangxi, author):
    category = Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告")
    return Item.objects.create(
        organisation=shuangxi,
        category=category,
        publisher=shuangxi,
        title="2024年低保对象公示",
        written_on="2024-03-01",
        created_by=author,
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def assert_refused(item, author, settings, name, data, message):
    with pytest.raises(ValidationError) as refused:
        attachment_add(item=item, uploaded_file=files.upload(name, data), by=author)
    assert message in refused.value.messages[0]
    assert stored_files(settings) == []
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="attachment.add").exists()
    return refused.value.messages[0]


# --- accepted files ---------------------------------------------------------------------------


def test_pdf_is_stored_under_a_generated_name_with_its_chinese_text(item, author, settings):
    data = files.pdf_bytes("双溪乡2024年低保对象公示")
    attachment = attachment_add(item=item, uploaded_file=files.upload("低保公示.pdf", data), by=author)

    attachment.refresh_from_db()
    assert attachment.original_name == "低保公示.pdf"
    assert attachment.content_type == "application/pdf"
    assert GENERATED_NAME.match(attachment.file.name)
    assert "低保" not in attachment.file.name
    assert "双溪乡2024年低保对象公示" in attachment.text
    stored = Path(attachment.file.path).read_bytes()
    assert stored == data
    assert attachment.size == len(data)
    assert PdfReader(io.BytesIO(stored)).pages
    event = AuditEvent.objects.get(action="attachment.add")
    assert event.actor == author
    assert event.after["original_name"] == "低保公示.pdf"


def test_docx_text_comes_from_paragraphs_and_tables(item, author):
    data = files.docx_bytes(paragraph="双溪乡人民政府关于春耕生产的通知", cell="水田村委会")
    attachment = attachment_add(item=item, uploaded_file=files.upload("春耕通知.docx", data), by=author)

    assert attachment.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "双溪乡人民政府关于春耕生产的通知" in attachment.text
    assert "水田村委会" in attachment.text


def test_xlsx_text_holds_every_cell_so_the_personal_data_scan_sees_the_list(item, author):
    data = files.xlsx_bytes([["姓名", "身份证号", "电话"], ["张三丰", "11010519491231002X", "13812345678"]])
    attachment = attachment_add(item=item, uploaded_file=files.upload("补贴名单.xlsx", data), by=author)

    assert attachment.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "张三丰" in attachment.text
    assert "11010519491231002X" in attachment.text
    assert "13812345678" in attachment.text


def test_pptx_and_ofd_text_is_extracted_too(item, author):
    slides = attachment_add(item=item, uploaded_file=files.upload("汇报.pptx", files.pptx_bytes("乡村振兴")), by=author)
    ofd = attachment_add(item=item, uploaded_file=files.upload("预算.ofd", files.ofd_bytes("财政预算公开")), by=author)

    assert "乡村振兴" in slides.text
    assert ofd.content_type == "application/ofd"
    assert "财政预算公开" in ofd.text


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("通知.wps", "application/msword"), ("名单.et", "application/vnd.ms-excel"), ("旧文件.doc", "application/msword")],
)
def test_wps_and_old_office_files_are_accepted_by_signature_without_text(item, author, name, content_type):
    attachment = attachment_add(item=item, uploaded_file=files.upload(name, files.ole2_bytes()), by=author)

    assert attachment.content_type == content_type
    assert attachment.text == ""
    assert attachment.file.name.endswith(Path(name).suffix)


def test_jpeg_loses_its_gps_position_and_camera_but_keeps_its_picture(item, author):
    data = files.jpeg_with_gps(size=(64, 48))
    before = Image.open(io.BytesIO(data)).getexif()
    assert before.get_ifd(files.GPS_IFD) and before[files.MODEL] == files.CAMERA_MODEL  # the test file has them

    attachment = attachment_add(item=item, uploaded_file=files.upload("现场照片.jpg", data), by=author)

    stored = Path(attachment.file.path).read_bytes()
    image = Image.open(io.BytesIO(stored))
    exif = image.getexif()
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not exif.get_ifd(files.GPS_IFD)
    assert files.MAKE not in exif and files.MODEL not in exif
    assert files.CAMERA_MODEL.encode() not in stored
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(stored)


def test_a_sideways_phone_photo_is_turned_upright_before_its_orientation_tag_is_dropped(item, author):
    data = files.jpeg_with_gps(size=(64, 48), orientation=6)  # 6: the viewer must turn it 90° clockwise

    attachment = attachment_add(item=item, uploaded_file=files.upload("横拍.jpg", data), by=author)

    image = Image.open(attachment.file.path)
    assert image.size == (48, 64)
    assert files.ORIENTATION not in image.getexif()
    # The red corner that was top-left is now top-right, as the viewer showed it.
    red, green, _ = image.convert("RGB").getpixel((44, 3))
    assert red > 150 and green < 80


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_other_images_are_reencoded_in_their_own_format(item, author, fmt):
    data = files.image_bytes(fmt)
    attachment = attachment_add(item=item, uploaded_file=files.upload(f"图.{fmt.lower()}", data), by=author)

    assert Image.open(attachment.file.path).format == fmt
    assert attachment.content_type == f"image/{fmt.lower()}"


def test_a_chinese_file_name_with_spaces_and_quotes_is_kept_as_given(item, author):
    name = "关于 \"双溪乡\" 2024年 '低保' 名单（公示）.pdf"
    attachment = attachment_add(item=item, uploaded_file=files.upload(name, files.pdf_bytes()), by=author)

    attachment.refresh_from_db()
    assert attachment.original_name == name
    assert GENERATED_NAME.match(attachment.file.name)


def test_a_file_name_loses_folders_and_direction_override_characters():
    assert clean_file_name("C:\\Users\\张三\\桌面\\公示.pdf") == "公示.pdf"
    # U+202E makes "公示fdp.exe" display as "公示exe.pdf".
    assert clean_file_name("公示\u202efdp.exe") == "公示fdp.exe"


def test_a_name_without_extension_gets_the_one_its_content_has(item, author):
    attachment = attachment_add(item=item, uploaded_file=files.upload("扫描件", files.pdf_bytes()), by=author)

    assert attachment.original_name == "扫描件.pdf"


# --- refused files ----------------------------------------------------------------------------


def test_a_png_renamed_to_pdf_is_refused_as_a_mismatch(item, author, settings):
    message = assert_refused(item, author, settings, "公示.pdf", files.image_bytes("PNG"), "文件内容与扩展名不符")
    assert "PNG" in message


def test_an_html_page_named_jpg_is_refused(item, author, settings):
    assert_refused(item, author, settings, "照片.jpg", files.HTML_PAGE, "网页")


def test_svg_is_refused_because_it_can_carry_script(item, author, settings):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    assert_refused(item, author, settings, "图标.svg", svg, "SVG")


def test_a_program_is_refused_whatever_its_name(item, author, settings):
    assert_refused(item, author, settings, "通知.pdf", files.WINDOWS_EXE, "程序")


def test_a_decompression_bomb_png_is_refused_before_it_is_decoded(item, author, settings):
    data = files.bomb_png(100_000, 100_000)
    assert len(data) < 50_000  # tiny on disk, ten billion pixels once decoded
    assert_refused(item, author, settings, "地图.png", data, "图片尺寸过大")


def test_an_image_over_the_pixel_setting_is_refused(item, author, settings):
    settings.ATTACHMENT_MAX_IMAGE_PIXELS = 1000
    assert_refused(item, author, settings, "小图.png", files.image_bytes("PNG", size=(40, 30)), "图片尺寸过大")


def test_a_file_over_the_size_setting_is_refused(item, author, settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    data = files.pdf_bytes() + b"%" * 2048
    message = assert_refused(item, author, settings, "大文件.pdf", data, "超过了 2 KB 的上限")
    assert "大文件.pdf" in message


def test_a_file_at_the_size_setting_is_accepted(item, author, settings):
    data = files.pdf_bytes()
    settings.ATTACHMENT_MAX_BYTES = len(data)
    assert attachment_add(item=item, uploaded_file=files.upload("刚好.pdf", data), by=author).size == len(data)


def test_an_empty_file_is_refused(item, author, settings):
    assert_refused(item, author, settings, "空白.pdf", b"", "空文件")


def test_a_password_protected_pdf_is_refused_because_residents_cannot_open_it(item, author, settings):
    assert_refused(item, author, settings, "加密.pdf", files.encrypted_pdf_bytes(), "打开密码")


def test_a_damaged_pdf_is_refused(item, author, settings):
    assert_refused(item, author, settings, "损坏.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50, "损坏")


def test_a_plain_zip_named_docx_is_refused(item, author, settings):
    assert_refused(item, author, settings, "名单.docx", files.plain_zip_bytes(), "压缩包")


def test_a_word_file_named_xlsx_is_refused_as_a_mismatch(item, author, settings):
    assert_refused(item, author, settings, "名单.xlsx", files.docx_bytes(), "文件内容与扩展名不符")


def test_a_document_with_macros_is_refused(item, author, settings):
    assert_refused(item, author, settings, "通知.docx", files.docm_bytes(), "宏")


def test_an_ole2_file_named_pdf_is_refused_as_a_mismatch(item, author, settings):
    assert_refused(item, author, settings, "通知.pdf", files.ole2_bytes(), "文件内容与扩展名不符")


def test_a_text_file_is_refused_with_the_list_of_accepted_kinds(item, author, settings):
    assert_refused(item, author, settings, "说明.txt", "张三 13812345678".encode(), "可上传：PDF")


def test_checking_alone_writes_nothing(settings):
    checked = attachment_check(files.upload("照片.jpg", files.jpeg_with_gps()))
    assert checked.content_type == "image/jpeg"
    assert stored_files(settings) == []


def test_the_stored_file_is_removed_when_the_row_cannot_be_saved(shuangxi, author, settings):
    unsaved = Item(organisation=shuangxi, publisher=shuangxi, title="未保存", written_on="2024-03-01")
    checked = attachment_check(files.upload("公示.pdf", files.pdf_bytes()))
    with pytest.raises(ValueError):
        attachment_store(item=unsaved, checked=checked, by=author)
    assert stored_files(settings) == []


def test_staff_cannot_attach_a_file_to_an_item_never_saved(shuangxi, author, settings):
    unsaved = Item(organisation=shuangxi, publisher=shuangxi, title="未保存", written_on="2024-03-01")
    with pytest.raises(ValueError):
        attachment_add(item=unsaved, uploaded_file=files.upload("公示.pdf", files.pdf_bytes()), by=author)
    assert stored_files(settings) == []


# --- the admin inline's form ------------------------------------------------------------------


def test_the_attachment_form_stores_a_checked_upload_and_audits_it(item, author):
    form = AttachmentForm(
        data={"order": 2},
        files={"file": files.upload("现场 照片.jpg", files.jpeg_with_gps())},
        instance=Attachment(item=item),
        by=author,
    )
    assert form.is_valid(), form.errors
    attachment = form.save()

    attachment.refresh_from_db()
    assert attachment.original_name == "现场 照片.jpg"
    assert attachment.order == 2
    assert GENERATED_NAME.match(attachment.file.name)
    assert not Image.open(attachment.file.path).getexif().get_ifd(files.GPS_IFD)
    assert AuditEvent.objects.get(action="attachment.add").actor == author


def test_the_attachment_form_shows_a_refusal_on_the_file_field_and_writes_nothing(item, author, settings):
    form = AttachmentForm(
        data={"order": 0},
        files={"file": files.upload("照片.jpg", files.HTML_PAGE)},
        instance=Attachment(item=item),
        by=author,
    )
    assert not form.is_valid()
    assert "网页" in form.errors["file"][0]
    assert stored_files(settings) == []
    assert not Attachment.objects.exists()


def test_a_stored_attachment_shows_its_original_name_and_cannot_be_replaced(item, author):
    attachment = attachment_add(item=item, uploaded_file=files.upload("公示 名单.pdf", files.pdf_bytes()), by=author)
    form = AttachmentForm(
        data={"order": 5}, files={"file": files.upload("另一个.pdf", files.pdf_bytes("别的"))}, instance=attachment
    )

    html = str(form["file"])
    assert "公示 名单.pdf" in html
    assert f"/attachments/{attachment.pk}/" in html
    assert "/media/" not in html
    assert form.is_valid(), form.errors
    form.save()
    attachment.refresh_from_db()
    assert attachment.order == 5
    assert attachment.original_name == "公示 名单.pdf"
    assert "别的" not in attachment.text


def test_a_rar_archive_is_refused_because_its_contents_cannot_be_checked(item, author, settings):
    assert_refused(item, author, settings, "材料.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 100, "压缩包")


def test_a_document_that_unpacks_beyond_the_setting_is_refused_as_a_zip_bomb(item, author, settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 10_000
    assert_refused(item, author, settings, "通知.docx", files.docx_bytes(), "解压后")
