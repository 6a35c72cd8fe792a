"""Working-day calendar (工作日历) for statutory deadlines.

The Regulation on Government Information Disclosure counts deadlines in working days,
and which days are working days is decided each year by the State Council's holiday
notice, including make-up working days (调休上班) on weekends. That schedule is data,
so it lives in one small text file per year that an administrator can write:

    # 2025 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
    year 2025
    holiday 2025-01-01 元旦
    holiday 2025-01-28..2025-02-04 春节
    workday 2025-01-26 春节调休上班

Rules: `#` starts a comment line (whole lines only, so a name may contain `#`); blank
lines are ignored; `year` comes once, before any entry; every entry has a date or an
inclusive range `start..end` and a name; a `workday` must be a Saturday or Sunday,
because a weekday is a working day already.

A question about a year with no loaded schedule raises `CalendarMissingError` rather
than assuming Monday to Friday: a wrong deadline is worse than a loud failure.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

CALENDAR_DIR = Path(__file__).resolve().parent / "calendar_data"

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarFormatError(ValueError):
    """A calendar file is malformed; `lineno` is 1-based."""

    def __init__(self, lineno: int, problem: str, source: str | None = None):
        self.lineno = lineno
        self.problem = problem
        self.source = source
        where = f"{source}, line {lineno}" if source else f"line {lineno}"
        super().__init__(f"{where}: {problem}")


class CalendarMissingError(LookupError):
    def __init__(self, year: int, loaded: Iterable[int] = ()):
        self.year = year
        loaded_text = ", ".join(str(y) for y in sorted(loaded)) or "none"
        super().__init__(
            f"没有加载 {year} 年的节假日安排 (no working-day calendar loaded for {year}; loaded years: {loaded_text})"
        )


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)


def _date_list(days: Iterable[date]) -> str:
    return ", ".join(str(d) for d in sorted(days))


def _parse_date(text: str, lineno: int) -> date:
    if not _DATE_RE.fullmatch(text):
        raise CalendarFormatError(lineno, f"bad date {text!r}, expected YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarFormatError(lineno, f"bad date {text!r}, no such day") from None


def _parse_days(spec: str, lineno: int) -> list[date]:
    first_text, sep, last_text = spec.partition("..")
    first = _parse_date(first_text, lineno)
    last = _parse_date(last_text, lineno) if sep else first
    if last < first:
        raise CalendarFormatError(lineno, f"range {spec} ends before it starts")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def parse_calendar_file(text: str, source: str | None = None) -> YearCalendar:
    """Parse one year's schedule; raise CalendarFormatError at the first bad line.

    `source` (usually the file name) only decorates error messages.
    """
    try:
        return _parse_lines(text)
    except CalendarFormatError as exc:
        if source is None:
            raise
        raise CalendarFormatError(exc.lineno, exc.problem, source) from None


def _parse_lines(text: str) -> YearCalendar:
    year = None
    year_lineno = 0
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    seen_on_line: dict[date, int] = {}
    lineno = 0

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, *rest = line.split(maxsplit=2)

        if keyword == "year":
            if year is not None:
                raise CalendarFormatError(
                    lineno,
                    f"second 'year' line (year already given on line {year_lineno})",
                )
            if len(rest) != 1 or not re.fullmatch(r"\d{4}", rest[0]):
                raise CalendarFormatError(lineno, "expected 'year YYYY'")
            year, year_lineno = int(rest[0]), lineno
            continue

        if keyword not in ("holiday", "workday"):
            raise CalendarFormatError(
                lineno,
                f"unknown keyword {keyword!r}, expected year, holiday or workday",
            )
        if year is None:
            raise CalendarFormatError(lineno, f"{keyword} before the 'year' line")
        if len(rest) != 2:
            raise CalendarFormatError(lineno, f"expected '{keyword} DATE[..DATE] NAME'")
        spec, name = rest
        days = _parse_days(spec, lineno)

        target = holidays if keyword == "holiday" else workdays
        for day in days:
            if day.year != year:
                raise CalendarFormatError(lineno, f"{day} is outside the declared year {year}")
            if keyword == "workday" and day.weekday() < _SATURDAY:
                raise CalendarFormatError(
                    lineno,
                    f"workday {day} is a weekday; make-up workdays fall on Saturday or Sunday",
                )
            if day in seen_on_line:
                first_line = seen_on_line[day]
                if day in target:
                    problem = f"{day} is listed twice (first on line {first_line})"
                else:
                    problem = f"{day} is listed both as holiday and workday (line {first_line})"
                raise CalendarFormatError(lineno, problem)
            seen_on_line[day] = lineno
            target[day] = name

    if year is None:
        raise CalendarFormatError(max(lineno, 1), "no 'year YYYY' line in the file")
    if not holidays:
        # Every real schedule has 元旦; an empty year is almost surely a forgotten file,
        # and loading it would silently count every weekday as working.
        raise CalendarFormatError(year_lineno, f"year {year} lists no holidays")
    return YearCalendar(year=year, holidays=holidays, workdays=workdays)


class WorkCalendar:
    """Answers working-day questions for the years it was built with, and no others."""

    def __init__(self, calendars: Iterable[YearCalendar], *, weekends_only: Iterable[int] = ()):
        """``weekends_only``: years without a loaded schedule, asked for on purpose, counted with weekends
        only (for a provisional deadline; never for a final one)."""
        calendars = list(calendars)
        years = [c.year for c in calendars]
        if len(set(years)) != len(years):
            raise ValueError(f"a year is given more than once: {sorted(years)}")
        # Same rules as the file parser, so a calendar built in code cannot be looser.
        holidays = {d for c in calendars for d in c.holidays}
        workdays = {d for c in calendars for d in c.workdays}
        for c in calendars:
            if stray := [d for d in [*c.holidays, *c.workdays] if d.year != c.year]:
                raise ValueError(f"dates outside {c.year}: {_date_list(stray)}")
            if not c.holidays:
                raise ValueError(f"no holidays for {c.year}; refusing to count it")
        if both := holidays & workdays:
            raise ValueError(f"both holiday and workday: {_date_list(both)}")
        if weekdays := [d for d in workdays if d.weekday() < _SATURDAY]:
            raise ValueError(f"make-up workdays on weekdays: {_date_list(weekdays)}")
        self._years = frozenset(years) | frozenset(weekends_only)
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)

    @classmethod
    def from_days(
        cls, years: Iterable[int], holidays: Iterable[date], workdays: Iterable[date], *, weekends_only=()
    ) -> "WorkCalendar":
        """Build from plain dates, e.g. rows the Django side keeps in the database.

        Every date must fall in one of `years`; names are not needed to count days.
        ``weekends_only`` adds years without a schedule (see ``__init__``).
        """
        years, holidays, workdays = set(years), set(holidays), set(workdays)
        if stray := [d for d in holidays | workdays if d.year not in years]:
            raise ValueError(f"dates outside {sorted(years)}: {_date_list(stray)}")
        return cls(
            (
                YearCalendar(
                    year=year,
                    holidays={d: "" for d in holidays if d.year == year},
                    workdays={d: "" for d in workdays if d.year == year},
                )
                for year in years
            ),
            weekends_only=set(weekends_only) - years,
        )

    @property
    def years(self) -> frozenset[int]:
        return self._years

    def is_workday(self, day: date) -> bool:
        if day.year not in self._years:
            raise CalendarMissingError(day.year, self._years)
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < _SATURDAY

    def add_workdays(self, start: date, n: int) -> date:
        """Return the n-th working day after `start`.

        Counting begins the day after `start` (Art. 33 practice), so `start` itself
        never counts and its year need not be loaded; n=0 returns `start`.
        """
        if n < 0:
            raise ValueError(f"n must be zero or positive, got {n}")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Count working days in (start, end]: start excluded, end included.

        Signed: 0 when end == start, and -workdays_between(end, start) when end is
        earlier, so a positive result for (deadline, today) means days overdue.
        Consistent with add_workdays: workdays_between(s, add_workdays(s, n)) == n.
        """
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            count += self.is_workday(day)
        return count


def shipped_calendar_files() -> list[Path]:
    """The year files shipped with the code, oldest first."""
    return sorted(CALENDAR_DIR.glob("*.txt"))


def load_calendar_files(paths: Iterable[Path]) -> WorkCalendar:
    """Parse year files into one calendar; each file must be named after its year."""
    calendars = []
    for path in paths:
        calendar = parse_calendar_file(path.read_text(encoding="utf-8"), source=path.name)
        if path.stem != str(calendar.year):
            # A copied 2025.txt still saying `year 2025` would otherwise hide a missing 2026.
            raise ValueError(f"{path.name} declares year {calendar.year}")
        calendars.append(calendar)
    return WorkCalendar(calendars)
