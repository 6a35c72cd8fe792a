"""Chinese PDF documents: public notices (公示) and monthly reports.

Text is set in the Adobe standard CID font STSong-Light that reportlab knows
without a font file: nothing to install on the server, a notice is a few KB,
and text extraction (pypdf, pdfminer, copy and paste in viewers) returns the
Chinese because the text is stored as UTF-16 under a predefined CMap. The
font is not embedded: the viewer draws it with its own Song face, which every
Windows, macOS, Android and iOS machine has; a machine with no Chinese font at
all (a bare Linux server) shows blanks. Characters outside Adobe-GB1 (CJK
Extension B and beyond) print blank; pypdf still extracts them, pdfminer not.

Build a document from blocks:

    build_pdf([Heading("2024年3月报表"), Table(["乡镇", "条目"], rows)], title="月报")

or lay out a notice for the bulletin board with ``notice_pdf``.

Letters and other documents laid out as HTML go through ``html_pdf`` (WeasyPrint), which
embeds a subset of the system's Noto CJK font, so they render in any viewer and the text
stays copyable. Templates extend ``pdf/base.html``.
"""

import datetime
import decimal
import functools
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light-UTF16"


def html_pdf(html: str) -> bytes:
    """A PDF of an HTML document (A4), with its Chinese font embedded as a subset."""
    # WeasyPrint loads Pango and fontconfig; import it on first use, not at start-up.
    from weasyprint import HTML

    document = HTML(string=html, base_url=None)
    return document.write_pdf()


class _SongFont(UnicodeCIDFont):
    """STSong-Light under UniGB-UTF16-H instead of reportlab's UniGB-UCS2-H.

    The UCS-2 CMap predates GB18030: it has no entry for U+00B7, the 间隔号 in
    minority names (阿卜杜拉·买买提), which poppler and pdfminer then drop.
    reportlab already writes UTF-16BE, so only the CMap name changes.
    """

    def __init__(self):
        super().__init__("STSong-Light")
        self.encodingName = "UniGB-UTF16-H"
        # A name of our own, so no one registering plain STSong-Light replaces it.
        self.name = self.fontName = FONT


@functools.cache
def _register_font() -> None:
    # Loading the CID font's metrics costs ~140 ms; pay it on the first PDF, not at import.
    pdfmetrics.registerFont(_SongFont())


PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 25 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

# --- Blocks ---------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    """Plain text; markup characters are printed as typed, newlines kept."""

    text: str


@dataclass
class KeyValueTable:
    rows: list[tuple[str, str]]


@dataclass
class Table:
    """A grid with a header row repeated on every page.

    Numbers (int, float, Decimal) are right-aligned; ``None`` is an empty cell.
    ``col_widths`` are in millimetres; by default the columns share the width.
    """

    header: list[str]
    rows: list[list]
    col_widths: list[float] | None = None


@dataclass
class Spacer:
    height_mm: float


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | KeyValueTable | Table | Spacer | PageBreak

# --- Styles ---------------------------------------------------------------


def _style(name: str, size: float, **kwargs) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=kwargs.pop("leading", size * 1.6),
        wordWrap="CJK",
        **kwargs,
    )


BODY = _style("body", 12, spaceAfter=6)
NOTICE_BODY = _style("notice_body", 14, leading=26, firstLineIndent=28, spaceAfter=4)
HEADINGS = {
    1: _style("h1", 18, alignment=TA_CENTER, spaceBefore=6, spaceAfter=12),
    2: _style("h2", 15, spaceBefore=10, spaceAfter=6),
    3: _style("h3", 13, spaceBefore=8, spaceAfter=4),
}
NOTICE_TITLE = _style("notice_title", 22, leading=32, alignment=TA_CENTER, spaceAfter=8)
NOTICE_TOWNSHIP = _style("notice_township", 15, alignment=TA_CENTER, spaceAfter=6)
NOTICE_META = _style("notice_meta", 9.5, leading=14, alignment=TA_CENTER, textColor=colors.HexColor("#444444"))
SIGNATURE = _style("signature", 14, leading=24, alignment=TA_RIGHT)
FOOTER_LINE = _style("footer_line", 10.5, leading=16, textColor=colors.HexColor("#444444"))
CELL = _style("cell", 10.5, leading=15)
CELL_NUMBER = _style("cell_number", 10.5, leading=15, alignment=TA_RIGHT)
CELL_HEADER = _style("cell_header", 10.5, leading=15, alignment=TA_CENTER)
CELL_KEY = _style("cell_key", 10.5, leading=15, alignment=TA_LEFT, textColor=colors.HexColor("#333333"))

GRID = colors.HexColor("#888888")
SHADE = colors.HexColor("#EEEEEE")

# --- Rendering ------------------------------------------------------------


def _markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, newlines as breaks."""
    return "<br/>".join(escape(line) for line in str(text).splitlines())


def _para(text: str, style: ParagraphStyle) -> platypus.Paragraph:
    return platypus.Paragraph(_markup(text), style)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15g}"  # 0.1 + 0.2 prints as 0.3
    return str(value)


def _cell(value) -> platypus.Paragraph:
    return _para(_cell_text(value), CELL_NUMBER if _is_number(value) else CELL)


def _grid_style(*extra) -> platypus.TableStyle:
    return platypus.TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            *extra,
        ]
    )


def _table(block: Table) -> platypus.Table:
    columns = len(block.header)
    widths = [w * mm for w in block.col_widths] if block.col_widths else [FRAME_WIDTH / columns] * columns
    data = [[_para(h, CELL_HEADER) for h in block.header]]
    data += [[_cell(value) for value in row] for row in block.rows]
    table = platypus.Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_grid_style(("BACKGROUND", (0, 0), (-1, 0), SHADE)))
    return table


def _key_value_table(block: KeyValueTable) -> platypus.Table:
    key_width = 35 * mm
    data = [[_para(key, CELL_KEY), _para(value, CELL)] for key, value in block.rows]
    table = platypus.Table(data, colWidths=[key_width, FRAME_WIDTH - key_width])
    table.setStyle(_grid_style(("BACKGROUND", (0, 0), (0, -1), SHADE)))
    return table


def _flowable(block: Block) -> platypus.Flowable:
    match block:
        case Heading(text=text, level=level):
            return _para(text, HEADINGS[min(max(level, 1), 3)])
        case Paragraph(text=text):
            return _para(text, BODY)
        case KeyValueTable():
            return _key_value_table(block)
        case Table():
            return _table(block)
        case Spacer(height_mm=height):
            return platypus.Spacer(1, height * mm)
        case PageBreak():
            return platypus.PageBreak()
    raise TypeError(f"not a PDF block: {block!r}")


class _NumberedCanvas(canvas.Canvas):
    """Holds every page back until the end so the footer can say 共 N 页."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []
        # Viewers show the Chinese title in the tab instead of "document.pdf".
        self.setViewerPreference("DisplayDocTitle", "true")

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 9)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"第 {number} 页 共 {total} 页")
            super().showPage()
        super().save()


def _render(flowables: list, *, title: str, author: str = "") -> bytes:
    buffer = io.BytesIO()
    doc = platypus.SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject="",
        initialFontName=FONT,
        creator="township_portal",
        lang="zh-CN",
    )
    doc.build(flowables, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def build_pdf(blocks: list[Block], *, title: str, author: str = "") -> bytes:
    """An A4 PDF of the blocks, with page numbers and the title in its metadata."""
    _register_font()
    return _render([_flowable(block) for block in blocks], title=title, author=author)


# --- Notice ---------------------------------------------------------------


def chinese_date(value: datetime.date | None) -> str:
    """2017年3月1日, the form used on official documents."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def _body_paragraphs(text: str) -> list[str]:
    # Authors often indent with full-width spaces; the style indents instead.
    lines = (line.strip(" \t\u3000") for line in text.splitlines())
    return [line for line in lines if line]


def notice_pdf(
    *,
    township_name: str,
    title: str,
    index_number: str,
    document_number: str = "",
    published_on: datetime.date | None,
    written_on: datetime.date | None,
    body_text: str,
    footer_lines: tuple[str, ...] | list[str] = (),
) -> bytes:
    """An A4 public notice (公示) for a bulletin board, signed by the township."""
    _register_font()
    meta = [f"索引号：{index_number}"]
    if published_on:
        meta.append(f"发布日期：{chinese_date(published_on)}")
    if written_on:
        meta.append(f"成文日期：{chinese_date(written_on)}")
    if document_number:
        meta.append(f"文号：{document_number}")

    flowables = [
        _para(title, NOTICE_TITLE),
        _para(township_name, NOTICE_TOWNSHIP),
        _para("\u3000\u3000".join(meta), NOTICE_META),
        platypus.Spacer(1, 2 * mm),
        platypus.HRFlowable(width="100%", thickness=0.8, color=GRID, spaceAfter=6 * mm),
    ]
    flowables += [_para(line, NOTICE_BODY) for line in _body_paragraphs(body_text)]
    signature = [platypus.Spacer(1, 12 * mm), _para(township_name, SIGNATURE)]
    signed_on = written_on or published_on
    if signed_on:
        signature.append(_para(chinese_date(signed_on), SIGNATURE))
    if footer_lines:
        signature.append(platypus.Spacer(1, 10 * mm))
        signature += [_para(line, FOOTER_LINE) for line in footer_lines]
    flowables.append(platypus.KeepTogether(signature))
    return _render(flowables, title=title, author=township_name)


# --- HTML to text ---------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table"}
_SKIPPED_TAGS = {"script", "style", "template"}
_SPACES = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._lists: list[list] = []  # per open list: [tag, next number]
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: str | None = None
        self._link_text: list[str] = []
        self._skipping = 0

    # Text lands in the innermost open container: link, cell, or line.
    def _sink(self) -> list[str]:
        if self._link is not None:
            return self._link_text
        if self._cell is not None:
            return self._cell
        return self._current

    def _flush(self):
        line = _SPACES.sub(" ", "".join(self._current)).strip()
        if line:
            self.lines.append(line)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "br":
            if self._cell is not None:
                self._cell.append(" ")
            else:
                self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 1])
        elif tag == "li":
            self._flush()
            if self._lists and self._lists[-1][0] == "ol":
                self._current.append(f"{self._lists[-1][1]}. ")
                self._lists[-1][1] += 1
            else:
                self._current.append("· ")
        elif tag == "tr":
            self._flush()
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._link = dict(attrs).get("href") or ""
            self._link_text = []
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in ("td", "th") and self._cell is not None:
            cell = _SPACES.sub(" ", "".join(self._cell)).strip()
            if self._row is not None:
                self._row.append(cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            line = "  ".join(self._row).strip()
            if line:
                self.lines.append(line)
            self._row = None
        elif tag == "a" and self._link is not None:
            href, text = self._link, "".join(self._link_text)
            self._link = None
            # A printed page cannot be clicked: keep the address readable.
            if href.startswith(("http://", "https://")) and href != text.strip():
                text = f"{text} ({href})"
            self._sink().append(text)
        elif tag in _BLOCK_TAGS or tag == "li":
            self._flush()

    def handle_data(self, data):
        if not self._skipping:
            self._sink().append(data)

    def close(self):
        super().close()
        self._flush()


def html_to_text(html: str) -> str:
    """Plain text of a sanitized item body, one paragraph, list item or table row a line."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return "\n".join(parser.lines)
