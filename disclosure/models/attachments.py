from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models.items import Item


class Attachment(models.Model):
    """A file attached to an item, stored under a generated name."""

    class TextState(models.TextChoices):
        READY = "ready", _("已提取")
        PENDING = "pending", _("提取中")
        FAILED = "failed", _("未能提取")

    item = models.ForeignKey(Item, verbose_name=_("公开信息"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("提取的文字"), blank=True, editable=False)
    text_state = models.CharField(
        _("文字提取"), max_length=8, choices=TextState.choices, default=TextState.READY, editable=False
    )
    text_error = models.CharField(_("提取失败的原因"), max_length=500, blank=True, editable=False)
    order = models.PositiveIntegerField(_("排序"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["item", "order", "id"]
        indexes = [
            models.Index(fields=["item"], name="attachment_text_unready", condition=~models.Q(text_state="ready"))
        ]

    def __str__(self):
        return self.original_name
