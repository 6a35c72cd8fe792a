"""Messages in: written on the portal, or recorded by staff from the phone line and letters."""

import secrets
from datetime import date, datetime, time

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from catalog.models import Organisation
from mailbox.models import Message
from mailbox.services.deadlines import reply_due, warning_from
from mailbox.services.permissions import can_handle, require
from mailbox.validators import check_message_fields, normalise_phone

# 32 letters and digits without 0/O, 1/I/L: ten of them are 50 bits, read aloud over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_DUMMY_HASH = None


def new_access_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _next_number(year: int) -> str:
    last = Message.objects.filter(number__startswith=str(year)).aggregate(last=Max("number"))["last"]
    serial = int(last[4:]) + 1 if last else 1
    return f"{year}{serial:06d}"


def _create(*, fields: dict, organisation: Organisation, received_at: datetime) -> tuple[Message, str]:
    """Insert with the next free number; a concurrent insert taking it is retried with the next one."""
    code = new_access_code()
    received_on = timezone.localdate(received_at)
    due_on = reply_due(received_on)
    for attempt in range(5):
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    organisation=organisation,
                    number=_next_number(received_on.year),
                    access_code_hash=make_password(normalise_code(code)),
                    received_at=received_at,
                    received_on=received_on,
                    due_on=due_on,
                    warn_on=warning_from(due_on),
                    **fields,
                )
            return message, code
        except IntegrityError:
            token = fields.get("submission_token")
            if token and Message.objects.filter(submission_token=token).exists():
                raise
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _clean(*, subject: str, body: str, writer_name: str, writer_phone: str) -> dict:
    check_message_fields(subject=subject, body=body, writer_name=writer_name, writer_phone=writer_phone)
    return {
        "subject": subject.strip(),
        "body": body.strip(),
        "writer_name": writer_name.strip(),
        "writer_phone": normalise_phone(writer_phone),
    }


def _check_receiver(organisation: Organisation) -> None:
    if (
        organisation.kind not in (Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT)
        or not organisation.is_active
    ):
        raise ValidationError("该机构不受理留言。")


def message_submit(
    *,
    organisation: Organisation,
    kind: str,
    subject: str,
    body: str,
    writer_name: str,
    writer_phone: str,
    writer_email: str = "",
    may_publish: bool = False,
    token: str,
) -> tuple[Message, str | None]:
    """A resident's message from the portal: (message, 查询码), or (the existing message, None) for a replay.

    The submission token is unique in the database, so a POST sent twice (double click,
    reload, a flaky network) creates one message however the requests interleave.
    """
    _check_receiver(organisation)
    if kind not in Message.Kind.values:
        raise ValidationError({"kind": "请选择留言类型。"})
    existing = Message.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, None
    fields = _clean(subject=subject, body=body, writer_name=writer_name, writer_phone=writer_phone)
    try:
        with transaction.atomic():
            message, code = _create(
                organisation=organisation,
                received_at=timezone.now(),
                fields={
                    **fields,
                    "kind": kind,
                    "channel": Message.Channel.WEB,
                    "writer_email": writer_email.strip(),
                    "may_publish": may_publish,
                    "submission_token": token,
                },
            )
            audit_record(actor=None, action="mailbox.submit", obj=message, organisation=organisation)
    except IntegrityError:
        existing = Message.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, None
    return message, code


def message_record(
    *,
    organisation: Organisation,
    by,
    channel: str,
    received_on: date,
    kind: str,
    subject: str,
    body: str,
    writer_name: str,
    writer_phone: str,
    writer_email: str = "",
    may_publish: bool = False,
) -> tuple[Message, str]:
    """A call to the supervision line or a letter, recorded by the township's staff with its channel and date."""
    probe = Message(organisation=organisation)
    require(can_handle(by, probe), "您只能为本机构登记留言。")
    _check_receiver(organisation)
    if channel not in (Message.Channel.PHONE, Message.Channel.LETTER):
        raise ValidationError({"channel": "请选择来电或来信。"})
    if kind not in Message.Kind.values:
        raise ValidationError({"kind": "请选择留言类型。"})
    today = timezone.localdate()
    if received_on > today:
        raise ValidationError({"received_on": "收到日期不能晚于今天。"})
    fields = _clean(subject=subject, body=body, writer_name=writer_name, writer_phone=writer_phone)
    received_at = (
        timezone.now() if received_on == today else timezone.make_aware(datetime.combine(received_on, time(9)))
    )
    with transaction.atomic():
        message, code = _create(
            organisation=organisation,
            received_at=received_at,
            fields={
                **fields,
                "kind": kind,
                "channel": channel,
                "writer_email": writer_email.strip(),
                "may_publish": may_publish,
                "recorded_by": by,
            },
        )
        audit_record(
            actor=by, action="mailbox.record", obj=message, organisation=organisation, after={"channel": channel}
        )
    return message, code


def message_lookup(*, number: str, code: str) -> Message | None:
    """The message with this number and 查询码, or None; an unknown number costs the same as a wrong code."""
    global _DUMMY_HASH
    message = Message.objects.select_related("organisation", "office").filter(number=(number or "").strip()).first()
    if message is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = make_password(new_access_code())
        check_password(normalise_code(code), _DUMMY_HASH)
        return None
    return message if check_password(normalise_code(code), message.access_code_hash) else None
