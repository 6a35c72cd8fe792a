"""Checks on what an applicant writes, shared by the public form, the admin and the services.

Every check raises `ValidationError` with a Chinese message that says what to change.
"""

import re

from django.core.exceptions import ValidationError

from applications.models import ApplicantKind, IdType
from township_portal.lib.orgcode import is_valid_uscc
from township_portal.lib.personal_data import is_valid_id_number

# Markup has no business in an application: refusing it keeps letters, the admin and the
# status page free of anything a browser or a PDF renderer might run.
_MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript:|&#", re.IGNORECASE)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
_POSTCODE_RE = re.compile(r"^[0-9]{6}$")
_PASSPORT_RE = re.compile(r"^[A-Za-z0-9\-]{5,20}$")

TEXT_FIELDS = [
    "applicant_name",
    "id_number",
    "legal_representative",
    "contact_person",
    "work_unit",
    "phone",
    "address",
    "postcode",
    "email",
    "description",
    "document_title",
    "document_number",
    "other_features",
]


def check_plain_text(value: str, label: str) -> str:
    if _MARKUP_RE.search(value or ""):
        raise ValidationError(f"“{label}”中不能包含网页标记或脚本（如 < > 符号），请用文字描述。", code="markup")
    if _CONTROL_RE.search(value or ""):
        raise ValidationError(f"“{label}”中含有不可见的控制字符，请删除后重新填写。", code="control")
    return (value or "").strip()


def check_id_number(*, applicant_kind: str, id_type: str, id_number: str) -> str:
    """Normalise and check an identity document number against its type and the applicant kind."""
    number = (id_number or "").strip().replace(" ", "").upper()
    if not number:
        raise ValidationError("请填写证件号码。", code="required")
    natural = applicant_kind == ApplicantKind.NATURAL
    if natural and id_type == IdType.USCC:
        raise ValidationError("自然人请选择居民身份证等个人证件。", code="id_type")
    if not natural and id_type != IdType.USCC:
        raise ValidationError("法人或其他组织请填写统一社会信用代码。", code="id_type")
    if id_type == IdType.RESIDENT_ID and not is_valid_id_number(number):
        raise ValidationError(
            "身份证号码不正确：应为 18 位，最后一位是校验码（数字或 X），请逐位核对。", code="id_checksum"
        )
    if id_type == IdType.USCC and not is_valid_uscc(number):
        raise ValidationError("统一社会信用代码不正确：应为 18 位，最后一位是校验码，请逐位核对。", code="uscc")
    if id_type not in (IdType.RESIDENT_ID, IdType.USCC) and not _PASSPORT_RE.match(number):
        raise ValidationError("证件号码只能包含字母、数字和连字符，长度 5 到 20 位。", code="id_format")
    return number


def check_phone(value: str) -> str:
    value = (value or "").strip()
    if not _PHONE_RE.match(value):
        raise ValidationError("联系电话格式不正确，请填写手机号或带区号的固定电话。", code="phone")
    return value


def check_postcode(value: str) -> str:
    value = (value or "").strip()
    if value and not _POSTCODE_RE.match(value):
        raise ValidationError("邮政编码应为 6 位数字。", code="postcode")
    return value
