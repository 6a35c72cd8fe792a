"""Load the shipped State Council holiday schedules (2024 onwards) into the calendar tables."""

from django.db import migrations

from catalog.calendar_loading import shipped_years_ensure


def load_shipped_calendars(apps, schema_editor):
    shipped_years_ensure(
        year_model=apps.get_model("catalog", "HolidayCalendarYear"),
        day_model=apps.get_model("catalog", "CalendarDay"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_holiday_calendar"),
    ]

    operations = [
        migrations.RunPython(load_shipped_calendars, migrations.RunPython.noop),
    ]
