from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township_portal.lib.annual import APPLICANT_KINDS, OUTCOMES

OUTCOME_CHOICES = [(code, f"{group}{label}") for code, group, label in OUTCOMES]


class ApplicantKind(models.TextChoices):
    # Exactly the annual report's 表三 columns (township_portal.lib.annual.APPLICANT_KINDS).
    NATURAL = "natural", _("自然人")
    BUSINESS = "business", _("法人或其他组织：商业企业")
    RESEARCH = "research", _("法人或其他组织：科研机构")
    PUBLIC_INTEREST = "public_interest", _("法人或其他组织：社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法人或其他组织：法律服务机构")
    OTHER = "other", _("法人或其他组织：其他")


assert [k for k, _label in APPLICANT_KINDS] == list(ApplicantKind.values)


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    USCC = "uscc", _("统一社会信用代码")
    OTHER = "other", _("其他证件")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    LETTER = "letter", _("信函")
    FAX = "fax", _("传真")
    IN_PERSON = "in_person", _("当面提交")
    ORAL = "oral", _("口头申请（工作人员代为填写）")
    EMAIL = "email", _("电子邮件")
    HANDOVER = "handover", _("其他机关转来")


class FormWanted(models.TextChoices):
    PAPER = "paper", _("纸质")
    EMAIL = "email", _("电子邮件")
    DISC = "disc", _("光盘")
    DISK = "disk", _("磁盘")
    ONLINE = "online", _("网上查看")


class DeliveryMeans(models.TextChoices):
    POST = "post", _("邮寄")
    COURIER = "courier", _("快递")
    PICKUP = "pickup", _("自行领取")
    EMAIL = "email", _("电子邮件")
    FAX = "fax", _("传真")
    ONLINE = "online", _("网上查看")
    ON_SITE = "on_site", _("当场阅读、抄录")


class ApplicationQuerySet(models.QuerySet):
    def received(self):
        """Applications the office has received (confirmed online ones, registered ones)."""
        return self.filter(received_on__isnull=False).exclude(status=Application.Status.VOID)

    def open(self):
        return self.received().exclude(status=Application.Status.CLOSED)


class Application(models.Model):
    """One application for government information (政府信息公开申请), from receipt to archive."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待确认")
        OPEN = "open", _("办理中")
        CORRECTION = "correction", _("待补正")
        FEE = "fee", _("待缴费")
        CLOSED = "closed", _("已办结")
        VOID = "void", _("已作废")

    organisation = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    query_code_hash = models.CharField(_("查询码（加密保存）"), max_length=200)
    submission_token = models.UUIDField(_("提交令牌"), null=True, blank=True, unique=True, editable=False)
    channel = models.CharField(_("申请方式"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(_("版本"), default=1)

    applicant_kind = models.CharField(_("申请人类型"), max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人姓名或名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=40)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30)
    address = models.CharField(_("通信地址"), max_length=200)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    description = models.TextField(_("所需信息的内容描述"), max_length=2000)
    document_title = models.CharField(_("所需信息的名称"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    other_features = models.CharField(_("其他特征描述"), max_length=500, blank=True)
    form_wanted = models.CharField(_("获取信息的载体形式"), max_length=16, choices=FormWanted.choices)
    delivery_wanted = models.CharField(_("获取信息的方式"), max_length=16, choices=DeliveryMeans.choices)
    needs_help = models.BooleanField(_("需要阅读、视听等方面的帮助（第四十三条）"), default=False)

    id_scan = models.FileField(_("身份证明扫描件"), upload_to="applications/id/", blank=True, max_length=300)
    id_scan_name = models.CharField(_("扫描件原文件名"), max_length=255, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"))
    received_on = models.DateField(_("收到申请日期"), null=True, blank=True)
    due_on = models.DateField(
        _("答复期限"), null=True, blank=True, help_text=_("由收到日期和计时事件按工作日计算；暂停计时期间为空。")
    )
    pause_until = models.DateField(_("暂停至"), null=True, blank=True)
    due_on_provisional = models.BooleanField(
        _("期限为暂定"), default=False, help_text=_("所跨年度的节假日安排尚未加载，暂按周末计算。")
    )
    consulting = models.BooleanField(_("正在征求第三方意见"), default=False)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=OUTCOME_CHOICES, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    handed_over_from = models.ForeignKey(
        "self", verbose_name=_("转来自"), null=True, blank=True, on_delete=models.PROTECT, related_name="handed_over_to"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="application_org_status"),
            models.Index(fields=["organisation", "due_on"], name="application_org_due"),
            models.Index(fields=["organisation", "received_on"], name="application_org_received"),
            models.Index(fields=["organisation", "closed_on"], name="application_org_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", outcome__gt="", closed_on__isnull=False)
                | (~Q(status="closed") & Q(outcome="")),
                name="application_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "void"]) | Q(received_on__isnull=False),
                name="application_received_has_date",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_organisation(self) -> bool:
        return self.applicant_kind != ApplicantKind.NATURAL

    @property
    def masked_id(self) -> str:
        return mask_identifier(self.id_number)

    @property
    def masked_name(self) -> str:
        name = self.applicant_name
        if self.is_organisation or len(name) <= 1:
            return name
        return name[0] + "*" * (len(name) - 1)


def mask_identifier(value: str) -> str:
    """`35*************123`-style: two characters at the start, three at the end."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 5) + value[-3:]


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("网上提交")
    RECEIVED = "received", _("收到申请")
    CORRECTION_SENT = "correction_sent", _("发出补正通知")
    CORRECTION_RECEIVED = "correction_received", _("收到补正")
    CORRECTION_LAPSED = "correction_lapsed", _("逾期未补正")
    THIRD_PARTY_SENT = "third_party_sent", _("征求第三方意见")
    THIRD_PARTY_REPLIED = "third_party_replied", _("第三方答复")
    EXTENDED = "extended", _("延长答复期限")
    FEE_NOTICE = "fee_notice", _("发出收费通知")
    FEE_PAID = "fee_paid", _("缴纳信息处理费")
    FEE_LAPSED = "fee_lapsed", _("逾期未缴费")
    ANSWER_DRAFTED = "answer_drafted", _("拟写答复")
    ANSWER_RETURNED = "answer_returned", _("答复退回修改")
    ANSWERED = "answered", _("作出答复")
    DELIVERED = "delivered", _("送达")
    HANDED_OVER = "handed_over", _("转办")
    VOIDED = "voided", _("作废")


# Events the applicant sees on the status page (the rest are internal steps).
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.RECEIVED,
        EventKind.CORRECTION_SENT,
        EventKind.CORRECTION_RECEIVED,
        EventKind.CORRECTION_LAPSED,
        EventKind.THIRD_PARTY_SENT,
        EventKind.THIRD_PARTY_REPLIED,
        EventKind.EXTENDED,
        EventKind.FEE_NOTICE,
        EventKind.FEE_PAID,
        EventKind.FEE_LAPSED,
        EventKind.ANSWERED,
        EventKind.DELIVERED,
        EventKind.HANDED_OVER,
    }
)


class ApplicationEvent(models.Model):
    """Something that happened to an application on a given (legal) day; the clock is computed from these."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=24, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["on", "pk"]
        indexes = [
            models.Index(fields=["kind", "on"], name="application_event_kind_on"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"
