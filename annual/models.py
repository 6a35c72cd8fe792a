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
from reports.models import AppendOnlyModel


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


class AnnualVersion(AppendOnlyModel):
    """One submission of a year, frozen: figures, narrative and checks exactly as submitted."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("年度报告"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    figures = models.JSONField(_("统计数据"))
    narrative = models.JSONField(_("文字部分"))
    checks = models.JSONField(_("勾稽校验"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("上报时间"))
    deadline = models.DateField(_("上报截止日期"))
    is_late = models.BooleanField(_("逾期上报"))

    class Meta:
        verbose_name = _("年度报告版本")
        verbose_name_plural = _("年度报告版本")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="annual_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="annual_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.report} 第{self.number}版"


class AnnualFile(AppendOnlyModel):
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
    file = models.FileField(_("文件"), max_length=255)
    download_name = models.CharField(_("下载文件名"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告文件")
        verbose_name_plural = _("年度报告文件")
        ordering = ["version", "format"]
        constraints = [models.UniqueConstraint(fields=["version", "format"], name="annual_file_one_per_format")]

    def __str__(self):
        return self.download_name


class AnnualDecision(AppendOnlyModel):
    """The county office's answer to one version: accepted, or returned with a comment."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("接收")
        RETURNED = "returned", _("退回")

    version = models.OneToOneField(
        AnnualVersion, verbose_name=_("年度报告版本"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices)
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"))

    class Meta:
        verbose_name = _("年度报告审核意见")
        verbose_name_plural = _("年度报告审核意见")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="returned") | ~models.Q(comment=""), name="annual_return_needs_comment"
            ),
        ]

    def __str__(self):
        return f"{self.version} {self.get_outcome_display()}"
