"""Real files for the upload and import tests, made the way townships' software makes them.

PDFs come from the project's own PDF module (WeasyPrint), DOCX from python-docx,
XLSX from openpyxl, images from Pillow; OLE2, OFD and PPTX are written by hand to the
structure their readers expect. Nothing here is a mock: every file is opened again by
the same libraries the application uses.
"""

import functools
import io
import struct
import zipfile
import zlib

import docx
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from township_portal.lib.pdf import Heading, Paragraph, build_pdf

CAMERA_MAKE = "Canon"
CAMERA_MODEL = "Canon EOS 5D Mark IV"
GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION = 0x010F, 0x0110, 0x0112


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """What the browser sends; the content type it claims is ignored by the checks."""
    return SimpleUploadedFile(name, data, content_type=content_type)


@functools.cache  # a WeasyPrint layout costs ~0.1 s; the bytes never change
def pdf_bytes(text: str = "双溪乡2024年低保对象公示") -> bytes:
    return build_pdf([Heading(text), Paragraph(f"{text}，公示期七天。")], title=text)


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="secret-1", owner_password="owner-1")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraph: str = "双溪乡人民政府关于春耕生产的通知", cell: str = "水田村委会") -> bytes:
    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list] | None = None, title: str = "补贴名单") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows or [["姓名", "村组", "金额"], ["张三丰", "双溪村一组", 1200]]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int | None = None) -> bytes:
    """A phone photo: camera make and model, GPS position (双溪乡, about 25.9°N 114.3°E)."""
    image = Image.new("RGB", size, (30, 120, 60))
    # A red block in the top-left corner shows which way up the picture is.
    image.paste((220, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[MAKE] = CAMERA_MAKE
    exif[MODEL] = CAMERA_MODEL
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (25.0, 54.0, 30.0)
    gps[3] = "E"
    gps[4] = (114.0, 18.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that claim ten billion pixels: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = compressor.compress(row * 100) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def ole2_bytes() -> bytes:
    """The start of an OLE2 compound file, as Word 97-2003 and WPS write them."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    return header.ljust(512, b"\x00") + b"\x00" * 1024


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def pptx_bytes(text: str = "乡村振兴工作汇报") -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/ppt/presentation.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
        "</Types>"
    )
    slide = (
        '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        f"<p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"
        "</p:spTree></p:cSld></p:sld>"
    )
    return _zip({"[Content_Types].xml": content_types, "ppt/presentation.xml": "<p/>", "ppt/slides/slide1.xml": slide})


def docm_bytes() -> bytes:
    """A DOCX that carries a VBA project (a macro-enabled document saved as .docx)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/vbaProject.bin"] = ole2_bytes()
    return _zip(members)


def ofd_bytes(text: str = "双溪乡财政预算公开") -> bytes:
    content = (
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>'
        f"<ofd:TextObject><ofd:TextCode X='0' Y='0'>{text}</ofd:TextCode></ofd:TextObject>"
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )
    return _zip(
        {"OFD.xml": "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>", "Doc_0/Pages/Page_0/Content.xml": content}
    )


def plain_zip_bytes() -> bytes:
    return _zip({"名单.txt": "张三 13812345678"})


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
