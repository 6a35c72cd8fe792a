"""Working days from the database: the one place other apps ask for deadlines.

    from catalog.calendar import due_date, work_calendar

    calendar = work_calendar()              # two queries; reuse it for a whole page or batch
    calendar.add_workdays(received_on, 20)  # township_portal.lib.workdays.WorkCalendar
    due_date(obligation, formed_on, calendar=calendar)

A year that has no loaded holiday notice raises `CalendarMissingError` (from the lib):
a wrong statutory deadline is worse than a loud failure.
"""

import calendar as gregorian
from collections.abc import Callable, Iterable
from datetime import date

from catalog.models import CalendarDay, HolidayCalendarYear, Obligation
from township_portal.lib.panels import Panel
from township_portal.lib.workdays import CalendarMissingError, WorkCalendar

__all__ = [
    "CalendarMissingError",
    "DEFAULT_WORKING_DAYS",
    "calendar_year_loaded",
    "due_date",
    "due_date_or_provisional",
    "on_calendar_year_loaded",
    "period_end",
    "work_calendar",
]

# Art. 26 of the Regulation: proactive disclosure within 20 working days of formation or change.
DEFAULT_WORKING_DAYS = 20


def work_calendar(*, weekends_only: Iterable[int] = ()) -> WorkCalendar:
    """The calendar of every year loaded in the database (two queries).

    ``weekends_only`` adds years that are not loaded, counted with weekends only: for a
    provisional deadline, never for a final one.
    """
    years = set(HolidayCalendarYear.objects.values_list("year", flat=True))
    holidays, workdays = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).append(day)
    return WorkCalendar.from_days(years, holidays, workdays, weekends_only=set(weekends_only) - years)


def period_end(day: date, period: str) -> date:
    """Last day of the month, quarter or year that contains `day`."""
    if period == Obligation.Period.MONTHLY:
        last_month = day.month
    elif period == Obligation.Period.QUARTERLY:
        last_month = (day.month - 1) // 3 * 3 + 3
    elif period == Obligation.Period.YEARLY:
        last_month = 12
    else:
        raise ValueError(f"unknown period {period!r}")
    return date(day.year, last_month, gregorian.monthrange(day.year, last_month)[1])


def due_date(obligation: Obligation | None, formed_on: date, *, calendar: WorkCalendar | None = None) -> date | None:
    """The last day on which information formed (or changed) on `formed_on` may be published.

    - working days (工作日): `time_limit_days` working days after `formed_on`, counting from the next day;
    - real time (实时公开): the day it is formed;
    - periodic (定期公开, e.g. a monthly 低保 list): the period containing `formed_on` is reported after it
      closes, so the deadline is `time_limit_days` working days (20 when not set, Art. 26) after the
      period's last day — a March list formed on 10 March is due 20 working days after 31 March;
    - no obligation: the Regulation's default of 20 working days;
    - an obligation disclosed only on application (依申请公开) has no proactive deadline: None.

    Raises CalendarMissingError when a year the count runs through is not loaded.
    """
    if obligation is not None and obligation.mode == Obligation.Mode.ON_REQUEST:
        return None
    kind = obligation.time_limit_kind if obligation is not None else Obligation.TimeLimitKind.WORKING_DAYS
    if kind == Obligation.TimeLimitKind.REAL_TIME:
        return formed_on
    calendar = calendar or work_calendar()
    days = (obligation.time_limit_days if obligation is not None else None) or DEFAULT_WORKING_DAYS
    if kind == Obligation.TimeLimitKind.PERIODIC:
        return calendar.add_workdays(period_end(formed_on, obligation.period), days)
    return calendar.add_workdays(formed_on, days)


def due_date_or_provisional(obligation: Obligation | None, formed_on: date) -> tuple[date | None, bool]:
    """(due date, provisional): the real deadline, or, while a year it runs through has no loaded
    holiday notice, one counted with weekends only, marked provisional until `load_calendar`
    recomputes it. A provisional date can only be earlier than the real one (holidays add days)."""
    try:
        return due_date(obligation, formed_on), False
    except CalendarMissingError:
        calendar = work_calendar(weekends_only=range(formed_on.year - 1, formed_on.year + 3))
        return due_date(obligation, formed_on, calendar=calendar), True


# --- After a year is loaded ------------------------------------------------------------------
# Apps above the catalog (disclosure's provisional due dates) register what to recompute.
_year_loaded: list[Callable[..., str]] = []


def on_calendar_year_loaded(listener: Callable[..., str]) -> Callable[..., str]:
    """Register ``listener(year=...) -> str`` (a line saying what it did), called by `load_calendar`."""
    if listener not in _year_loaded:
        _year_loaded.append(listener)
    return listener


def calendar_year_loaded(*, year: int) -> list[str]:
    """Tell every registered app that ``year`` was loaded or replaced; returns what they did."""
    return [line for listener in _year_loaded if (line := listener(year=year))]


# --- The warning before a year without a calendar ----------------------------------------------
WARN_FROM_MONTH = 10  # the State Council usually publishes next year's notice in October or November


def calendar_year_panels(*, user, today: date) -> list[Panel]:
    """Staff home and county board: warn from 1 October while next year's holiday notice is not loaded
    (and any time the current year's is missing): deadlines in it are then provisional. One query."""
    if not getattr(user, "is_staff", False):
        return []
    wanted = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    loaded = set(HolidayCalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    missing = [year for year in wanted if year not in loaded]
    if not missing:
        return []
    years = "、".join(f"{year} 年" for year in missing)
    return [
        Panel(
            title="节假日安排",
            warning=(
                f"{years}的国务院节假日安排尚未载入：形成于该年的信息，应公开日期暂按周末推算并标注“暂定”。"
                "请系统管理员在通知发布后运行 manage.py load_calendar 载入，暂定日期会自动重算。"
            ),
            empty=f"待载入：{years}节假日安排。",
        )
    ]
