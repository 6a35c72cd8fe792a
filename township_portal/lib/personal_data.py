"""Find personal data and secrecy markers (个人信息与涉密标识) in text before it is published.

National guidance requires personal information to be de-identified before publication, and
lists of subsidy recipients have repeatedly leaked full ID numbers. Before an item is approved,
its title, body and attachment text go through `scan()`; a reviewer sees the findings and
`mask_text()` applies the standard masks.

What is found:

- 身份证号: 18 characters (GB 11643-1999), 17 digits and a check character (digit or X),
  with a correct checksum, a region code starting 1-8 and a real birth date between
  1900-01-01 and today.
- 手机号: 11 digits starting 13-19, optionally written 138-1234-5678 or 138 1234 5678 and
  optionally preceded by +86, 0086 or 86. The finding covers the number only, not the country
  prefix, which is not personal.
- 银行卡号: 16-19 digits, contiguous or in groups of four separated by a space or hyphen, passing
  the Luhn check, not a valid ID number, and not starting with 0 or 1 (ISO/IEC 7812 gives those
  to non-bank issuers; the 18-digit codes of government bodies start with 1).
- 敏感词: each word of the given list, as a plain case-sensitive substring.

A number is never picked out of a longer run of digits, so a 20-digit serial number is not split
into an ID number. Full-width digits (１３８…) count as digits, since they are published too.

HTML is scanned as plain text: numbers inside attributes (href="tel:13812345678") are found
because they are published; a number split by tags (1381234<b>5678</b>) is not.

Masks keep the layout of the original text: only digits are replaced by `*`, each by one `*`,
so separators and the length stay as they were and offsets of other findings stay valid.

- 手机号 keeps the first 3 and last 4 digits: 13812345678 -> 138****5678,
  138-1234-5678 -> 138-****-5678.
- 身份证号 keeps the first 2 and last 2 characters: 11010519491231002X -> 11**************2X.
- 银行卡号 keeps the first 4 and last 4 digits: 6222021234567890 -> 6222********7890,
  6222 0212 3456 7890 -> 6222 **** **** 7890.
- 敏感词 are not masked (`masked == value`): whether 内部 marks a secret or is part of 内部控制
  is for a person to decide, so `mask_text()` leaves them alone.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class FindingKind(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"
    SENSITIVE_WORD = "sensitive_word"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_maskable(self) -> bool:
        return self is not FindingKind.SENSITIVE_WORD


_LABELS = {
    FindingKind.ID_NUMBER: "身份证号",
    FindingKind.MOBILE: "手机号",
    FindingKind.BANK_CARD: "银行卡号",
    FindingKind.SENSITIVE_WORD: "敏感词",
}

# How many digits each mask leaves visible at the start and at the end.
_VISIBLE_DIGITS = {
    FindingKind.ID_NUMBER: (2, 2),
    FindingKind.MOBILE: (3, 4),
    FindingKind.BANK_CARD: (4, 4),
}

# When two findings overlap, the lower rank wins (an ID number over a bank card at the same place).
_RANK = {
    FindingKind.ID_NUMBER: 0,
    FindingKind.BANK_CARD: 1,
    FindingKind.MOBILE: 2,
    FindingKind.SENSITIVE_WORD: 3,
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    start: int
    end: int
    value: str
    masked: str


# Full-width forms map one character to one character, so offsets into the normalised text are
# offsets into the original text.
_FULL_WIDTH = "０１２３４５６７８９Ｘｘ＋－"
_NORMALISE = str.maketrans(_FULL_WIDTH, "0123456789Xx+-")
_FULL_WIDTH_RE = re.compile(f"[{_FULL_WIDTH}]")

_ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?(?P<number>1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})(?![0-9])")
_BANK_CARD_RE = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{16,19}(?![0-9])"
    r"|(?<![0-9][ -])[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?(?![ -]?[0-9])"
    r")"
)
_NON_DIGITS_RE = re.compile(r"[^0-9]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def is_valid_id_number(s: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident ID number with a valid checksum, region and birth date."""
    s = s.translate(_NORMALISE)
    if len(s) != 18 or not _ID_RE.fullmatch(s):
        return False
    return _id_is_plausible(s, today or date.today())


def _id_is_plausible(s: str, today: date) -> bool:
    if not "1" <= s[0] <= "8":
        return False
    try:
        birth_date = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if not _EARLIEST_BIRTH_DATE <= birth_date <= today:
        return False
    return id_check_char(s[:17]) == s[17].upper()


def luhn_ok(digits: str) -> bool:
    """True if a string of ASCII digits (no separators) passes the Luhn check."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def scan(text: str, *, sensitive_words: Iterable[str] = ()) -> list[Finding]:
    """All findings in `text`, sorted by start, none overlapping another."""
    # Translating a megabyte costs more than all the searches, and is rarely needed.
    normalised = text.translate(_NORMALISE) if _FULL_WIDTH_RE.search(text) else text
    today = date.today()
    candidates = [
        *_find_id_numbers(text, normalised, today),
        *_find_bank_cards(text, normalised, today),
        *_find_mobiles(text, normalised),
        *_find_sensitive_words(text, sensitive_words),
    ]
    return _drop_overlaps(candidates)


def outside_fixed_text(text: str, findings: Iterable[Finding], phrases: Iterable[str]) -> list[Finding]:
    """`findings` without the sensitive words that lie inside one of `phrases` in `text`.

    A phrase is wording a format prescribes (the annual report's row 属于国家秘密): the word in it
    is the format's, not the author's. It matches however its characters are spread over lines
    and spaces, as text extracted from a PDF's table cells is. Personal data is never exempted.
    """
    findings = list(findings)
    unique = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not unique or not any(f.kind == FindingKind.SENSITIVE_WORD for f in findings):
        return findings
    pattern = re.compile("|".join(r"\s*".join(re.escape(ch) for ch in phrase if not ch.isspace()) for phrase in unique))
    spans = [match.span() for match in pattern.finditer(text)]
    return [
        f
        for f in findings
        if f.kind != FindingKind.SENSITIVE_WORD or not any(start <= f.start and f.end <= end for start, end in spans)
    ]


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every maskable finding replaced by its mask; everything else unchanged.

    Raises ValueError if a finding does not match `text` (findings from another text) or
    if two maskable findings overlap.
    """
    maskable = sorted((f for f in findings if f.kind.is_maskable), key=lambda f: f.start)
    pieces = []
    position = 0
    for finding in maskable:
        if text[finding.start : finding.end] != finding.value:
            raise ValueError(f"finding at {finding.start}-{finding.end} does not match the text")
        if finding.start < position:
            raise ValueError(f"finding at {finding.start}-{finding.end} overlaps another")
        pieces.append(text[position : finding.start])
        pieces.append(finding.masked)
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def _find_id_numbers(text: str, normalised: str, today: date) -> Iterable[Finding]:
    for match in _ID_RE.finditer(normalised):
        if _id_is_plausible(match[0], today):
            yield _finding(FindingKind.ID_NUMBER, text, normalised, *match.span())


def _find_bank_cards(text: str, normalised: str, today: date) -> Iterable[Finding]:
    for match in _BANK_CARD_RE.finditer(normalised):
        digits = _NON_DIGITS_RE.sub("", match[0])
        if digits[0] in "01" or not luhn_ok(digits):
            continue
        if len(digits) == 18 and _id_is_plausible(digits, today):
            continue
        yield _finding(FindingKind.BANK_CARD, text, normalised, *match.span())


def _find_mobiles(text: str, normalised: str) -> Iterable[Finding]:
    for match in _MOBILE_RE.finditer(normalised):
        yield _finding(FindingKind.MOBILE, text, normalised, *match.span("number"))


def _find_sensitive_words(text: str, words: Iterable[str]) -> Iterable[Finding]:
    # Longest first, so the alternation prefers 内部资料 over 内部 at the same place.
    unique = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not unique:
        return
    pattern = re.compile("|".join(re.escape(w) for w in unique))
    for match in pattern.finditer(text):
        value = match[0]
        yield Finding(FindingKind.SENSITIVE_WORD, match.start(), match.end(), value, value)


def _finding(kind: FindingKind, text: str, normalised: str, start: int, end: int) -> Finding:
    """A finding whose mask stars every digit except those its kind keeps visible."""
    keep_first, keep_last = _VISIBLE_DIGITS[kind]
    value = text[start:end]
    plain = normalised[start:end]
    if plain.isalnum():  # no separators: every character is a digit (or an ID's X)
        hidden = len(value) - keep_first - keep_last
        masked = value[:keep_first] + "*" * hidden + value[keep_first + hidden :]
    else:
        digit_positions = [i for i, c in enumerate(plain) if c.isalnum()]
        hidden_positions = set(digit_positions[keep_first : len(digit_positions) - keep_last])
        masked = "".join("*" if i in hidden_positions else c for i, c in enumerate(value))
    return Finding(kind, start, end, value, masked)


def _drop_overlaps(candidates: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for candidate in sorted(candidates, key=lambda f: f.start):
        if kept and candidate.start < kept[-1].end:
            if _strength(candidate) > _strength(kept[-1]):
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept


def _strength(finding: Finding) -> tuple[int, int]:
    """Of two overlapping findings the stronger is kept: better rank first, then longer."""
    return (-_RANK[finding.kind], finding.end - finding.start)
