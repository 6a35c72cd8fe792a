"""A catalog as the spreadsheet counties publish, in XLSX or CSV, and back.

One sheet, one row per entry. The first eleven columns are the county layout (序号, 一级事项,
二级事项, 公开内容(要素), 公开依据, 公开时限, 公开主体, 公开渠道和载体, 公开对象, 公开方式,
公开层级); the trailing columns are ours and optional on import (目录类别编码, 目录类别,
上级类别编码, 栏目类型, 类别说明, 预期发布频率), so a county's own file imports into a chosen
category while our export carries the whole tree. A row whose eleven county cells are all empty
and whose 目录类别编码 is filled declares a category (parents before children), which lets
CSV carry empty categories too.

Parsing here needs no database; `catalog.services.catalog_import` resolves names of
organisations and writes. Every problem names the row and column as the user sees them in
Excel (row 1 is the first line, column A the first column).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from catalog.models import Channel, ColumnKind, Obligation
from township_portal.lib.bounded import LimitExceeded, SheetLimits, shown, text_rows_limits, xlsx_rows
from township_portal.lib.cleaning import bidi_refusal, clean_text
from township_portal.lib.csv_safe import csv_cell, csv_uncell

COUNTY_COLUMNS = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容(要素)",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
]
CATEGORY_COLUMNS = ["目录类别编码", "目录类别", "上级类别编码", "栏目类型", "类别说明"]
EXTRA_COLUMNS = [*CATEGORY_COLUMNS, "预期发布频率"]
ALL_COLUMNS = COUNTY_COLUMNS + EXTRA_COLUMNS
REQUIRED_COLUMNS = [c for c in COUNTY_COLUMNS if c not in ("二级事项", "公开依据")]
# Cells that must be filled on an obligation row; 二级事项 and 公开依据 may be empty.
SHEET_TITLE = "公开事项"
MAX_PROBLEMS = 50
# Excel's own limit for one cell; the longest catalog cell (公开依据) is a few hundred characters.
MAX_CELL_CHARS = 32_767
# A statutory limit is at most a few tens of working days; a bigger number is a typing error.
MAX_TIME_LIMIT_DAYS = 250

_ASCII_PARENS = str.maketrans({"（": "(", "）": ")", " ": "", "\u3000": "", "\n": "", "\r": ""})

CHANNEL_ALIASES = {
    **{str(label): value for value, label in Channel.choices},
    "门户网站": Channel.WEBSITE,
    "政府门户网站": Channel.WEBSITE,
    "网站": Channel.WEBSITE,
    "政务新媒体": Channel.NEW_MEDIA,
    "微信公众号": Channel.NEW_MEDIA,
    "微信公众平台": Channel.NEW_MEDIA,
    "政务微信": Channel.NEW_MEDIA,
    "政务微博": Channel.NEW_MEDIA,
    "纸质媒体": Channel.PAPER,
    "宣传资料": Channel.PAPER,
    "宣传纸": Channel.PAPER,
    "公开栏": Channel.BULLETIN_BOARD,
    "村务公开栏": Channel.BULLETIN_BOARD,
    "政务公开栏": Channel.BULLETIN_BOARD,
    "宣传栏": Channel.BULLETIN_BOARD,
    "查阅点": Channel.READING_POINT,
    "政务服务中心": Channel.SERVICE_CENTRE,
    "便民服务站": Channel.SERVICE_CENTRE,
    "入户": Channel.DOOR_TO_DOOR,
    "精准推送": Channel.DOOR_TO_DOOR,
    "广播": Channel.BROADCAST,
    "发布会": Channel.BRIEFING,
}
AUDIENCE_WORDS = {
    "全社会": Obligation.Audience.PUBLIC,
    "特定群体": Obligation.Audience.SPECIFIC,
    "特定对象": "specific",
}
MODE_WORDS = {
    "主动公开": Obligation.Mode.PROACTIVE,
    "主动": Obligation.Mode.PROACTIVE,
    "依申请公开": Obligation.Mode.ON_REQUEST,
    "依申请": Obligation.Mode.ON_REQUEST,
}
LEVEL_WORDS = {
    "县级": Obligation.Level.COUNTY,
    "县": Obligation.Level.COUNTY,
    "乡级": Obligation.Level.TOWNSHIP,
    "乡镇级": Obligation.Level.TOWNSHIP,
    "乡镇": Obligation.Level.TOWNSHIP,
}
FREQUENCY_WORDS = {str(label): value for value, label in Obligation.Frequency.choices} | {"随时": "on_event"}
PERIOD_WORDS = [
    (("每季度", "按季度", "季度"), Obligation.Period.QUARTERLY),
    (("每月", "按月", "月度"), Obligation.Period.MONTHLY),
    (("每年", "按年", "年度"), Obligation.Period.YEARLY),
]


def column_kind_short(value: str) -> str:
    return str(ColumnKind(value).label).split("（")[0]


COLUMN_KIND_WORDS = {column_kind_short(v): v for v in ColumnKind.values} | {
    str(label): value for value, label in ColumnKind.choices
}


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    message: str
    letter: str | None = None

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column is not None:
            where.append(f"{self.letter} 列“{self.column}”" if self.letter else f"“{self.column}”列")
        return f"{' '.join(where)}：{self.message}" if where else self.message


class CatalogFileError(Exception):
    """The file cannot be imported; `problems` lists every problem found (nothing was written)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        text = "；".join(str(p) for p in self.problems)
        super().__init__(text + (f"；另有 {more} 处问题未列出" if more > 0 else ""))


@dataclass
class CategoryRow:
    row: int
    code: str
    name: str
    parent_code: str
    column_kind: str
    description: str


@dataclass
class ObligationRow:
    row: int
    code: str
    first_level: str
    second_level: str
    content_elements: str
    legal_basis: str
    time_limit_kind: str
    time_limit_days: int | None
    period: str
    responsible_body: str
    channels: list[str]
    audience: str
    mode: str
    level: str
    category_code: str
    category_name: str
    expected_frequency: str
    letters: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class ParsedCatalog:
    categories: list[CategoryRow]
    obligations: list[ObligationRow]
    has_category_column: bool


# --- reading --------------------------------------------------------------------------


def _normalise_header(text: str) -> str:
    return text.translate(_ASCII_PARENS)


_KNOWN_HEADERS = {_normalise_header(c): c for c in ALL_COLUMNS}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _check_kind(file_name: str, data: bytes) -> str:
    """'xlsx' or 'csv', or raise: decided by content first, the extension only to say what was expected."""
    size_limit = settings.CATALOG_IMPORT_MAX_BYTES
    if len(data) > size_limit:
        raise CatalogFileError(
            [
                Problem(
                    None,
                    None,
                    f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {size_limit / 1024 / 1024:.0f} MB，未读取。"
                    "一个目录通常不到 1 MB，请检查是否选错了文件。",
                )
            ]
        )
    if not data.strip():
        raise CatalogFileError([Problem(None, None, "文件是空的。")])
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CatalogFileError(
            [Problem(None, None, "这是旧版 Excel（.xls）或 Word 文件，请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后导入。")]
        )
    looks_binary = b"\x00" in data[:8192] or data[:5] in (b"%PDF-",) or data[:4] in (b"\x89PNG", b"GIF8")
    if extension == "xlsx" or looks_binary or data.startswith(b"\xff\xd8\xff"):
        raise CatalogFileError([Problem(None, None, "这不是电子表格文件：只能导入 .xlsx 工作簿或 .csv 文件。")])
    if extension not in ("csv", "txt"):
        raise CatalogFileError([Problem(None, None, f"不支持的文件类型“.{extension}”：只能导入 .xlsx 或 .csv 文件。")])
    return "csv"


def _sheet_limits() -> SheetLimits:
    return SheetLimits(
        max_rows=settings.CATALOG_IMPORT_MAX_ROWS,
        max_columns=len(ALL_COLUMNS) + 20,
        max_cell_chars=MAX_CELL_CHARS,
        max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_part=settings.IMPORT_MAX_UNPACKED_BYTES,
    )


def _xlsx_rows(data: bytes, file_name: str) -> list[list[str]]:
    try:
        rows = xlsx_rows(data, name=file_name, limits=_sheet_limits(), sheet=SHEET_TITLE)
    except LimitExceeded as error:
        raise CatalogFileError([Problem(None, None, str(error))]) from None
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise CatalogFileError(
            [Problem(None, None, "这不是有效的 Excel 工作簿（.xlsx），可能已损坏或是其他压缩文件。")]
        ) from None
    return [[_cell_text(v) for v in row] for row in rows]


def _csv_rows(data: bytes, file_name: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK 编码（Excel 的“CSV（逗号分隔）”默认如此）"
        except UnicodeDecodeError:
            guess = "无法识别的编码"
        raise CatalogFileError(
            [
                Problem(
                    line,
                    None,
                    f"第 {exc.start - line_start + 1} 个字节处不是 UTF-8 编码，{guess}。"
                    "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重新导入。未导入任何内容。",
                )
            ]
        ) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = [[csv_uncell(clean_text(cell).strip()) for cell in row] for row in reader]
    except csv.Error as exc:
        raise CatalogFileError([Problem(None, None, f"CSV 格式错误：{exc}")]) from None
    try:
        text_rows_limits(rows, name=file_name, limits=_sheet_limits())
    except LimitExceeded as error:
        raise CatalogFileError([Problem(None, None, str(error))]) from None
    return rows


def _find_header(rows: list[list[str]]) -> int:
    for index, row in enumerate(rows[:10]):
        normalised = {_normalise_header(c) for c in row}
        if "序号" in normalised and "一级事项" in normalised:
            return index
    raise CatalogFileError(
        [Problem(None, None, "前 10 行中找不到表头行：表头应包含“序号”“一级事项”“二级事项”“公开内容(要素)”等列。")]
    )


def _parse_time_limit(text: str) -> tuple[str, int | None, str] | None:
    days_match = re.search(r"(\d+)\s*个?\s*工作日", text)
    days = int(days_match.group(1)) if days_match else None
    for words, period in PERIOD_WORDS:
        if any(w in text for w in words):
            return Obligation.TimeLimitKind.PERIODIC, days, period
    if "实时" in text:
        return Obligation.TimeLimitKind.REAL_TIME, None, ""
    if days:
        return Obligation.TimeLimitKind.WORKING_DAYS, days, ""
    return None


def parse_catalog_file(file_name: str, data: bytes) -> ParsedCatalog:
    """Read an uploaded catalog; raise CatalogFileError listing every problem."""
    kind = _check_kind(file_name, data)
    rows = _xlsx_rows(data, file_name) if kind == "xlsx" else _csv_rows(data, file_name)
    header_index = _find_header(rows)
    header_row = header_index + 1
    problems: list[Problem] = []

    columns: dict[str, int] = {}
    for position, raw in enumerate(rows[header_index]):
        letter = get_column_letter(position + 1)
        if not raw:
            continue
        name = _KNOWN_HEADERS.get(_normalise_header(raw))
        if name is None:
            problems.append(Problem(header_row, shown(raw), "未知的列名；可用的列见导出模板。", letter))
        elif name in columns:
            problems.append(Problem(header_row, shown(raw), "列名重复。", letter))
        else:
            columns[name] = position
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(Problem(header_row, name, "缺少这一列。"))
    if problems:
        raise CatalogFileError(problems)
    letters = {name: get_column_letter(position + 1) for name, position in columns.items()}

    categories: list[CategoryRow] = []
    obligations: list[ObligationRow] = []
    first_row_of_code: dict[str, int] = {}
    first_row_of_category: dict[str, int] = {}

    for index in range(header_index + 1, len(rows)):
        row_number = index + 1
        cells = rows[index]

        def cell(name, cells=cells):
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else ""

        def problem(name, message, row_number=row_number):
            problems.append(Problem(row_number, name, message, letters.get(name)))

        if not any(cells):
            continue
        for name in ("目录类别", "一级事项", "二级事项"):
            message = bidi_refusal(cell(name), label=name)
            if message:
                problem(name, message)
        if not any(cell(name) for name in COUNTY_COLUMNS):
            code = cell("目录类别编码")
            if not code:
                problem("目录类别编码", "这一行只有类别信息，但类别编码是空的。")
                continue
            if code in first_row_of_category:
                problem("目录类别编码", f"类别编码“{shown(code)}”与第 {first_row_of_category[code]} 行重复。")
                continue
            first_row_of_category[code] = row_number
            kind_text = cell("栏目类型")
            column_kind = COLUMN_KIND_WORDS.get(kind_text, ColumnKind.NOTICE if not kind_text else None)
            if column_kind is None:
                problem(
                    "栏目类型",
                    f"无法识别的栏目类型“{shown(kind_text)}”，"
                    f"可填：{'、'.join(map(column_kind_short, ColumnKind.values))}。",
                )
            if not cell("目录类别"):
                problem("目录类别", "必填，不能为空。")
            categories.append(
                CategoryRow(
                    row=row_number,
                    code=code,
                    name=cell("目录类别"),
                    parent_code=cell("上级类别编码"),
                    column_kind=column_kind or ColumnKind.NOTICE,
                    description=cell("类别说明"),
                )
            )
            continue

        missing = [name for name in REQUIRED_COLUMNS if not cell(name)]
        for name in missing:
            problem(name, "必填，不能为空。")
        code = cell("序号")
        if code:
            if code in first_row_of_code:
                problem("序号", f"序号“{shown(code)}”与第 {first_row_of_code[code]} 行重复。")
            else:
                first_row_of_code[code] = row_number
            if len(code) > 20:
                problem("序号", "序号最长 20 个字符。")
        if len(cell("目录类别编码")) > 20 or len(cell("目录类别")) > 60:
            problem("目录类别", "类别编码最长 20 个字符，名称最长 60 个字符。")

        time_limit = _parse_time_limit(cell("公开时限")) if cell("公开时限") else None
        if time_limit is not None and time_limit[1] is not None and time_limit[1] > MAX_TIME_LIMIT_DAYS:
            problem("公开时限", f"时限超过 {MAX_TIME_LIMIT_DAYS} 个工作日，请核对。")
        if cell("公开时限") and time_limit is None:
            problem(
                "公开时限",
                f"无法识别的公开时限“{shown(cell('公开时限'))}”，可写“信息形成或变更之日起20个工作日内”“实时公开”"
                "“每季度结束后20个工作日内”。",
            )
        channels = []
        for word in re.split(r"[、,，;；\n]+", cell("公开渠道和载体")):
            word = word.strip()
            if not word:
                continue
            channel = CHANNEL_ALIASES.get(word)
            if channel is None:
                known = "、".join(str(label) for label in Channel.labels)
                problem("公开渠道和载体", f"无法识别的渠道“{shown(word)}”，可用：{known}。")
            elif channel not in channels:
                channels.append(str(channel))

        def choice(name, words):
            text = cell(name)
            if text and text not in words:
                problem(name, f"无法识别“{shown(text)}”，可填：{'、'.join(words)}。")
            return str(words.get(text, ""))

        audience = choice("公开对象", AUDIENCE_WORDS)
        mode = choice("公开方式", MODE_WORDS)
        level = choice("公开层级", LEVEL_WORDS)
        frequency = choice("预期发布频率", FREQUENCY_WORDS) or Obligation.Frequency.ON_EVENT
        for name, limit in (("一级事项", 100), ("二级事项", 100)):
            if len(cell(name)) > limit:
                problem(name, f"最长 {limit} 个字符。")

        kind, days, period = time_limit or (Obligation.TimeLimitKind.WORKING_DAYS, None, "")
        obligations.append(
            ObligationRow(
                row=row_number,
                code=code,
                first_level=cell("一级事项"),
                second_level=cell("二级事项"),
                content_elements=cell("公开内容(要素)"),
                legal_basis=cell("公开依据"),
                time_limit_kind=str(kind),
                time_limit_days=days,
                period=str(period),
                responsible_body=cell("公开主体"),
                channels=channels,
                audience=audience,
                mode=mode,
                level=level,
                category_code=cell("目录类别编码"),
                category_name=cell("目录类别"),
                expected_frequency=str(frequency),
                letters=letters,
            )
        )

    if not obligations and not categories and not problems:
        problems.append(Problem(header_row + 1, None, "表头下面没有任何事项。"))
    if problems:
        raise CatalogFileError(problems)
    return ParsedCatalog(categories=categories, obligations=obligations, has_category_column="目录类别编码" in columns)


# --- writing --------------------------------------------------------------------------


def _category_cells(category, parent_code: str) -> list[str]:
    return [category.code, category.name, parent_code, column_kind_short(category.column_kind), category.description]


def catalog_rows(categories, obligations) -> list[list[str]]:
    """Header plus rows: each category (tree order) followed by its obligations.

    `categories` are the organisation's active categories, `obligations` its active
    obligations with `responsible_body` loaded; no queries are made here.
    """
    by_parent: dict[int | None, list] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    codes = {c.pk: c.code for c in categories}
    obligations_of: dict[int, list] = {}
    for obligation in obligations:
        obligations_of.setdefault(obligation.category_id, []).append(obligation)
    frequency_labels = dict(Obligation.Frequency.choices)
    audience_labels = dict(Obligation.Audience.choices)
    mode_labels = dict(Obligation.Mode.choices)
    level_labels = dict(Obligation.Level.choices)

    rows = [list(ALL_COLUMNS)]

    def walk(parent_id):
        for category in sorted(by_parent.get(parent_id, []), key=lambda c: (c.order, c.code)):
            parent_code = codes.get(category.parent_id, "")
            rows.append([""] * len(COUNTY_COLUMNS) + _category_cells(category, parent_code) + [""])
            for o in sorted(obligations_of.get(category.pk, []), key=lambda o: (o.order, o.code)):
                rows.append(
                    [
                        o.code,
                        o.first_level,
                        o.second_level,
                        o.content_elements,
                        o.legal_basis,
                        o.time_limit_text,
                        o.responsible_body.name,
                        "、".join(o.channel_labels),
                        str(audience_labels[o.audience]),
                        str(mode_labels[o.mode]),
                        str(level_labels[o.level]),
                        category.code,
                        category.name,
                        "",
                        "",
                        "",
                        str(frequency_labels[o.expected_frequency]),
                    ]
                )
            walk(category.pk)

    walk(None)
    return rows


def rows_to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, which is what makes Excel open Chinese CSV correctly."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([[csv_cell(cell) for cell in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_to_xlsx(rows: list[list[str]], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COUNTY_COLUMNS))
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl stores text starting with "=" as a formula, which Excel would run and our
            # import (values only) would read back as empty: keep every cell text.
            if cell.data_type == "f":
                cell.data_type = "s"
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [8, 16, 18, 40, 36, 22, 20, 26, 10, 12, 10, 12, 20, 12, 16, 24, 14]
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
