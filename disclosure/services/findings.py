"""Personal data and secrecy findings: scan, mask, override."""

import logging
import unicodedata
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.services import audit_record
from catalog.models import Role
from disclosure.fixed_text import fixed_text_of
from disclosure.models import (
    Item,
    ItemRevision,
    PersonalDataFinding,
)
from disclosure.models.revisions import TEXT_FIELDS
from disclosure.services.permissions import _authors, _open_review, _require_editor, _require_role
from disclosure.services.revisions import _locked, _now, _revision_add, content_of, working_copy
from township_portal.lib.personal_data import FindingKind, mask_text, outside_fixed_text, scan

logger = logging.getLogger(__name__)


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


def _found(targets, *, item: Item) -> dict[tuple, list]:
    """(location, attachment, kind, fingerprint) -> [masked value, occurrences] of every hit in the targets.

    Sensitive words inside the item's fixed text (`disclosure.fixed_text`) are not hits.
    """
    found: dict[tuple, list] = {}
    fixed = None  # asked for only when a sensitive word turns up
    for location, attachment_id, text in targets:
        findings = scan(text, sensitive_words=settings.SENSITIVE_WORDS)
        if any(f.kind == FindingKind.SENSITIVE_WORD for f in findings):
            fixed = fixed_text_of(item) if fixed is None else fixed
            findings = outside_fixed_text(text, findings, fixed)
        for finding in findings:
            key = (location, attachment_id, str(finding.kind), _fingerprint(finding.kind, finding.value))
            found.setdefault(key, [finding.masked[:60], 0])[1] += 1
    return found


def new_item_findings(item: Item) -> list[PersonalDataFinding]:
    """The findings ``_scan`` records for a new item that has no attachment and no finding yet, unsaved.

    For bulk imports, which write them with one ``bulk_create``; all of them are open.
    """
    targets = [(location, None, getattr(item, location) or "") for location in TEXT_FIELDS]
    return [
        PersonalDataFinding(
            item=item,
            location=location,
            attachment_id=attachment_id,
            kind=kind,
            masked_value=masked,
            value_hash=value_hash,
            occurrences=count,
        )
        for (location, attachment_id, kind, value_hash), (masked, count) in _found(targets, item=item).items()
    ]


def _scan(item: Item) -> list[PersonalDataFinding]:
    """Scan the working text and attachments; record new findings, close vanished ones; return the open ones.

    Findings are matched on the value's fingerprint, never on its mask alone: an override of
    13812345678 does not let 13899995678 (also 138****5678) through. A finding recorded before
    fingerprints existed (empty `value_hash`) is never taken as an override, since nobody can
    tell which number its approver saw; an open one is adopted by the same masked value.
    Sensitive words inside the item's fixed text (`disclosure.fixed_text`) are not findings.
    """
    found = _found(_scan_targets(item), item=item)
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
    content = content_of(working)
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
