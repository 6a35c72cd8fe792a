"""Messages to a township's public mailbox (咨询、投诉、建议信箱) and its supervision phone line.

A message is written on the portal or recorded by staff from a call or a letter. It is
assigned to an office (站所), which drafts the answer; a second person approves it and
the answer is delivered to the writer, who reads it on the status page with the message
number and 查询码. A writer who allowed it may see the message and answer published on
the township's 公众留言 page, with personal data masked. The writer's name, phone and
email are never shown on a public page: published text lives in its own columns, which
the publication service fills only after the personal-data scan.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation


class MessageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, unpublished_at__isnull=True)

    def open(self):
        return self.exclude(status__in=[Message.Status.ANSWERED, Message.Status.CLOSED])


class Message(models.Model):
    class Kind(models.TextChoices):
        CONSULT = "consult", _("咨询")
        COMPLAINT = "complaint", _("投诉")
        SUGGESTION = "suggestion", _("建议")
        HELP = "help", _("求助")

    class Channel(models.TextChoices):
        WEB = "web", _("网上信箱")
        PHONE = "phone", _("监督投诉电话")
        LETTER = "letter", _("来信")

    class Status(models.TextChoices):
        RECEIVED = "received", _("待分办")
        ASSIGNED = "assigned", _("办理中")
        DRAFTED = "drafted", _("答复待审核")
        APPROVED = "approved", _("答复待送达")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("不予受理")

    class Delivery(models.TextChoices):
        ONLINE = "online", _("网上查询")
        PHONE = "phone", _("电话告知")
        SMS = "sms", _("短信")
        LETTER = "letter", _("书面回复")
        EMAIL = "email", _("电子邮件")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("受理机构"), on_delete=models.PROTECT, related_name="mailbox_messages"
    )
    number = models.CharField(_("留言编号"), max_length=20, unique=True)
    access_code_hash = models.CharField(_("查询码（摘要）"), max_length=128, editable=False)
    submission_token = models.CharField(_("提交标识"), max_length=64, null=True, blank=True, editable=False)
    kind = models.CharField(_("留言类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    subject = models.CharField(_("主题"), max_length=100)
    body = models.TextField(_("留言内容"))
    writer_name = models.CharField(_("姓名"), max_length=40)
    writer_phone = models.CharField(_("联系电话"), max_length=20)
    writer_email = models.EmailField(_("电子邮箱"), blank=True)
    may_publish = models.BooleanField(_("同意公开"), default=False)
    received_at = models.DateTimeField(_("收到时间"))
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"))
    # The first day the staff home flags it: two working days before the limit (stored, so the
    # staff home needs no calendar to know).
    warn_on = models.DateField(_("提醒日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    office = models.ForeignKey(
        Organisation,
        verbose_name=_("承办站所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mailbox_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分办时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟稿人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("拟稿时间"), null=True, blank=True)
    return_comment = models.CharField(_("退回意见"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=16, choices=Delivery.choices, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送达人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # What the public page shows, written only by the publication service after the scan.
    public_subject = models.CharField(_("公开主题"), max_length=100, blank=True)
    public_body = models.TextField(_("公开留言内容"), blank=True)
    public_answer = models.TextField(_("公开答复内容"), blank=True)
    public_writer = models.CharField(_("公开署名"), max_length=40, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公开人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unpublished_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    unpublish_reason = models.CharField(_("撤下理由"), max_length=500, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_token"],
                condition=Q(submission_token__isnull=False),
                name="mailbox_message_unique_submission",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(may_publish=True, status="answered"),
                name="mailbox_message_published_only_if_allowed_and_answered",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
                name="mailbox_message_approver_is_not_drafter",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "received_on"], name="mailbox_org_status_received"),
            models.Index(fields=["organisation", "status", "warn_on"], name="mailbox_org_status_warn"),
            models.Index(fields=["office", "status"], name="mailbox_office_status"),
            models.Index(fields=["organisation", "received_at"], name="mailbox_org_received_at"),
            models.Index(fields=["organisation", "answered_on"], name="mailbox_org_answered_on"),
            models.Index(
                fields=["organisation", "-published_at", "-id"],
                condition=Q(published_at__isnull=False, unpublished_at__isnull=True),
                name="mailbox_public_page",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.unpublished_at is None

    @property
    def answered_late(self) -> bool:
        return self.answered_on is not None and self.answered_on > self.due_on
