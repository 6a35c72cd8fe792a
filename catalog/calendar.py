"""Working days from the database: the one place other apps ask for deadlines.

    from catalog.calendar import due_date, work_calendar

    calendar = work_calendar()              # two queries; reuse it for a whole page or batch
    calendar.add_workdays(received_on, 20)  # township_portal.lib.workdays.WorkCalendar
    due_date(obligation, formed_on, calendar=calendar)

A year that has no loaded holiday notice raises `CalendarMissingError` (from the lib):
a wrong statutory deadline is worse than a loud failure.
"""

import calendar as gregorian
from datetime import date

from catalog.models import CalendarDay, HolidayCalendarYear, Obligation
from township_portal.lib.workdays import CalendarMissingError, WorkCalendar

__all__ = ["CalendarMissingError", "DEFAULT_WORKING_DAYS", "due_date", "period_end", "work_calendar"]

# Art. 26 of the Regulation: proactive disclosure within 20 working days of formation or change.
DEFAULT_WORKING_DAYS = 20


def work_calendar() -> WorkCalendar:
    """The calendar of every year loaded in the database (two queries)."""
    years = list(HolidayCalendarYear.objects.values_list("year", flat=True))
    holidays, workdays = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).append(day)
    return WorkCalendar.from_days(years, holidays, workdays)


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
