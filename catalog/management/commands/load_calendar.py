from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.calendar import calendar_year_loaded
from catalog.calendar_loading import calendar_error_message, notice_of, year_replace
from catalog.models import CalendarDay, HolidayCalendarYear
from township_portal.lib.workdays import CalendarFormatError, parse_calendar_file


class Command(BaseCommand):
    help = (
        "载入一个年度的节假日安排文件（格式见 township_portal/lib/workdays.py），整体替换该年度已有数据。"
        " Load one year's State Council holiday schedule, replacing that year atomically."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="年度文件，如 2027.txt（UTF-8）")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {path}。") from None
        except UnicodeDecodeError:
            message = f"{path.name} 不是 UTF-8 编码的文本文件，请另存为 UTF-8 后重试。未载入任何数据。"
            raise CommandError(message) from None
        try:
            parsed = parse_calendar_file(text, source=path.name)
        except CalendarFormatError as exc:
            raise CommandError(calendar_error_message(exc, path.name)) from None
        existed = HolidayCalendarYear.objects.filter(year=parsed.year).exists()
        with transaction.atomic():  # the year and the deadlines recomputed from it, together
            year_replace(parsed, source=notice_of(text), year_model=HolidayCalendarYear, day_model=CalendarDay)
            done = calendar_year_loaded(year=parsed.year)
        verb = "替换" if existed else "载入"
        counts = f"放假 {len(parsed.holidays)} 天，调休上班 {len(parsed.workdays)} 天"
        self.stdout.write(self.style.SUCCESS(f"已{verb} {parsed.year} 年节假日安排：{counts}。"))
        for line in done:
            self.stdout.write(line)
