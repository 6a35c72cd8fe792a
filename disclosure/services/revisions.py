"""An item's content and its revisions: the working copy, pending changes, timeliness figures."""

import logging
from copy import copy
from datetime import date, datetime

from django.db.models import Max
from django.utils import timezone

from catalog.calendar import CalendarMissingError, due_date_or_provisional, work_calendar
from disclosure.html import sanitize_body
from disclosure.models import (
    Item,
    ItemRevision,
)
from disclosure.models.revisions import CONTENT_FIELDS, FOREIGN_KEY_FIELDS
from search.indexing import index_item
from township_portal.lib.personal_data import mask_text, scan

logger = logging.getLogger(__name__)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def content_of(item: Item) -> dict:
    content = {}
    for field in CONTENT_FIELDS:
        if field in FOREIGN_KEY_FIELDS:
            content[field] = getattr(item, f"{field}_id")
        elif field == "written_on":
            content[field] = item.written_on.isoformat() if item.written_on else None
        else:
            content[field] = getattr(item, field)
    content["labels"] = {
        field: str(getattr(item, field)) if getattr(item, f"{field}_id") else "" for field in FOREIGN_KEY_FIELDS
    }
    return content


def _apply_content(item: Item, content: dict) -> None:
    for field in CONTENT_FIELDS:
        if field not in content:  # a revision saved before the field existed leaves it as it is
            continue
        if field in FOREIGN_KEY_FIELDS:
            setattr(item, f"{field}_id", content[field])
        elif field == "written_on":
            setattr(item, field, date.fromisoformat(content[field]) if content[field] else None)
        else:
            setattr(item, field, content[field])


def _pending_revision(item: Item) -> ItemRevision | None:
    return item.revisions.filter(state=ItemRevision.State.PENDING).order_by("-number").first()


def working_copy(item: Item) -> Item:
    """The item as it is being edited: its pending change if it has one, otherwise itself.

    For a published item with a pending change this is an unsaved copy carrying the
    change's content; saving it is never right (use `item_update`).
    """
    if item.status != Item.Status.PUBLISHED:
        return item
    pending = _pending_revision(item)
    if pending is None:
        return item
    candidate = _detached_copy(item)
    _apply_content(candidate, pending.content)
    return candidate


def _detached_copy(item: Item) -> Item:
    """An unsaved copy whose field changes never leak into `item` (not even its cached relations)."""
    candidate = copy(item)
    candidate._state = copy(item._state)
    candidate._state.fields_cache = dict(item._state.fields_cache)
    return candidate


def _revision_add(item: Item, *, by, content: dict, state: str, cause: str, at: datetime) -> ItemRevision:
    last = item.revisions.aggregate(last=Max("number"))["last"] or 0
    return ItemRevision.objects.create(
        item=item, number=last + 1, state=state, cause=cause, content=content, created_by=by, created_at=at
    )


def redacted(value):
    """A value fit for the append-only audit log: personal numbers masked."""
    if isinstance(value, str):
        return mask_text(value, scan(value))
    return value


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in CONTENT_FIELDS if before.get(key) != after.get(key)]
    return (
        {key: redacted(before.get(key)) for key in keys},
        {key: redacted(after.get(key)) for key in keys},
    )


def _validate(item: Item) -> None:
    item.clean()


def set_due_on(item: Item) -> None:
    """The formation date plus the obligation's time limit in working days (None when there is none).

    While a year the count runs through has no loaded holiday notice, the date is counted with
    weekends only and marked provisional (`due_on_provisional`); `load_calendar` recomputes it.
    """
    if item.written_on is None:
        item.due_on, item.due_on_provisional = None, False
        return
    item.due_on, item.due_on_provisional = due_date_or_provisional(
        item.obligation if item.obligation_id else None, item.written_on
    )


def _late_workdays(due_on: date | None, published_on: date) -> int | None:
    if due_on is None or published_on <= due_on:
        return None
    try:
        workdays = work_calendar().workdays_between(due_on, published_on)
    except CalendarMissingError:
        return None
    # Published on a weekend after a Friday deadline is still late, by at least one day.
    return max(workdays, 1)


def _index_now(item: Item) -> None:
    """Bring the item's search entry (and its category listing) in step, in the caller's transaction.

    Called last in every service that publishes, changes, repeals or withdraws, so the entry
    reads the final state; a kill or a failure before the commit leaves item and entry as
    they were, together.
    """
    index_item(item)


def _normalised(field: str, value):
    if field == "body":
        return sanitize_body(value)
    return value.strip() if isinstance(value, str) else value


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.pk)
