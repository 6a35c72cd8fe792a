"""Annual reports (政府信息公开工作年度报告, 国办公开办函〔2021〕30号).

`AnnualReport` is the working copy of one organisation's year: status, the narrative
being written, the figures the township keeps in other systems (`EnteredFigure`), and,
for the first year on the platform, last year's carry-over entered by hand. Each
submission freezes an `AnnualVersion` (figures, narrative and the checks as JSON) with
its generated `AnnualFile`s and their SHA-256; versions, files and decisions are
append-only and nothing here is ever deleted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation
from disclosure.models import Item
from reports.models import FrozenDecision, FrozenFile, FrozenVersion


class AnnualReportQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Annual reports are never deleted.")


NARRATIVE_FIELDS = [
    ("overview_proactive", "（一）主动公开"),
    ("overview_applications", "（二）依申请公开"),
    ("overview_management", "（三）政府信息管理"),
    ("overview_platform", "（四）平台建设"),
    ("overview_supervision", "（五）监督保障"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
]


class AnnualReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已上报")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已接收")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    overview_proactive = models.TextField(_("总体情况：主动公开"), blank=True)
    overview_applications = models.TextField(_("总体情况：依申请公开"), blank=True)
    overview_management = models.TextField(_("总体情况：政府信息管理"), blank=True)
    overview_platform = models.TextField(_("总体情况：平台建设"), blank=True)
    overview_supervision = models.TextField(_("总体情况：监督保障"), blank=True)
    problems = models.TextField(_("存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("其他需要报告的事项"), blank=True)
    # First year on the platform: what last year's (paper) report said, entered by hand.
    manual_previous = models.JSONField(_("上年结转（手工录入）"), null=True, blank=True)
    manual_previous_note = models.TextField(_("上年结转来源说明"), blank=True)
    manual_previous_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上年结转录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manual_previous_at = models.DateTimeField(_("上年结转录入时间"), null=True, blank=True)
    checks_ok = models.BooleanField(_("勾稽校验通过"), null=True, blank=True)
    published_item = models.ForeignKey(
        Item,
        verbose_name=_("公开信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("接收后在“年度报告”栏目发布的信息。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year", "organisation__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="annual_one_per_organisation_year"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="annual_year_status_idx")]

    def __str__(self):
        return f"{self.organisation.short_name}{self.year}年政府信息公开工作年度报告"

    def delete(self, *args, **kwargs):
        raise PermissionError("Annual reports are never deleted.")

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def narrative(self) -> dict[str, str]:
        return {key: getattr(self, key) for key, _label in NARRATIVE_FIELDS}


class EnteredFigure(models.Model):
    """A figure of 表二 the township keeps in another system (行政许可, 处罚, 强制, 收费), entered by hand."""

    class Key(models.TextChoices):
        PERMITS = "permits", _("行政许可 本年处理决定数量")
        PENALTIES = "penalties", _("行政处罚 本年处理决定数量")
        ENFORCEMENT = "enforcement", _("行政强制 本年处理决定数量")
        FEES = "fees", _("行政事业性收费 本年收费金额（万元）")

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("年度报告"), on_delete=models.PROTECT, related_name="entered_figures"
    )
    key = models.CharField(_("项目"), max_length=16, choices=Key.choices)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)
    source_note = models.CharField(_("数据来源"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("年度报告录入数据")
        verbose_name_plural = _("年度报告录入数据")
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="annual_entered_figure_one_per_key"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="annual_entered_figure_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_key_display()}：{self.value}"


class AnnualVersion(FrozenVersion):
    """One submission of a year, frozen: figures, narrative and checks exactly as submitted."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("年度报告"), on_delete=models.PROTECT, related_name="versions"
    )
    checks = models.JSONField(_("勾稽校验"))

    class Meta(FrozenVersion.Meta):
        verbose_name = _("年度报告版本")
        verbose_name_plural = _("年度报告版本")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="annual_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="annual_version_number_positive"),
        ]


class AnnualFile(FrozenFile):
    """A file generated once at submission, kept with its checksum."""

    class Format(models.TextChoices):
        DOCX = "docx", _("Word 文档")
        PDF = "pdf", _("PDF 文档")
        XLSX = "xlsx", _("Excel 表格")
        JSON = "json", _("JSON 数据")

    version = models.ForeignKey(
        AnnualVersion, verbose_name=_("年度报告版本"), on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)

    class Meta(FrozenFile.Meta):
        verbose_name = _("年度报告文件")
        verbose_name_plural = _("年度报告文件")
        constraints = [models.UniqueConstraint(fields=["version", "format"], name="annual_file_one_per_format")]


class AnnualDecision(FrozenDecision):
    """The county office's answer to one annual version."""

    version = models.OneToOneField(
        AnnualVersion, verbose_name=_("年度报告版本"), on_delete=models.PROTECT, related_name="decision"
    )

    class Meta(FrozenDecision.Meta):
        verbose_name = _("年度报告审核意见")
        verbose_name_plural = _("年度报告审核意见")
        constraints = [FrozenDecision.return_needs_comment("annual_return_needs_comment")]
