"""The hostile files of issue 14, built the way an attacker builds them: small outside, huge inside.

Each is a real file the application's own libraries open (python-docx's package, openpyxl's
workbook, a PDF pypdf reads); only one part is inflated.
"""

import io
import zipfile
import zlib

import openpyxl

from tests.catalog.test_catalog_transfer import HEADER
from tests.disclosure import files

MB = 1024 * 1024


def _rewrite(source: bytes, part: str, write_part) -> bytes:
    """The package `source` with `part` replaced by what `write_part(stream, original)` streams."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            original = old.read(info.filename)
            if info.filename == part:
                target = zipfile.ZipInfo(part)
                target.compress_type = zipfile.ZIP_DEFLATED
                with new.open(target, "w", force_zip64=True) as stream:
                    write_part(stream, original)
            else:
                new.writestr(info.filename, original)
    return out.getvalue()


def docx_bomb(inflated: int = 185 * MB) -> bytes:
    """A .docx whose word/document.xml inflates to `inflated` bytes of one-word paragraphs."""

    def write(stream, original: bytes):
        head, _, tail = original.partition(b"<w:body>")
        stream.write(head + b"<w:body>")
        paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
        chunk = paragraph * (MB // len(paragraph))
        for _ in range(inflated // len(chunk)):
            stream.write(chunk)
        stream.write(tail)

    return _rewrite(files.docx_bytes(), "word/document.xml", write)


def _catalog_workbook(cells: list) -> bytes:
    """A catalog workbook as openpyxl writes it: the header and one row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "公开事项"
    sheet.append(HEADER)
    sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


SPREADSHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_shared_string_bomb(length: int = 20 * MB, cells: int = 60, header=HEADER) -> bytes:
    """A workbook (catalog header) whose one shared string of `length` characters fills `cells` cells.

    Written by hand: openpyxl writes inline strings, Excel and WPS a shared-string table.
    """
    width = len(header)
    header_cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in header)
    rows = [f'<row r="1">{header_cells}</row>']
    for number, start in enumerate(range(0, cells, width), 2):
        rows.append(f'<row r="{number}">' + '<c t="s"><v>0</v></c>' * min(width, cells - start) + "</row>")
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET_MAIN}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SPREADSHEET_MAIN}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SPREADSHEET_MAIN}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="公开事项" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        target = zipfile.ZipInfo("xl/sharedStrings.xml")
        target.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(target, "w", force_zip64=True) as stream:
            stream.write(
                f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{cells}" '
                'uniqueCount="1"><si><t>'.encode()
            )
            for _ in range(length // MB):
                stream.write(b"A" * MB)
            stream.write(b"</t></si></sst>")
    return out.getvalue()


def xlsx_empty_rows_bomb(rows: int = 1_000_000, header=None) -> bytes:
    """A workbook (catalog header, or `header`) followed by `rows` empty rows."""
    source = _catalog_workbook(["01", "一级", "", "内容", "", "实时公开", "上犹县人民政府", "政府网站"])
    if header is not None:
        workbook = openpyxl.Workbook()
        workbook.active.append(header)
        out = io.BytesIO()
        workbook.save(out)
        source = out.getvalue()

    def write(stream, original: bytes):
        head, _, tail = original.partition(b"</sheetData>")
        stream.write(head)
        batch = 10_000
        for start in range(3, rows + 3, batch):
            stream.write(b"".join(b'<row r="%d"/>' % n for n in range(start, start + batch)))
        stream.write(b"</sheetData>" + tail)

    return _rewrite(source, "xl/worksheets/sheet1.xml", write)


def pdf_flate_bomb(inflated: int = 1024 * MB) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes (spaces, which PDF ignores)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * MB
    body = b"".join(compressor.compress(chunk) for _ in range(inflated // MB)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
