"""Publishing services: drafting, the review before publishing, publication, changes, withdrawal.

Every function here is keyword-only, takes the acting user as `by`, checks who may do
what itself (the admin only decides which buttons to show), writes an audit event for
what it did, and either does all of it or nothing. Bad input raises `ValidationError`,
a person acting outside their role raises `PermissionDenied`; both carry a message in
Chinese meant for the person who acted.

Where an item stands:

    draft ──submit──▶ in_review (step 1 … step n) ──last step approves──▶ published
      ▲                    │                                  └─ or approved, until its scheduled time
      └────return with comment (any step)

An organisation administrator may publish at once in an emergency; an approver who is
neither the author nor that administrator confirms it afterwards. A published item is
edited through a pending revision that takes the same review while the published text
stays online. Nothing that was published is ever deleted: it is withdrawn (with a public
reason) or repealed.

`at` arguments let imports and demo data record when something happened; by default now.
"""

import logging
import unicodedata
from copy import copy
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.services import audit_record
from catalog import access
from catalog.calendar import CalendarMissingError, due_date, work_calendar
from catalog.models import Channel, Organisation, Role
from disclosure.attachments import (
    CheckedFile,
    attachment_check,
    attachment_store,
    generated_name,
    image_check,
)
from disclosure.html import sanitize_body
from disclosure.models import (
    Attachment,
    IndexCounter,
    Item,
    ItemChannel,
    ItemRevision,
    PersonalDataFinding,
    Review,
    ReviewDecision,
    ReviewStep,
)
from disclosure.models.revisions import CONTENT_FIELDS, FOREIGN_KEY_FIELDS, TEXT_FIELDS
from search.indexing import index_item
from township_portal.lib.personal_data import FindingKind, mask_text, scan

logger = logging.getLogger(__name__)

# The procedure a township starts with until its administrator changes it (初审 / 保密审查 / 签发).
DEFAULT_REVIEW_STEPS = (
    ("初审", Role.REVIEWER, False),
    ("保密审查", Role.REVIEWER, True),
    ("签发", Role.APPROVER, True),
)
EDITABLE_FIELDS = frozenset(CONTENT_FIELDS) | {"scheduled_for"}
MANUAL_CHANNELS = {
    Channel.BULLETIN_BOARD,
    Channel.PAPER,
    Channel.NEW_MEDIA,
    Channel.READING_POINT,
    Channel.SERVICE_CENTRE,
    Channel.DOOR_TO_DOOR,
    Channel.BROADCAST,
    Channel.BRIEFING,
}


# --- who may act -----------------------------------------------------------------------------


def _require_editor(by, item: Item) -> None:
    if by is None or not access.can_edit(by, item.organisation_id):
        raise PermissionDenied("您没有修改该机构公开信息的权限。")


def _roles(by, item: Item) -> set[str]:
    """The roles `by` holds for this item's organisation (none outside it)."""
    if by is None or not by.is_authenticated:
        return set()
    staff = access.staff_of(by)
    if staff is None or not access.can_edit(by, item.organisation_id):
        return set()
    return staff.roles


def _require_role(by, item: Item, roles: set[str], doing: str) -> None:
    if not _roles(by, item) & roles:
        names = "或".join(str(Role(role).label) for role in sorted(roles))
        raise PermissionDenied(f"只有本机构的{names}可以{doing}。")


def _check_can_review(by, item: Item, review: Review, step: ReviewStep) -> None:
    if step.role not in _roles(by, item):
        raise PermissionDenied(f"“{step.name}”环节只能由本机构的{Role(step.role).label}办理。")
    if by.pk in review.authors:
        raise PermissionDenied("起草或修改过本信息的人不能审核自己的信息。")
    if step.must_differ_from_previous and review.last_actor_id == by.pk:
        raise PermissionDenied(f"“{step.name}”环节须由与上一环节不同的人办理。")


def roles_for(by, item: Item) -> set[str]:
    """The roles `by` holds for this item's organisation; empty outside it (for showing buttons)."""
    return _roles(by, item)


def review_refusal(by, item: Item, review: Review | None, step: ReviewStep | None) -> str:
    """Why `by` may not decide at `step` now, or "" if they may (for showing buttons)."""
    if review is None or step is None:
        return "这条信息不在审核中。"
    try:
        _check_can_review(by, item, review, step)
    except PermissionDenied as exc:
        return str(exc)
    return ""


# --- content and revisions -------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _content_of(item: Item) -> dict:
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


def _redacted(value):
    """A value fit for the append-only audit log: personal numbers masked."""
    if isinstance(value, str):
        return mask_text(value, scan(value))
    return value


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in CONTENT_FIELDS if before.get(key) != after.get(key)]
    return (
        {key: _redacted(before.get(key)) for key in keys},
        {key: _redacted(after.get(key)) for key in keys},
    )


def _validate(item: Item) -> None:
    item.clean()


def _due_on(item: Item) -> date | None:
    """The formation date plus the obligation's time limit in working days; None when it cannot be known."""
    if item.written_on is None:
        return None
    try:
        return due_date(item.obligation if item.obligation_id else None, item.written_on)
    except CalendarMissingError:
        # A wrong deadline is worse than none: the year's holiday notice is not loaded yet.
        return None


def _late_workdays(due_on: date | None, published_on: date) -> int | None:
    if due_on is None or published_on <= due_on:
        return None
    try:
        workdays = work_calendar().workdays_between(due_on, published_on)
    except CalendarMissingError:
        return None
    # Published on a weekend after a Friday deadline is still late, by at least one day.
    return max(workdays, 1)


def _index_later(item: Item) -> None:
    pk = item.pk
    transaction.on_commit(lambda: index_item(Item.objects.select_related("organisation", "category").get(pk=pk)))


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
        written_on=written_on,
        mode=mode,
        scheduled_for=scheduled_for,
        created_by=by,
    )
    _require_editor(by, item)
    _validate(item)
    item.due_on = _due_on(item)
    item.save()
    content = _content_of(item)
    _revision_add(item, by=by, content=content, state=ItemRevision.State.SAVED, cause="created", at=when)
    audit_record(
        actor=by,
        action="item.create",
        obj=item,
        organisation=item.organisation,
        after={key: _redacted(value) for key, value in content.items() if key != "labels"},
    )
    _scan(item)
    return item


def _normalised(field: str, value):
    if field == "body":
        return sanitize_body(value)
    return value.strip() if isinstance(value, str) else value


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.pk)


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
    before = _content_of(item)
    scheduled_before = item.scheduled_for
    for field, value in changes.items():
        setattr(item, field, _normalised(field, value))
    _validate(item)
    after = _content_of(item)
    rescheduled = item.scheduled_for != scheduled_before
    if after == before and not rescheduled:
        return item
    item.due_on = _due_on(item)
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
    before = _content_of(candidate)
    for field, value in changes.items():
        setattr(candidate, field, _normalised(field, value))
    _validate(candidate)
    after = _content_of(candidate)
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


# --- attachments -----------------------------------------------------------------------------


def _require_attachments_editable(item: Item, doing: str) -> None:
    """Files change only on an item that was never published: a draft, also one returned for changes."""
    if item.index_number is not None or item.status != Item.Status.DRAFT:
        raise ValidationError(
            f"“{item.get_status_display()}”状态的信息不能{doing}：只有从未发布过的草稿（含退回修改的）可以增删附件。"
            "已发布信息的附件有误，请撤回该信息并说明理由后重新起草发布。"
        )


def _attachments_changed(item: Item, *, by, when: datetime) -> None:
    """Changing the files is writing the item: a revision makes `by` one of its writers (see `_authors`)."""
    _revision_add(
        item,
        by=by,
        content=_content_of(item),
        state=ItemRevision.State.SAVED,
        cause=ItemRevision.Cause.ATTACHMENTS,
        at=when,
    )


def attachment_add(*, item: Item, uploaded_file: File, by, order: int = 0, at: datetime | None = None) -> Attachment:
    """Check an upload and attach it to a draft (see `attachment_add_checked`).

    The file is judged by its content and refused with a clear Chinese ValidationError
    before anything is written (`attachment_check`).
    """
    return attachment_add_checked(item=item, checked=attachment_check(uploaded_file), by=by, order=order, at=at)


@transaction.atomic
def attachment_add_checked(
    *, item: Item, checked: CheckedFile, by, order: int = 0, at: datetime | None = None
) -> Attachment:
    """Attach a file that passed `attachment_check` to a draft.

    Guarantees: `by` can edit the item's organisation; the item was never published and is
    a draft (files of an item under review, approved or published cannot change without a
    new review); the file is stored under a generated name (images without EXIF) and
    removed again if anything here fails; the uploader becomes one of the item's writers
    (they cannot review it); the addition is audited and the file's text scanned.
    """
    if item.pk is None:
        raise ValueError("save the item before attaching files to it")
    item = _locked(item)
    _require_editor(by, item)
    _require_attachments_editable(item, "添加附件")
    attachment = attachment_store(item=item, checked=checked, by=by, order=order)
    try:
        _attachments_changed(item, by=by, when=_now(at))
        _scan(item)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by, reason: str = "", at: datetime | None = None) -> None:
    """Remove a file from an item that was never published (to replace a wrong or unmasked file).

    Guarantees: `by` can edit the item's organisation; the item is a draft without an index
    number (a published item's files are never removed: withdraw it instead); the audit
    event, recorded on the item, keeps the file's original name, size and SHA-256 (not its
    content); open findings in the file are closed as gone; the remover becomes one of the
    item's writers; the row is deleted now and the stored file only once the transaction
    has committed, so a rollback loses nothing.
    """
    when = _now(at)
    item = _locked(attachment.item)
    _require_editor(by, item)
    _require_attachments_editable(item, "移除附件")
    attachment = Attachment.objects.select_for_update().filter(pk=attachment.pk, item=item).first()
    if attachment is None:
        raise ValidationError("这个附件已经移除了，请刷新页面。")
    item.findings.filter(attachment=attachment, status=PersonalDataFinding.Status.OPEN).update(
        status=PersonalDataFinding.Status.GONE, resolved_at=when
    )
    audit_record(
        actor=by,
        action="attachment.remove",
        obj=item,
        organisation=item.organisation,
        before={
            "attachment": attachment.pk,
            "original_name": attachment.original_name,
            "stored_as": attachment.file.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
        note=(reason or "").strip(),
    )
    _attachments_changed(item, by=by, when=when)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()  # the findings keep their record, without the file (SET_NULL)
    transaction.on_commit(lambda: storage.delete(name), robust=True)
    _scan(item)


# --- the review ------------------------------------------------------------------------------


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
    for order, (name, role, must_differ) in enumerate(DEFAULT_REVIEW_STEPS, start=1):
        ReviewStep.objects.create(
            organisation=organisation, order=order, name=name, role=role, must_differ_from_previous=must_differ
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
        },
    )
    return step


def _open_review(item: Item, *, lock: bool = False) -> Review | None:
    queryset = Review.objects.filter(item=item, status=Review.Status.IN_REVIEW)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def _authors(item: Item, by) -> list[int]:
    """Everyone who wrote what is being submitted: they may not review it."""
    last_approved = (
        item.reviews.filter(status=Review.Status.APPROVED)
        .order_by("-revision__number")
        .values_list("revision__number", flat=True)
        .first()
        or 0
    )
    editors = item.revisions.filter(number__gt=last_approved, cause__in=ItemRevision.WRITING_CAUSES).values_list(
        "created_by", flat=True
    )
    return sorted({item.created_by_id, by.pk, *(pk for pk in editors if pk is not None)})


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
    loaded). The last step's approval is refused while personal-data findings are open;
    it then publishes at once, or leaves the item approved until its scheduled time
    (a change to a published item goes online at once).
    """
    if not approve:
        return item_return(item=item, by=by, comment=comment, step=step, at=at)
    when = _now(at)
    seen = step.pk if step is not None else item.review_step_id
    locked, review, current = _claim_step(item, seen)
    _check_can_review(by, locked, review, current)
    following = _next_step(current)
    if following is None:
        open_findings = _scan(locked)
        if open_findings:
            raise ValidationError(
                f"还有 {len(open_findings)} 条个人信息或敏感词检查结果未处理："
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


# --- publication -----------------------------------------------------------------------------


def _index_format_check(organisation: Organisation) -> str:
    template = organisation.index_number_format
    try:
        sample = template.format(code=organisation.code, year=2000, serial=1)
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ValidationError(
            f"机构“{organisation}”的索引号格式“{template}”无效：只能使用 {{code}}、{{year}}、{{serial}}。"
        ) from None
    if "{serial" not in template:
        raise ValidationError(f"机构“{organisation}”的索引号格式必须包含 {{serial}}（年度流水号），否则会重号。")
    if "{year" not in template:
        # The serial starts again each year, so without the year next year's numbers repeat this year's.
        raise ValidationError(f"机构“{organisation}”的索引号格式必须包含 {{year}}（发布年度），否则次年会重号。")
    if "{code" not in template:
        # Every organisation counts from 1: without its code, two townships' numbers are the same.
        raise ValidationError(
            f"机构“{organisation}”的索引号格式必须包含 {{code}}（机构代码），否则会与其他机构的索引号重号。"
        )
    if not organisation.code:
        raise ValidationError(f"机构“{organisation}”没有填写机构代码，无法生成索引号。")
    if len(sample) > Item._meta.get_field("index_number").max_length - 3:
        raise ValidationError(f"机构“{organisation}”的索引号格式生成的索引号太长。")
    return template


def _counter_locked(organisation: Organisation, year: int) -> IndexCounter:
    counters = IndexCounter.objects.select_for_update()
    try:
        return counters.get(organisation=organisation, year=year)
    except IndexCounter.DoesNotExist:
        try:
            with transaction.atomic():
                IndexCounter.objects.create(organisation=organisation, year=year)
        except IntegrityError:
            pass  # another publication created the year's counter first; lock theirs
        return counters.get(organisation=organisation, year=year)


def index_number_allocate(*, organisation: Organisation, year: int) -> str:
    """The next index number (索引号) of `organisation` for `year`, in its `index_number_format`.

    Guarantees: within one organisation and year the serials run 1, 2, 3, … with no
    repeat and no gap, also when several publications run at once: the counter row stays
    locked until the caller's transaction ends, and if that transaction rolls back its
    serial is given back with it. Must be called inside `transaction.atomic()`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("index_number_allocate must run inside the publishing transaction")
    template = _index_format_check(organisation)
    counter = _counter_locked(organisation, year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return template.format(code=organisation.code, year=year, serial=counter.last_serial)


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
    _index_later(item)
    return item


def _apply_change(item: Item, *, by, when: datetime) -> None:
    pending = _pending_revision(item)
    before = _content_of(item)
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
    _index_later(item)


@transaction.atomic
def item_publish(*, item: Item, by, at: datetime | None = None) -> Item:
    """Publish an approved item now, or at `at` if that is later (定时发布).

    Guarantees: only an approved item is published; it gets its index number in the same
    transaction (see `index_number_allocate`), its publish date, its lateness in working
    days against `due_on`, and the website channel; the search index is updated after
    commit. `by` is None only for the scheduler (`publish_scheduled`).
    """
    now = timezone.now()
    when = at or now
    item = _locked(item)
    if by is not None:
        _require_editor(by, item)
    if item.status != Item.Status.APPROVED:
        raise ValidationError(f"只有已审核通过的信息才能发布（当前：{item.get_status_display()}）。")
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


def items_publish_scheduled(*, now: datetime | None = None) -> tuple[list[Item], list[tuple[Item, str]]]:
    """Publish every approved item whose scheduled time has come; one failure does not stop the others.

    Returns (published, failed with the reason).
    """
    now = now or timezone.now()
    due = Item.objects.filter(status=Item.Status.APPROVED, scheduled_for__lte=now).order_by("scheduled_for", "pk")
    published, failed = [], []
    for item in due:
        try:
            # Each item in its own savepoint: a failure undoes only that item, which stays scheduled.
            with transaction.atomic():
                published.append(item_publish(item=item, by=None, at=now))
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
    dropped; the search index is updated after commit.
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
    _index_later(item)
    return item


@transaction.atomic
def item_repeal(*, item: Item, by, repealed_on: date, replaced_by: Item | None = None) -> Item:
    """Mark a published item repealed (废止) on a date, or revised (修订) when a replacement is given.

    Guarantees: only an approver or the organisation administrator does it; the replacement
    is another published item of the same organisation; the item stays public with its
    validity shown; the search index is updated after commit.
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
    _index_later(item)
    return item


# --- personal data and secrecy ---------------------------------------------------------------


def _scan_targets(item: Item) -> list[tuple[str, int | None, str]]:
    working = working_copy(item)
    targets = [(location, None, getattr(working, location) or "") for location in TEXT_FIELDS]
    for attachment_id, text in item.attachments.values_list("pk", "text"):
        targets.append((PersonalDataFinding.Location.ATTACHMENT, attachment_id, text or ""))
    return targets


# Fixed for good: changing it would orphan every recorded override (they would match nothing and reopen).
_FINGERPRINT_SALT = "disclosure.PersonalDataFinding.value_hash"


def _fingerprint(kind: str, value: str) -> str:
    """A keyed hash of a found value (HMAC-SHA256, key derived from SECRET_KEY): tells numbers apart, reveals none.

    A number is reduced to its digits first (138-1234-5678, 138 1234 5678 and full-width digits are one number).
    """
    if kind != FindingKind.SENSITIVE_WORD:
        value = "".join(c for c in unicodedata.normalize("NFKC", value) if c.isalnum()).upper()
    return salted_hmac(_FINGERPRINT_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()


def _scan(item: Item) -> list[PersonalDataFinding]:
    """Scan the working text and attachments; record new findings, close vanished ones; return the open ones.

    Findings are matched on the value's fingerprint, never on its mask alone: an override of
    13812345678 does not let 13899995678 (also 138****5678) through. A finding recorded before
    fingerprints existed (empty `value_hash`) is never taken as an override, since nobody can
    tell which number its approver saw; an open one is adopted by the same masked value.
    """
    found: dict[tuple, list] = {}
    for location, attachment_id, text in _scan_targets(item):
        for finding in scan(text, sensitive_words=settings.SENSITIVE_WORDS):
            key = (location, attachment_id, str(finding.kind), _fingerprint(finding.kind, finding.value))
            found.setdefault(key, [finding.masked[:60], 0])[1] += 1
    existing: dict[tuple, list[PersonalDataFinding]] = {}
    legacy_open: dict[tuple, list[PersonalDataFinding]] = {}
    for finding in item.findings.exclude(status=PersonalDataFinding.Status.GONE).order_by("found_at", "pk"):
        if finding.value_hash:
            key = (finding.location, finding.attachment_id, finding.kind, finding.value_hash)
            existing.setdefault(key, []).append(finding)
        elif finding.status == PersonalDataFinding.Status.OPEN:
            key = (finding.location, finding.attachment_id, finding.kind, finding.masked_value)
            legacy_open.setdefault(key, []).append(finding)
    now = timezone.now()
    open_findings = []
    for key, (masked, count) in found.items():
        records = existing.pop(key, [])
        if any(f.status == PersonalDataFinding.Status.OVERRIDDEN for f in records):
            continue  # an approver already decided this very value may be published
        current = next((f for f in records if f.status == PersonalDataFinding.Status.OPEN), None)
        location, attachment_id, kind, value_hash = key
        if current is None and legacy_open.get((location, attachment_id, kind, masked)):
            current = legacy_open[(location, attachment_id, kind, masked)].pop(0)
            current.value_hash = value_hash
            current.occurrences = count
            current.save(update_fields=["value_hash", "occurrences"])
        elif current is None:
            current = PersonalDataFinding.objects.create(
                item=item,
                location=location,
                attachment_id=attachment_id,
                kind=kind,
                masked_value=masked,
                value_hash=value_hash,
                occurrences=count,
            )
        elif current.occurrences != count:
            current.occurrences = count
            current.save(update_fields=["occurrences"])
        open_findings.append(current)
    numbers_gone = False
    for records in [*existing.values(), *legacy_open.values()]:
        for finding in records:
            if finding.status == PersonalDataFinding.Status.OPEN:
                finding.status = PersonalDataFinding.Status.GONE
                finding.resolved_at = now
                finding.save(update_fields=["status", "resolved_at"])
                numbers_gone = numbers_gone or finding.is_maskable
    if numbers_gone:
        _history_scrub(item)
    return open_findings


def _history_scrub(item: Item) -> list[int]:
    """Mask, in the item's stored revisions, every personal number that is no longer in its current text.

    A number typed, saved and deleted again (not masked) would otherwise stay readable in the
    revision pages for good. The item's own fields (the published text) are never touched, and
    a number still in the current or pending text is left in history too: it is either still
    open (masking it through `finding_mask` scrubs history as well) or an approver overrode it.
    Sensitive words are not personal data and stay. Returns the numbers of the revisions changed.
    """
    working = working_copy(item)
    current = "\n".join(getattr(copy_, field) or "" for copy_ in (item, working) for field in TEXT_FIELDS)
    changed = []
    for revision in item.revisions.order_by("number"):
        scrubbed = False
        for field in TEXT_FIELDS:
            text = revision.content.get(field) or ""
            hits = [hit for hit in scan(text, sensitive_words=()) if hit.value not in current]
            if hits:
                revision.content[field] = mask_text(text, hits)
                scrubbed = True
        if scrubbed:
            revision.save(update_fields=["content"])
            changed.append(revision.number)
    if changed:
        audit_record(
            actor=None,
            action="item.history_scrub",
            obj=item,
            organisation=item.organisation,
            after={"revisions": changed},
            note="已删除的个人信息在历史版本中自动遮盖",
        )
    return changed


@transaction.atomic
def item_scan(*, item: Item, by=None) -> list[PersonalDataFinding]:
    """Check the item's title, summary, body and attachment text for personal data and sensitive words.

    Guarantees: each distinct finding is recorded once (with how often it occurs), only in
    masked form; findings no longer in the text are closed; findings an approver overrode
    stay overridden. Returns the findings still open.
    """
    item = _locked(item)
    if by is not None:
        _require_editor(by, item)
    return _scan(item)


def _mask(item: Item, findings: list[PersonalDataFinding], *, by, when: datetime) -> int:
    """Mask the given open findings in the working text as one revision; scrub old revisions too."""
    for finding in findings:
        if finding.status != PersonalDataFinding.Status.OPEN:
            raise ValidationError("这条检查结果已经处理过了。")
        if finding.location == PersonalDataFinding.Location.ATTACHMENT:
            raise ValidationError(
                "附件中的内容无法在线遮盖：请替换附件（草稿在附件栏勾选“删除”并上传处理后的文件，"
                "审核中的请先退回）后重新检查，或由分管领导说明理由后确认。"
            )
        if finding.kind == PersonalDataFinding.Kind.SENSITIVE_WORD:
            raise ValidationError("敏感词需要人工判断：请修改原文，或由分管领导说明理由后确认。")
    if item.status not in (Item.Status.DRAFT, Item.Status.IN_REVIEW, Item.Status.PUBLISHED):
        raise ValidationError(f"“{item.get_status_display()}”状态的信息不能修改。")
    working = working_copy(item)
    wanted = {(f.location, f.kind, f.value_hash) for f in findings if f.value_hash}
    # Findings recorded before fingerprints existed are found by their mask (masking too much is safe).
    wanted_legacy = {(f.location, f.kind, f.masked_value) for f in findings if not f.value_hash}
    replacements: dict[str, str] = {}
    changes = {}
    for location in TEXT_FIELDS:
        text = getattr(working, location) or ""
        hits = [
            hit
            for hit in scan(text, sensitive_words=())
            if (location, str(hit.kind), _fingerprint(hit.kind, hit.value)) in wanted
            or (location, str(hit.kind), hit.masked[:60]) in wanted_legacy
        ]
        if hits:
            changes[location] = mask_text(text, hits)
            replacements.update({hit.value: hit.masked for hit in hits})
    if not changes:
        raise ValidationError("原文中已找不到这条内容，请重新检查。")
    for field, value in changes.items():
        setattr(working, field, value)
    content = _content_of(working)
    if item.status == Item.Status.PUBLISHED:
        state = ItemRevision.State.PENDING
    else:
        item.save(update_fields=[*changes, "updated_at"])
        state = ItemRevision.State.SAVED
    # The unmasked values must not live on in the item's history either.
    for revision in item.revisions.all():
        scrubbed = False
        for field in TEXT_FIELDS:
            text = revision.content.get(field) or ""
            for value, masked in replacements.items():
                if value in text:
                    text = text.replace(value, masked)
                    scrubbed = True
            revision.content[field] = text
        if scrubbed:
            revision.save(update_fields=["content"])
    _revision_add(item, by=by, content=content, state=state, cause=ItemRevision.Cause.MASKED, at=when)
    for finding in findings:
        finding.status = PersonalDataFinding.Status.MASKED
        finding.resolved_at = when
        finding.resolved_by = by
        finding.save(update_fields=["status", "resolved_at", "resolved_by"])
        audit_record(
            actor=by,
            action="finding.mask",
            obj=item,
            organisation=item.organisation,
            after={
                "finding": finding.pk,
                "kind": finding.kind,
                "location": finding.location,
                "masked_value": finding.masked_value,
            },
        )
    _scan(item)
    return len(findings)


@transaction.atomic
def finding_mask(*, finding: PersonalDataFinding, by, at: datetime | None = None) -> PersonalDataFinding:
    """Apply the standard mask (e.g. 138****5678) to one finding wherever it occurs in the working text.

    Guarantees: the masked text is saved as a new revision by `by` (a pending one for a
    published item); the unmasked value is removed from the item's earlier revisions too;
    sensitive words and attachment text are refused (a person must decide or replace the file).
    """
    item = _locked(finding.item)
    _require_editor(by, item)
    finding = PersonalDataFinding.objects.select_for_update().get(pk=finding.pk)
    _mask(item, [finding], by=by, when=_now(at))
    finding.refresh_from_db()
    return finding


@transaction.atomic
def finding_mask_all(*, item: Item, by, at: datetime | None = None) -> int:
    """One click: mask every open, maskable finding of the item; returns how many were masked."""
    item = _locked(item)
    _require_editor(by, item)
    findings = [
        f for f in item.findings.select_for_update().filter(status=PersonalDataFinding.Status.OPEN) if f.is_maskable
    ]
    if not findings:
        raise ValidationError("没有可以一键脱敏的检查结果（敏感词和附件需要人工处理）。")
    return _mask(item, findings, by=by, when=_now(at))


@transaction.atomic
def finding_override(
    *, finding: PersonalDataFinding, by, reason: str, at: datetime | None = None
) -> PersonalDataFinding:
    """Accept a finding as fit to publish (e.g. a public penalty notice), with a recorded reason.

    Guarantees: only an approver of the item's organisation who did not write the item does
    it; the reason is required and audited; later scans leave the finding overridden.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明无需处理的理由。"})
    item = _locked(finding.item)
    _require_role(by, item, {Role.APPROVER}, "确认检查结果无需处理")
    review = _open_review(item)
    # Outside a review round, whoever edited the text since its last approval wrote it too.
    writers = review.authors if review is not None else _authors(item, item.created_by)
    if by.pk in writers:
        raise PermissionDenied("起草或修改过本信息的人不能确认其中的检查结果。")
    finding = PersonalDataFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != PersonalDataFinding.Status.OPEN:
        raise ValidationError("这条检查结果已经处理过了。")
    finding.status = PersonalDataFinding.Status.OVERRIDDEN
    finding.override_reason = reason
    finding.resolved_by = by
    finding.resolved_at = _now(at)
    finding.save(update_fields=["status", "override_reason", "resolved_by", "resolved_at"])
    audit_record(
        actor=by,
        action="finding.override",
        obj=item,
        organisation=item.organisation,
        after={"finding": finding.pk, "kind": finding.kind, "masked_value": finding.masked_value},
        note=reason,
    )
    return finding


# --- channels --------------------------------------------------------------------------------


@transaction.atomic
def channel_record(
    *,
    item: Item,
    channel: str,
    posted_on: date,
    by,
    place: str = "",
    link: str = "",
    photo=None,
) -> ItemChannel:
    """Record that a published item also went out on another channel (公示栏, 纸质, 微信…).

    Guarantees: the item is published and `by` can edit it; the website is not recorded by
    hand (publication does that); a bulletin board needs its place, WeChat/new media its
    http(s) link; the date is not in the future nor before the item was written; a photo
    passes the attachment checks for pictures (`image_check`: an image by content, within the
    size limit, no decompression bomb) and is stored re-encoded without EXIF (GPS, camera)
    under a generated name; a refused photo or a failed save leaves no file behind.
    Counting treats one item on several channels as one item.
    """
    item = _locked(item)
    _require_editor(by, item)
    if item.status != Item.Status.PUBLISHED:
        raise ValidationError("只有已发布的信息才能登记公开渠道。")
    errors = {}
    if channel == Channel.WEBSITE:
        errors["channel"] = "政府网站渠道在发布时自动登记，无需手工登记。"
    elif channel not in MANUAL_CHANNELS:
        errors["channel"] = "请选择公开渠道。"
    place = (place or "").strip()
    link = (link or "").strip()
    if channel == Channel.BULLETIN_BOARD and not place:
        errors["place"] = "公示栏请填写张贴地点（如：某某村村务公开栏）。"
    if channel == Channel.NEW_MEDIA:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = "微信等新媒体请填写以 http:// 或 https:// 开头的文章链接。"
    elif link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = "链接须以 http:// 或 https:// 开头。"
    if posted_on is None:
        errors["posted_on"] = "请填写公开日期。"
    elif posted_on > timezone.localdate():
        errors["posted_on"] = "公开日期不能晚于今天。"
    elif posted_on < item.written_on:
        errors["posted_on"] = "公开日期不能早于成文日期。"
    checked = None
    if photo:
        try:
            checked = image_check(photo)
        except ValidationError as exc:
            errors["photo"] = exc.messages
    if errors:
        raise ValidationError(errors)
    record = ItemChannel(item=item, channel=channel, posted_on=posted_on, place=place, link=link, recorded_by=by)
    try:
        if checked is not None:
            # The re-encoded picture (no GPS position or camera), under a name that says nothing.
            record.photo.save(generated_name(checked), checked.data, save=False)
        record.save()
        audit_record(
            actor=by,
            action="channel.record",
            obj=item,
            organisation=item.organisation,
            after={
                "channel": channel,
                "posted_on": posted_on.isoformat(),
                "place": place,
                "link": link,
                "photo": record.photo.name or None,
            },
        )
    except BaseException:
        if record.photo.name:
            record.photo.storage.delete(record.photo.name)
        raise
    return record
