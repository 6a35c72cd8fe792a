"""Intake: online applications, applications registered by staff, confirmation (Art. 29, 31)."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import (
    ApplicantKind,
    Application,
    Channel,
    DeliveryMeans,
    EventKind,
    FormWanted,
    IdType,
)
from applications.services.common import (
    DRAFTERS,
    add_event,
    audit,
    event_day,
    locked,
    moment,
    require_role,
    require_status,
    save_changed,
)
from applications.validation import TEXT_FIELDS, check_id_number, check_phone, check_plain_text, check_postcode
from catalog.models import Organisation
from disclosure.attachments import CheckedFile
from township_portal.lib.files import atomic_with_files, save_file

# 31 characters nobody confuses when reading a code aloud (no 0/O, 1/I/L); 8 of them ≈ 8.5 × 10¹¹.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

REQUIRED = {
    "applicant_kind": "申请人类型",
    "applicant_name": "申请人姓名或名称",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "联系电话",
    "address": "通信地址",
    "description": "所需信息的内容描述",
    "form_wanted": "获取信息的载体形式",
    "delivery_wanted": "获取信息的方式",
}
CHOICES = {
    "applicant_kind": ApplicantKind,
    "id_type": IdType,
    "form_wanted": FormWanted,
    "delivery_wanted": DeliveryMeans,
}
OPTIONAL_DEFAULTS = {
    "legal_representative": "",
    "contact_person": "",
    "work_unit": "",
    "postcode": "",
    "email": "",
    "document_title": "",
    "document_number": "",
    "other_features": "",
    "needs_help": False,
}


class DuplicateSubmission(Exception):
    """The form with this token was already sent: the first application is `application`."""

    def __init__(self, application: Application):
        self.application = application
        super().__init__(application.number)


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def query_code_matches(application: Application | None, code: str) -> bool:
    """Whether `code` opens `application`; as slow for an unknown number as for a wrong code."""
    if application is None:
        check_password(normalise_code(code), _DUMMY_HASH())
        return False
    return check_password(normalise_code(code), application.query_code_hash)


def _DUMMY_HASH() -> str:
    global _dummy
    if _dummy is None:
        _dummy = make_password(new_query_code())
    return _dummy


_dummy: str | None = None


def clean_details(details: dict) -> dict:
    """The applicant's details, checked and normalised; ValidationError (per field) if anything is wrong."""
    errors: dict[str, list[str]] = {}
    cleaned = {**OPTIONAL_DEFAULTS, **{k: v for k, v in details.items() if k in OPTIONAL_DEFAULTS or k in REQUIRED}}
    for name in TEXT_FIELDS:
        if name in cleaned:
            try:
                cleaned[name] = check_plain_text(
                    str(cleaned[name] or ""), str(Application._meta.get_field(name).verbose_name)
                )
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    for name, label in REQUIRED.items():
        if not str(cleaned.get(name) or "").strip() and name not in errors:
            errors.setdefault(name, []).append(f"请填写“{label}”。")
    for name, choices in CHOICES.items():
        if cleaned.get(name) and cleaned[name] not in choices.values:
            errors.setdefault(name, []).append("请从列表中选择。")
    for name in TEXT_FIELDS:
        limit = Application._meta.get_field(name).max_length
        value = cleaned.get(name) or ""
        if limit and len(value) > limit:
            errors.setdefault(name, []).append(f"最多 {limit} 个字，现在是 {len(value)} 个字，请精简。")
    if not errors.get("id_number") and not errors.get("applicant_kind") and not errors.get("id_type"):
        try:
            cleaned["id_number"] = check_id_number(
                applicant_kind=cleaned["applicant_kind"], id_type=cleaned["id_type"], id_number=cleaned["id_number"]
            )
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
    for name, check in (("phone", check_phone), ("postcode", check_postcode)):
        if not errors.get(name):
            try:
                cleaned[name] = check(cleaned.get(name, ""))
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.messages)
    organisation = cleaned.get("applicant_kind") not in ("", None, ApplicantKind.NATURAL)
    if organisation and not cleaned.get("contact_person") and "contact_person" not in errors:
        errors.setdefault("contact_person", []).append("法人或其他组织请填写联系人。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _allocate_number(organisation: Organisation, year: int) -> str:
    # Serialise numbering per organisation: lock its row, then count this year's applications.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    prefix = f"{organisation.slug.upper()[:12]}-{year}-"
    taken = Application.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _store_scan(application: Application, id_scan: CheckedFile | None) -> None:
    if id_scan is None:
        return
    id_scan.data.seek(0)
    application.id_scan = save_file(
        storage=default_storage,
        name=f"applications/id/{uuid.uuid4().hex}{id_scan.kind.extensions[0]}",
        content=id_scan.data,
    )
    application.id_scan_name = id_scan.original_name


def application_submit(
    *,
    organisation: Organisation,
    details: dict,
    token: uuid.UUID,
    id_scan: CheckedFile | None = None,
    at: datetime | None = None,
) -> tuple[Application, str]:
    """File an online application; returns it and its 查询码 (shown once, stored only hashed).

    Guarantees: the details pass `clean_details`; the same form token never makes a second
    application (`DuplicateSubmission` names the first); the application waits for staff to
    confirm it, which is its day of receipt (Art. 31); the scan is stored privately; nothing is
    written if anything fails.
    """
    if organisation.kind == Organisation.Kind.OFFICE or not organisation.is_active:
        raise ValidationError("该机构不受理政府信息公开申请。")
    cleaned = clean_details(details)
    existing = Application.objects.filter(submission_token=token).first()
    if existing is not None:
        raise DuplicateSubmission(existing)
    when = at or timezone.now()
    code = new_query_code()
    try:
        with atomic_with_files():
            application = Application(
                organisation=organisation,
                number=_allocate_number(organisation, timezone.localdate(when).year),
                query_code_hash=make_password(code),
                submission_token=token,
                channel=Channel.ONLINE,
                status=Application.Status.SUBMITTED,
                submitted_at=when,
                **cleaned,
            )
            _store_scan(application, id_scan)
            application.save()
            add_event(application, kind=EventKind.SUBMITTED, on=timezone.localdate(when), by=None)
            audit(None, "application.submit", application, after={"number": application.number, "channel": "online"})
    except IntegrityError:
        # Two clicks raced past the check above; the first one's row stands.
        existing = Application.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None
    return application, code


def application_register(
    *,
    organisation: Organisation,
    by,
    channel: str,
    received_on: date,
    details: dict,
    id_scan: CheckedFile | None = None,
    at: datetime | None = None,
) -> tuple[Application, str]:
    """Register an application that came by letter, fax, e-mail, in person or orally (Art. 29, 31).

    Guarantees: only the organisation's 信息员 or 机构管理员 register; `received_on` (the day it
    was handed in or signed for) is not in the future; the clock starts at once.
    """
    require_role(by, Application(organisation=organisation), DRAFTERS, "登记政府信息公开申请")
    if channel not in Channel.values or channel in (Channel.ONLINE, Channel.HANDOVER):
        raise ValidationError({"channel": "请选择信函、传真、电子邮件、当面提交或口头申请。"})
    cleaned = clean_details(details)
    when = moment(at)
    if received_on > timezone.localdate(when):
        raise ValidationError({"received_on": "收到日期不能晚于今天。"})
    code = new_query_code()
    with atomic_with_files():
        application = Application(
            organisation=organisation,
            number=_allocate_number(organisation, received_on.year),
            query_code_hash=make_password(code),
            channel=channel,
            status=Application.Status.OPEN,
            submitted_at=when,
            received_on=received_on,
            registered_by=by,
            **cleaned,
        )
        _store_scan(application, id_scan)
        application.save()
        add_event(application, kind=EventKind.RECEIVED, on=received_on, by=by, note=Channel(channel).label)
        save_changed(application)
        audit(by, "application.register", application, after={"number": application.number, "channel": channel})
    return application, code


@transaction.atomic
def application_confirm(*, application: Application, by, received_on: date | None = None, version: int | None = None):
    """Confirm an online application: the day of confirmation is its day of receipt (Art. 31)."""
    application = locked(application, version)
    require_role(by, application, DRAFTERS, "确认网上申请")
    require_status(application, Application.Status.SUBMITTED, doing="确认收到")
    day = event_day(received_on, application, after=timezone.localdate(application.submitted_at))
    application.status = Application.Status.OPEN
    application.received_on = day
    add_event(application, kind=EventKind.RECEIVED, on=day, by=by, note="网上申请经确认")
    save_changed(application, "status", "received_on")
    audit(by, "application.confirm", application, after={"received_on": day.isoformat()})
    return application


@transaction.atomic
def application_void(*, application: Application, by, reason: str, version: int | None = None):
    """Set aside an online submission that is not an application (a test, spam, a duplicate); kept, not deleted."""
    application = locked(application, version)
    require_role(by, application, DRAFTERS, "作废网上提交")
    require_status(application, Application.Status.SUBMITTED, doing="作废")
    reason = check_plain_text(reason, "作废原因")
    if not reason:
        raise ValidationError({"reason": "请写明作废原因。"})
    application.status = Application.Status.VOID
    application.void_reason = reason[:200]
    add_event(application, kind=EventKind.VOIDED, on=timezone.localdate(), by=by, note=reason[:200])
    save_changed(application, "status", "void_reason", refresh_clock=False)
    audit(by, "application.void", application, note=reason[:200])
    return application
