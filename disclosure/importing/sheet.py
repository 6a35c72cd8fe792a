"""Reading the spreadsheet: XLSX or CSV (UTF-8 or GBK), within its limits, into rows by column."""

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from disclosure.attachments import (
    XLSX,
    office_package_kind,
)
from disclosure.importing.columns import COLUMN_NAMES, HEADER_TO_KEY, REQUIRED_COLUMNS
from disclosure.importing.results import ImportIssue, ImportResult
from township_portal.lib.bounded import LimitExceeded, SheetLimits, shown, text_rows_limits, xlsx_rows
from township_portal.lib.cleaning import clean_text


@dataclass
class SheetRow:
    number: int
    values: dict[str, object]


def name_of(source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(getattr(source, "name", "") or "表格").name


def _read_bytes(source) -> bytes:
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


def read_spreadsheet(spreadsheet, result: ImportResult) -> list[SheetRow]:
    try:
        data = _read_bytes(spreadsheet)
    except OSError as error:
        result.errors.append(ImportIssue(f"无法读取表格文件：{error.strerror or error}"))
        return []
    name = name_of(spreadsheet)
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data, name, result)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        result.errors.append(ImportIssue("不支持 Excel 97-2003（.xls）格式，请另存为 .xlsx 或 CSV 后导入。"))
        return []
    else:
        table = _csv_rows(data, result)
        try:
            text_rows_limits([row for _number, row in table], name=name, limits=_sheet_limits())
        except LimitExceeded as error:
            result.errors.append(ImportIssue(str(error)))
    if result.errors:
        return []
    return _rows_with_columns(table, result)


def _sheet_limits() -> SheetLimits:
    return SheetLimits(
        max_rows=settings.IMPORT_MAX_ROWS,
        max_columns=100,
        max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_part=settings.IMPORT_MAX_UNPACKED_BYTES,
    )


def _xlsx_rows(data: bytes, name: str, result: ImportResult) -> list[tuple[int, list]]:
    try:
        if office_package_kind(File(io.BytesIO(data), name=name), name) is not XLSX:
            raise ValidationError(f"“{name}”不是 Excel 表格（.xlsx）。")
        rows = xlsx_rows(data, name=name, limits=_sheet_limits())
    except LimitExceeded as error:
        result.errors.append(ImportIssue(str(error)))
        return []
    except ValidationError as error:
        result.errors.append(ImportIssue(error.messages[0]))
        return []
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        result.errors.append(ImportIssue(f"表格文件已损坏，无法打开（{type(error).__name__}）。"))
        return []
    return list(enumerate(rows, 1))


def _csv_rows(data: bytes, result: ImportResult) -> list[tuple[int, list]]:
    text = _decode_csv(data, result)
    if text is None:
        return []
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    start = 1
    try:
        for values in reader:
            rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as error:
        result.errors.append(ImportIssue(f"CSV 格式错误：{error}", row=start))
    return rows


def _decode_csv(data: bytes, result: ImportResult) -> str | None:
    """The CSV as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030.

    The encoding is chosen by the header line; a row that does not decode in it is an error
    naming that row (a file pasted together from differently saved parts).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError:
            result.errors.append(ImportIssue("文件编码错误：UTF-16 文件内容不完整。"))
            return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    encoding = None
    for candidate in ("utf-8", "gb18030"):
        try:
            header = lines[0].decode(candidate)
        except UnicodeDecodeError:
            continue
        if any(name in header for name in HEADER_TO_KEY):
            encoding = candidate
            break
    if encoding is None:
        result.errors.append(
            ImportIssue(
                "无法识别文件编码或第一行不是列名：请将表格另存为“CSV UTF-8”或 XLSX 后导入。",
                row=1,
            )
        )
        return None
    decoded = []
    for number, line in enumerate(lines, 1):
        try:
            if encoding != "utf-8" and not line.isascii() and _is_utf8(line):
                # GB18030 decodes almost any bytes: a UTF-8 row would come out as mojibake.
                raise UnicodeDecodeError(encoding, line, 0, len(line), "a UTF-8 row in a GBK file")
            decoded.append(line.decode(encoding))
        except UnicodeDecodeError:
            label = "UTF-8" if encoding == "utf-8" else "GBK"
            result.errors.append(
                ImportIssue(
                    f"文字编码错误：本行不是 {label} 编码（与第一行不同）。请将整个表格统一另存为“CSV UTF-8”后导入。",
                    row=number,
                )
            )
            decoded.append(line.decode(encoding, errors="replace"))
    return "\n".join(decoded).replace("\r\n", "\n") if not result.errors else None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s*＊]", "", text)


def _rows_with_columns(table: list[tuple[int, list]], result: ImportResult) -> list[SheetRow]:
    if not table:
        result.errors.append(ImportIssue("表格是空的。", row=1))
        return []
    header_number, header = table[0]
    positions: dict[str, int] = {}
    ignored = []
    for position, raw in enumerate(header):
        name = _normalise_header(raw)
        if not name:
            continue
        key = HEADER_TO_KEY.get(name)
        if key is None:
            ignored.append(name)
        elif key in positions:
            result.errors.append(ImportIssue(f"列“{shown(name)}”出现了两次。", row=header_number))
        else:
            positions[key] = position
    for key in REQUIRED_COLUMNS:
        if key not in positions:
            result.errors.append(ImportIssue(f"缺少必填列“{COLUMN_NAMES[key]}”。", row=header_number))
    if ignored:
        result.warnings.append(f"以下列不会导入：{'、'.join(ignored)}。")
    rows = []
    for number, values in table[1:]:
        row = {key: values[pos] if pos < len(values) else None for key, pos in positions.items()}
        if any(cell_text(value) for value in row.values()):
            rows.append(SheetRow(number, row))
    if not rows and not result.errors:
        result.errors.append(ImportIssue("表格中没有数据行。"))
    return rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()
