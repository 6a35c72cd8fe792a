"""Bounded parsing of untrusted files: limits checked before the expensive step.

Every file the portal opens (attachments, import spreadsheets and ZIPs, catalog files) is
read under limits on inflated bytes, parts, rows, cell length, pages and time. A file over
a limit raises ``LimitExceeded`` whose message (Chinese) names the limit; callers turn it
into their own refusal and write nothing.

    archive = zipfile.ZipFile(file)
    zip_limits(archive, name="名单.xlsx", max_total=..., max_part=...)  # central directory only
    for row in xlsx_rows(data, name="名单.xlsx", limits=SheetLimits(...)):
        ...

Sizes come from the ZIP's central directory, which is read before anything is inflated;
``zipfile`` never returns more bytes for a member than its declared size (a lying entry
fails its CRC check), so the declared sizes bound the work.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class LimitExceeded(Exception):
    """A file is over one of the parsing limits; ``str(error)`` is the Chinese message."""


def megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def shown(value, limit: int = 40) -> str:
    """A cell or value as an error message may quote it: one line, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字）"


class Deadline:
    """A time budget for parsing one file; ``check()`` raises once it is spent."""

    def __init__(self, seconds: float, *, name: str):
        self.seconds = seconds
        self.name = name
        self.ends = time.monotonic() + seconds

    def expired(self) -> bool:
        return time.monotonic() > self.ends

    def check(self) -> None:
        if self.expired():
            raise LimitExceeded(
                f"“{self.name}”过于复杂，{self.seconds:g} 秒内未能读完（处理时间上限），可能是恶意构造的文件。"
                "请简化或拆分后再上传。"
            )


def zip_limits(archive: zipfile.ZipFile, *, name: str, max_total: int, max_part: int, max_parts: int = 10_000):
    """Refuse an archive whose central directory declares too many parts or too many inflated bytes."""
    entries = archive.infolist()
    if len(entries) > max_parts:
        raise LimitExceeded(f"“{name}”包含 {len(entries)} 个部件，超过了 {max_parts} 个的上限，可能是恶意构造的文件。")
    total = sum(entry.file_size for entry in entries)
    if total > max_total:
        raise LimitExceeded(
            f"“{name}”解压后达 {megabytes(total)}，超过了 {megabytes(max_total)} 的上限，可能是恶意构造的文件。"
        )
    for entry in entries:
        if entry.file_size > max_part:
            raise LimitExceeded(
                f"“{name}”中的“{shown(entry.filename)}”解压后达 {megabytes(entry.file_size)}，"
                f"超过了单个部件 {megabytes(max_part)} 的上限，可能是恶意构造的文件。"
            )


@dataclass(frozen=True)
class SheetLimits:
    """What one spreadsheet may hold. Excel itself stops a cell at 32,767 characters."""

    max_rows: int = 20_000
    max_columns: int = 100
    max_cell_chars: int = 32_767
    max_unpacked: int = 100 * 1024 * 1024
    max_part: int = 50 * 1024 * 1024
    seconds: float = 30


@contextmanager
def open_workbook(data: bytes, *, name: str, limits: SheetLimits):
    """An openpyxl read-only workbook, opened only after its parts' declared sizes passed `limits`."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        zip_limits(archive, name=name, max_total=limits.max_unpacked, max_part=limits.max_part)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield workbook
    finally:
        workbook.close()


def sheet_rows(worksheet, *, name: str, limits: SheetLimits, deadline: Deadline) -> Iterator[list]:
    """The rows of a read-only worksheet as lists of values, each checked against `limits` as it is read."""
    # Files exported by other software often declare wrong dimensions; read what is there.
    worksheet.reset_dimensions()
    for number, row in enumerate(worksheet.iter_rows(values_only=True), 1):
        if number > limits.max_rows:
            raise LimitExceeded(
                f"“{name}”超过 {limits.max_rows} 行（行数上限；空行也计算在内），未导入任何内容。"
                "请删除多余的空行或拆分成几个文件。"
            )
        if number % 1000 == 0:
            deadline.check()
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if len(values) > limits.max_columns:
            raise LimitExceeded(f"“{name}”第 {number} 行超过 {limits.max_columns} 列（列数上限）。")
        for position, value in enumerate(values):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise LimitExceeded(
                    f"“{name}”第 {number} 行第 {position + 1} 列有 {len(value)} 个字，"
                    f"超过了单元格 {limits.max_cell_chars} 个字的上限，未导入任何内容。"
                )
        yield values


def xlsx_rows(data: bytes, *, name: str, limits: SheetLimits, sheet: str | None = None) -> list[list]:
    """The rows of the workbook's sheet `sheet` (else its first), as lists of values, read within `limits`.

    Raises LimitExceeded (naming the limit and the row) as soon as a limit is passed;
    openpyxl's own errors on a damaged file pass through for the caller to word.
    """
    deadline = Deadline(limits.seconds, name=name)
    with open_workbook(data, name=name, limits=limits) as workbook:
        worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
        return list(sheet_rows(worksheet, name=name, limits=limits, deadline=deadline))


def text_rows_limits(rows: list[list[str]], *, name: str, limits: SheetLimits) -> None:
    """The same row, column and cell limits for a table read from CSV."""
    if len(rows) > limits.max_rows:
        raise LimitExceeded(f"“{name}”超过 {limits.max_rows} 行（行数上限），未导入任何内容。请拆分成几个文件。")
    for number, row in enumerate(rows, 1):
        if len(row) > limits.max_columns:
            raise LimitExceeded(f"“{name}”第 {number} 行超过 {limits.max_columns} 列（列数上限）。")
        for position, value in enumerate(row):
            if len(value) > limits.max_cell_chars:
                raise LimitExceeded(
                    f"“{name}”第 {number} 行第 {position + 1} 列有 {len(value)} 个字，"
                    f"超过了单元格 {limits.max_cell_chars} 个字的上限，未导入任何内容。"
                )
