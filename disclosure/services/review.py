"""The review before publishing (审核): steps, submit, approve, return."""

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from catalog import access
from catalog.models import Organisation, Role
from disclosure.models import (
    Item,
    Review,
    ReviewDecision,
    ReviewStep,
)
from disclosure.services.findings import _history_scrub, _scan
from disclosure.services.permissions import _authors, _check_can_review, _open_review, _require_editor, _require_role
from disclosure.services.publication import _apply_change, _publish
from disclosure.services.revisions import _locked, _now, _pending_revision, working_copy
from disclosure.text_jobs import require_texts_ready

logger = logging.getLogger(__name__)

# (name, role, must differ from the previous step's decider, is the secrecy review)
DEFAULT_REVIEW_STEPS = (
    ("初审", Role.REVIEWER, False, False),
    ("保密审查", Role.REVIEWER, True, True),
    ("签发", Role.APPROVER, True, False),
)


def review_steps(organisation: Organisation) -> list[ReviewStep]:
    """The organisation's active review steps in order (empty until first submission sets the default)."""
    return list(ReviewStep.objects.filter(organisation=organisation, is_active=True).order_by("order"))


def review_steps_ensure(*, organisation: Organisation) -> list[ReviewStep]:
    """The organisation's active steps, creating the common three (初审/保密审查/签发) if it has none."""
    steps = review_steps(organisation)
    if steps:
        return steps
    if ReviewStep.objects.filter(organisation=organisation).exists():
        raise ValidationError("本机构的审核环节全部停用了，请机构管理员至少启用一个环节。")
    for order, (name, role, must_differ, secrecy) in enumerate(DEFAULT_REVIEW_STEPS, start=1):
        ReviewStep.objects.create(
            organisation=organisation,
            order=order,
            name=name,
            role=role,
            must_differ_from_previous=must_differ,
            is_secrecy_review=secrecy,
        )
    return review_steps(organisation)


@transaction.atomic
def review_step_save(*, step: ReviewStep, by) -> ReviewStep:
    """Add or change one review step of an organisation; the organisation keeps at least one active step.

    Only the organisation administrator changes the procedure; the change is audited.
    """
    if by is None or not (by.is_superuser or access.has_role(by, Role.ORG_ADMIN, step.organisation)):
        raise PermissionDenied("只有本机构的机构管理员可以设置审核环节。")
    if step.role not in {Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN}:
        raise ValidationError({"role": "审核环节只能由审核人、分管领导或机构管理员办理。"})
    before = None
    if step.pk:
        old = ReviewStep.objects.get(pk=step.pk)
        before = {"name": old.name, "role": old.role, "order": old.order, "is_active": old.is_active}
    step.save()
    if not ReviewStep.objects.filter(organisation=step.organisation, is_active=True).exists():
        raise ValidationError("至少要保留一个启用的审核环节。")
    audit_record(
        actor=by,
        action="review_step.save",
        obj=step,
        organisation=step.organisation,
        before=before,
        after={
            "name": step.name,
            "role": step.role,
            "order": step.order,
            "is_active": step.is_active,
            "must_differ_from_previous": step.must_differ_from_previous,
            "is_secrecy_review": step.is_secrecy_review,
        },
    )
    return step


@transaction.atomic
def item_submit(*, item: Item, by, at: datetime | None = None) -> Review:
    """Send a draft, or a published item's pending change, into the first review step.

    Guarantees: the submitter can edit the item; a summary is present (the catalog shows
    it); the content is scanned for personal data; personal numbers left only in earlier
    revisions are masked there (`_history_scrub`); the round remembers everyone who wrote
    the content, none of whom can review it.
    """
    when = _now(at)
    item = _locked(item)
    _require_editor(by, item)
    if item.status == Item.Status.DRAFT:
        kind = Review.Kind.PUBLICATION
        revision = item.revisions.order_by("-number").first()
    elif item.status == Item.Status.PUBLISHED and item.review_step_id is None:
        kind = Review.Kind.CHANGE
        revision = _pending_revision(item)
        if revision is None:
            raise ValidationError("这条信息已发布，没有待审核的修改。")
    else:
        raise ValidationError(f"“{item.get_status_display()}”状态的信息不能送审。")
    if not working_copy(item).summary.strip():
        raise ValidationError({"summary": "送审前请填写内容概述（公开目录要显示）。"})
    require_texts_ready(item, "送审")
    steps = review_steps_ensure(organisation=item.organisation)
    review = Review.objects.create(
        item=item,
        revision=revision,
        kind=kind,
        authors=_authors(item, by),
        submitted_by=by,
        submitted_at=when,
    )
    if kind == Review.Kind.PUBLICATION:
        item.status = Item.Status.IN_REVIEW
    item.review_step = steps[0]
    item.save(update_fields=["status", "review_step", "updated_at"])
    audit_record(
        actor=by,
        action="item.submit",
        obj=item,
        organisation=item.organisation,
        after={"step": steps[0].name, "kind": kind, "revision": revision.number},
    )
    _scan(item)
    # Whatever reaches reviewers (and the revision pages) carries no number the author already deleted.
    _history_scrub(item)
    return review


def _next_step(step: ReviewStep) -> ReviewStep | None:
    return (
        ReviewStep.objects.filter(organisation_id=step.organisation_id, is_active=True, order__gt=step.order)
        .order_by("order")
        .first()
    )


def _claim_step(item: Item, seen_step_id: int | None) -> tuple[Item, Review, ReviewStep]:
    """Lock the item and its round; refuse if someone else moved it on since `seen_step_id` was read."""
    # The step is read after the lock, not joined into it: a row re-read after waiting for
    # a concurrent update carries the new step id, but a joined row would be the old one.
    locked = _locked(item)
    if locked.review_step_id is None or locked.review_step_id != seen_step_id:
        where = f"现在是“{locked.review_step.name}”环节" if locked.review_step_id else "已不在审核中"
        raise ValidationError(f"这条信息刚被他人处理过（{where}），请刷新页面后再操作。")
    review = _open_review(locked, lock=True)
    return locked, review, locked.review_step


def _decision_add(review: Review, step: ReviewStep | None, by, decision: str, comment: str, when) -> ReviewDecision:
    return ReviewDecision.objects.create(
        review=review,
        step=step,
        step_name=step.name if step else "签发后撤销",
        actor=by,
        decision=decision,
        comment=comment,
        at=when,
    )


@transaction.atomic
def item_review(
    *,
    item: Item,
    by,
    approve: bool,
    comment: str = "",
    step: ReviewStep | None = None,
    at: datetime | None = None,
) -> Item:
    """Decide at the item's current review step: approve it onwards, or return it (see `item_return`).

    Guarantees: only the step's role, in the item's organisation, decides; nobody who wrote
    the content decides; a step marked so is not taken by whoever took the step before;
    of two people deciding the same step at once, exactly one succeeds (row lock plus a
    conditional update on the step the decider saw: `step`, or the step on the `item` they
    loaded). The secrecy review (`ReviewStep.is_secrecy_review`) and the last step are
    refused while personal-data findings are open; the last step's approval then publishes
    at once, or leaves the item approved until its scheduled time (a change to a published
    item goes online at once).
    """
    if not approve:
        return item_return(item=item, by=by, comment=comment, step=step, at=at)
    when = _now(at)
    seen = step.pk if step is not None else item.review_step_id
    locked, review, current = _claim_step(item, seen)
    _check_can_review(by, locked, review, current)
    following = _next_step(current)
    if following is None or current.is_secrecy_review:
        open_findings = _scan(locked)
        if open_findings:
            raise ValidationError(
                f"{current.name}未通过：还有 {len(open_findings)} 条个人信息或敏感词检查结果未处理，"
                "请先一键脱敏，或由分管领导说明理由后确认。"
            )
    updated = Item.objects.filter(pk=locked.pk, review_step_id=current.pk).update(
        review_step=following, updated_at=timezone.now()
    )
    if updated != 1:  # the lock makes this unreachable on PostgreSQL; SQLite relies on it
        raise ValidationError("这条信息刚被他人处理过，请刷新页面后再操作。")
    locked.review_step = following
    _decision_add(review, current, by, ReviewDecision.Decision.APPROVE, comment.strip(), when)
    review.last_actor = by
    audit_record(
        actor=by,
        action="item.approve_step",
        obj=locked,
        organisation=locked.organisation,
        before={"step": current.name},
        after={"step": following.name if following else "审核通过"},
        note=comment.strip(),
    )
    if following is not None:
        review.save(update_fields=["last_actor"])
        return locked
    review.status = Review.Status.APPROVED
    review.closed_at = when
    review.save(update_fields=["last_actor", "status", "closed_at"])
    if review.kind == Review.Kind.CHANGE:
        _apply_change(locked, by=by, when=when)
        return locked
    locked.status = Item.Status.APPROVED
    locked.save(update_fields=["status", "updated_at"])
    if locked.scheduled_for is not None and locked.scheduled_for > when:
        audit_record(
            actor=by,
            action="item.schedule",
            obj=locked,
            organisation=locked.organisation,
            after={"scheduled_for": locked.scheduled_for.isoformat()},
        )
        return locked
    return _publish(locked, by=by, when=when)


@transaction.atomic
def item_return(*, item: Item, by, comment: str, step: ReviewStep | None = None, at: datetime | None = None) -> Item:
    """Send the item back to its author with a comment (退回修改).

    From a review step: by whoever may decide that step (same rules as `item_review`).
    From `approved` (waiting for its scheduled time): by an approver or administrator who
    did not write it. A draft becomes a draft again; a published item's change goes back
    to being an editable pending change while the online text stays.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "退回时请写明修改意见。"})
    when = _now(at)
    if item.status == Item.Status.APPROVED and item.review_step_id is None:
        locked = _locked(item)
        if locked.status != Item.Status.APPROVED:
            raise ValidationError("这条信息刚被他人处理过，请刷新页面后再操作。")
        _require_role(by, locked, {Role.APPROVER, Role.ORG_ADMIN}, "撤销已签发待发布的信息")
        review = locked.reviews.filter(status=Review.Status.APPROVED).order_by("-submitted_at").first()
        if review is not None and by.pk in review.authors:
            raise PermissionDenied("起草或修改过本信息的人不能审核自己的信息。")
        if review is not None:
            _decision_add(review, None, by, ReviewDecision.Decision.RETURN, comment, when)
        locked.status = Item.Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="item.return",
            obj=locked,
            organisation=locked.organisation,
            before={"status": Item.Status.APPROVED},
            after={"status": Item.Status.DRAFT},
            note=comment,
        )
        return locked
    seen = step.pk if step is not None else item.review_step_id
    locked, review, current = _claim_step(item, seen)
    _check_can_review(by, locked, review, current)
    updated = Item.objects.filter(pk=locked.pk, review_step_id=current.pk).update(
        review_step=None,
        status=Item.Status.PUBLISHED if review.kind == Review.Kind.CHANGE else Item.Status.DRAFT,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise ValidationError("这条信息刚被他人处理过，请刷新页面后再操作。")
    locked.refresh_from_db()
    _decision_add(review, current, by, ReviewDecision.Decision.RETURN, comment, when)
    review.status = Review.Status.RETURNED
    review.last_actor = by
    review.closed_at = when
    review.save(update_fields=["status", "last_actor", "closed_at"])
    audit_record(
        actor=by,
        action="item.return",
        obj=locked,
        organisation=locked.organisation,
        before={"step": current.name},
        after={"status": locked.status},
        note=comment,
    )
    return locked
