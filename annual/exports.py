"""The files of an annual report: DOCX in the official layout, PDF, XLSX and JSON; the county workbook.

Every format draws the grids of `annual.tables`, so a number is the same in all of them.
"""

import datetime
import io
import json
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from annual.checks import Check
from annual.figures import sum_figures
from annual.models import NARRATIVE_FIELDS
from annual.tables import Grid, all_tables
from township_portal.lib.pdf import html_pdf

OVERVIEW_TITLE = "一、总体情况"
OVERVIEW_KEYS = [key for key, _label in NARRATIVE_FIELDS if key.startswith("overview_")]
LABELS = dict(NARRATIVE_FIELDS)


@dataclass
class AnnualDocument:
    organisation_name: str
    short_name: str
    year: int
    figures: dict
    narrative: dict
    checks: list[Check] = field(default_factory=list)
    version: int | None = None  # None for a draft computed live
    submitted_at: datetime.datetime | None = None
    submitted_by: str = ""
    deadline: datetime.date | None = None
    is_late: bool | None = None

    @property
    def title(self) -> str:
        return f"{self.short_name}{self.year}年政府信息公开工作年度报告"

    @property
    def file_stem(self) -> str:
        if self.version is None:
            return f"{self.title}（草稿）"
        return self.title if self.version == 1 else f"{self.title}（第{self.version}版）"

    def tables(self) -> list[Grid]:
        return all_tables(self.figures)

    def overview(self) -> list[tuple[str, str]]:
        return [(LABELS[key], self.narrative.get(key, "")) for key in OVERVIEW_KEYS]

    def closing(self) -> list[tuple[str, str]]:
        return [(LABELS[key], self.narrative.get(key, "")) for key in ("problems", "other_matters")]

    def meta_rows(self) -> list[tuple[str, str]]:
        rows = [("报送单位", self.organisation_name), ("报告年度", f"{self.year}年")]
        if self.version is None:
            rows.append(("版本", "草稿（未上报，按当前记录实时计算）"))
        else:
            rows.append(("版本", f"第{self.version}版"))
            if self.submitted_at:
                rows.append(("上报时间", f"{timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"))
            if self.submitted_by:
                rows.append(("上报人", self.submitted_by))
        if self.deadline:
            rows.append(("上报截止日期", f"{self.deadline:%Y-%m-%d}"))
        if self.is_late is not None:
            rows.append(("是否逾期上报", "是" if self.is_late else "否"))
        rows.append(("上年数据依据", self.figures["previous"]["note"]))
        return rows

    def sources(self) -> list[tuple[str, str]]:
        labels = {"permits": "行政许可", "penalties": "行政处罚", "enforcement": "行政强制", "fees": "行政事业性收费"}
        rows = []
        for key, label in labels.items():
            entry = self.figures["table2"]["entered"].get(key)
            if entry:
                when = (
                    timezone.localtime(datetime.datetime.fromisoformat(entry["entered_at"]))
                    if entry.get("entered_at")
                    else None
                )
                who = f"{entry['entered_by']}录入" + (f"（{when:%Y-%m-%d}）" if when else "")
                rows.append((label, f"{entry['source_note']}；{who}"))
        return rows


def _context(doc: AnnualDocument) -> dict:
    return {"doc": doc, "tables": doc.tables()}


# --- DOCX ---------------------------------------------------------------------------


def _docx_font(run, size: float, bold: bool = False):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "SimSun"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _docx_paragraph(document, text: str, *, size: float = 12, bold: bool = False, center: bool = False):
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_font(paragraph.add_run(text), size, bold)
    return paragraph


def _docx_grid(document, grid: Grid):
    table = document.add_table(rows=grid.height(), cols=grid.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # The cells are looked up once, before any merge, not by table.cell() (it lays out the whole
    # table on every call: n² in the table's cells) nor by row.cells (a merged row looks up the
    # rows above). A merge removes only cells inside its own span, and the spans never overlap,
    # so every cell looked up here that is still needed is still in the table.
    cells = [row.cells for row in table.rows]
    for r, c, cell in grid.positions():
        target = cells[r][c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
        target.text = ""
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if (cell.header or cell.is_number) else WD_ALIGN_PARAGRAPH.LEFT
        _docx_font(paragraph.add_run(cell.text), 9, bold=cell.header and cell.scope == "col")
    return table


def report_docx(doc: AnnualDocument) -> bytes:
    document = Document()
    document.core_properties.title = doc.title
    document.core_properties.author = doc.organisation_name
    _docx_paragraph(document, doc.title, size=18, bold=True, center=True)
    _docx_paragraph(document, OVERVIEW_TITLE, size=14, bold=True)
    for label, text in doc.overview():
        _docx_paragraph(document, label, bold=True)
        for line in (text or "（未填写）").splitlines() or [""]:
            _docx_paragraph(document, line)
    for grid in doc.tables():
        _docx_paragraph(document, grid.title, size=14, bold=True)
        _docx_grid(document, grid)
    sources = doc.sources()
    if sources:
        _docx_paragraph(document, "注：表二录入数据来源——" + "；".join(f"{k}：{v}" for k, v in sources), size=9)
    for label, text in doc.closing():
        _docx_paragraph(document, label, size=14, bold=True)
        for line in (text or "（未填写）").splitlines() or [""]:
            _docx_paragraph(document, line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------


def report_pdf(doc: AnnualDocument) -> bytes:
    return html_pdf(render_to_string("annual/pdf.html", _context(doc)))


def publication_body(doc: AnnualDocument) -> str:
    """The published item's body: narrative and tables as plain, accessible HTML."""
    return render_to_string("annual/body.html", _context(doc))


# --- XLSX ------------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def _xlsx_text(ws, row: int, column: int, value, **style):
    cell = ws.cell(row=row, column=column, value=value)
    if cell.data_type == "f":  # typed text starting with "=" stays text, never a formula
        cell.data_type = "s"
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def write_grid(ws, top: int, grid: Grid) -> int:
    """Write a grid with its title from row `top`; return the first free row after a blank one."""
    _xlsx_text(ws, top, 1, grid.title, font=Font(bold=True, size=12))
    first = top + 1
    for r, c, cell in grid.positions():
        row, column = first + r, 1 + c
        value = cell.value if cell.is_number else cell.text
        _xlsx_text(
            ws,
            row,
            column,
            value,
            border=BORDER,
            alignment=CENTER if cell.header else WRAP,
            **({"fill": HEADER_FILL, "font": Font(bold=True)} if cell.header and cell.scope == "col" else {}),
        )
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=row, start_column=column, end_row=row + cell.rowspan - 1, end_column=column + cell.colspan - 1
            )
    return first + grid.height() + 1


def _write_report(ws, doc: AnnualDocument):
    _xlsx_text(ws, 1, 1, doc.title, font=Font(bold=True, size=14))
    row = 2
    for key, value in doc.meta_rows():
        _xlsx_text(ws, row, 1, key, font=Font(bold=True))
        _xlsx_text(ws, row, 2, value, alignment=WRAP)
        row += 1
    row += 1
    for grid in doc.tables():
        row = write_grid(ws, row, grid)
    for column in range(1, 16):
        ws.column_dimensions[get_column_letter(column)].width = 14
    ws.column_dimensions["C"].width = 30


def report_xlsx(doc: AnnualDocument) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "表格"
    wb.properties.title = doc.title
    wb.properties.creator = doc.organisation_name
    _write_report(ws, doc)
    text = wb.create_sheet("文字部分")
    _xlsx_text(text, 1, 1, doc.title, font=Font(bold=True, size=14))
    row = 2
    for label, value in [(OVERVIEW_TITLE, ""), *doc.overview(), *doc.closing()]:
        _xlsx_text(text, row, 1, label, font=Font(bold=True))
        _xlsx_text(text, row, 2, value, alignment=WRAP)
        row += 1
    text.column_dimensions["A"].width = 30
    text.column_dimensions["B"].width = 100
    checks = wb.create_sheet("勾稽校验")
    for column, name in enumerate(["单元格", "结果", "说明"], start=1):
        _xlsx_text(checks, 1, column, name, font=Font(bold=True), fill=HEADER_FILL, border=BORDER)
    labels = {"ok": "通过", "failed": "不通过", "skipped": "未核对"}
    for row, check in enumerate(doc.checks, start=2):
        for column, value in enumerate([check.cell, labels[check.status], check.message], start=1):
            _xlsx_text(checks, row, column, value, border=BORDER, alignment=WRAP)
    checks.column_dimensions["A"].width = 36
    checks.column_dimensions["C"].width = 80
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- JSON -------------------------------------------------------------------------------


def report_json(doc: AnnualDocument) -> bytes:
    payload = {
        "report": {
            "title": doc.title,
            "organisation": doc.figures["organisation"],
            "year": doc.year,
            "version": doc.version,
            "draft": doc.version is None,
            "submitted_at": doc.submitted_at.isoformat() if doc.submitted_at else None,
            "submitted_by": doc.submitted_by,
            "deadline": doc.deadline.isoformat() if doc.deadline else None,
            "is_late": doc.is_late,
        },
        "figures": doc.figures,
        "narrative": doc.narrative,
        "checks": [{"cell": c.cell, "status": c.status, "message": c.message, "key": c.key} for c in doc.checks],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


RENDERERS = {"docx": report_docx, "pdf": report_pdf, "xlsx": report_xlsx, "json": report_json}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}

# --- County workbook -----------------------------------------------------------------------


@dataclass
class CountyEntry:
    doc: AnnualDocument
    status_label: str
    frozen: bool
    checks_ok: bool
    is_late: bool


def county_workbook(*, county_name: str, year: int, entries: list[CountyEntry]) -> bytes:
    """A totals sheet (tables 二, 三, 四 added up over the townships), then a sheet per township."""
    wb = Workbook()
    totals = wb.active
    totals.title = "全县合计"
    _xlsx_text(totals, 1, 1, f"{county_name}{year}年各乡镇政府信息公开工作年度报告汇总", font=Font(bold=True, size=14))
    header = ["乡镇", "状态", "数据来源", "勾稽校验", "是否逾期"]
    for column, name in enumerate(header, start=1):
        _xlsx_text(totals, 3, column, name, font=Font(bold=True), fill=HEADER_FILL, border=BORDER)
    row = 4
    for entry in entries:
        values = [
            entry.doc.short_name,
            entry.status_label,
            "已上报（冻结数据）" if entry.frozen else "未上报（实时数据）",
            "通过" if entry.checks_ok else "不通过",
            "是" if entry.is_late else "否",
        ]
        for column, value in enumerate(values, start=1):
            _xlsx_text(totals, row, column, value, border=BORDER)
        row += 1
    summed = {
        **sum_figures([entry.doc.figures for entry in entries]),
        "fees_yuan": "0",
        "previous": {"note": ""},
    }
    row += 1
    for grid in all_tables(summed):
        grid.title = f"全县合计 {grid.title}"
        row = write_grid(totals, row, grid)
    for column in range(1, 16):
        totals.column_dimensions[get_column_letter(column)].width = 14
    taken = {"全县合计"}
    for entry in entries:
        title = entry.doc.short_name[:31]
        while title in taken:
            title = f"{title[:28]}({len(taken)})"
        taken.add(title)
        _write_report(wb.create_sheet(title), entry.doc)
    wb.properties.title = f"{county_name}{year}年政府信息公开工作年度报告汇总"
    return _save(wb)
