"""Calendar months as reporting periods, in the portal's time zone (Asia/Shanghai).

A month runs from local midnight on its first day to local midnight on the first
day of the next; 本年累计 runs from local midnight on 1 January to the same end.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

_SLUG = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 2999:
            raise ValueError(f"not a reporting month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """'2017-03' → Month(2017, 3); ValueError for anything else."""
        match = _SLUG.match(text or "")
        if not match:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: datetime.date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def current(cls) -> "Month":
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def back(self, count: int) -> list["Month"]:
        """The `count` months ending with this one, oldest first."""
        months = [self]
        for _ in range(count - 1):
            months.append(months[-1].previous())
        return months[::-1]

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """Exclusive end: local midnight of the next month's first day."""
        return self.next().start

    @property
    def year_start(self) -> datetime.datetime:
        return _local_midnight(datetime.date(self.year, 1, 1))

    @property
    def quarter_start(self) -> datetime.datetime:
        return _local_midnight(datetime.date(self.year, (self.month - 1) // 3 * 3 + 1, 1))

    @property
    def ends_quarter(self) -> bool:
        return self.month % 3 == 0

    @property
    def ends_year(self) -> bool:
        return self.month == 12

    @property
    def deadline(self) -> datetime.date:
        """The day of the next month by which the report is due (REPORT_DEADLINE_DAY, clamped to the month)."""
        following = self.next()
        return datetime.date(following.year, following.month, min(settings.REPORT_DEADLINE_DAY, following.last_day.day))

    def has_ended(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())
