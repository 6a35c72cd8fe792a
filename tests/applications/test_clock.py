"""The Regulation's clock on the shipped 2025 calendar (loaded by catalog's migration).

2025: 元旦 01-01; 春节 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 working; 清明 04-04..04-06;
劳动节 05-01..05-05 off, Sunday 04-27 working; 端午 05-31..06-02; 国庆/中秋 10-01..10-08 off,
Sunday 09-28 and Saturday 10-11 working. Counting starts the day after.
"""

from datetime import date

import pytest

from applications.services.clock import ClockEvent, compute_clock
from catalog.calendar import work_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return work_calendar()


def test_receipt_just_before_spring_festival(calendar):
    clock = compute_clock(received_on=date(2025, 1, 24), events=[], calendar=calendar)
    # Fri 01-24 received. 1 Sun 01-26 (make-up day), 2 Mon 01-27; 01-28..02-04 春节;
    # 3 02-05, 4 02-06, 5 02-07, 6 Sat 02-08 (make-up day), 7-11 02-10..02-14,
    # 12-16 02-17..02-21, 17 02-24, 18 02-25, 19 02-26, 20 Thu 02-27.
    assert clock.due_on == date(2025, 2, 27)
    # 补正 within 7 working days: 1 01-26, 2 01-27, 3 02-05, 4 02-06, 5 02-07, 6 02-08, 7 Mon 02-10.
    assert clock.correction_notice_by == date(2025, 2, 10)
    assert [step.on for step in clock.steps] == [date(2025, 1, 24), date(2025, 2, 27)]


def test_correction_stops_the_clock_and_restarts_it_from_the_corrected_application(calendar):
    sent = ClockEvent(kind="correction_sent", on=date(2025, 3, 5), until=date(2025, 3, 19))
    waiting = compute_clock(received_on=date(2025, 3, 3), events=[sent], calendar=calendar)
    assert waiting.due_on is None
    assert waiting.stopped == "correction"
    assert waiting.pause_until == date(2025, 3, 19)

    received = ClockEvent(kind="correction_received", on=date(2025, 3, 17))
    clock = compute_clock(received_on=date(2025, 3, 3), events=[sent, received], calendar=calendar)
    # 20 fresh days from Mon 03-17: 1-4 03-18..03-21, 5-9 03-24..03-28, 10 03-31, 11-13 04-01..04-03;
    # 04-04..04-06 清明; 14-18 04-07..04-11, 19 04-14, 20 Tue 04-15.
    assert clock.due_on == date(2025, 4, 15)
    assert not clock.stopped


def test_third_party_consultation_days_do_not_count(calendar):
    received = date(2025, 6, 9)
    plain = compute_clock(received_on=received, events=[], calendar=calendar)
    # 1-4 06-10..06-13, 5-9 06-16..06-20, 10-14 06-23..06-27, 15 06-30, 16-19 07-01..07-04, 20 Mon 07-07.
    assert plain.due_on == date(2025, 7, 7)

    sent = ClockEvent(kind="third_party_sent", on=date(2025, 6, 13))
    pending = compute_clock(received_on=received, events=[sent], calendar=calendar)
    # While the reply is awaited the whole 15 working days are assumed: 07-07 plus 15 working days:
    # 1-4 07-08..07-11, 5-9 07-14..07-18, 10-14 07-21..07-25, 15 Mon 07-28.
    assert pending.due_on == date(2025, 7, 28)
    assert pending.consulting

    replied = ClockEvent(kind="third_party_replied", on=date(2025, 6, 24))
    clock = compute_clock(received_on=received, events=[sent, replied], calendar=calendar)
    # Paused (06-13, 06-24]: 7 working days (06-16..06-20, 06-23, 06-24). Counted: 1-4 06-10..06-13,
    # 5-7 06-25..06-27, 8 06-30, 9-12 07-01..07-04, 13-17 07-07..07-11, 18-20 07-14..07-16 → Wed 07-16.
    assert clock.due_on == date(2025, 7, 16)
    assert "7 个工作日" in clock.steps[2].text


def test_a_late_reply_pauses_only_fifteen_working_days(calendar):
    sent = ClockEvent(kind="third_party_sent", on=date(2025, 6, 13))
    replied = ClockEvent(kind="third_party_replied", on=date(2025, 7, 11))
    clock = compute_clock(received_on=date(2025, 6, 9), events=[sent, replied], calendar=calendar)
    # The pause ends on the 15th working day after 06-13 (Fri 07-04), not on the reply: as pending, 07-28.
    assert clock.due_on == date(2025, 7, 28)


def test_extension_adds_at_most_twenty_working_days_across_national_day(calendar):
    received = date(2025, 9, 15)
    plain = compute_clock(received_on=received, events=[], calendar=calendar)
    # 1-4 09-16..09-19, 5-9 09-22..09-26, 10 Sun 09-28 (make-up), 11 09-29, 12 09-30; 10-01..10-08 off;
    # 13 10-09, 14 10-10, 15 Sat 10-11 (make-up), 16-20 10-13..10-17 → Fri 10-17.
    assert plain.due_on == date(2025, 10, 17)
    extended = ClockEvent(kind="extended", on=date(2025, 10, 10), days=20)
    clock = compute_clock(received_on=received, events=[extended], calendar=calendar)
    # 20 more: 1-5 10-20..10-24, 6-10 10-27..10-31, 11-15 11-03..11-07, 16-20 11-10..11-14 → Fri 11-14.
    assert clock.due_on == date(2025, 11, 14)
    assert clock.extended and clock.budget == 40


def test_fee_notice_stops_the_clock_until_payment(calendar):
    received = date(2025, 4, 21)
    plain = compute_clock(received_on=received, events=[], calendar=calendar)
    # 1-4 04-22..04-25, 5 Sun 04-27 (make-up), 6-8 04-28..04-30; 05-01..05-05 off;
    # 9-12 05-06..05-09, 13-17 05-12..05-16, 18-20 05-19..05-21 → Wed 05-21.
    assert plain.due_on == date(2025, 5, 21)

    notice = ClockEvent(kind="fee_notice", on=date(2025, 4, 25))
    waiting = compute_clock(received_on=received, events=[notice], calendar=calendar)
    # The applicant has 20 working days: 1 04-27, 2-4 04-28..04-30, 5-8 05-06..05-09,
    # 9-13 05-12..05-16, 14-18 05-19..05-23, 19 05-26, 20 Tue 05-27.
    assert waiting.due_on is None and waiting.stopped == "fee"
    assert waiting.pause_until == date(2025, 5, 27)

    paid = ClockEvent(kind="fee_paid", on=date(2025, 5, 7))
    clock = compute_clock(received_on=received, events=[notice, paid], calendar=calendar)
    # Paused (04-25, 05-07]: 6 working days (04-27..04-30, 05-06, 05-07). 05-21 plus 6:
    # 1 05-22, 2 05-23, 3-6 05-26..05-29 → Thu 05-29.
    assert clock.due_on == date(2025, 5, 29)
