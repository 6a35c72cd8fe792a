from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation


class ImportJob(models.Model):
    """One web import of already-published items, run by the task worker; its page follows the progress.

    ``key`` is the form's idempotency key: the same submission posted twice finds the same job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导入")
        DONE = "done", _("已导入")
        REFUSED = "refused", _("未导入（有错误）")

    key = models.UUIDField(_("提交标识"), unique=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("机构"), on_delete=models.PROTECT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT)
    spreadsheet = models.FileField(_("信息表格"), upload_to="imports/%Y/%m/", blank=True)
    spreadsheet_name = models.CharField(_("表格文件名"), max_length=255)
    attachments = models.FileField(_("附件压缩包"), upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("阶段"), max_length=10, blank=True)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    item_count = models.PositiveIntegerField(_("导入信息数"), default=0)
    attachment_count = models.PositiveIntegerField(_("导入附件数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误（前 200 处）"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    items = models.JSONField(_("导入的信息"), default=list, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量导入任务")
        verbose_name_plural = _("批量导入任务")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.spreadsheet_name}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
