from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models.applications import OUTCOME_CHOICES, Application, DeliveryMeans


class Answer(models.Model):
    """The answer to an application: drafted by one person, approved by another (never the drafter)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待审批")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审批")

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="answers"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=OUTCOME_CHOICES)
    explanation = models.TextField(_("答复内容"), max_length=5000)
    legal_basis = models.CharField(_("法律依据"), max_length=500, blank=True)
    published_item = models.ForeignKey(
        "disclosure.Item",
        verbose_name=_("已公开的信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_index_number = models.CharField(_("索引号"), max_length=60, blank=True)
    holder_name = models.CharField(_("掌握该信息的机关"), max_length=100, blank=True)
    holder_organisation = models.ForeignKey(
        "catalog.Organisation",
        verbose_name=_("转办至（本平台机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("拟稿人"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("拟稿时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    return_comment = models.CharField(_("退回意见"), max_length=500, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_means = models.CharField(_("送达方式"), max_length=16, choices=DeliveryMeans.choices, blank=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            # At most one answer waiting for approval, and one approved answer, per application.
            models.UniqueConstraint(
                fields=["application"], condition=Q(state="draft"), name="answer_one_draft_per_application"
            ),
            models.UniqueConstraint(
                fields=["application"], condition=Q(state="approved"), name="answer_one_approved_per_application"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("drafted_by")),
                name="answer_approver_is_not_drafter",
            ),
        ]

    def __str__(self):
        return f"{self.application.number}：{self.get_outcome_display()}"


class AnswerFile(models.Model):
    """A file disclosed with an answer (checked like an attachment, scanned for personal data)."""

    answer = models.ForeignKey(Answer, verbose_name=_("答复"), on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to="applications/files/", max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    findings = models.JSONField(_("个人信息检查"), default=list, blank=True)

    class Meta:
        verbose_name = _("公开的文件")
        verbose_name_plural = _("公开的文件")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class Letter(models.Model):
    """A generated letter (告知书, 补正通知书, ...), stored once as PDF and DOCX."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("补正申请告知书")
        THIRD_PARTY = "third_party", _("征求第三方意见书")
        EXTENSION = "extension", _("延期答复告知书")
        FEE = "fee", _("收费通知书")
        ANSWER = "answer", _("政府信息公开申请答复书")

    # Letters to the applicant are served on their status page; the third party's letter is not.
    APPLICANT_KINDS = frozenset({Kind.CORRECTION, Kind.EXTENSION, Kind.FEE, Kind.ANSWER})

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("文书"), max_length=20, choices=Kind.choices)
    dated = models.DateField(_("落款日期"))
    pdf = models.FileField(_("PDF"), upload_to="applications/letters/", max_length=300)
    docx = models.FileField(_("DOCX"), upload_to="applications/letters/", max_length=300)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["dated", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.dated}）"

    @property
    def to_applicant(self) -> bool:
        return self.kind in self.APPLICANT_KINDS
