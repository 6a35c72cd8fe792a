"""Checks shared by the public form, the staff form and the services (so a forged POST is refused too)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

# Mainland mobile numbers, or landlines with an area code (0797-8661001, 07978661001).
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#|javascript:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SUBJECT_MAX = 100
NAME_MAX = 40


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\u3000]", "", value or "").translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))


def validate_phone(value: str) -> None:
    if not _PHONE.fullmatch(normalise_phone(value)):
        raise ValidationError("请填写正确的联系电话：11位手机号，或带区号的固定电话（如 0797-8661001）。", code="phone")


def validate_plain_text(value: str) -> None:
    if _MARKUP.search(value or ""):
        raise ValidationError("请不要输入网页代码或尖括号标记（如 <script>），请用文字描述。", code="markup")
    if _CONTROL.search(value or ""):
        raise ValidationError("内容中有无法显示的控制字符，请删除后再提交。", code="control")


def validate_body_size(value: str) -> None:
    limit = settings.MAILBOX_MAX_CHARS
    if len(value or "") > limit:
        raise ValidationError(f"留言内容最多{limit}个字，您输入了{len(value)}个字，请精简后再提交。", code="too_long")


def check_message_fields(*, subject: str, body: str, writer_name: str, writer_phone: str) -> None:
    """Raise one ValidationError naming every bad field (the services' last line of defence)."""
    errors: dict[str, list] = {}
    for field, value, limit in (("subject", subject, SUBJECT_MAX), ("writer_name", writer_name, NAME_MAX)):
        if not (value or "").strip():
            errors.setdefault(field, []).append(ValidationError("此项必填。"))
        elif len(value) > limit:
            errors.setdefault(field, []).append(ValidationError(f"最多{limit}个字。"))
    if not (body or "").strip():
        errors.setdefault("body", []).append(ValidationError("请填写留言内容。"))
    for field, value in (("subject", subject), ("body", body), ("writer_name", writer_name)):
        for check in (validate_plain_text, validate_body_size):
            try:
                check(value)
            except ValidationError as exc:
                errors.setdefault(field, []).append(exc)
    try:
        validate_phone(writer_phone)
    except ValidationError as exc:
        errors.setdefault("writer_phone", []).append(exc)
    if errors:
        raise ValidationError(errors)
