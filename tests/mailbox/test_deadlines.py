"""Reply limits on the shipped calendar, the two-day warning and the three-month alarm."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.calendar import work_calendar
from mailbox.models import Message
from mailbox.panels import county_board_panels, staff_home_panels
from mailbox.services.deadlines import alarm_line, reply_due, three_months_before, warning_from
from tests.mailbox.conftest import login, received_days_ago

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Thursday before 中秋 and 国庆: 25-27 Sept and 1-7 Oct are holidays, Saturday 10 Oct is worked.
        (D(2026, 9, 24), D(2026, 10, 15)),
        # Before 春节: Saturday 14 Feb is worked, 15-23 Feb off, Saturday 28 Feb worked.
        (D(2026, 2, 12), D(2026, 3, 4)),
        # An ordinary fortnight: counting starts the next day, weekends do not count.
        (D(2026, 11, 2), D(2026, 11, 16)),
    ],
)
def test_the_reply_limit_counts_working_days_on_the_shipped_calendar(received, due):
    assert reply_due(received) == due


def test_the_limit_is_a_setting(settings):
    settings.MAILBOX_REPLY_WORKDAYS = 5
    assert reply_due(D(2026, 9, 24)) == D(2026, 10, 9)


def test_a_year_without_a_holiday_notice_still_gets_a_weekday_deadline():
    assert reply_due(D(2030, 3, 1)) == D(2030, 3, 15)


@pytest.mark.parametrize(
    ("due", "warned_from"),
    [
        # Wednesday 16 Dec 2026: Monday 14th has two working days left (15th, 16th).
        (D(2026, 12, 16), D(2026, 12, 14)),
        # Monday 14 Dec: the Thursday before (Fri 11th, Mon 14th); the weekend does not count.
        (D(2026, 12, 14), D(2026, 12, 10)),
        # Thursday 8 Oct 2026 after 国庆 (1-7 Oct off): 30 Sept and 8 Oct are the last two working days.
        (D(2026, 10, 8), D(2026, 9, 29)),
    ],
)
def test_the_warning_starts_two_working_days_before_the_limit(due, warned_from):
    assert warning_from(due) == warned_from
    calendar = work_calendar()
    assert calendar.workdays_between(warned_from, due) == 2
    assert calendar.workdays_between(warned_from - datetime.timedelta(days=1), due) == 3


def test_three_months_is_calendar_months():
    assert three_months_before(D(2026, 12, 1)) == D(2026, 9, 1)
    assert three_months_before(D(2026, 5, 31)) == D(2026, 2, 28)
    assert three_months_before(D(2026, 2, 15)) == D(2025, 11, 15)


def test_a_message_stored_on_receipt_has_its_limit(submit, shuangxi):
    message, _ = submit(shuangxi)
    assert message.due_on == reply_due(timezone.localdate())
    assert message.warn_on == warning_from(message.due_on)
    assert work_calendar().workdays_between(message.received_on, message.due_on) == 10


def _set(message, *, received, due):
    Message.objects.filter(pk=message.pk).update(received_on=received, due_on=due, warn_on=warning_from(due))


def test_the_staff_home_lists_messages_due_soon_and_overdue_and_raises_the_alarm(submit, shuangxi, author):
    today = D(2026, 12, 1)
    calm, _ = submit(shuangxi, subject="还早的留言")
    soon, _ = submit(shuangxi, subject="两天内到期的留言")
    overdue, _ = submit(shuangxi, subject="已超期的留言")
    old, _ = submit(shuangxi, subject="三个月前的留言")
    _set(calm, received=D(2026, 11, 30), due=D(2026, 12, 14))
    _set(soon, received=D(2026, 11, 17), due=D(2026, 12, 3))
    _set(overdue, received=D(2026, 11, 10), due=D(2026, 11, 24))
    _set(old, received=D(2026, 8, 31), due=D(2026, 9, 14))
    [panel] = staff_home_panels(user=author, today=today)
    texts = " ".join(f"{row.text} {row.detail}" for row in panel.rows)
    assert "两天内到期的留言" in texts and "已超期的留言" in texts and "三个月前的留言" in texts
    assert "还早的留言" not in texts
    assert panel.total == 3
    assert "1 条留言超过三个月未答复" in panel.warning
    # A day exactly three months old is not yet over the line.
    _set(old, received=D(2026, 9, 1), due=D(2026, 9, 14))
    assert staff_home_panels(user=author, today=today)[0].warning == ""


def test_an_answered_message_raises_no_alarm(answered, author):
    received_days_ago(answered, 120)
    [panel] = staff_home_panels(user=author, today=timezone.localdate())
    assert panel.warning == "" and panel.total == 0


def test_the_alarm_shows_on_the_admin_home_and_the_county_board(
    client, submit, shuangxi, yingqian, author, county_office, outsider
):
    old, _ = submit(shuangxi)
    received_days_ago(old, 100)
    login(client, author)
    home = client.get(reverse("admin:index")).content.decode()
    assert "超过三个月未答复" in home and old.number in home
    login(client, outsider)
    assert "超过三个月未答复" not in client.get(reverse("admin:index")).content.decode()
    [board] = county_board_panels(user=county_office, today=timezone.localdate())
    assert [(row.text, row.detail) for row in board.rows] == [("双溪乡", "1 条")]
    assert "1 条留言超过三个月未答复" in board.warning
    login(client, county_office)
    page = client.get(reverse("reports:board")).content.decode()
    assert "超过三个月未答复的留言" in page and "双溪乡" in page


def test_the_panels_cost_a_fixed_number_of_queries(
    submit, shuangxi, author, county_office, django_assert_max_num_queries
):
    for n in range(12):
        message, _ = submit(shuangxi, token=f"panel-{n}-" + "x" * 20)
        received_days_ago(message, 100 + n)
    with django_assert_max_num_queries(1):
        staff_home_panels(user=author, today=timezone.localdate())
    with django_assert_max_num_queries(4):
        county_board_panels(user=county_office, today=timezone.localdate())


def test_alarm_line_is_three_months_before_today():
    assert alarm_line(D(2026, 12, 1)) == D(2026, 9, 1)
