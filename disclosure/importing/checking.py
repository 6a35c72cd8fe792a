"""Checking every row and its files before anything is written; the checked files wait staged."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from html import escape
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from catalog.models import Category, Organisation
from disclosure.attachments import (
    CheckedFile,
    attachment_check,
)
from disclosure.html import sanitize_body
from disclosure.importing.columns import (
    ATTACHMENT_SEPARATORS,
    COLUMN_NAMES,
    DATE_RE,
    LOOKS_LIKE_HTML,
    MAX_LENGTHS,
    MODE_VALUES,
    VALIDITY_VALUES,
)
from disclosure.importing.results import ImportIssue, ImportResult
from disclosure.importing.sheet import SheetRow, cell_text
from disclosure.importing.sources import AttachmentSource
from disclosure.models import Attachment, Item
from township_portal.lib.bounded import shown
from township_portal.lib.cleaning import bidi_refusal


@dataclass
class _Staged:
    """A checked attachment whose bytes wait in the staging folder until the rows are written."""

    checked: CheckedFile
    path: Path


@dataclass
class Planned:
    row: int
    fields: dict
    published_on: date
    attachments: list[_Staged]
    attachments_stored: list[Attachment] = field(default_factory=list)


class _RowErrors:
    def __init__(self, row: SheetRow, result: ImportResult):
        self.row = row
        self.result = result
        self.count = 0

    def add(self, key: str, message: str) -> None:
        self.count += 1
        self.result.errors.append(ImportIssue(message, row=self.row.number, column=COLUMN_NAMES[key]))


def check_rows(organisation, rows, source, staging: Path, result, progress) -> list[Planned]:
    categories = list(Category.objects.filter(organisation=organisation))
    publishers = list(
        Organisation.objects.filter(Q(pk=organisation.pk) | Q(parent=organisation, kind=Organisation.Kind.OFFICE))
    )
    index_numbers = [number for row in rows if (number := cell_text(row.values.get("index_number")))]
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
            planned.append(Planned(row.number, fields, published_on, attachments))
        progress("检查", done, len(rows))
    if source is not None:
        unused = sorted(set(source.paths) - source.used)
        if unused:
            listed = "、".join(unused[:10]) + ("等" if len(unused) > 10 else "")
            result.warnings.append(f"附件包中有 {len(unused)} 个文件没有被任何一行引用：{listed}。")
    return planned


def _check_fields(row: SheetRow, errors: _RowErrors, organisation, categories, publishers) -> dict:
    values = {key: cell_text(value) for key, value in row.values.items()}
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
    text = cell_text(value)
    if not text:
        if required:
            errors.add(key, "不能为空。")
        return None
    text = unicodedata.normalize("NFKC", text)
    match = DATE_RE.match(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = DATE_RE.match(f"{text[:4]}-{text[4:6]}-{text[6:]}")
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
    if not LOOKS_LIKE_HTML.search(text):
        text = "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return sanitize_body(text)


def _check_attachments(row: SheetRow, errors: _RowErrors, source, staging: Path, staged: dict) -> list[_Staged]:
    cell = cell_text(row.values.get("attachments"))
    names = [name.strip() for name in ATTACHMENT_SEPARATORS.split(cell) if name.strip()]
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


def _stage(source: AttachmentSource, path: str, staging: Path, number: int) -> _Staged | ValidationError:
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
