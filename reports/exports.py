"""The files of a monthly report: XLSX, CSV, PDF and JSON, and the county-wide workbook.

Every format lays out the same display tables (`figures.section_tables`), so a
number is the same in all of them. Numbers stay numbers (ints in XLSX and CSV,
right-aligned in the PDF); dates are real dates in the workbook.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.figures import NARRATIVE_FIELDS, NARRATIVE_TITLE, DisplayTable, headline, numbered, section_tables
from reports.months import Month
from township_portal.lib import pdf
from township_portal.lib.csv_safe import csv_cell


@dataclass
class ReportDocument:
    """What a report file shows besides the figures: who, which month, which version."""

    organisation_name: str
    short_name: str
    month: Month
    figures: dict
    narrative: dict
    version: int | None = None  # None for a draft computed live
    submitted_at: datetime.datetime | None = None
    submitted_by: str = ""
    deadline: datetime.date | None = None
    is_late: bool | None = None

    @property
    def title(self) -> str:
        return f"{self.short_name}{self.month.label}政务公开月报"

    @property
    def file_stem(self) -> str:
        if self.version is None:
            return f"{self.title}（草稿）"
        return self.title if self.version == 1 else f"{self.title}（第{self.version}版）"

    def meta_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("报送单位", self.organisation_name),
            ("报告月份", self.month.label),
            ("统计期间", f"{self.month.first_day:%Y-%m-%d} 至 {self.month.last_day:%Y-%m-%d}（本年累计自1月1日起）"),
        ]
        if self.version is None:
            rows.append(("版本", f"草稿（未上报，按 {_local(self.figures['computed_at'])} 的记录实时计算）"))
        else:
            rows.append(("版本", f"第{self.version}版"))
            rows.append(("上报时间", _local(self.submitted_at.isoformat()) if self.submitted_at else ""))
            if self.submitted_by:
                rows.append(("上报人", self.submitted_by))
        if self.deadline:
            rows.append(("上报截止日期", f"{self.deadline:%Y-%m-%d}"))
        if self.is_late is not None:
            rows.append(("是否逾期上报", "是" if self.is_late else "否"))
        return rows

    def narrative_blocks(self) -> list[tuple[str, str]]:
        return [(label, self.narrative.get(key, "")) for key, label in NARRATIVE_FIELDS]

    def numbered_sections(self) -> list[tuple[str, list[DisplayTable]]]:
        sections = section_tables(self.figures)
        return [(numbered(index, title), tables) for index, (title, tables) in enumerate(sections)]

    @property
    def narrative_heading(self) -> str:
        return numbered(len(section_tables(self.figures)), NARRATIVE_TITLE)


def _local(iso: str) -> str:
    return f"{timezone.localtime(datetime.datetime.fromisoformat(iso)):%Y-%m-%d %H:%M}"


# --- XLSX ---------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("", text)[:31] or "表"
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _write_cell(ws, row: int, column: int, value, **style):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the local wall-clock time.
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    cell = ws.cell(row=row, column=column, value=value)
    if cell.data_type == "f":
        # Text typed by a township (a title, the narrative) that starts with "=" stays text:
        # openpyxl would store it as a formula that Excel runs on the county office's computer.
        cell.data_type = "s"
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def _merge(ws, row: int, first: int, last: int, end_row: int | None = None):
    if last > first or (end_row or row) > row:
        ws.merge_cells(start_row=row, start_column=first, end_row=end_row or row, end_column=last)


def write_title(ws, row: int, text: str, width: int) -> int:
    _write_cell(ws, row, 1, text, font=TITLE_FONT, alignment=CENTER)
    _merge(ws, row, 1, max(width, 1))
    ws.row_dimensions[row].height = 26
    return row + 1


def write_table(ws, row: int, table: DisplayTable) -> int:
    """Write one table from `row`; return the first row after it and a blank line."""
    width = len(table.columns)
    _write_cell(ws, row, 1, table.title, font=BOLD)
    _merge(ws, row, 1, width)
    row += 1
    if table.groups:
        column = 1
        for label, span in table.groups:
            if span == 1 and not label:
                # The column header below takes both header rows.
                _write_cell(ws, row, column, table.columns[column - 1], font=BOLD, alignment=CENTER)
                _merge(ws, row, column, column, end_row=row + 1)
            else:
                _write_cell(ws, row, column, label, font=BOLD, alignment=CENTER)
                _merge(ws, row, column, column + span - 1)
                for offset in range(span):
                    _write_cell(ws, row + 1, column + offset, table.columns[column - 1 + offset], font=BOLD)
            column += span
        header_rows = [row, row + 1]
        row += 2
    else:
        for column, name in enumerate(table.columns, start=1):
            _write_cell(ws, row, column, name, font=BOLD)
        header_rows = [row]
        row += 1
    for header_row in header_rows:
        for column in range(1, width + 1):
            cell = ws.cell(row=header_row, column=column)
            cell.fill, cell.border, cell.alignment = HEADER_FILL, BORDER, CENTER
    body = table.rows or [["（无）", *[None] * (width - 1)]]
    for values in body:
        for column, value in enumerate(values, start=1):
            _write_cell(ws, row, column, value, border=BORDER, alignment=WRAP)
        row += 1
    if table.note:
        _write_cell(ws, row, 1, table.note, alignment=WRAP)
        _merge(ws, row, 1, width)
        row += 1
    return row + 1


def _set_widths(ws, widths: dict[int, float], default: float = 14):
    for column in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(column)].width = widths.get(column, default)


def _write_report_sheets(wb: Workbook, doc: ReportDocument, taken: set[str]):
    summary = wb.create_sheet(_sheet_title("概况", taken))
    row = write_title(summary, 1, doc.title, 2)
    for key, value in doc.meta_rows():
        _write_cell(summary, row, 1, key, font=BOLD, fill=HEADER_FILL, border=BORDER)
        _write_cell(summary, row, 2, value, border=BORDER, alignment=WRAP)
        row += 1
    row += 1
    numbers = headline(doc.figures)
    row = write_table(
        summary,
        row,
        DisplayTable(
            "主要指标",
            ["项目", "数值"],
            [
                ["本月主动公开信息", numbers["month"]],
                ["本年累计主动公开信息", numbers["ytd"]],
                ["本月超过公开时限发布", numbers["late"]],
                ["月末逾期未发布", numbers["overdue"]],
            ],
        ),
    )
    _set_widths(summary, {1: 24, 2: 70})
    for heading, tables in doc.numbered_sections():
        ws = wb.create_sheet(_sheet_title(heading.split("、", 1)[-1], taken))
        width = max(len(table.columns) for table in tables)
        row = write_title(ws, 1, f"{doc.title} {heading}", width)
        for table in tables:
            row = write_table(ws, row + 1, table) - 1
        _set_widths(ws, {1: 26, 2: 36, 3: 18})
    ws = wb.create_sheet(_sheet_title(NARRATIVE_TITLE, taken))
    row = write_title(ws, 1, f"{doc.title} {doc.narrative_heading}", 1)
    for label, text in doc.narrative_blocks():
        _write_cell(ws, row, 1, label, font=BOLD)
        _write_cell(ws, row + 1, 1, text or "（未填写）", alignment=WRAP)
        ws.row_dimensions[row + 1].height = max(30, 15 * (len(text) // 60 + text.count("\n") + 1))
        row += 3
    _set_widths(ws, {1: 100})


def report_xlsx(doc: ReportDocument) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = doc.title
    wb.properties.creator = doc.organisation_name
    _write_report_sheets(wb, doc, set())
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- CSV ----------------------------------------------------------------------


def _csv_value(value):
    # Text that starts like a formula is shown as text (township_portal.lib.csv_safe).
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else csv_cell(value)


def _csv_row(cells) -> list:
    return [_csv_value(cell) for cell in cells]


def report_csv(doc: ReportDocument) -> bytes:
    """One sheet of comma-separated values, UTF-8 with a BOM so Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_csv_row([doc.title]))
    writer.writerows(_csv_row([key, value]) for key, value in doc.meta_rows())
    for heading, tables in doc.numbered_sections():
        writer.writerow([])
        writer.writerow([heading])
        for table in tables:
            writer.writerow([table.title])
            writer.writerow(table.columns)
            writer.writerows(_csv_row(row) for row in table.rows)
            if not table.rows:
                writer.writerow(["（无）"])
            if table.note:
                writer.writerow([table.note])
    writer.writerow([])
    writer.writerow([doc.narrative_heading])
    writer.writerows(_csv_row([label, text]) for label, text in doc.narrative_blocks())
    return buffer.getvalue().encode("utf-8-sig")


# --- PDF ----------------------------------------------------------------------


def report_pdf(doc: ReportDocument) -> bytes:
    """The report laid out by ``reports/pdf/report.html``: each heading stays with its table."""
    sections = [
        {
            "heading": heading,
            "tables": [
                {
                    "title": table.title,
                    "header_rows": table.header_rows(),
                    "body": [pdf.cells(row) for row in table.rows],
                    "width": len(table.columns),
                    "note": table.note,
                }
                for table in tables
            ],
        }
        for heading, tables in doc.numbered_sections()
    ]
    context = {
        "title": doc.title,
        "author": doc.organisation_name,
        "meta_rows": doc.meta_rows(),
        "sections": sections,
        "narrative_heading": doc.narrative_heading,
        "narrative": doc.narrative_blocks(),
    }
    return pdf.render_pdf("reports/pdf/report.html", context)


# --- JSON ---------------------------------------------------------------------


def report_json(doc: ReportDocument) -> bytes:
    payload = {
        "report": {
            "title": doc.title,
            "organisation": doc.figures["organisation"],
            "month": str(doc.month),
            "version": doc.version,
            "draft": doc.version is None,
            "submitted_at": doc.submitted_at.isoformat() if doc.submitted_at else None,
            "submitted_by": doc.submitted_by,
            "deadline": doc.deadline.isoformat() if doc.deadline else None,
            "is_late": doc.is_late,
        },
        "figures": doc.figures,
        "narrative": doc.narrative,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


RENDERERS = {"xlsx": report_xlsx, "csv": report_csv, "pdf": report_pdf, "json": report_json}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
}

# --- County-wide workbook -------------------------------------------------------


@dataclass
class CountyRow:
    """One township on the county's totals sheet."""

    doc: ReportDocument
    status_label: str
    frozen: bool


COUNTY_COLUMNS = [
    "乡镇",
    "状态",
    "上报时间",
    "本月",
    "本年累计",
    "最低条数",
    "是否达标",
    "超时限发布",
    "月末逾期未发布",
    "应发未发事项",
    "超期未更新栏目",
    "空白栏目",
    "数据来源",
]
COUNTY_GROUPS = [
    ("", 1),
    ("", 1),
    ("", 1),
    ("主动公开信息", 2),
    ("县定最低要求", 2),
    ("公开时效", 2),
    ("公开完整性", 3),
    ("", 1),
]
_NUMBER_KEYS = ["month", "ytd", "minimum"]
_TAIL_KEYS = ["late", "overdue", "missed_obligations", "idle_columns", "empty_columns"]


def county_workbook(*, county_name: str, month: Month, rows: list[CountyRow]) -> bytes:
    """A totals sheet with every township, then one sheet per township with its whole report."""
    wb = Workbook()
    totals = wb.active
    taken = {"全县汇总"}
    totals.title = "全县汇总"
    row = write_title(totals, 1, f"{county_name}{month.label}各乡镇政务公开月报汇总", len(COUNTY_COLUMNS))
    table_rows = []
    sums = dict.fromkeys(_NUMBER_KEYS + _TAIL_KEYS, 0)
    for entry in rows:
        numbers = headline(entry.doc.figures)
        for key in sums:
            sums[key] += numbers[key] or 0
        minimum_met = {True: "是", False: "否", None: "不考核"}[numbers["minimum_met"]]
        table_rows.append(
            [
                entry.doc.short_name,
                entry.status_label,
                entry.doc.submitted_at,
                numbers["month"],
                numbers["ytd"],
                numbers["minimum"],
                minimum_met,
                *[numbers[key] for key in _TAIL_KEYS],
                "已上报（冻结数据）" if entry.frozen else "未上报（实时数据）",
            ]
        )
    table_rows.append(
        ["合计", None, None, sums["month"], sums["ytd"], None, None, *[sums[key] for key in _TAIL_KEYS], None]
    )
    write_table(totals, row + 1, DisplayTable("各乡镇主要指标", COUNTY_COLUMNS, table_rows, groups=COUNTY_GROUPS))
    _set_widths(totals, {1: 14, 2: 14, 3: 18, 13: 20}, default=10)

    for entry in rows:
        ws = wb.create_sheet(_sheet_title(entry.doc.short_name, taken))
        doc = entry.doc
        row = write_title(ws, 1, doc.title, 6)
        for key, value in doc.meta_rows():
            _write_cell(ws, row, 1, key, font=BOLD, fill=HEADER_FILL, border=BORDER)
            _write_cell(ws, row, 2, value, border=BORDER, alignment=WRAP)
            _merge(ws, row, 2, 6)
            row += 1
        _write_cell(ws, row, 1, "状态", font=BOLD, fill=HEADER_FILL, border=BORDER)
        _write_cell(ws, row, 2, entry.status_label, border=BORDER)
        row += 2
        for heading, tables in doc.numbered_sections():
            _write_cell(ws, row, 1, heading, font=Font(bold=True, size=12))
            row += 1
            for table in tables:
                row = write_table(ws, row, table)
        _write_cell(ws, row, 1, doc.narrative_heading, font=Font(bold=True, size=12))
        row += 1
        for label, text in doc.narrative_blocks():
            _write_cell(ws, row, 1, label, font=BOLD)
            _write_cell(ws, row, 2, text or "（未填写）", alignment=WRAP)
            _merge(ws, row, 2, 6)
            row += 1
        _set_widths(ws, {1: 26, 2: 36, 3: 18})
    wb.properties.title = f"{county_name}{month.label}政务公开月报汇总"
    return _save(wb)
