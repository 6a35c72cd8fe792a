"""Letters (告知书) from templates: one HTML template per kind, rendered to PDF and to DOCX.

`templates/applications/letters/<kind>.html` extends `pdf/base.html`; the PDF is WeasyPrint's
(`html_pdf`), the DOCX is the same template's headings and paragraphs written by python-docx,
so both say the same thing. Letters are generated inside the service's transaction
(`atomic_with_files`): a rollback removes their files.
"""

from __future__ import annotations

import io
import uuid
from datetime import date
from html.parser import HTMLParser

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from applications.models import Application, Letter
from township_portal.lib.files import save_file
from township_portal.lib.pdf import chinese_date, html_pdf

REMEDIES_TEXT = (
    "如对本答复不服，可以在知道该行政行为之日起六十日内依法申请行政复议，"
    "或者在知道该行政行为之日起六个月内依法向人民法院提起行政诉讼。"
)


def letter_generate(*, application: Application, kind: str, dated: date, context: dict | None = None) -> Letter:
    """Render, store (PDF and DOCX) and record one letter; must run inside `atomic_with_files()`."""
    organisation = application.organisation
    full_context = {
        "application": application,
        "organisation": organisation,
        "dated": dated,
        "dated_text": chinese_date(dated),
        "received_text": chinese_date(application.received_on) if application.received_on else "",
        "remedies": REMEDIES_TEXT,
        "title": Letter.Kind(kind).label,
        **(context or {}),
    }
    html = render_to_string(f"applications/letters/{kind}.html", full_context)
    stem = f"applications/letters/{dated.year}/{uuid.uuid4().hex}"
    pdf_name = save_file(storage=default_storage, name=f"{stem}.pdf", content=html_pdf(html))
    docx_name = save_file(storage=default_storage, name=f"{stem}.docx", content=html_docx(html))
    return Letter.objects.create(application=application, kind=kind, dated=dated, pdf=pdf_name, docx=docx_name)


class _Blocks(HTMLParser):
    """Headings, paragraphs, list items and table rows of a letter, in order, as plain text."""

    BLOCKS = {"h1", "h2", "p", "li", "tr", "dt", "dd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []  # (tag, class, text)
        self._stack: list[tuple[str, str]] = []
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self._skip += 1
        elif tag in self.BLOCKS and not self._stack:
            self._stack.append((tag, dict(attrs).get("class", "") or ""))
            self._text = []
        elif tag in ("td", "th") and self._text:
            self._text.append("：" if len(self._text) == 1 else " ")
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self._skip = max(0, self._skip - 1)
        elif self._stack and tag == self._stack[-1][0]:
            block_tag, css = self._stack.pop()
            text = " ".join("".join(self._text).split(" ")).strip()
            if text:
                self.blocks.append((block_tag, css, text))

    def handle_data(self, data):
        if not self._skip and self._stack:
            self._text.append(" ".join(data.split()) if "\n" in data else data)


def html_docx(html: str) -> bytes:
    """A DOCX of a letter's HTML: h1 as the title, h2 as headings, every paragraph as a paragraph."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    parser = _Blocks()
    parser.feed(html)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for tag, css, text in parser.blocks:
        if tag == "h1":
            paragraph = document.add_heading(text, level=0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif tag == "h2":
            document.add_heading(text, level=1)
        else:
            paragraph = document.add_paragraph(text)
            if "signature" in css:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
