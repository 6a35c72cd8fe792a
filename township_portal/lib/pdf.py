"""Chinese PDF documents: public notices (公示), monthly reports, letters.

Every PDF is an HTML document (a template extending ``pdf/base.html``) laid out by
WeasyPrint, which embeds a subset of the system's Noto CJK font (Debian's fonts-noto-cjk,
installed by ``make``'s ``system-deps``): the page renders in any viewer, with or without a
Chinese language pack, and the text stays copyable (every glyph maps back to Unicode).
Headings stay with the table or paragraph after them (``break-after: avoid``), a table's
header row repeats on every page, and the footer says 第 N 页 共 M 页.

    render_pdf("reports/pdf/report.html", {"doc": doc})     # a template of your own
    build_pdf([Heading("2024年3月报表"), Table(["乡镇", "条目"], rows)], title="月报")

``build_pdf`` lays out simple blocks (demo files, test fixtures); ``notice_pdf`` lays out a
notice for the bulletin board. A document costs ~0.1-0.3 s (the first in a process ~1 s,
while fontconfig loads) and ~80 KB per font face used.
"""

import datetime
import decimal
import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import ClassVar

from django.template.loader import render_to_string


def html_pdf(html: str) -> bytes:
    """A PDF of an HTML document (A4), with its Chinese font embedded as a subset."""
    return _laid_out(html)


# Laying out a document is most of its cost (0.1-3 s); the same HTML always gives the same
# PDF, so the last few documents are kept (a letter or notice generated again, a retry).
@lru_cache(maxsize=32)
def _laid_out(html: str) -> bytes:
    # WeasyPrint loads Pango and fontconfig; import it on first use, not at start-up.
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """A PDF of a template extending ``pdf/base.html`` (``title`` and ``author`` go in its metadata)."""
    return html_pdf(render_to_string(template_name, context))


# --- Cells ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell as printed: numbers are right-aligned, ``None`` is empty."""

    text: str
    is_number: bool = False


def _is_number(value) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def cell(value) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, float):
        return Cell(f"{value:.15g}", True)  # 0.1 + 0.2 prints as 0.3
    if isinstance(value, (datetime.date, datetime.datetime)):
        return Cell(value.isoformat())
    return Cell(str(value), _is_number(value))


def cells(row) -> list[Cell]:
    return [cell(value) for value in row]


# --- Blocks ---------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 1
    kind: ClassVar[str] = "heading"

    @property
    def tag(self) -> str:
        return f"h{min(max(self.level, 1), 3)}"


@dataclass
class Paragraph:
    """Plain text; markup characters are printed as typed, newlines kept."""

    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass
class KeyValueTable:
    rows: list[tuple[str, str]]
    kind: ClassVar[str] = "key_value_table"


@dataclass
class Table:
    """A grid with a header row repeated on every page.

    Numbers (int, float, Decimal) are right-aligned; ``None`` is an empty cell.
    ``col_widths`` are in millimetres; by default the browser shares the width.
    """

    header: list[str]
    rows: list[list]
    col_widths: list[float] | None = None
    kind: ClassVar[str] = "table"

    @property
    def body(self) -> list[list[Cell]]:
        return [cells(row) for row in self.rows]


@dataclass
class Spacer:
    height_mm: float
    kind: ClassVar[str] = "spacer"


@dataclass
class PageBreak:
    kind: ClassVar[str] = "page_break"


Block = Heading | Paragraph | KeyValueTable | Table | Spacer | PageBreak


def build_pdf(blocks: list[Block], *, title: str, author: str = "") -> bytes:
    """An A4 PDF of the blocks, with page numbers and the title in its metadata."""
    for block in blocks:
        if not isinstance(block, Block):
            raise TypeError(f"not a PDF block: {block!r}")
    return render_pdf("pdf/blocks.html", {"blocks": blocks, "title": title, "author": author})


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
    meta = [f"索引号：{index_number}"]
    if published_on:
        meta.append(f"发布日期：{chinese_date(published_on)}")
    if written_on:
        meta.append(f"成文日期：{chinese_date(written_on)}")
    if document_number:
        meta.append(f"文号：{document_number}")
    return render_pdf(
        "pdf/notice.html",
        {
            "title": title,
            "author": township_name,
            "township_name": township_name,
            "meta": meta,
            "paragraphs": _body_paragraphs(body_text),
            "signed_on": chinese_date(written_on or published_on),
            "footer_lines": list(footer_lines),
        },
    )


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


# Sanitized bodies (disclosure.html) are plain tags with double-quoted attributes and text
# with character references: one regular expression splits them into tags and text about
# five times faster than HTMLParser, and feeds the same handlers. Anything else (comments,
# declarations, raw-text elements, a stray "<") goes through HTMLParser itself.
_PLAIN_PARTS = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*\"[^\"<]*\")?)*)\s*(/?)>|([^<]+)"
)
_HREF = re.compile(r'(?:^|\s)href\s*=\s*"([^"]*)"')
_RAW_TEXT_TAGS = {"script", "style", "template", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
_RAW_TEXT_TAGS |= {"noscript", "plaintext"}


def _feed_plain(parser: _TextExtractor, html: str) -> bool:
    """Feed a sanitized body's tags and text to the parser's handlers; False when it is not plain."""
    parts, end = [], 0
    for match in _PLAIN_PARTS.finditer(html):
        if match.start() != end:
            return False
        end = match.end()
        closing, tag, attributes, self_closing, text = match.groups()
        if text is not None:
            parts.append((None, htmllib.unescape(text) if "&" in text else text, None))
            continue
        tag = tag.lower()
        if tag in _RAW_TEXT_TAGS:
            return False
        attrs = []
        if tag == "a" and not closing:
            href = _HREF.search(attributes)
            if href:
                attrs = [("href", htmllib.unescape(href.group(1)))]
        parts.append((tag, "end" if closing else ("startend" if self_closing else "start"), attrs))
    if end != len(html):
        return False
    for tag, kind, attrs in parts:
        if tag is None:
            parser.handle_data(kind)
            continue
        if kind != "end":
            parser.handle_starttag(tag, attrs)
        if kind != "start":
            parser.handle_endtag(tag)
    parser._flush()
    return True


_PARAGRAPHS_ONLY = re.compile(r"(?:<p>[^<]*</p>)*")
_PARAGRAPH_TEXT = re.compile(r"<p>([^<]*)</p>")


def html_to_text(html: str) -> str:
    """Plain text of a sanitized item body, one paragraph, list item or table row a line."""
    html = html or ""
    if _PARAGRAPHS_ONLY.fullmatch(html):  # most bodies: what the handlers make of <p>text</p>
        texts = (
            _SPACES.sub(" ", htmllib.unescape(text) if "&" in text else text).strip()
            for text in _PARAGRAPH_TEXT.findall(html)
        )
        return "\n".join(text for text in texts if text)
    parser = _TextExtractor()
    if not _feed_plain(parser, html):
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
    return "\n".join(parser.lines)
