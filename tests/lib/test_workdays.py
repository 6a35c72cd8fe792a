from datetime import date, timedelta

import pytest

from township_portal.lib.workdays import (
    CalendarFormatError,
    CalendarMissingError,
    WorkCalendar,
    YearCalendar,
    load_calendar_files,
    parse_calendar_file,
    shipped_calendar_files,
)

ONE_DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def calendar():
    return load_calendar_files(shipped_calendar_files())


def days(first, last):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def calendar_for(*years):
    paths = [p for p in shipped_calendar_files() if int(p.stem) in years]
    return load_calendar_files(paths)


# --- is_workday ---------------------------------------------------------------


def test_sunday_make_up_day_before_spring_festival_2025_is_a_working_day(calendar):
    assert date(2025, 1, 26).weekday() == 6
    assert calendar.is_workday(date(2025, 1, 26))


def test_every_day_of_spring_festival_2025_is_a_holiday(calendar):
    festival = days(date(2025, 1, 28), date(2025, 2, 4))
    assert len(festival) == 8
    assert [d for d in festival if calendar.is_workday(d)] == []


def test_ordinary_weekend_is_off_and_ordinary_weekday_is_working(calendar):
    assert not calendar.is_workday(date(2025, 3, 8))  # Saturday
    assert not calendar.is_workday(date(2025, 3, 9))  # Sunday
    assert calendar.is_workday(date(2025, 3, 10))  # Monday


# --- add_workdays -------------------------------------------------------------


def test_twenty_working_days_after_2025_09_26_is_2025_10_30(calendar):
    # Start Fri 26 Sep is not counted. Sat 27 off; Sun 28 make-up = 1; Mon 29 = 2;
    # Tue 30 = 3; Oct 1-8 off (国庆中秋); Thu 9 = 4; Fri 10 = 5; Sat 11 make-up = 6;
    # Sun 12 off; Oct 13-17 = 7..11; Oct 20-24 = 12..16; Mon 27 .. Thu 30 = 17..20.
    assert calendar.add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)


def test_zero_working_days_returns_the_start_date(calendar):
    assert calendar.add_workdays(date(2025, 2, 1), 0) == date(2025, 2, 1)


def test_counting_starts_the_day_after_start(calendar):
    # Mon 2025-03-10 is a working day itself, but the first counted day is Tue 11.
    assert calendar.add_workdays(date(2025, 3, 10), 1) == date(2025, 3, 11)
    # Friday: the next working day skips the weekend.
    assert calendar.add_workdays(date(2025, 3, 14), 1) == date(2025, 3, 17)


def test_request_received_before_spring_festival_skips_the_whole_holiday(calendar):
    # Mon 27 Jan 2025; Jan 28 - Feb 4 are off, so the first working day is Wed 5 Feb.
    assert calendar.add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5)


def test_adding_working_days_across_new_year_uses_both_years():
    # Fri 2024-12-27: Mon 30 = 1, Tue 31 = 2, 2025-01-01 元旦 off, Thu 2 Jan = 3.
    both = calendar_for(2024, 2025)
    assert both.add_workdays(date(2024, 12, 27), 3) == date(2025, 1, 2)

    only_2024 = calendar_for(2024)
    assert only_2024.add_workdays(date(2024, 12, 27), 2) == date(2024, 12, 31)
    with pytest.raises(CalendarMissingError, match="2025"):
        only_2024.add_workdays(date(2024, 12, 27), 3)


def test_negative_working_days_are_rejected(calendar):
    with pytest.raises(ValueError):
        calendar.add_workdays(date(2025, 3, 10), -1)


# --- missing years ------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        lambda c: c.is_workday(date(2027, 1, 4)),
        lambda c: c.add_workdays(date(2026, 12, 25), 10),
        lambda c: c.workdays_between(date(2026, 12, 1), date(2027, 1, 10)),
        lambda c: c.is_workday(date(2023, 12, 29)),
    ],
)
def test_a_year_without_data_raises_instead_of_guessing(calendar, question):
    with pytest.raises(CalendarMissingError) as excinfo:
        question(calendar)
    assert str(excinfo.value.year) in str(excinfo.value)
    assert excinfo.value.year in (2023, 2027)
    assert "节假日安排" in str(excinfo.value)


def test_missing_calendar_error_is_a_lookup_error(calendar):
    with pytest.raises(LookupError, match="没有加载 2027 年的节假日安排"):
        calendar.is_workday(date(2027, 6, 1))


# --- workdays_between ---------------------------------------------------------


def test_workdays_between_excludes_start_and_includes_end(calendar):
    assert calendar.workdays_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert calendar.workdays_between(date(2025, 3, 10), date(2025, 3, 11)) == 1
    assert calendar.workdays_between(date(2025, 3, 10), date(2025, 3, 10)) == 0


def test_workdays_between_is_negative_when_end_is_earlier(calendar):
    assert calendar.workdays_between(date(2025, 10, 30), date(2025, 9, 26)) == -20


def test_workdays_between_agrees_with_add_workdays(calendar):
    start = date(2024, 1, 1)
    checked = 0
    while start <= date(2026, 10, 31):
        for n in (0, 1, 2, 5, 15, 20, 25):
            end = calendar.add_workdays(start, n)
            assert calendar.workdays_between(start, end) == n, (start, n)
            if n:
                # The n-th working day is itself a working day and is the earliest such day.
                assert calendar.is_workday(end), (start, n)
                assert calendar.workdays_between(start, end - ONE_DAY) == n - 1, (
                    start,
                    n,
                )
            checked += 1
        start += ONE_DAY
    assert checked > 7000


# --- shipped data -------------------------------------------------------------


def test_shipped_files_are_one_per_year():
    assert [p.name for p in shipped_calendar_files()] == [
        "2024.txt",
        "2025.txt",
        "2026.txt",
    ]


@pytest.mark.parametrize(
    "notice",
    ["国办发明电〔2023〕7号", "国办发明电〔2024〕12号", "国办发明电〔2025〕7号"],
)
def test_each_shipped_file_names_its_state_council_notice(notice):
    headers = [p.read_text(encoding="utf-8").splitlines()[0] for p in shipped_calendar_files()]
    assert any(notice in line for line in headers)


@pytest.mark.parametrize(
    ("year", "working_days"),
    # Make-up days only move rest days, so the total is days - weekend days - statutory
    # holidays: 2024 has 366 - 104 - 11 = 251; from 2025 the statutory holidays are 13
    # (国务院令第798号), so 2025 and 2026 both have 365 - 104 - 13 = 248.
    [(2024, 251), (2025, 248), (2026, 248)],
)
def test_each_year_has_the_official_number_of_working_days(calendar, year, working_days):
    year_days = days(date(year, 1, 1), date(year, 12, 31))
    assert sum(calendar.is_workday(d) for d in year_days) == working_days


@pytest.mark.parametrize(
    ("year", "make_up_days"),
    [
        (
            2024,
            ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
        ),
        (2025, ["01-26", "02-08", "04-27", "09-28", "10-11"]),
        (2026, ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]),
    ],
)
def test_shipped_make_up_working_days_match_the_notice(year, make_up_days):
    (path,) = [p for p in shipped_calendar_files() if p.stem == str(year)]
    parsed = parse_calendar_file(path.read_text(encoding="utf-8"))
    assert parsed.year == year
    assert sorted(parsed.workdays) == [date.fromisoformat(f"{year}-{md}") for md in make_up_days]


@pytest.mark.parametrize(
    ("year", "holiday_count", "spot_checks"),
    [
        (
            2024,
            28,
            ["01-01", "02-10", "02-17", "04-06", "05-05", "06-10", "09-17", "10-07"],
        ),
        (
            2025,
            28,
            ["01-01", "01-28", "02-04", "04-04", "05-05", "05-31", "06-02", "10-08"],
        ),
        (
            2026,
            33,
            ["01-03", "02-15", "02-23", "04-06", "05-05", "06-19", "09-25", "10-07"],
        ),
    ],
)
def test_shipped_holidays_match_the_notice(year, holiday_count, spot_checks):
    (path,) = [p for p in shipped_calendar_files() if p.stem == str(year)]
    parsed = parse_calendar_file(path.read_text(encoding="utf-8"))
    assert len(parsed.holidays) == holiday_count
    for md in spot_checks:
        assert date.fromisoformat(f"{year}-{md}") in parsed.holidays


# --- parsing ------------------------------------------------------------------

EXAMPLE = """\
# 2025 国务院办公厅关于2025年部分节假日安排的通知

year 2025
holiday 2025-01-01 元旦
holiday 2025-01-28..2025-02-04 春节
workday 2025-01-26 春节调休上班
"""


def test_example_file_parses_with_ranges_expanded():
    parsed = parse_calendar_file(EXAMPLE)
    assert parsed.year == 2025
    assert parsed.holidays[date(2025, 1, 1)] == "元旦"
    assert parsed.holidays[date(2025, 2, 4)] == "春节"
    assert len(parsed.holidays) == 1 + 8
    assert parsed.workdays == {date(2025, 1, 26): "春节调休上班"}


@pytest.mark.parametrize(
    ("text", "lineno", "problem"),
    [
        ("year 2025\nholiday 2025-02-30 x", 2, "no such day"),
        ("year 2025\nholiday 2025/01/01 元旦", 2, "bad date"),
        (
            "year 2025\n\nholiday 2025-01-01 元旦\nholiday 2024-12-31 x",
            4,
            "outside the declared year",
        ),
        (
            "year 2025\nholiday 2025-12-31..2026-01-01 元旦",
            2,
            "outside the declared year",
        ),
        (
            "year 2025\nholiday 2025-01-25..2025-01-26 x\nworkday 2025-01-26 y",
            3,
            "both as holiday and workday",
        ),
        (
            "year 2025\nholiday 2025-01-01 a\n# c\nholiday 2025-01-01 b",
            4,
            "listed twice",
        ),
        (
            "year 2025\nholiday 2025-01-28..2025-02-04 a\nholiday 2025-02-03 b",
            3,
            "listed twice",
        ),
        ("year 2025\nholiday 2025-01-01 元旦\nworkday 2025-01-27 x", 3, "is a weekday"),
        ("# no year\nholiday 2025-01-01 元旦", 2, "before the 'year' line"),
        ("# only a comment\n\n", 2, "no 'year YYYY' line"),
        ("year 2025\nyear 2026", 2, "second 'year' line"),
        ("year twenty", 1, "expected 'year YYYY'"),
        (
            "year 2025\nholiday 2025-01-01 元旦\nvacation 2025-01-02 x",
            3,
            "unknown keyword",
        ),
        ("year 2025\nholiday 2025-01-01", 2, "NAME"),
        ("year 2025\nholiday 2025-02-04..2025-01-28 春节", 2, "ends before it starts"),
        ("# header\nyear 2025\nworkday 2025-01-26 x", 2, "lists no holidays"),
    ],
)
def test_each_format_error_names_its_line(text, lineno, problem):
    with pytest.raises(CalendarFormatError) as excinfo:
        parse_calendar_file(text)
    assert excinfo.value.lineno == lineno
    assert problem in str(excinfo.value)
    assert f"line {lineno}:" in str(excinfo.value)


def test_format_error_names_the_file_when_given():
    with pytest.raises(CalendarFormatError, match=r"^2025\.txt, line 2: "):
        parse_calendar_file("year 2025\nholiday 2025-02-30 x", source="2025.txt")


def test_file_named_for_another_year_is_rejected(tmp_path):
    path = tmp_path / "2026.txt"
    path.write_text("year 2025\nholiday 2025-01-01 元旦\n", encoding="utf-8")
    with pytest.raises(ValueError, match="2026.txt declares year 2025"):
        load_calendar_files([path])


# --- building from plain dates ------------------------------------------------


def test_calendar_from_plain_days_answers_like_the_parsed_one(calendar):
    parsed = [parse_calendar_file(p.read_text(encoding="utf-8")) for p in shipped_calendar_files()]
    from_rows = WorkCalendar.from_days(
        years={c.year for c in parsed},
        holidays=[d for c in parsed for d in c.holidays],
        workdays=[d for c in parsed for d in c.workdays],
    )
    for day in days(date(2024, 1, 1), date(2026, 12, 31)):
        assert from_rows.is_workday(day) == calendar.is_workday(day), day


def test_calendar_from_plain_days_rejects_a_date_outside_its_years():
    with pytest.raises(ValueError, match="2026-01-01"):
        WorkCalendar.from_days({2025}, [date(2025, 1, 1), date(2026, 1, 1)], [])


def test_calendar_rejects_a_weekday_make_up_day_and_an_empty_year():
    with pytest.raises(ValueError, match="make-up workdays on weekdays: 2025-01-27"):
        WorkCalendar.from_days({2025}, [date(2025, 1, 1)], [date(2025, 1, 27)])
    with pytest.raises(ValueError, match="no holidays for 2025"):
        WorkCalendar([YearCalendar(year=2025)])
