"""Reply limits in working days, the two-day warning and the inspection's three-month line."""

import calendar as gregorian
from datetime import date, timedelta

from django.conf import settings

from catalog.calendar import CalendarMissingError, work_calendar
from township_portal.lib.workdays import WorkCalendar

WARNING_WORKDAYS = 2


def _weekdays_after(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def reply_due(received_on: date, *, calendar: WorkCalendar | None = None) -> date:
    """MAILBOX_REPLY_WORKDAYS working days after receipt, counting from the next day.

    A resident's message is never refused because next year's holiday notice is not loaded
    yet: then the days are counted Monday to Friday (the deadline can only move later
    once the notice is loaded and `message_recompute_due` is run by an administrator).
    """
    days = settings.MAILBOX_REPLY_WORKDAYS
    try:
        return (calendar or work_calendar()).add_workdays(received_on, days)
    except CalendarMissingError:
        return _weekdays_after(received_on, days)


def _workday(calendar: WorkCalendar | None, day: date) -> bool:
    try:
        return calendar.is_workday(day) if calendar is not None else day.weekday() < 5
    except CalendarMissingError:
        return day.weekday() < 5


def warning_from(due_on: date, *, calendar: WorkCalendar | None = None) -> date:
    """The first day with at most WARNING_WORKDAYS working days left until `due_on` (counting as add_workdays does)."""
    if calendar is None:
        try:
            calendar = work_calendar()
        except CalendarMissingError:
            calendar = None
    day, left = due_on, 0
    while True:
        # Working days in (day - 1, due_on] are those in (day, due_on] plus `day` itself.
        before = left + _workday(calendar, day)
        if before > WARNING_WORKDAYS:
            return day
        day, left = day - timedelta(days=1), before


def three_months_before(day: date) -> date:
    """The same day three calendar months earlier (the last day of a shorter month)."""
    year, month = (day.year, day.month - 3) if day.month > 3 else (day.year - 1, day.month + 9)
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def alarm_line(today: date) -> date:
    """Open messages received before this day are unanswered for more than three months (检查单项否决)."""
    return three_months_before(today)
