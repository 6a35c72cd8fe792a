from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models.items import Item


class PersonalDataFinding(models.Model):
    """Something the pre-publication scan found: personal data or a sensitive word.

    An open finding blocks approval until it is masked or overridden by the approver
    with a recorded reason.
    """

    class Kind(models.TextChoices):
        ID_NUMBER = "id_number", _("身份证号")
        MOBILE = "mobile", _("手机号")
        BANK_CARD = "bank_card", _("银行卡号")
        SENSITIVE_WORD = "sensitive_word", _("敏感词")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        MASKED = "masked", _("已脱敏")
        OVERRIDDEN = "overridden", _("审批人确认无需处理")
        GONE = "gone", _("已消除（内容已修改）")

    class Location(models.TextChoices):
        TITLE = "title", _("标题")
        SUMMARY = "summary", _("内容概述")
        BODY = "body", _("正文")
        ATTACHMENT = "attachment", _("附件")

    item = models.ForeignKey(Item, verbose_name=_("公开信息"), on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    location = models.CharField(_("位置"), max_length=20, choices=Location.choices)
    attachment = models.ForeignKey(
        "disclosure.Attachment",
        verbose_name=_("附件"),
        null=True,
        blank=True,
        # A draft's attachment can be removed (`attachment_remove` closes its open findings first);
        # the finding stays as a record of what was found, without its file.
        on_delete=models.SET_NULL,
        related_name="+",
    )
    masked_value = models.CharField(_("发现内容（已遮盖）"), max_length=60, help_text=_("只保存遮盖后的形式。"))
    # Tells apart two numbers with the same mask (138****5678), so an override covers only the number
    # the approver saw. Keyed with SECRET_KEY: a bare SHA-256 of an 11-digit mobile is reversed in minutes.
    value_hash = models.CharField(
        _("原值指纹"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("原值的密钥散列（HMAC-SHA256），不可还原；为空的是指纹启用前的旧记录，审批确认对其不再生效。"),
    )
    occurrences = models.PositiveIntegerField(_("出现次数"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_reason = models.TextField(_("不予处理的理由"), blank=True)

    class Meta:
        verbose_name = _("个人信息/敏感词检查结果")
        verbose_name_plural = _("个人信息/敏感词检查结果")
        ordering = ["item", "found_at"]
        indexes = [
            models.Index(fields=["status", "found_at"]),
            models.Index(fields=["item", "status"]),
            # The findings list's filters by kind and by location, in its newest-first order.
            models.Index(fields=["kind", "-found_at"], name="finding_kind_found_idx"),
            models.Index(fields=["location", "-found_at"], name="finding_location_found_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="overridden") | ~models.Q(override_reason=""),
                name="finding_override_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.masked_value}"

    @property
    def is_maskable(self) -> bool:
        """Whether one click can mask it: a number in the title, summary or body (not a word, not a file)."""
        return self.kind != self.Kind.SENSITIVE_WORD and self.location != self.Location.ATTACHMENT
