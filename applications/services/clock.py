"""The Regulation's clock for one application: a pure function of its receipt date and events.

    clock = compute_clock(received_on=date(2025, 1, 24), events=[...], calendar=work_calendar())
    clock.due_on        # the last day to answer, or None while the clock stands still
    clock.steps         # how it was computed, one line per event that moved it

Rules (working days from the catalog calendar, counting from the day after):
- Art. 33: the answer is due 20 working days after receipt.
- Art. 30: one correction notice (补正), sent within 7 working days of receipt, gives the applicant
  a period; the clock stands still meanwhile and *restarts* (20 fresh days) from the day the
  corrected application arrives. No correction by the period's end: 其他处理（一）.
- Art. 32: while a third party is consulted (up to 15 working days for its reply) the days do
  not count: from the day after the letter to the day of the reply, or to the 15th working day
  when no reply comes. While the reply is awaited the due date assumes the whole 15 days.
- Art. 33: one extension of at most 20 working days.
- Art. 42: while a fee notice is unpaid (the applicant has 20 working days) the clock stands
  still and resumes the day after payment; no payment in time: 其他处理（二）.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from township_portal.lib.workdays import WorkCalendar

ANSWER_DAYS = 20  # Art. 33
CORRECTION_NOTICE_DAYS = 7  # Art. 30
THIRD_PARTY_DAYS = 15  # Art. 32
MAX_EXTENSION_DAYS = 20  # Art. 33
FEE_PAYMENT_DAYS = 20  # Art. 42, 国办函〔2020〕109号
DUE_SOON_DAYS = 5  # the staff home's warning

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ClockEvent:
    """One event as the clock sees it: a kind (EventKind value), its day, and its numbers."""

    kind: str
    on: date
    days: int = 0  # extension: how many working days
    until: date | None = None  # correction: the day by which the applicant must correct


@dataclass(frozen=True)
class ClockStep:
    on: date
    text: str


@dataclass
class Clock:
    received_on: date
    due_on: date | None  # None while stopped (waiting for a correction or a fee)
    steps: list[ClockStep] = field(default_factory=list)
    correction_notice_by: date | None = None  # the last day a 补正 notice may go out
    stopped: str = ""  # "correction" or "fee" while the clock stands still
    pause_until: date | None = None  # while stopped: the applicant's last day
    consulting: bool = False
    extended: bool = False
    budget: int = ANSWER_DAYS
    # A year the count runs through has no holiday notice loaded: counted with weekends only
    # (never later than the real date) until `load_calendar` brings the year and recomputes it.
    provisional: bool = False

    def days_left(self, today: date, calendar: WorkCalendar) -> int | None:
        """Working days from today to the due date (negative: overdue), or None while stopped."""
        if self.due_on is None:
            return None
        return calendar.workdays_between(today, self.due_on)


def compute_clock(*, received_on: date, events: list[ClockEvent], calendar: WorkCalendar) -> Clock:
    """The due date and how it was computed; raises CalendarMissingError if a needed year is missing."""
    events = sorted(events, key=lambda e: e.on)
    start = received_on
    extension = 0
    pauses: list[tuple[date, date]] = []  # working days in (first, last] do not count
    clock = Clock(received_on=received_on, due_on=None)
    clock.correction_notice_by = calendar.add_workdays(received_on, CORRECTION_NOTICE_DAYS)
    steps = [ClockStep(received_on, f"收到申请，自次日起计算 {ANSWER_DAYS} 个工作日")]
    open_pause: tuple[str, date] | None = None  # ("correction"|"fee"|"third_party", since)

    for event in events:
        if event.kind == "correction_sent":
            until = event.until or calendar.add_workdays(event.on, 15)
            open_pause = ("correction", event.on)
            clock.pause_until = until
            steps.append(ClockStep(event.on, f"发出补正通知，暂停计时，申请人应于 {_cn(until)} 前补正"))
        elif event.kind == "correction_received":
            # Art. 30: the 20 days run again from the day the corrected application arrives.
            start, pauses, open_pause = event.on, [], None
            clock.pause_until = None
            steps.append(ClockStep(event.on, f"收到补正，自次日起重新计算 {ANSWER_DAYS} 个工作日"))
        elif event.kind == "third_party_sent":
            open_pause = ("third_party", event.on)
            steps.append(
                ClockStep(event.on, f"书面征求第三方意见，第三方答复期间（最长 {THIRD_PARTY_DAYS} 个工作日）不计算在内")
            )
        elif event.kind == "third_party_replied" and open_pause and open_pause[0] == "third_party":
            limit = calendar.add_workdays(open_pause[1], THIRD_PARTY_DAYS)
            end = min(event.on, limit)
            pauses.append((open_pause[1], end))
            days = calendar.workdays_between(open_pause[1], end)
            steps.append(ClockStep(event.on, f"第三方答复，征求意见用时 {days} 个工作日，不计算在内"))
            open_pause = None
        elif event.kind == "extended":
            extension = event.days
            clock.extended = True
            steps.append(ClockStep(event.on, f"经批准延长答复期限 {event.days} 个工作日"))
        elif event.kind == "fee_notice":
            until = calendar.add_workdays(event.on, FEE_PAYMENT_DAYS)
            open_pause = ("fee", event.on)
            clock.pause_until = until
            steps.append(ClockStep(event.on, f"发出收费通知，暂停计时，申请人应于 {_cn(until)} 前缴费"))
        elif event.kind == "fee_paid" and open_pause and open_pause[0] == "fee":
            pauses.append((open_pause[1], event.on))
            days = calendar.workdays_between(open_pause[1], event.on)
            steps.append(ClockStep(event.on, f"申请人缴费，恢复计时（暂停 {days} 个工作日）"))
            clock.pause_until = None
            open_pause = None

    budget = clock.budget = ANSWER_DAYS + extension
    if open_pause and open_pause[0] in ("correction", "fee"):
        clock.stopped = open_pause[0]
        clock.steps = steps
        return clock
    if open_pause:  # third party not yet replied: assume the whole period
        pauses.append((open_pause[1], calendar.add_workdays(open_pause[1], THIRD_PARTY_DAYS)))
        clock.consulting = True
    clock.due_on = _count(start, budget, pauses, calendar)
    steps.append(ClockStep(clock.due_on, f"答复期限：{_cn(clock.due_on)}（共 {budget} 个工作日）"))
    clock.steps = steps
    return clock


def _count(start: date, budget: int, pauses: list[tuple[date, date]], calendar: WorkCalendar) -> date:
    """The day on which `budget` counting working days after `start` are used up."""
    day = start
    left = budget
    while left:
        day += _ONE_DAY
        if calendar.is_workday(day) and not any(first < day <= last for first, last in pauses):
            left -= 1
    return day


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
