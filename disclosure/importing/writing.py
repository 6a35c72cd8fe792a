"""Writing the checked rows: items, revisions, channels, files, audit and search entries, in bulk."""

import re
import string
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_event, audit_record_many
from catalog.access import can_edit
from catalog.models import Channel
from disclosure.attachments import (
    attachment_store,
)
from disclosure.html import sanitize_body
from disclosure.importing.checking import Planned
from disclosure.importing.results import ImportIssue, ImportResult
from disclosure.models import IndexCounter, Item, ItemChannel, ItemRevision, PersonalDataFinding
from disclosure.services import index_numbers_allocate, item_scan
from disclosure.services.findings import new_item_findings
from disclosure.services.revisions import content_of, redacted, set_due_on
from search.backends import settle_index
from search.indexing import index_items, touch_organisations
from township_portal.lib.files import atomic_with_files

# Rows written per round of bulk statements (items, revisions, channels, audit events, findings).
WRITE_BATCH = 1000


def write_items(organisation, planned: list[Planned], by, result: ImportResult, progress, spreadsheet_name: str):
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


def _allocated_numbers(organisation, planned: list[Planned]) -> dict[int, str]:
    """Row number -> a new index number for each row without one: one counter update per year."""
    years: dict[int, list[Planned]] = {}
    for plan in planned:
        if not plan.fields["index_number"]:
            years.setdefault(timezone.localdate(plan.fields["published_at"]).year, []).append(plan)
    numbers = {}
    for year, plans in sorted(years.items()):
        allocated = index_numbers_allocate(organisation=organisation, year=year, count=len(plans))
        numbers.update({plan.row: number for plan, number in zip(plans, allocated, strict=True)})
    return numbers


def _new_item(organisation, plan: Planned, by, number: str, due_dates: dict) -> Item:
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
        set_due_on(item)
        due_dates[item.written_on] = (item.due_on, item.due_on_provisional)
    item.due_on, item.due_on_provisional = due_dates[item.written_on]
    return item


def _write_batch(organisation, batch: list[Planned], items: list[Item], by, spreadsheet_name: str) -> dict:
    """Write one batch of rows' items and what goes with them; returns their open findings by item id."""
    Item.objects.bulk_create(items)
    contents = [content_of(item) for item in items]
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
                after={key: redacted(value) for key, value in content.items() if key != "labels"},
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
