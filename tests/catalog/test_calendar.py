"""The working-day calendar kept in the database: shipped years, due dates, loading and correcting."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.calendar import CalendarMissingError, due_date, work_calendar
from catalog.models import CalendarDay, Category, HolidayCalendarYear, Obligation

pytestmark = pytest.mark.django_db

CALENDAR_2027 = """# 2027 国务院办公厅关于2027年部分节假日安排的通知（测试用）
year 2027
holiday 2027-01-01 元旦
holiday 2027-02-06..2027-02-12 春节
workday 2027-02-14 春节调休上班
"""


def test_every_database_has_the_shipped_years():
    assert set(HolidayCalendarYear.objects.values_list("year", flat=True)) >= {2024, 2025, 2026}
    assert "国办发明电" in HolidayCalendarYear.objects.get(year=2025).source


def test_sunday_26_january_2025_is_a_working_day():
    assert date(2025, 1, 26).weekday() == 6
    assert work_calendar().is_workday(date(2025, 1, 26))


def test_spring_festival_2025_is_eight_days_off():
    calendar = work_calendar()
    festival = [date(2025, 1, 28) + timedelta(days=i) for i in range(8)]
    assert [d for d in festival if calendar.is_workday(d)] == []
    assert calendar.is_workday(date(2025, 2, 5))


def test_twenty_working_days_from_26_september_2025_is_30_october():
    assert work_calendar().add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)


def test_working_days_between_counts_from_the_next_day():
    assert work_calendar().workdays_between(date(2025, 9, 26), date(2025, 10, 30)) == 20


def test_a_year_without_a_calendar_fails_loudly():
    with pytest.raises(CalendarMissingError, match="没有加载 2031 年的节假日安排"):
        work_calendar().is_workday(date(2031, 3, 3))


def test_work_calendar_costs_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        work_calendar()


@pytest.fixture
def obligation(shuangxi):
    category = Category.objects.create(organisation=shuangxi, code="07", name="精准扶贫脱贫和社会救助信息")
    return Obligation.objects.create(
        organisation=shuangxi,
        category=category,
        code="07-01",
        first_level="社会救助",
        second_level="最低生活保障",
        content_elements="低保对象名单（已去标识化）",
        responsible_body=shuangxi,
    )


def test_due_date_of_a_working_day_obligation_counts_its_days(obligation):
    assert due_date(obligation, date(2025, 9, 26)) == date(2025, 10, 30)
    obligation.time_limit_days = 7
    # Jan 28 - Feb 4 off; Feb 5, 6, 7 = 1..3; Sat 8 make-up = 4; Feb 10, 11, 12 = 5..7.
    assert due_date(obligation, date(2025, 1, 27)) == date(2025, 2, 12)


def test_due_date_of_a_real_time_obligation_is_the_same_day(obligation):
    obligation.time_limit_kind = Obligation.TimeLimitKind.REAL_TIME
    assert due_date(obligation, date(2025, 10, 3)) == date(2025, 10, 3)


def test_due_date_of_a_periodic_obligation_counts_from_the_end_of_its_period(obligation):
    obligation.time_limit_kind = Obligation.TimeLimitKind.PERIODIC
    obligation.period = Obligation.Period.QUARTERLY
    obligation.time_limit_days = 20
    # Q3 2025 closes on 30 September; 20 working days after it is 30 October... from 30 Sep:
    # Oct 1-8 off, Oct 9 = 1, 10 = 2, 11 (make-up) = 3, 13-17 = 4..8, 20-24 = 9..13, 27-31 = 14..18, Nov 3 = 19, 4 = 20.
    assert due_date(obligation, date(2025, 7, 15)) == date(2025, 11, 4)
    obligation.period = Obligation.Period.MONTHLY
    assert due_date(obligation, date(2025, 3, 10)) == work_calendar().add_workdays(date(2025, 3, 31), 20)


def test_due_date_without_an_obligation_uses_the_regulations_twenty_days():
    assert due_date(None, date(2025, 9, 26)) == date(2025, 10, 30)


def test_information_disclosed_only_on_application_has_no_proactive_due_date(obligation):
    obligation.mode = Obligation.Mode.ON_REQUEST
    assert due_date(obligation, date(2025, 9, 26)) is None


def test_due_date_into_an_unloaded_year_fails_loudly(obligation):
    with pytest.raises(CalendarMissingError):
        due_date(obligation, date(2026, 12, 20))


# --- load_calendar ------------------------------------------------------------------


def test_load_calendar_adds_a_new_year(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text(CALENDAR_2027, encoding="utf-8")
    call_command("load_calendar", str(path))
    calendar = work_calendar()
    assert calendar.is_workday(date(2027, 2, 14))
    assert not calendar.is_workday(date(2027, 2, 8))
    assert HolidayCalendarYear.objects.get(year=2027).source.startswith("2027 国务院办公厅")


def test_load_calendar_replaces_the_whole_year(tmp_path):
    path = tmp_path / "2025.txt"
    path.write_text("year 2025\nholiday 2025-01-01 元旦\n", encoding="utf-8")
    call_command("load_calendar", str(path))
    assert list(CalendarDay.objects.filter(date__year=2025).values_list("date", flat=True)) == [date(2025, 1, 1)]
    assert work_calendar().is_workday(date(2025, 1, 28))


def test_a_bad_calendar_file_names_the_line_in_chinese_and_changes_nothing(tmp_path):
    before = list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name"))
    path = tmp_path / "2025.txt"
    path.write_text("year 2025\nholiday 2025-01-01 元旦\nholiday 2025-02-30 春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2025.txt 第 3 行：日期“2025-02-30”不存在"):
        call_command("load_calendar", str(path))
    assert list(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind", "name")) == before


def test_a_weekday_make_up_day_is_refused(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("year 2027\nholiday 2027-01-01 元旦\nworkday 2027-01-04 调休\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行：调休上班日 2027-01-04 是周一至周五"):
        call_command("load_calendar", str(path))
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()


def test_a_calendar_file_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_bytes(CALENDAR_2027.encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        call_command("load_calendar", str(path))
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()


# --- admin ----------------------------------------------------------------------------


def test_system_administrator_corrects_a_day_in_the_admin(admin_client):
    calendar_year = HolidayCalendarYear.objects.get(year=2025)
    days = list(calendar_year.days.order_by("date"))
    data = {
        "source": calendar_year.source,
        "days-TOTAL_FORMS": len(days) + 1,
        "days-INITIAL_FORMS": len(days),
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    for i, day in enumerate(days):
        data.update({f"days-{i}-id": day.pk, f"days-{i}-calendar_year": calendar_year.pk})
        data.update({f"days-{i}-date": day.date.isoformat(), f"days-{i}-kind": day.kind, f"days-{i}-name": day.name})
    n = len(days)
    data.update({f"days-{n}-date": "2025-03-08", f"days-{n}-kind": "workday", f"days-{n}-name": "临时调休上班"})
    response = admin_client.post(reverse("admin:catalog_holidaycalendaryear_change", args=[calendar_year.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert work_calendar().is_workday(date(2025, 3, 8))


def test_township_staff_read_the_calendar_but_cannot_change_it(client, author):
    from tests.conftest import PASSWORD

    client.login(username=author.username, password=PASSWORD)
    calendar_year = HolidayCalendarYear.objects.get(year=2025)
    url = reverse("admin:catalog_holidaycalendaryear_change", args=[calendar_year.pk])
    page = client.get(url)
    assert page.status_code == 200 and "春节" in page.content.decode()
    client.post(url, {"source": "改掉"})
    calendar_year.refresh_from_db()
    assert calendar_year.source != "改掉"


def test_shipped_years_come_back_after_the_database_is_flushed(transactional_db):
    # Transactional tests empty every table between tests; deadlines must still work after them.
    call_command("flush", interactive=False, verbosity=0)
    assert work_calendar().add_workdays(date(2025, 9, 26), 20) == date(2025, 10, 30)
