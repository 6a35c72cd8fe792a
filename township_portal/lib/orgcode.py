"""Chinese organisation codes: 统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997)."""

import re

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ORG_RE = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """An 18-character unified social credit code with a correct check character."""
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def org_code_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_valid_org_code(code: str) -> bool:
    """A 9-character organisation code, with or without the hyphen before the check character."""
    if not _ORG_RE.match(code):
        return False
    body = code.replace("-", "")
    return org_code_check_char(body[:8]) == body[8]


def is_valid_organisation_code(code: str) -> bool:
    return is_valid_uscc(code) or is_valid_org_code(code)
