from datetime import date

import pytest

from township_portal.lib.personal_data import (
    Finding,
    FindingKind,
    is_valid_id_number,
    luhn_ok,
    mask_text,
    outside_fixed_text,
    scan,
)

SECRECY_WORDS = ["秘密", "机密", "绝密", "内部", "内部资料"]

# The well-known sample from GB 11643-1999.
SAMPLE_ID = "11010519491231002X"

# Independent of the code under test, so a wrong shared constant cannot make both agree.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(region: str, birth: str, sequence: str) -> str:
    """An ID number with a correct check character: 6-digit region, YYYYMMDD, 3-digit sequence."""
    first17 = region + birth + sequence
    assert len(first17) == 17
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_sum_ok(digits: str) -> bool:
    doubled = [int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(digits))]
    return sum(d - 9 if d > 9 else d for d in doubled) % 10 == 0


def make_card(without_check_digit: str) -> str:
    """A card number completed with the digit that makes it pass the Luhn check."""
    return next(without_check_digit + d for d in "0123456789" if luhn_sum_ok(without_check_digit + d))


def kinds(findings: list[Finding]) -> list[FindingKind]:
    return [f.kind for f in findings]


# ID numbers (身份证号)


def test_helpers_agree_with_the_published_sample():
    assert make_id("110105", "19491231", "002") == SAMPLE_ID
    assert make_card("622202123456789") == "6222021234567894"


def test_valid_id_number_is_found_and_masked_keeping_two_characters_each_side():
    text = f"申请人身份证号：{SAMPLE_ID}，住址略。"

    assert scan(text) == [
        Finding(FindingKind.ID_NUMBER, 8, 26, SAMPLE_ID, "11**************2X"),
    ]
    assert mask_text(text, scan(text)) == "申请人身份证号：11**************2X，住址略。"


def test_id_number_with_lowercase_check_character_is_found():
    findings = scan("11010519491231002x")

    assert [(f.kind, f.masked) for f in findings] == [(FindingKind.ID_NUMBER, "11**************2x")]


def test_id_number_with_wrong_checksum_is_not_reported():
    wrong = SAMPLE_ID[:17] + "1"

    assert not is_valid_id_number(wrong)
    assert scan(f"身份证号{wrong}") == []


@pytest.mark.parametrize(
    "birth",
    [
        "19491332",  # month 13
        "19490230",  # 30 February
        "18991231",  # before 1900
        "20991231",  # in the future
    ],
)
def test_id_number_with_impossible_birth_date_is_not_reported(birth):
    number = make_id("110105", birth, "002")

    assert not is_valid_id_number(number)
    assert FindingKind.ID_NUMBER not in kinds(scan(number))


@pytest.mark.parametrize("region", ["010105", "910105"])
def test_id_number_with_region_outside_1_to_8_is_not_reported(region):
    number = make_id(region, "19800101", "123")

    assert not is_valid_id_number(number)
    assert FindingKind.ID_NUMBER not in kinds(scan(number))


def test_id_number_inside_a_longer_run_of_digits_is_not_reported():
    number = make_id("360102", "19800101", "123")
    assert number.isdigit()

    assert scan(f"流水号{number}45") == []
    assert scan(f"流水号45{number}") == []


def test_is_valid_id_number_accepts_a_checked_number_only():
    assert is_valid_id_number(SAMPLE_ID)
    assert is_valid_id_number(make_id("360102", "20000229", "518"))
    assert not is_valid_id_number(make_id("360102", "19000229", "518"))  # 1900 is no leap year
    assert not is_valid_id_number(SAMPLE_ID + "0")
    assert not is_valid_id_number(SAMPLE_ID[:17])
    assert not is_valid_id_number(f" {SAMPLE_ID}")


def test_birth_date_is_compared_with_the_given_day():
    number = make_id("360102", "20240601", "001")

    assert is_valid_id_number(number, today=date(2024, 6, 1))
    assert not is_valid_id_number(number, today=date(2024, 5, 31))


def test_id_number_wins_over_bank_card_at_the_same_place():
    number = make_id("360102", "19800101", "000")
    assert luhn_sum_ok(number)  # so it would also pass as an 18-digit card

    assert kinds(scan(number)) == [FindingKind.ID_NUMBER]


# Mobile numbers (手机号)


def test_mobile_number_in_chinese_text_is_found_and_masked():
    text = "联系电话：13812345678。"

    assert scan(text) == [Finding(FindingKind.MOBILE, 5, 16, "13812345678", "138****5678")]
    assert mask_text(text, scan(text)) == "联系电话：138****5678。"


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("13812345678", "138****5678"),
    ],
)
def test_mobile_number_with_separators_keeps_them_in_the_mask(written, masked):
    findings = scan(f"电话{written}")

    assert [(f.value, f.masked, f.start) for f in findings] == [(written, masked, 2)]


@pytest.mark.parametrize("prefix", ["+86 ", "+86", "86-", "86", "0086 "])
def test_country_prefix_is_left_out_of_the_mobile_finding(prefix):
    text = f"{prefix}13912345678"

    assert [(f.value, f.start) for f in scan(text)] == [("13912345678", len(prefix))]
    assert mask_text(text, scan(text)) == f"{prefix}139****5678"


@pytest.mark.parametrize(
    "text",
    [
        "编号138123456789",  # 12 digits
        "编号313812345678",  # a digit before
        "编号1381234567",  # 10 digits
        "编号12812345678",  # 12x is not a mobile prefix
        "138-1234-56789",  # last group too long
    ],
)
def test_number_that_is_not_a_mobile_is_not_reported(text):
    assert FindingKind.MOBILE not in kinds(scan(text))


def test_mobile_number_inside_an_html_attribute_is_found():
    html = '<p>咨询：<a href="tel:13812345678">点击拨打</a></p>'

    findings = scan(html)

    assert [(f.kind, f.value) for f in findings] == [(FindingKind.MOBILE, "13812345678")]
    assert mask_text(html, findings) == '<p>咨询：<a href="tel:138****5678">点击拨打</a></p>'


def test_full_width_digits_are_found_and_masked_in_place():
    text = "电话：１３８１２３４５６７８"

    assert mask_text(text, scan(text)) == "电话：１３８****５６７８"


# Bank card numbers (银行卡号)


def test_luhn_valid_card_number_is_found_and_masked_keeping_four_digits_each_side():
    card = make_card("622202123456789")
    text = f"补贴发放至{card}账户"

    assert scan(text) == [Finding(FindingKind.BANK_CARD, 5, 21, card, "6222********7894")]


def test_card_number_written_in_groups_of_four_keeps_the_spaces():
    text = "卡号 6222 0212 3456 7894。"

    assert [(f.kind, f.masked) for f in scan(text)] == [(FindingKind.BANK_CARD, "6222 **** **** 7894")]


def test_nineteen_digit_card_number_is_found():
    card = make_card("622848001234567890")
    assert card == "6228480012345678903"

    assert [(f.kind, f.masked) for f in scan(card)] == [(FindingKind.BANK_CARD, "6228***********8903")]


def test_card_number_failing_the_luhn_check_is_not_reported():
    assert scan("卡号6222021234567895") == []
    assert scan("卡号6222 0212 3456 7895") == []


def test_card_number_inside_a_longer_run_of_digits_is_not_reported():
    card = make_card("622202123456789")

    assert scan(f"9{card}1234") == []
    assert scan("6222 0212 3456 7894 1234") == []
    assert scan("1234 6222 0212 3456 7894") == []


def test_luhn_valid_number_starting_with_1_is_not_a_card():
    # ISO/IEC 7812 gives 0 and 1 to non-bank issuers; government body codes start with 1.
    number = make_card("113708280043326")

    assert luhn_ok(number)
    assert scan(f"编码{number}") == []


def test_luhn_ok():
    assert luhn_ok("6222021234567894")
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert not luhn_ok("")
    assert not luhn_ok("6222 0212 3456 7894")
    assert not luhn_ok("７９９２７３９８７１３")


# Sensitive words (敏感词)


def test_sensitive_words_are_found_with_offsets_and_not_masked():
    text = "本文件为内部资料，不得外传；机密。"

    findings = scan(text, sensitive_words=SECRECY_WORDS)

    assert findings == [
        Finding(FindingKind.SENSITIVE_WORD, 4, 8, "内部资料", "内部资料"),
        Finding(FindingKind.SENSITIVE_WORD, 14, 16, "机密", "机密"),
    ]
    assert mask_text(text, findings) == text


def test_blank_sensitive_words_are_ignored():
    assert scan("正文", sensitive_words=["", "  "]) == []


# Several findings and mask_text


def test_findings_are_sorted_and_mask_text_changes_nothing_else():
    text = f"经审核，{SAMPLE_ID}（联系电话138-1234-5678）的补贴已打入6222021234567894，此名单系内部资料。"

    findings = scan(text, sensitive_words=SECRECY_WORDS)

    assert kinds(findings) == [
        FindingKind.ID_NUMBER,
        FindingKind.MOBILE,
        FindingKind.BANK_CARD,
        FindingKind.SENSITIVE_WORD,
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert mask_text(text, findings) == (
        "经审核，11**************2X（联系电话138-****-5678）的补贴已打入6222********7894，此名单系内部资料。"
    )


def test_mask_text_refuses_findings_from_another_text():
    findings = scan("联系电话：13812345678。")

    with pytest.raises(ValueError):
        mask_text("另一段文字，长度也够长的。。。", findings)


# No false positives on ordinary government text


def test_organisation_code_in_an_index_number_is_not_reported():
    assert not is_valid_id_number("113708280043326001")
    assert scan("索引号：113708280043326001/2024-02411") == []


@pytest.mark.parametrize(
    "text",
    [
        "2017年主动公开信息756条",
        "上府办发〔2017〕49号",
        "索引号：113708280043326001/2024-02411",
        "成文日期：20170512，发布日期：2017-05-12",
        "办公电话：0793-8221234，邮编334000",
        "全年财政收入123456789012元",
        '<img src="/uploads/W020170512381234567890123.jpg" width="640">',
    ],
)
def test_ordinary_government_text_has_no_findings(text):
    assert scan(text, sensitive_words=SECRECY_WORDS) == []


# Fixed text (a format's own wording)


def test_a_sensitive_word_inside_a_fixed_phrase_is_skipped_and_elsewhere_found():
    text = "1.属于国家秘密 0 0\n5.属于三类\n内部事务信息 0\n部分内部资料未归档，联系13812345678。"
    findings = outside_fixed_text(
        text, scan(text, sensitive_words=SECRECY_WORDS), ["1.属于国家秘密", "5.属于三类内部事务信息"]
    )
    # The second label is spread over two lines, as a PDF's narrow cell gives it; still the label.
    assert [(f.kind, f.value) for f in findings] == [
        (FindingKind.SENSITIVE_WORD, "内部资料"),
        (FindingKind.MOBILE, "13812345678"),
    ]


def test_a_fixed_phrase_never_exempts_personal_data():
    text = "联系电话13812345678"
    assert outside_fixed_text(text, scan(text), [text]) == scan(text)


# Scale (its speed is measured by bench/, not by a timed test)


def test_a_megabyte_of_text_is_scanned_whole():
    paragraph = (
        "2017年主动公开信息756条，上府办发〔2017〕49号，索引号113708280043326001/2024-02411。"
        f"联系人电话13812345678，身份证{SAMPLE_ID}，内部资料。\n"
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)

    findings = scan(text, sensitive_words=SECRECY_WORDS)

    assert len(findings) == 3 * text.count(paragraph)
