"""Publication: publish now or at the scheduled time, emergency publication, withdrawal, repeal."""

import logging
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Channel, Role
from disclosure.models import (
    Item,
    ItemChannel,
    ItemRevision,
    Review,
)
from disclosure.services.findings import _scan
from disclosure.services.numbering import index_number_allocate
from disclosure.services.permissions import _authors, _open_review, _require_editor, _require_role
from disclosure.services.revisions import (
    _apply_content,
    _changed,
    _index_now,
    _late_workdays,
    _locked,
    _now,
    _pending_revision,
    content_of,
)
from disclosure.text_jobs import require_texts_ready

logger = logging.getLogger(__name__)


def _publish(item: Item, *, by, when: datetime) -> Item:
    """Put a locked, approved item online now: index number, date, timeliness, website channel."""
    published_on = timezone.localdate(when)
    if item.index_number is None:
        item.index_number = index_number_allocate(organisation=item.organisation, year=published_on.year)
    item.status = Item.Status.PUBLISHED
    item.published_at = when
    item.late_workdays = _late_workdays(item.due_on, published_on)
    try:
        with transaction.atomic():
            item.save(update_fields=["index_number", "status", "published_at", "late_workdays", "updated_at"])
    except IntegrityError:
        # The format guarantees distinct numbers per organisation, but an imported item (or an organisation
        # sharing a code) may already hold this one; say so instead of failing the page.
        if not Item.objects.filter(index_number=item.index_number).exclude(pk=item.pk).exists():
            raise
        raise ValidationError(
            f"索引号“{item.index_number}”已被其他信息使用，本次未发布。"
            f"请机构管理员检查机构“{item.organisation}”的索引号格式和机构代码。"
        ) from None
    latest = item.revisions.order_by("-number").first()
    if latest is not None and latest.state != ItemRevision.State.APPLIED:
        latest.state = ItemRevision.State.APPLIED
        latest.save(update_fields=["state"])
    ItemChannel.objects.create(
        item=item,
        channel=Channel.WEBSITE,
        posted_on=published_on,
        recorded_by_id=by.pk if by is not None else item.created_by_id,
    )
    audit_record(
        actor=by,
        action="item.publish",
        obj=item,
        organisation=item.organisation,
        after={
            "index_number": item.index_number,
            "published_at": when.isoformat(),
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "late_workdays": item.late_workdays,
            "emergency": item.is_emergency,
        },
        note="定时发布" if by is None else "",
    )
    _index_now(item)
    return item


def _apply_change(item: Item, *, by, when: datetime) -> None:
    pending = _pending_revision(item)
    before = content_of(item)
    _apply_content(item, pending.content)
    item.save()
    item.revisions.filter(state=ItemRevision.State.PENDING).exclude(pk=pending.pk).update(
        state=ItemRevision.State.SAVED
    )
    pending.state = ItemRevision.State.APPLIED
    pending.save(update_fields=["state"])
    old, new = _changed(before, pending.content)
    audit_record(
        actor=by, action="item.publish_change", obj=item, organisation=item.organisation, before=old, after=new
    )
    _index_now(item)


@transaction.atomic
def item_publish(*, item: Item, by, at: datetime | None = None) -> Item:
    """Publish an approved item now, or at `at` if that is later (定时发布).

    Guarantees: only an approved item is published; a publication time the approval set
    (the item waits for it) is brought forward or moved only by an approver who did not
    write the item, and the move is in the audit trail (``item.reschedule``); it gets its index number in the same
    transaction (see `index_number_allocate`), its publish date, its lateness in working
    days against `due_on`, and the website channel; the search index is updated in the
    same transaction. `by` is None only for the scheduler (`publish_scheduled`).
    """
    now = timezone.now()
    when = at or now
    item = _locked(item)
    if by is not None:
        _require_editor(by, item)
    if item.status != Item.Status.APPROVED:
        raise ValidationError(f"只有已审核通过的信息才能发布（当前：{item.get_status_display()}）。")
    scheduled = item.scheduled_for
    if by is not None and scheduled is not None and scheduled > now and when != scheduled:
        _reschedule(item, by=by, scheduled=scheduled, when=when, now=now)
    if when > now:
        item.scheduled_for = when
        item.save(update_fields=["scheduled_for", "updated_at"])
        audit_record(
            actor=by,
            action="item.schedule",
            obj=item,
            organisation=item.organisation,
            after={"scheduled_for": str(when)},
        )
        return item
    return _publish(item, by=by, when=when)


def _reschedule(item: Item, *, by, scheduled: datetime, when: datetime, now: datetime) -> None:
    """The time an approval set binds the author: only an approver who did not write it moves it, audited."""
    _require_role(by, item, {Role.APPROVER}, "更改或提前签发时定下的发布时间")
    review = item.reviews.filter(status=Review.Status.APPROVED).order_by("-submitted_at").first()
    if review is not None and by.pk in review.authors:
        raise PermissionDenied("起草或修改过本信息的人不能更改签发时定下的发布时间。")
    audit_record(
        actor=by,
        action="item.reschedule",
        obj=item,
        organisation=item.organisation,
        before={"scheduled_for": scheduled.isoformat()},
        after={
            "scheduled_for": when.isoformat() if when > now else None,
            "published_at": None if when > now else when.isoformat(),
        },
        note="提前发布" if when <= now else "更改定时发布时间",
    )


def items_publish_scheduled(*, now: datetime | None = None) -> tuple[list[Item], list[tuple[Item, str]]]:
    """Publish every approved item whose scheduled time has come; one failure does not stop the others.

    Returns (published, failed with the reason).
    """
    now = now or timezone.now()
    due = Item.objects.filter(status=Item.Status.APPROVED, scheduled_for__lte=now)
    published, failed = [], []
    for item in due.order_by("scheduled_for", "pk"):
        try:
            # Each item in its own savepoint: a failure undoes only that item, which stays scheduled.
            with transaction.atomic():
                # Several application servers may run the scheduler at once: an item another
                # one is publishing is locked, so it is skipped rather than waited for (and
                # then refused as already published). SQLite has one writer and no row locks.
                mine = due.select_for_update(skip_locked=True, of=("self",)).filter(pk=item.pk).first()
                if mine is None:
                    continue
                published.append(item_publish(item=mine, by=None, at=now))
        except ValidationError as exc:
            failed.append((item, "；".join(exc.messages)))
            logger.warning("scheduled publication of item %s failed: %s", item.pk, exc.messages)
        except DatabaseError as exc:
            failed.append((item, f"数据库错误：{exc}"))
            logger.exception("scheduled publication of item %s failed in the database", item.pk)
    return published, failed


@transaction.atomic
def item_emergency_publish(*, item: Item, by, reason: str, at: datetime | None = None) -> Item:
    """Publish a draft or an item under review at once, skipping the review (紧急发布).

    Guarantees: only the organisation administrator does it, with a reason; open
    personal-data findings still block it; the item is marked as an emergency publication
    and waits for an approver other than the administrator and the authors to confirm it
    (`item_emergency_confirm`).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "紧急发布须写明理由。"})
    when = _now(at)
    item = _locked(item)
    _require_role(by, item, {Role.ORG_ADMIN}, "紧急发布")
    if item.status not in Item.UNPUBLISHED_STATUSES:
        raise ValidationError(f"“{item.get_status_display()}”状态的信息不能紧急发布。")
    require_texts_ready(item, "紧急发布")
    if item.status == Item.Status.APPROVED and item.scheduled_for is not None and item.scheduled_for > when:
        raise PermissionDenied("这条信息已签发并定时发布，发布时间只能由审核人（分管领导）更改或提前。")
    if not item.summary.strip():
        raise ValidationError({"summary": "发布前请填写内容概述（公开目录要显示）。"})
    open_findings = _scan(item)
    if open_findings:
        raise ValidationError(f"还有 {len(open_findings)} 条个人信息或敏感词检查结果未处理，紧急发布也必须先处理。")
    review = _open_review(item, lock=True)
    if review is not None:
        review.status = Review.Status.CANCELLED
        review.closed_at = when
        review.save(update_fields=["status", "closed_at"])
    item.review_step = None
    item.is_emergency = True
    item.emergency_reason = reason
    item.emergency_published_by = by
    item.save(update_fields=["review_step", "is_emergency", "emergency_reason", "emergency_published_by"])
    audit_record(actor=by, action="item.emergency_publish", obj=item, organisation=item.organisation, note=reason)
    return _publish(item, by=by, when=when)


@transaction.atomic
def item_emergency_confirm(*, item: Item, by, comment: str = "", at: datetime | None = None) -> Item:
    """An approver confirms an emergency publication afterwards (事后审批).

    Guarantees: the approver is neither the administrator who published it nor anyone who
    wrote it; it is confirmed once.
    """
    when = _now(at)
    item = _locked(item)
    if not item.awaits_emergency_confirmation:
        raise ValidationError("这条信息不是等待事后审批的紧急发布。")
    _require_role(by, item, {Role.APPROVER}, "对紧急发布进行事后审批")
    if by.pk == item.emergency_published_by_id:
        raise PermissionDenied("紧急发布人不能对自己的发布进行事后审批。")
    if by.pk in _authors(item, item.emergency_published_by):
        raise PermissionDenied("起草或修改过本信息的人不能审核自己的信息。")
    item.emergency_confirmed_by = by
    item.emergency_confirmed_at = when
    item.save(update_fields=["emergency_confirmed_by", "emergency_confirmed_at", "updated_at"])
    audit_record(
        actor=by, action="item.emergency_confirm", obj=item, organisation=item.organisation, note=comment.strip()
    )
    return item


@transaction.atomic
def item_withdraw(*, item: Item, by, reason: str, at: datetime | None = None) -> Item:
    """Take a published item offline (撤回) with a reason the public page shows.

    Guarantees: only an approver or the organisation administrator does it; the reason is
    required; the item keeps its index number and is never deleted; a pending change is
    dropped; the search index is updated in the same transaction.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤回须写明理由，理由会在公开页面上显示。"})
    when = _now(at)
    item = _locked(item)
    _require_role(by, item, {Role.APPROVER, Role.ORG_ADMIN}, "撤回已发布的信息")
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError("只有已发布的信息才能撤回。")
    review = _open_review(item, lock=True)
    if review is not None:
        review.status = Review.Status.CANCELLED
        review.closed_at = when
        review.save(update_fields=["status", "closed_at"])
    item.revisions.filter(state=ItemRevision.State.PENDING).update(state=ItemRevision.State.DISCARDED)
    item.status = Item.Status.WITHDRAWN
    item.review_step = None
    item.withdrawn_at = when
    item.withdrawal_reason = reason
    item.save(update_fields=["status", "review_step", "withdrawn_at", "withdrawal_reason", "updated_at"])
    audit_record(
        actor=by,
        action="item.withdraw",
        obj=item,
        organisation=item.organisation,
        before={"status": Item.Status.PUBLISHED},
        after={"status": Item.Status.WITHDRAWN, "withdrawn_at": when.isoformat()},
        note=reason,
    )
    _index_now(item)
    return item


@transaction.atomic
def item_repeal(*, item: Item, by, repealed_on: date, replaced_by: Item | None = None) -> Item:
    """Mark a published item repealed (废止) on a date, or revised (修订) when a replacement is given.

    Guarantees: only an approver or the organisation administrator does it; the replacement
    is another published item of the same organisation; the item stays public with its
    validity shown; the search index is updated in the same transaction.
    """
    item = _locked(item)
    _require_role(by, item, {Role.APPROVER, Role.ORG_ADMIN}, "废止或修订已发布的信息")
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError("只有已发布的信息才能废止。")
    if item.validity != Item.Validity.VALID:
        raise ValidationError(f"这条信息已经是“{item.get_validity_display()}”。")
    if repealed_on is None:
        raise ValidationError({"repealed_on": "请填写废止日期。"})
    if repealed_on < item.written_on:
        raise ValidationError({"repealed_on": "废止日期不能早于成文日期。"})
    if replaced_by is not None:
        if replaced_by.pk == item.pk:
            raise ValidationError({"replaced_by": "不能用这条信息自己替代自己。"})
        if replaced_by.organisation_id != item.organisation_id or replaced_by.status != Item.Status.PUBLISHED:
            raise ValidationError({"replaced_by": "修订后的信息必须是本机构已发布的信息。"})
    item.validity = Item.Validity.REVISED if replaced_by is not None else Item.Validity.REPEALED
    item.repealed_on = repealed_on
    item.replaced_by = replaced_by
    item.save(update_fields=["validity", "repealed_on", "replaced_by", "updated_at"])
    audit_record(
        actor=by,
        action="item.repeal",
        obj=item,
        organisation=item.organisation,
        before={"validity": Item.Validity.VALID},
        after={
            "validity": item.validity,
            "repealed_on": repealed_on.isoformat(),
            "replaced_by": replaced_by.index_number if replaced_by else None,
        },
    )
    _index_now(item)
    return item
