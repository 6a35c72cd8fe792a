"""Bulk import of items a township already published on its old site (how it moves over).

The input is a spreadsheet (XLSX, or CSV in UTF-8 or GBK) with one item per row and the
column names in the first row, plus a folder or ZIP holding the files its 附件 column
names. Items arrive already published, with their original index numbers and publish
dates (a row without an index number gets the next one of the organisation's own format,
and imported numbers in that format move its counter on, so none is handed out twice).
Everything is checked before anything is written: categories, publishing bodies,
dates, index numbers (unique in the file and in the database), each attachment by its
content. Any error means nothing is imported; each error names its row and column.
Attachment files are written only after all rows passed, inside the one transaction,
and removed again if it fails (`township_portal.lib.files`); the checked files wait in a
staging folder that is removed in every outcome (one left by a killed process is removed
by `storage_check --repair`). The search entries are written in the same transaction.
"""

import csv
import io
import os
import re
import string
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from html import escape
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_event, audit_record_many
from catalog.access import can_edit, staff_of
from catalog.models import Category, Channel, Organisation
from disclosure.attachments import (
    XLSX,
    CheckedFile,
    attachment_check,
    attachment_store,
    office_package_kind,
    too_big_error,
)
from disclosure.html import sanitize_body
from disclosure.models import Attachment, IndexCounter, Item, ItemChannel, ItemRevision, PersonalDataFinding
from disclosure.services import index_numbers_allocate, item_scan
from disclosure.services.findings import new_item_findings
from disclosure.services.revisions import _content_of, _redacted, _set_due_on
from search.backends import settle_index
from search.indexing import index_items, touch_organisations
from township_portal.lib.bounded import LimitExceeded, SheetLimits, shown, text_rows_limits, xlsx_rows
from township_portal.lib.cleaning import bidi_refusal, clean_text
from township_portal.lib.files import atomic_with_files, staging_folder

# Column names as township spreadsheets write them; the first is the canonical one.
COLUMNS = {
    "index_number": ("索引号",),
    "title": ("标题", "信息名称"),
    "category": ("目录分类", "主题分类", "分类"),
    "publisher": ("发布机构",),
    "document_number": ("文号", "发文字号"),
    "written_on": ("成文日期", "形成日期", "成文/形成日期"),
    "published_on": ("发布日期", "发布时间"),
    "validity": ("有效性",),
    "repealed_on": ("废止日期",),
    "mode": ("公开方式",),
    "summary": ("内容概述", "摘要"),
    "body": ("正文",),
    "keywords": ("关键词",),
    "attachments": ("附件",),
}
REQUIRED_COLUMNS = ("title", "category", "written_on", "published_on")
COLUMN_NAMES = {key: names[0] for key, names in COLUMNS.items()}
_HEADER_TO_KEY = {name: key for key, names in COLUMNS.items() for name in names}

VALIDITY_VALUES = {
    "有效": Item.Validity.VALID,
    "现行有效": Item.Validity.VALID,
    "废止": Item.Validity.REPEALED,
    "已废止": Item.Validity.REPEALED,
    "失效": Item.Validity.REPEALED,
}
MODE_VALUES = {"主动公开": Item.Mode.PROACTIVE, "依申请公开": Item.Mode.ON_REQUEST}
MAX_LENGTHS = {"title": 200, "keywords": 200, "document_number": 60, "index_number": 60}

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?$"
)
_ATTACHMENT_SEPARATORS = re.compile(r"[;；\n]")
_LOOKS_LIKE_HTML = re.compile(r"<(p|br|div|table|h[1-6]|ul|ol|span|strong|a)\b", re.IGNORECASE)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportIssue:
    """One reason the import was refused; row is the spreadsheet's row number (header = 1)."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


@dataclass
class ImportResult:
    """What happened: the items imported, or the errors that stopped the import (then nothing was written)."""

    items: list[Item] = field(default_factory=list)
    attachment_count: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def importable_organisations(user):
    """Disclosing bodies whose old items the user may import: their own, as its administrator.

    Imported items are published without review (they were reviewed on the old site), so
    only the organisation administrator, not every author, may bring them in.
    """
    disclosing = Organisation.objects.exclude(kind=Organisation.Kind.OFFICE)
    if user is None:
        return disclosing.none()
    if user.is_superuser:
        return disclosing
    staff = staff_of(user)
    if staff is None or not staff.is_org_admin:
        return disclosing.none()
    return disclosing.filter(pk=staff.organisation_id)


def import_items(*, organisation, spreadsheet, attachments_dir_or_zip=None, by, progress: Progress | None = None):
    """Import already-published items from a spreadsheet and their files; all rows or none.

    ``spreadsheet``: a path or an open file (XLSX or CSV). ``attachments_dir_or_zip``: a
    folder path, a ZIP path or an open ZIP file, or None. ``progress(stage, done, total)``
    is called as rows are checked ("检查") and imported ("导入").

    Guarantees: if any row or file is wrong the result lists every error by row and column
    and nothing is written (no item, no file); otherwise every row becomes a published item
    with its website channel, its attachments (checked by content, images without EXIF), an
    audit event, and its search entry, all in one transaction.
    """
    if not importable_organisations(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied("只有本机构的机构管理员可以批量导入已发布的信息。")
    progress = progress or (lambda stage, done, total: None)
    result = ImportResult()
    with staging_folder("import") as staging:
        rows = _read_spreadsheet(spreadsheet, result)
        if result.errors:
            return result
        source = _attachment_source(attachments_dir_or_zip, result)
        if result.errors:
            return result
        try:
            planned = _check_rows(organisation, rows, source, staging, result, progress)
        finally:
            if source is not None:
                source.close()
        if result.errors:
            return result
        _write(organisation, planned, by, result, progress, spreadsheet_name=_name_of(spreadsheet))
    return result


# --- Reading the spreadsheet ----------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, object]


def _name_of(source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(getattr(source, "name", "") or "表格").name


def _read_bytes(source) -> bytes:
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


def _read_spreadsheet(spreadsheet, result: ImportResult) -> list[_Row]:
    try:
        data = _read_bytes(spreadsheet)
    except OSError as error:
        result.errors.append(ImportIssue(f"无法读取表格文件：{error.strerror or error}"))
        return []
    name = _name_of(spreadsheet)
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
        if any(name in header for name in _HEADER_TO_KEY):
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


def _rows_with_columns(table: list[tuple[int, list]], result: ImportResult) -> list[_Row]:
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
        key = _HEADER_TO_KEY.get(name)
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
        if any(_text(value) for value in row.values()):
            rows.append(_Row(number, row))
    if not rows and not result.errors:
        result.errors.append(ImportIssue("表格中没有数据行。"))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


# --- Attachment sources ---------------------------------------------------------------------


class _AttachmentSource(ABC):
    """The files the 附件 column may name, by their path inside the folder or ZIP."""

    def __init__(self, paths: list[str]):
        self.paths = {unicodedata.normalize("NFC", path): path for path in paths}
        self.by_basename: dict[str, list[str]] = {}
        for path in self.paths:
            self.by_basename.setdefault(PurePosixPath(path).name, []).append(path)
        self.used: set[str] = set()

    def find(self, name: str) -> str:
        wanted = unicodedata.normalize("NFC", name.replace("\\", "/").strip()).removeprefix("./")
        if _unsafe_zip_path(wanted):
            raise LookupError(f"附件名“{shown(name)}”指向附件文件夹之外，不予接受。")
        if wanted in self.paths:
            return wanted
        candidates = self.by_basename.get(PurePosixPath(wanted).name, []) if "/" not in wanted else []
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise LookupError(f"附件“{shown(name)}”有多个同名文件（{'、'.join(candidates)}），请写明所在文件夹。")
        raise LookupError(f"找不到附件文件“{shown(name)}”。")

    @abstractmethod
    def open(self, path: str) -> File:
        """The file at `path` (a key of `self.paths`), opened for reading."""

    def close(self) -> None:  # noqa: B027 - a folder holds nothing open; a ZIP overrides this
        """Release what the source holds open."""


class _FolderSource(_AttachmentSource):
    def __init__(self, root: Path):
        self.root = root.resolve()
        paths = []
        for directory, subdirectories, files in os.walk(self.root):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            for file_name in files:
                full = Path(directory) / file_name
                if file_name.startswith(".") or full.is_symlink():
                    continue
                paths.append(full.relative_to(self.root).as_posix())
        super().__init__(paths)

    def open(self, path: str) -> File:
        full = (self.root / self.paths[path]).resolve()
        if not full.is_relative_to(self.root):
            raise LookupError(f"附件“{path}”不在附件文件夹内。")
        return File(full.open("rb"), name=PurePosixPath(path).name)


class _ZipSource(_AttachmentSource):
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _zip_member_name(info)
            parts = PurePosixPath(name).parts
            if parts[0] == "__MACOSX" or parts[-1].startswith("."):
                continue
            self.members[unicodedata.normalize("NFC", name)] = info
        super().__init__(list(self.members))

    def open(self, path: str) -> File:
        info = self.members[path]
        name = PurePosixPath(path).name
        if info.file_size > settings.ATTACHMENT_MAX_BYTES:
            raise too_big_error(name, info.file_size)
        with self.archive.open(info) as stream:
            return ContentFile(stream.read(settings.ATTACHMENT_MAX_BYTES + 1), name=name)

    def close(self) -> None:
        self.archive.close()


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it: Chinese Windows tools write GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _unsafe_zip_path(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or re.match(r"^[A-Za-z]:", path) is not None or ".." in path.split("/")


def _attachment_source(location, result: ImportResult) -> _AttachmentSource | None:
    if location is None or location == "":
        return None
    if isinstance(location, str | os.PathLike) and Path(location).is_dir():
        return _FolderSource(Path(location))
    try:
        archive = zipfile.ZipFile(location if not isinstance(location, str | os.PathLike) else Path(location))
        infos = archive.infolist()
    except FileNotFoundError:
        result.errors.append(ImportIssue(f"找不到附件文件夹或压缩包“{location}”。", column="附件"))
        return None
    except (zipfile.BadZipFile, OSError, ValueError):
        result.errors.append(ImportIssue("附件包不是有效的 ZIP 压缩包。", column="附件"))
        return None
    if len(infos) > settings.ATTACHMENT_MAX_PARTS:
        archive.close()
        result.errors.append(
            ImportIssue(
                f"附件包包含 {len(infos)} 个文件，"
                f"超过了 {settings.ATTACHMENT_MAX_PARTS} 个的上限（文件数上限），请分批导入。",
                column="附件",
            )
        )
        return None
    unsafe = [_zip_member_name(info) for info in infos if _unsafe_zip_path(_zip_member_name(info))]
    links = [_zip_member_name(info) for info in infos if (info.external_attr >> 16) & 0o170000 == 0o120000]
    if unsafe or links:
        archive.close()
        listed = "、".join(shown(path) for path in (unsafe + links)[:3])
        result.errors.append(
            ImportIssue(
                f"压缩包中含有指向压缩包之外的路径或链接（{listed}），可能是恶意构造的，已拒绝整个压缩包。",
                column="附件",
            )
        )
        return None
    return _ZipSource(archive)


# --- Checking rows --------------------------------------------------------------------------


@dataclass
class _Staged:
    """A checked attachment whose bytes wait in the staging folder until the rows are written."""

    checked: CheckedFile
    path: Path


@dataclass
class _Planned:
    row: int
    fields: dict
    published_on: date
    attachments: list[_Staged]
    attachments_stored: list[Attachment] = field(default_factory=list)


class _RowErrors:
    def __init__(self, row: _Row, result: ImportResult):
        self.row = row
        self.result = result
        self.count = 0

    def add(self, key: str, message: str) -> None:
        self.count += 1
        self.result.errors.append(ImportIssue(message, row=self.row.number, column=COLUMN_NAMES[key]))


def _check_rows(organisation, rows, source, staging: Path, result, progress) -> list[_Planned]:
    categories = list(Category.objects.filter(organisation=organisation))
    publishers = list(
        Organisation.objects.filter(Q(pk=organisation.pk) | Q(parent=organisation, kind=Organisation.Kind.OFFICE))
    )
    index_numbers = [number for row in rows if (number := _text(row.values.get("index_number")))]
    taken = set(Item.objects.filter(index_number__in=index_numbers).values_list("index_number", flat=True))
    first_row_of: dict[str, int] = {}
    staged: dict[str, _Staged | ValidationError] = {}
    planned = []
    for done, row in enumerate(rows, 1):
        errors = _RowErrors(row, result)
        fields = _check_fields(row, errors, organisation, categories, publishers)
        number = fields.get("index_number")
        if number:
            if number in taken:
                errors.add("index_number", f"索引号“{shown(number)}”已被系统中的其他信息使用。")
            elif number in first_row_of:
                errors.add("index_number", f"索引号“{shown(number)}”与第 {first_row_of[number]} 行重复。")
            else:
                first_row_of[number] = row.number
        attachments = _check_attachments(row, errors, source, staging, staged)
        if not errors.count:
            published_on = fields.pop("published_on")
            planned.append(_Planned(row.number, fields, published_on, attachments))
        progress("检查", done, len(rows))
    if source is not None:
        unused = sorted(set(source.paths) - source.used)
        if unused:
            listed = "、".join(unused[:10]) + ("等" if len(unused) > 10 else "")
            result.warnings.append(f"附件包中有 {len(unused)} 个文件没有被任何一行引用：{listed}。")
    return planned


def _check_fields(row: _Row, errors: _RowErrors, organisation, categories, publishers) -> dict:
    values = {key: _text(value) for key, value in row.values.items()}
    fields: dict = {}
    if not values.get("title"):
        errors.add("title", "不能为空。")
    for key in ("title", "category", "publisher", "attachments"):
        message = bidi_refusal(values.get(key, ""), label=COLUMN_NAMES[key])
        if message:
            errors.add(key, message)
    for key, limit in MAX_LENGTHS.items():
        if len(values.get(key, "")) > limit:
            errors.add(key, f"不能超过 {limit} 个字（现有 {len(values[key])} 个）。")
    for key in ("index_number", "title", "document_number", "keywords", "summary"):
        fields[key] = values.get(key, "")

    fields["category"] = _find_category(values.get("category", ""), categories, errors)
    fields["publisher"] = _find_publisher(values.get("publisher", ""), organisation, publishers, errors)

    written = _date_cell(row.values.get("written_on"), "written_on", errors, required=True)
    published = _date_cell(row.values.get("published_on"), "published_on", errors, required=True)
    today = timezone.localdate()
    if published and published.date() > today:
        errors.add("published_on", f"发布日期 {published.date():%Y-%m-%d} 晚于今天，导入的只能是已经发布的信息。")
    if written and published and written.date() > published.date():
        errors.add("written_on", f"成文日期 {written.date():%Y-%m-%d} 晚于发布日期 {published.date():%Y-%m-%d}。")
    if written:
        fields["written_on"] = written.date()
    if published:
        fields["published_on"] = published.date()
        fields["published_at"] = timezone.make_aware(published) if timezone.is_naive(published) else published

    validity_text = values.get("validity", "")
    validity = VALIDITY_VALUES.get(validity_text, Item.Validity.VALID if not validity_text else None)
    repealed = _date_cell(row.values.get("repealed_on"), "repealed_on", errors, required=False)
    if validity is None:
        hint = "（已修订的信息请先按“有效”导入，再在后台关联修订后的信息）" if "修" in validity_text else ""
        errors.add("validity", f"“{shown(validity_text)}”不是有效的取值，应为“有效”或“废止”{hint}。")
    elif validity == Item.Validity.REPEALED and repealed is None:
        errors.add("repealed_on", "有效性为“废止”时必须填写废止日期。")
    elif validity == Item.Validity.VALID and repealed is not None:
        errors.add("repealed_on", "只有有效性为“废止”的信息才填写废止日期。")
    fields["validity"] = validity
    fields["repealed_on"] = repealed.date() if repealed else None

    mode_text = values.get("mode", "")
    fields["mode"] = MODE_VALUES.get(mode_text, Item.Mode.PROACTIVE if not mode_text else None)
    if fields["mode"] is None:
        errors.add("mode", f"“{shown(mode_text)}”不是有效的取值，应为“主动公开”或“依申请公开”。")

    fields["body"] = _body_html(values.get("body", ""))
    return fields


def _find_category(value: str, categories: list[Category], errors: _RowErrors) -> Category | None:
    if not value:
        errors.add("category", "不能为空。")
        return None
    by_code = [c for c in categories if c.code == value]
    if by_code:
        return by_code[0]
    by_name = [c for c in categories if c.name == value]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        codes = "、".join(c.code for c in by_name)
        errors.add("category", f"有多个名为“{shown(value)}”的分类（编码 {codes}），请改填类别编码。")
    else:
        errors.add("category", f"本机构的公开目录中没有编码或名称为“{shown(value)}”的分类。")
    return None


def _find_publisher(value: str, organisation, publishers: list[Organisation], errors: _RowErrors):
    if not value:
        return organisation
    for candidate in publishers:
        if value in (candidate.name, candidate.short_name):
            return candidate
    errors.add("publisher", f"“{shown(value)}”不是{organisation.short_name}或其内设机构的名称。")
    return None


def _date_cell(value, key: str, errors: _RowErrors, *, required: bool) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = _text(value)
    if not text:
        if required:
            errors.add(key, "不能为空。")
        return None
    text = unicodedata.normalize("NFKC", text)
    match = _DATE_RE.match(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = _DATE_RE.match(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    if match is None:
        errors.add(key, f"“{shown(text)}”不是日期，请写成 2024-03-05 或 2024年3月5日。")
        return None
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    try:
        return datetime(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"])
    except ValueError:
        errors.add(key, f"“{shown(text)}”不是存在的日期。")
        return None


def _body_html(text: str) -> str:
    """The body as stored HTML: an old site's HTML is sanitised, plain text becomes paragraphs."""
    if not text:
        return ""
    if not _LOOKS_LIKE_HTML.search(text):
        text = "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return sanitize_body(text)


def _check_attachments(row: _Row, errors: _RowErrors, source, staging: Path, staged: dict) -> list[_Staged]:
    cell = _text(row.values.get("attachments"))
    names = [name.strip() for name in _ATTACHMENT_SEPARATORS.split(cell) if name.strip()]
    if not names:
        return []
    if source is None:
        errors.add("attachments", "列出了附件，但没有提供附件文件夹或压缩包。")
        return []
    found = []
    seen = set()
    for name in names:
        try:
            path = source.find(name)
        except LookupError as error:
            errors.add("attachments", str(error))
            continue
        if path in seen:
            continue
        seen.add(path)
        source.used.add(path)
        if path not in staged:
            staged[path] = _stage(source, path, staging, len(staged))
        outcome = staged[path]
        if isinstance(outcome, ValidationError):
            errors.add("attachments", f"附件“{shown(name)}”：{outcome.messages[0]}")
        else:
            found.append(outcome)
    return found


def _stage(source: _AttachmentSource, path: str, staging: Path, number: int) -> _Staged | ValidationError:
    try:
        upload = source.open(path)
    except ValidationError as error:
        return error
    except (LookupError, OSError, zipfile.BadZipFile) as error:
        return ValidationError(f"无法读取：{error}")
    try:
        checked = attachment_check(upload)
        target = staging / f"{number:06d}"
        with target.open("wb") as out:
            for chunk in checked.data.chunks():
                out.write(chunk)
    except ValidationError as error:
        return error
    finally:
        upload.close()
    return _Staged(replace(checked, data=None), target)


# --- Writing --------------------------------------------------------------------------------


# Rows written per round of bulk statements (items, revisions, channels, audit events, findings).
WRITE_BATCH = 1000


def _write(organisation, planned: list[_Planned], by, result: ImportResult, progress, spreadsheet_name: str):
    """Write the checked rows in batches of bulk statements, then index them in one pass.

    What each row gets is what ``item_create`` and publishing give one item: the sanitized,
    validated item with its due date, its first revision (applied), an index number from
    the organisation's counter, the website channel, the "created" and "imported" audit
    events and its personal-data findings; rows with attachments store their files one by
    one (``attachment_store``) and are scanned with them.
    """
    plan = None
    try:
        # Files and search entries are written in the one transaction: a failure or a kill
        # leaves no item without its entry, and atomic_with_files removes the files of a rollback.
        with atomic_with_files():
            if not can_edit(by, organisation.pk):
                raise PermissionDenied("您没有修改该机构公开信息的权限。")
            # Numbers the old site gave come first, so the allocator never hands them out again.
            _advance_index_counters(organisation, [row.fields["index_number"] for row in planned])
            numbers = _allocated_numbers(organisation, planned)
            due_dates: dict = {}
            done = 0
            for start in range(0, len(planned), WRITE_BATCH):
                batch = planned[start : start + WRITE_BATCH]
                items = []
                for plan in batch:  # a refused row is named by its number
                    number = plan.fields["index_number"] or numbers[plan.row]
                    items.append(_new_item(organisation, plan, by, number, due_dates))
                findings = _write_batch(organisation, batch, items, by, spreadsheet_name)
                for plan, item in zip(batch, items, strict=True):
                    if findings.get(item.pk):
                        result.warnings.append(
                            f"第 {plan.row} 行“{item.title}”发现 {len(findings[item.pk])} 处个人信息或敏感词，"
                            "已列入待处理，请尽快核查。"
                        )
                    result.items.append(item)
                    result.attachment_count += len(plan.attachments)
                    done += 1
                    progress("导入", done, len(planned))
            # One bulk index pass in the same transaction (a handful of statements per
            # thousand items, instead of eight per item).
            ids = [item.pk for item in result.items]
            touched = set()
            for start in range(0, len(ids), 1000):
                touched |= index_items(Item, ids[start : start + 1000])
            touch_organisations(touched)
            # Searches read the index's pending entries whole: merged once the rows are in.
            transaction.on_commit(settle_index)
    except (IntegrityError, ValidationError) as error:
        result.items.clear()
        result.attachment_count = 0
        if isinstance(error, ValidationError):
            message = "；".join(error.messages)
        else:
            message = "写入时索引号与其他信息冲突（可能有人同时在发布信息），已全部撤销，请重新导入。"
        result.errors.append(ImportIssue(message, row=plan.row if plan is not None else None))
    except BaseException:
        result.items.clear()
        raise


def _allocated_numbers(organisation, planned: list[_Planned]) -> dict[int, str]:
    """Row number -> a new index number for each row without one: one counter update per year."""
    years: dict[int, list[_Planned]] = {}
    for plan in planned:
        if not plan.fields["index_number"]:
            years.setdefault(timezone.localdate(plan.fields["published_at"]).year, []).append(plan)
    numbers = {}
    for year, plans in sorted(years.items()):
        allocated = index_numbers_allocate(organisation=organisation, year=year, count=len(plans))
        numbers.update({plan.row: number for plan, number in zip(plans, allocated, strict=True)})
    return numbers


def _new_item(organisation, plan: _Planned, by, number: str, due_dates: dict) -> Item:
    """The item ``item_create`` makes for the row, already published with the old site's date."""
    fields = plan.fields
    item = Item(
        organisation=organisation,
        category=fields["category"],
        publisher=fields["publisher"] or organisation,
        title=(fields["title"] or "").strip(),
        summary=(fields["summary"] or "").strip(),
        body=sanitize_body(fields["body"]),
        keywords=(fields["keywords"] or "").strip(),
        document_number=(fields["document_number"] or "").strip(),
        document_kind=Item.DocumentKind.OTHER,
        written_on=fields["written_on"],
        mode=fields["mode"],
        created_by=by,
        index_number=number,
        status=Item.Status.PUBLISHED,
        published_at=fields["published_at"],
        validity=fields["validity"],
        repealed_on=fields["repealed_on"],
    )
    item.clean()
    # Imported rows have no obligation: the due date depends on the formation date only.
    if item.written_on not in due_dates:
        _set_due_on(item)
        due_dates[item.written_on] = (item.due_on, item.due_on_provisional)
    item.due_on, item.due_on_provisional = due_dates[item.written_on]
    return item


def _write_batch(organisation, batch: list[_Planned], items: list[Item], by, spreadsheet_name: str) -> dict:
    """Write one batch of rows' items and what goes with them; returns their open findings by item id."""
    Item.objects.bulk_create(items)
    contents = [_content_of(item) for item in items]
    ItemRevision.objects.bulk_create(
        [
            ItemRevision(
                item=item,
                number=1,
                state=ItemRevision.State.APPLIED,
                cause="created",
                content=content,
                created_by=by,
                created_at=item.published_at,
            )
            for item, content in zip(items, contents, strict=True)
        ]
    )
    ItemChannel.objects.bulk_create(
        [
            ItemChannel(item=item, channel=Channel.WEBSITE, posted_on=plan.published_on, recorded_by=by)
            for plan, item in zip(batch, items, strict=True)
        ]
    )
    findings: dict[int, list] = {}
    plain = []
    for plan, item in zip(batch, items, strict=True):
        plan.attachments_stored = []
        for order, staged in enumerate(plan.attachments):
            with staged.path.open("rb") as data:
                checked = replace(staged.checked, data=File(data, name=staged.checked.original_name))
                attachment = attachment_store(item=item, checked=checked, by=by, order=order, audit=False)
            plan.attachments_stored.append(attachment)
        if plan.attachments:
            findings[item.pk] = item_scan(item=item)
        else:
            plain.extend(new_item_findings(item))
    PersonalDataFinding.objects.bulk_create(plain, batch_size=1000)
    for finding in plain:
        findings.setdefault(finding.item_id, []).append(finding)
    events = []
    for plan, item, content in zip(batch, items, contents, strict=True):
        events.append(
            audit_event(
                actor=by,
                action="item.create",
                obj=item,
                organisation=organisation,
                after={key: _redacted(value) for key, value in content.items() if key != "labels"},
            )
        )
        events.append(
            audit_event(
                actor=by,
                action="item.import",
                obj=item,
                organisation=organisation,
                after={
                    "index_number": item.index_number,
                    "title": str(item),  # personal numbers masked: the audit log is never scrubbed
                    "published_at": item.published_at.isoformat(),
                    "category": item.category.code,
                    "attachments": [a.original_name for a in plan.attachments_stored],
                },
                note=f"从“{spreadsheet_name}”第 {plan.row} 行导入（原网站已发布的信息）",
            )
        )
    audit_record_many(events)
    return findings


def _advance_index_counters(organisation, index_numbers: list[str]) -> None:
    """Keep the allocator past the imported numbers in the organisation's own format: one update per year."""
    pattern = _index_pattern(organisation)
    highest: dict[int, int] = {}
    for number in filter(None, index_numbers):
        match = pattern.match(number)
        if match is not None:
            year, serial = int(match["year"]), int(match["serial"])
            highest[year] = max(highest.get(year, 0), serial)
    for year, serial in sorted(highest.items()):
        counter, _ = IndexCounter.objects.select_for_update().get_or_create(organisation=organisation, year=year)
        if counter.last_serial < serial:
            counter.last_serial = serial
            counter.save(update_fields=["last_serial"])


def _index_pattern(organisation) -> re.Pattern:
    """What the organisation's own numbers look like; matches nothing unless it has one {year} and one {serial}."""
    groups = {"code": re.escape(organisation.code), "year": r"(?P<year>\d{4})", "serial": r"(?P<serial>\d+)"}
    try:
        parts = list(string.Formatter().parse(organisation.index_number_format))
    except ValueError:
        return re.compile(r"(?!)")
    names = [name for _literal, name, _spec, _conversion in parts if name is not None]
    if set(names) - set(groups) or names.count("year") != 1 or names.count("serial") != 1:
        return re.compile(r"(?!)")
    pattern = "".join(re.escape(literal) + (groups[name] if name is not None else "") for literal, name, _, _ in parts)
    return re.compile(pattern + "$")
