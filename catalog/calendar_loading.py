"""Writing calendar years into the database, shared by the data migration, the command and post_migrate.

Functions take the model classes so the data migration can pass its historical models.
"""

import re

from django.db import transaction

from township_portal.lib.workdays import (
    CalendarFormatError,
    YearCalendar,
    parse_calendar_file,
    shipped_calendar_files,
)


def notice_of(text: str) -> str:
    """The notice named in a calendar file's first comment line (国务院办公厅关于…的通知)."""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            return line.lstrip("#").strip()[:200]
        if line:
            break
    return ""


def year_replace(year_calendar: YearCalendar, *, source: str, year_model, day_model):
    """Store one year's schedule, replacing whatever that year had, all or nothing."""
    with transaction.atomic():
        calendar_year, _ = year_model.objects.update_or_create(
            year=year_calendar.year, defaults={"source": source[:200]}
        )
        day_model.objects.filter(calendar_year=calendar_year).delete()
        day_model.objects.bulk_create(
            [
                day_model(calendar_year=calendar_year, date=day, kind=kind, name=name[:60])
                for kind, days in (("holiday", year_calendar.holidays), ("workday", year_calendar.workdays))
                for day, name in sorted(days.items())
            ]
        )
    return calendar_year


def shipped_years_ensure(*, year_model, day_model) -> list[int]:
    """Load each shipped year file whose year the database lacks; return the years added.

    Years already present are left alone, so corrections made in the admin survive.
    """
    present = set(year_model.objects.values_list("year", flat=True))
    added = []
    for path in shipped_calendar_files():
        text = path.read_text(encoding="utf-8")
        parsed = parse_calendar_file(text, source=path.name)
        if parsed.year not in present:
            year_replace(parsed, source=notice_of(text), year_model=year_model, day_model=day_model)
            added.append(parsed.year)
    return added


_PROBLEMS_ZH = [
    (r"bad date '(.+)', expected YYYY-MM-DD", "日期“{0}”格式不对，应写作 YYYY-MM-DD"),
    (r"bad date '(.+)', no such day", "日期“{0}”不存在"),
    (r"range (\S+) ends before it starts", "日期范围 {0} 的结束日早于开始日"),
    (r"second 'year' line \(year already given on line (\d+)\)", "重复的 year 行（第 {0} 行已写明年度）"),
    (r"expected 'year YYYY'", "年度行应写作“year YYYY”"),
    (
        r"unknown keyword '(.+)', expected year, holiday or workday",
        "无法识别“{0}”，每行只能以 year、holiday 或 workday 开头",
    ),
    (r"(\w+) before the 'year' line", "{0} 行写在了 year 行之前"),
    (r"expected '(\w+) DATE\[\.\.DATE\] NAME'", "应写作“{0} 日期[..日期] 名称”"),
    (r"(\S+) is outside the declared year (\d+)", "{0} 不在本文件声明的 {1} 年内"),
    (r"workday (\S+) is a weekday; .*", "调休上班日 {0} 是周一至周五，调休上班只能是星期六或星期日"),
    (r"(\S+) is listed twice \(first on line (\d+)\)", "{0} 重复列出（第 {1} 行已列出）"),
    (r"(\S+) is listed both as holiday and workday \(line (\d+)\)", "{0} 同时列为放假和调休上班（见第 {1} 行）"),
    (r"no 'year YYYY' line in the file", "文件中没有“year YYYY”年度行"),
    (r"year (\d+) lists no holidays", "{0} 年没有列出任何放假日期，疑似文件不完整"),
]


def calendar_error_message(exc: CalendarFormatError, file_name: str) -> str:
    """A Chinese message naming the file and the line, e.g. 2027.txt 第 5 行：日期“2027-02-30”不存在."""
    problem = exc.problem
    for pattern, template in _PROBLEMS_ZH:
        if match := re.fullmatch(pattern, exc.problem):
            problem = template.format(*match.groups())
            break
    return f"{file_name} 第 {exc.lineno} 行：{problem}。未载入任何数据。"
