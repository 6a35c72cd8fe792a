"""The disclosure guide (公开指南, Art. 12 of the Regulation), kept as numbered versions.

A version is never edited: revising the guide writes a new version (see
`catalog.services.guide_revise`), so the text residents read on any date stays
readable. Confirming a yearly review without changes only stamps `reviewed_at`.
"""

import calendar
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models.organisations import Organisation

# The fields a revision may change, in the order the public page shows them.
GUIDE_CONTENT_FIELDS = (
    "office_name",
    "address",
    "office_hours",
    "phone",
    "fax",
    "email",
    "online_contact",
    "classification",
    "how_to_obtain",
    "application_procedure",
    "fees",
    "remedies",
)


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class GuideVersionQuerySet(models.QuerySet):
    def current_for(self, organisation):
        """The newest version of the organisation's guide, or None."""
        return self.filter(organisation=organisation).order_by("-number").first()

    def current(self):
        """Only the newest version of each organisation's guide."""
        newer = GuideVersion.objects.filter(
            organisation=models.OuterRef("organisation"), number__gt=models.OuterRef("number")
        )
        return self.filter(~models.Exists(newer))


class GuideVersion(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="guide_versions"
    )
    number = models.PositiveIntegerField(_("版本号"), editable=False)
    effective_on = models.DateField(_("施行日期"), help_text=_("公开页面显示的本版指南日期。"))
    office_name = models.CharField(_("政务公开工作机构"), max_length=100)
    address = models.CharField(_("办公地址"), max_length=200)
    office_hours = models.CharField(_("办公时间"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=40)
    fax = models.CharField(_("传真"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    online_contact = models.CharField(
        _("网上联系方式"), max_length=200, blank=True, help_text=_("如：县政府门户网站“互动交流”栏目、微信公众号。")
    )
    classification = models.TextField(_("信息分类与编排体系"))
    how_to_obtain = models.TextField(_("获取信息的方式"))
    application_procedure = models.TextField(_("依申请公开的办理程序"))
    fees = models.TextField(_("收费标准"))
    remedies = models.TextField(_("监督和救济渠道"), help_text=_("投诉举报、行政复议、行政诉讼。"))
    change_note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("修订时间"), default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(_("最近审阅时间"), null=True, blank=True, editable=False)

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开指南")
        verbose_name_plural = _("公开指南")
        ordering = ["organisation", "-number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="guide_version_unique_number")]

    def __str__(self):
        return f"{self.organisation.short_name}公开指南（第{self.number}版）"

    @property
    def last_reviewed_at(self) -> datetime:
        return max(self.created_at, self.reviewed_at) if self.reviewed_at else self.created_at

    def review_due(self, today: date | None = None) -> bool:
        """True when neither revised nor reviewed for GUIDE_REVIEW_MONTHS months."""
        today = today or timezone.localdate()
        reviewed_on = timezone.localtime(self.last_reviewed_at).date()
        return reviewed_on <= months_before(today, settings.GUIDE_REVIEW_MONTHS)
