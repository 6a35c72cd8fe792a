"""The working-day calendar (工作日历) as data an administrator can load and correct.

One `HolidayCalendarYear` per year whose State Council holiday notice has been loaded;
its `CalendarDay` rows are the exceptions to "Monday to Friday": holidays (放假) and
make-up working days on weekends (调休上班). A year without a row is unknown, and
asking about it fails loudly (see `catalog.calendar`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayCalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅关于2025年部分节假日安排的通知。")
    )
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排（年度）")
        verbose_name_plural = _("节假日安排（年度）")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    calendar_year = models.ForeignKey(
        HolidayCalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("如：春节、国庆节调休上班。"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self):
        errors = {}
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            errors["date"] = _("日期不在所选年度（%(year)s年）内。") % {"year": self.calendar_year.year}
        if self.date and self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            errors["kind"] = _("调休上班日只能是星期六或星期日；工作日本来就上班。")
        if errors:
            raise ValidationError(errors)
