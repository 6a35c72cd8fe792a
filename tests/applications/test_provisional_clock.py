"""A case received in December before next year's holiday notice is loaded still gets a deadline."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import Application
from catalog.models import CalendarDay, HolidayCalendarYear

pytestmark = pytest.mark.django_db

SHIPPED_2026 = Path(__file__).resolve().parents[2] / "township_portal" / "lib" / "calendar_data" / "2026.txt"


@pytest.fixture
def without_2026():
    CalendarDay.objects.filter(date__year=2026).delete()
    HolidayCalendarYear.objects.filter(year=2026).delete()


def test_the_deadline_is_provisional_until_the_year_is_loaded_then_recomputed(
    client, registered, author, without_2026, capsys
):
    # Received Mon 2025-12-15: 20 working days reach into 2026, whose notice is not loaded.
    application = registered(received_on=date(2025, 12, 15))
    application.refresh_from_db()
    # Weekends only: 01-01 and 01-02 count, so the provisional date is a day early (never late).
    assert (application.due_on, application.due_on_provisional) == (date(2026, 1, 12), True)
    client.force_login(author)
    page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    assert "2026-01-12" in page and "暂定" in page

    call_command("load_calendar", str(SHIPPED_2026))
    assert "重新计算 1 件依申请公开的答复期限" in capsys.readouterr().out
    application = Application.objects.get(pk=application.pk)
    # 元旦 01-01..01-03 off, Sunday 01-04 worked: the real date is 2026-01-13.
    assert (application.due_on, application.due_on_provisional) == (date(2026, 1, 13), False)
    page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    assert "2026-01-13" in page and "暂定" not in page


def test_the_applicants_status_page_says_the_date_is_provisional(client, registered, without_2026):
    application = registered(received_on=date(2025, 12, 15))
    response = client.post(
        reverse("applications:status"), {"number": application.number, "code": application.query_code}, follow=True
    )
    text = response.content.decode()
    assert "2026年1月12日" in text and "暂定" in text
