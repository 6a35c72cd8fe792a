"""Drafting and changing items (公开信息): create, update, changes to published items."""

import logging
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Organisation
from disclosure.html import sanitize_body
from disclosure.models import (
    Item,
    ItemRevision,
)
from disclosure.models.revisions import CONTENT_FIELDS
from disclosure.services.findings import _scan
from disclosure.services.permissions import _require_editor
from disclosure.services.revisions import (
    _changed,
    _detached_copy,
    _late_workdays,
    _locked,
    _normalised,
    _now,
    _revision_add,
    _validate,
    content_of,
    redacted,
    set_due_on,
    working_copy,
)

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = frozenset(CONTENT_FIELDS) | {"scheduled_for"}


@transaction.atomic
def item_create(
    *,
    by,
    organisation: Organisation,
    category,
    title: str,
    written_on: date,
    publisher: Organisation | None = None,
    obligation=None,
    summary: str = "",
    body: str = "",
    keywords: str = "",
    document_number: str = "",
    document_kind: str = Item.DocumentKind.OTHER,
    mode: str = Item.Mode.PROACTIVE,
    scheduled_for: datetime | None = None,
    at: datetime | None = None,
) -> Item:
    """Create a draft and its first revision.

    Guarantees: the author can edit `organisation`; the category, obligation and publisher
    belong to it; the body is sanitised; `due_on` is set from the obligation's time limit
    and the working-day calendar; an audit event and a first personal-data scan are recorded.
    """
    when = _now(at)
    item = Item(
        organisation=organisation,
        category=category,
        obligation=obligation,
        publisher=publisher or organisation,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        body=sanitize_body(body),
        keywords=(keywords or "").strip(),
        document_number=(document_number or "").strip(),
        document_kind=document_kind or Item.DocumentKind.OTHER,
        written_on=written_on,
        mode=mode,
        scheduled_for=scheduled_for,
        created_by=by,
    )
    _require_editor(by, item)
    _validate(item)
    set_due_on(item)
    item.save()
    content = content_of(item)
    _revision_add(item, by=by, content=content, state=ItemRevision.State.SAVED, cause="created", at=when)
    audit_record(
        actor=by,
        action="item.create",
        obj=item,
        organisation=item.organisation,
        after={key: redacted(value) for key, value in content.items() if key != "labels"},
    )
    _scan(item)
    return item


@transaction.atomic
def item_update(*, item: Item, by, at: datetime | None = None, **changes) -> Item:
    """Save changed fields of an item as a new revision.

    A draft changes in place. A published item keeps its online text: the change is kept
    as a pending revision until a review approves it (`item_submit`). Items under review,
    approved for a scheduled time, or withdrawn cannot be edited. Unchanged saves write
    nothing. Returns the item as edited (for a published item, its working copy).
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    when = _now(at)
    item = _locked(item)
    _require_editor(by, item)
    if item.status == Item.Status.PUBLISHED:
        return _change_published(item, by=by, changes=changes, when=when)
    if item.status != Item.Status.DRAFT:
        raise ValidationError(f"“{item.get_status_display()}”状态的信息不能修改；需要修改请先退回。")
    before = content_of(item)
    scheduled_before = item.scheduled_for
    for field, value in changes.items():
        setattr(item, field, _normalised(field, value))
    _validate(item)
    after = content_of(item)
    rescheduled = item.scheduled_for != scheduled_before
    if after == before and not rescheduled:
        return item
    set_due_on(item)
    item.save()
    old, new = _changed(before, after)
    if rescheduled:
        # Not content (no revision), but when an item goes online is a decision the trail must show.
        old["scheduled_for"] = scheduled_before.isoformat() if scheduled_before else None
        new["scheduled_for"] = item.scheduled_for.isoformat() if item.scheduled_for else None
    if after != before:
        _revision_add(item, by=by, content=after, state=ItemRevision.State.SAVED, cause="edited", at=when)
    audit_record(actor=by, action="item.update", obj=item, organisation=item.organisation, before=old, after=new)
    if after != before:
        _scan(item)
    return item


def _change_published(item: Item, *, by, changes: dict, when: datetime) -> Item:
    if item.review_step_id is not None:
        raise ValidationError("这条信息的修改正在审核中，审核结束后才能再修改。")
    if "scheduled_for" in changes:
        changes = {k: v for k, v in changes.items() if k != "scheduled_for"}
    candidate = working_copy(item)
    if candidate is item:
        candidate = _detached_copy(item)
    before = content_of(candidate)
    for field, value in changes.items():
        setattr(candidate, field, _normalised(field, value))
    _validate(candidate)
    after = content_of(candidate)
    if after == before:
        return candidate
    _revision_add(item, by=by, content=after, state=ItemRevision.State.PENDING, cause="edited", at=when)
    old, new = _changed(before, after)
    audit_record(
        actor=by,
        action="item.change",
        obj=item,
        organisation=item.organisation,
        before=old,
        after=new,
        note="已发布信息的修改，审核通过后上线",
    )
    _scan(item)
    return candidate


@transaction.atomic
def item_change_discard(*, item: Item, by) -> None:
    """Drop a published item's pending change that is not under review; the online text stays as it is."""
    item = _locked(item)
    _require_editor(by, item)
    if item.review_step_id is not None:
        raise ValidationError("修改正在审核中，不能放弃；请审核人退回后再放弃。")
    count = item.revisions.filter(state=ItemRevision.State.PENDING).update(state=ItemRevision.State.DISCARDED)
    if not count:
        raise ValidationError("这条信息没有待审核的修改。")
    audit_record(actor=by, action="item.change_discard", obj=item, organisation=item.organisation)
    _scan(item)


@transaction.atomic
def items_due_recompute(*, year: int) -> str:
    """After `load_calendar` loaded ``year``: recompute every provisional due date (and lateness).

    Guarantees: every item whose due date was provisional gets the date the loaded calendar
    gives, final unless another year it runs through is still missing; a published item's
    lateness in working days is recomputed against it; each change is audited (by the system).
    Returns a line saying how many were recomputed ("" when none were provisional).
    """
    changed = 0
    provisional = (
        Item.objects.select_for_update(of=("self",))
        .filter(due_on_provisional=True)
        .select_related("obligation", "organisation")
        .order_by("pk")
    )
    for item in provisional:
        before = {"due_on": item.due_on.isoformat() if item.due_on else None, "provisional": True}
        set_due_on(item)
        if item.published_at is not None:
            item.late_workdays = _late_workdays(item.due_on, timezone.localdate(item.published_at))
        item.save(update_fields=["due_on", "due_on_provisional", "late_workdays", "updated_at"])
        audit_record(
            actor=None,
            action="item.due_recompute",
            obj=item,
            organisation=item.organisation,
            before=before,
            after={"due_on": item.due_on.isoformat() if item.due_on else None, "provisional": item.due_on_provisional},
            note=f"载入 {year} 年节假日安排后重算",
        )
        changed += 1
    return f"已重算 {changed} 条信息的暂定应公开日期。" if changed else ""
