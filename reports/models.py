"""Monthly reports (月报): a township's month, its frozen submissions and the county office's decisions.

`MonthlyReport` is the working copy of one organisation's month: its status and the
narrative being written. Each submission freezes a `ReportVersion` (figures and
narrative as JSON, plus the generated `ReportFile`s with their SHA-256); versions,
files and decisions are append-only and nothing here is ever deleted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation
from reports.months import Month


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Submitted reports are frozen.")

    def delete(self):
        raise PermissionError("Submitted reports are never deleted.")


class AppendOnlyModel(models.Model):
    """A row written once: saving it again or deleting it raises."""

    objects = AppendOnlyQuerySet.as_manager()
    # Triggers refuse UPDATE, DELETE and TRUNCATE in the database too (audit.append_only).
    append_only_in_database = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Submitted reports are frozen.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Submitted reports are never deleted.")


class FrozenVersion(AppendOnlyModel):
    """One submission, frozen: the figures and narrative exactly as submitted (monthly and annual).

    A concrete version adds `report`, the working copy it freezes, and its own constraint names.
    """

    number = models.PositiveSmallIntegerField(_("版本号"))
    figures = models.JSONField(_("统计数据"))
    narrative = models.JSONField(_("文字部分"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("上报时间"))
    deadline = models.DateField(_("上报截止日期"))
    is_late = models.BooleanField(_("逾期上报"))

    class Meta:
        abstract = True
        ordering = ["report", "-number"]

    def __str__(self):
        return f"{self.report} 第{self.number}版"


class FrozenFile(AppendOnlyModel):
    """A file generated once at submission, kept with its checksum (see `reports.freezing`).

    A concrete file adds `version` and `format` (its formats' choices).
    """

    file = models.FileField(_("文件"), max_length=255)
    download_name = models.CharField(_("下载文件名"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["version", "format"]

    def __str__(self):
        return self.download_name


class FrozenDecision(AppendOnlyModel):
    """The county office's answer to one version: accepted, or returned with a comment.

    A concrete decision adds `version` (one-to-one) and the check that a return has a comment.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("接收")
        RETURNED = "returned", _("退回")

    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices)
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"))

    class Meta:
        abstract = True
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.version} {self.get_outcome_display()}"

    @staticmethod
    def return_needs_comment(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(condition=~models.Q(outcome="returned") | ~models.Q(comment=""), name=name)


class MonthlyReportQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Monthly reports are never deleted.")


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已上报")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已接收")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    month = models.DateField(_("报告月份"), help_text=_("该月第一天。"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    work_done = models.TextField(_("本月工作开展情况"), blank=True)
    problems = models.TextField(_("存在的主要问题"), blank=True)
    improvements = models.TextField(_("改进措施"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("政务公开月报")
        verbose_name_plural = _("政务公开月报")
        ordering = ["-month", "organisation__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="report_one_per_organisation_month"),
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self):
        return f"{self.organisation.short_name}{self.period.label}政务公开月报"

    def delete(self, *args, **kwargs):
        raise PermissionError("Monthly reports are never deleted.")

    @property
    def period(self) -> Month:
        return Month.of(self.month)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def narrative(self) -> dict[str, str]:
        return {"work_done": self.work_done, "problems": self.problems, "improvements": self.improvements}


class ReportVersion(FrozenVersion):
    """One submission of a month, frozen: the figures and narrative exactly as submitted."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("月报"), on_delete=models.PROTECT, related_name="versions")

    class Meta(FrozenVersion.Meta):
        verbose_name = _("月报版本")
        verbose_name_plural = _("月报版本")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="report_version_number_positive"),
        ]


def report_file_path(instance: "ReportFile", filename: str) -> str:
    report = instance.version.report
    return f"reports/{report.organisation.slug}/{report.period}/v{instance.version.number}/{filename}"


class ReportFile(FrozenFile):
    """A file generated once at submission, kept with its checksum."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel 表格")
        CSV = "csv", _("CSV 数据")
        PDF = "pdf", _("PDF 文档")
        JSON = "json", _("JSON 数据")

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("月报版本"), on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    file = models.FileField(_("文件"), upload_to=report_file_path, max_length=255)

    class Meta(FrozenFile.Meta):
        verbose_name = _("月报文件")
        verbose_name_plural = _("月报文件")
        constraints = [models.UniqueConstraint(fields=["version", "format"], name="report_file_one_per_format")]


class ReportDecision(FrozenDecision):
    """The county office's answer to one monthly version."""

    version = models.OneToOneField(
        ReportVersion, verbose_name=_("月报版本"), on_delete=models.PROTECT, related_name="decision"
    )

    class Meta(FrozenDecision.Meta):
        verbose_name = _("月报审核意见")
        verbose_name_plural = _("月报审核意见")
        constraints = [FrozenDecision.return_needs_comment("report_return_needs_comment")]
