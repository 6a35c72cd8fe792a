"""A year without its holiday calendar: the warning, provisional due dates, their recomputation, honest reports."""

import datetime
import re
from io import StringIO

from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from catalog.calendar import calendar_year_panels
from catalog.models import CalendarDay, HolidayCalendarYear
from disclosure import queries
from disclosure.models import Item
from reports.exports import RENDERERS
from reports.months import Month
from reports.queries import live_document
from tests.conftest import PASSWORD
from township_portal.lib.workdays import shipped_calendar_files


def weekdays_after(day: datetime.date, n: int) -> datetime.date:
    while n:
        day += datetime.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_from_the_first_of_october_staff_are_warned_that_next_years_calendar_is_missing(author, county_office):
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()
    assert calendar_year_panels(user=author, today=datetime.date(2026, 9, 30)) == []
    [panel] = calendar_year_panels(user=author, today=datetime.date(2026, 10, 1))
    assert "2027 年的国务院节假日安排尚未载入" in panel.warning and "load_calendar" in panel.warning
    assert calendar_year_panels(user=county_office, today=datetime.date(2026, 12, 1))


def forget_year(year: int) -> None:
    """The database as it is when a year's notice was never loaded."""
    CalendarDay.objects.filter(calendar_year__year=year).delete()
    HolidayCalendarYear.objects.filter(year=year).delete()


def test_the_warning_shows_on_the_staff_home_and_the_county_board(client, author, county_office):
    year = timezone.localdate().year
    forget_year(year)
    warning = re.compile(rf"{year} 年(、\d{{4}} 年)?的国务院节假日安排尚未载入")
    client.login(username=author.username, password=PASSWORD)
    assert warning.search(client.get(reverse("admin:index")).content.decode())
    client.login(username=county_office.username, password=PASSWORD)
    assert warning.search(client.get(reverse("reports:board")).content.decode())


def test_an_item_formed_in_a_year_without_calendar_gets_a_provisional_date_recomputed_by_load_calendar(
    client, make_item, author, org_admin
):
    forget_year(2026)  # as 2027 is today: formed in December, its 20 working days run into a year not loaded
    written = datetime.date(2025, 12, 10)
    item = make_item(title="2025年12月村级财务公开", written_on=written)
    # Weekends only: 20 weekdays from 11 December, through the not yet loaded 2026.
    assert item.due_on == weekdays_after(written, 20) == datetime.date(2026, 1, 7)
    assert item.due_on_provisional

    client.login(username=org_admin.username, password=PASSWORD)
    shown = "2026-01-07（暂定：节假日安排未载入，按周末推算）"
    assert shown in client.get(reverse("admin:disclosure_item_changelist")).content.decode()
    assert shown in client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    home = queries.staff_home(author, today=datetime.date(2026, 1, 20))
    staff_home = render_to_string("disclosure/admin/_staff_home.html", {"home": home})
    assert "应于 2026-01-07 前发布（暂定，节假日安排未载入）" in staff_home

    out = StringIO()
    call_command("load_calendar", str(shipped_calendar_files()[-1]), stdout=out)
    assert "2026" in shipped_calendar_files()[-1].name
    assert "已重算 1 条信息的暂定应公开日期" in out.getvalue()

    item.refresh_from_db()
    # 1 and 2 January 2026 are holidays and Sunday 4 January a make-up working day: one day later.
    assert item.due_on == datetime.date(2026, 1, 8) and not item.due_on_provisional
    event = AuditEvent.objects.get(action="item.due_recompute")
    assert event.before == {"due_on": "2026-01-07", "provisional": True}
    assert event.after == {"due_on": "2026-01-08", "provisional": False}
    changelist = client.get(reverse("admin:disclosure_item_changelist")).content.decode()
    assert "2026-01-08" in changelist and "暂定" not in changelist


def test_the_monthly_report_counts_items_without_a_due_date_instead_of_calling_them_on_time(shuangxi, category, author):
    def published(title, due_on, provisional=False):
        return Item.objects.create(
            organisation=shuangxi,
            category=category,
            publisher=shuangxi,
            title=title,
            written_on=datetime.date(2017, 3, 1),
            created_by=author,
            status=Item.Status.PUBLISHED,
            index_number=f"{shuangxi.code}/2017-{Item.objects.count() + 1:05d}",
            published_at=timezone.make_aware(datetime.datetime(2017, 3, 20, 10)),
            due_on=due_on,
            due_on_provisional=provisional,
        )

    published("按时发布", datetime.date(2017, 3, 29))
    published("没有应公开日期一", None)
    published("没有应公开日期二", None)
    published("暂定日期内发布", datetime.date(2017, 3, 28), provisional=True)

    document = live_document(shuangxi, Month(2017, 3), None)
    csv = RENDERERS["csv"](document).decode("utf-8-sig")
    assert "超过公开时限发布的信息,0,0" in csv
    assert "没有应公开日期、未计入时效判断的信息,2,2" in csv
    assert "应公开日期为暂定（节假日安排未载入）的信息,1,1" in csv
