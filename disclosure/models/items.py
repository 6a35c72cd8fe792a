from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from catalog.models import Category, Channel, Obligation, Organisation
from disclosure.html import EDITOR_EXTENSIONS, sanitize_body
from township_portal.lib.personal_data import mask_text, scan


class ProtectedItemError(PermissionError):
    """Raised on any attempt to delete an item that was ever published."""

    def __init__(self, item=None):
        what = f"“{item}”" if item is not None else "已发布过的信息"
        super().__init__(f"{what}已发布过，不能删除；请改用撤回或废止。")


class ItemQuerySet(models.QuerySet):
    def public(self):
        """Items a resident may see: published, including repealed ones (withdrawn answer 410)."""
        return self.filter(status=Item.Status.PUBLISHED)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def unpublished(self):
        """Items still on their way to publication (their due date still matters)."""
        return self.filter(status__in=Item.UNPUBLISHED_STATUSES)

    def delete(self):
        if self.filter(index_number__isnull=False).exists():
            raise ProtectedItemError()
        return super().delete()


class Item(models.Model):
    """公开信息: one piece of government information, from draft to publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("审核中")
        APPROVED = "approved", _("已审批待发布")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    # Still on the way to publication: the due date matters and the item counts as overdue once past it.
    UNPUBLISHED_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)

    class Validity(models.TextChoices):
        VALID = "valid", _("有效")
        REPEALED = "repealed", _("废止")
        REVISED = "revised", _("已修订")

    class DocumentKind(models.TextChoices):
        # 年度报告表二 counts 规章 and 行政规范性文件 issued, repealed and in force.
        REGULATION = "regulation", _("规章")
        NORMATIVE = "normative", _("行政规范性文件")
        OTHER = "other", _("其他")

    class Mode(models.TextChoices):
        PROACTIVE = "proactive", _("主动公开")
        ON_REQUEST = "on_request", _("依申请公开")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("公开主体"),
        on_delete=models.PROTECT,
        related_name="items",
        help_text=_("负责公开的乡镇、部门或县政府。"),
    )
    category = models.ForeignKey(Category, verbose_name=_("目录分类"), on_delete=models.PROTECT, related_name="items")
    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("公开事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    publisher = models.ForeignKey(
        Organisation,
        verbose_name=_("发布机构"),
        on_delete=models.PROTECT,
        related_name="published_items",
        help_text=_("本机构或其内设机构/站所。"),
    )
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("内容概述"), blank=True)
    body = ProseEditorField(
        _("正文"),
        blank=True,
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitize_body,
        help_text=_("可直接从 Word/WPS 粘贴，保留标题、列表、表格和链接；脚本和样式会被去除。"),
    )
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    index_number = models.CharField(_("索引号"), max_length=60, null=True, blank=True, editable=False)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    document_kind = models.CharField(
        _("文件类别"),
        max_length=16,
        choices=DocumentKind.choices,
        default=DocumentKind.OTHER,
        help_text=_("规章或行政规范性文件计入政府信息公开工作年度报告表二（制发、废止、现行有效件数）。"),
    )
    written_on = models.DateField(_("成文/形成日期"))
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    validity = models.CharField(_("有效性"), max_length=16, choices=Validity.choices, default=Validity.VALID)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("修订后的信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    mode = models.CharField(_("公开方式"), max_length=16, choices=Mode.choices, default=Mode.PROACTIVE)
    due_on = models.DateField(_("应公开日期"), null=True, blank=True, editable=False)
    due_on_provisional = models.BooleanField(
        _("应公开日期为暂定"),
        default=False,
        editable=False,
        help_text=_("形成年度的节假日安排尚未载入，应公开日期暂按周末推算；载入后自动重算。"),
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True, editable=False)
    scheduled_for = models.DateTimeField(
        _("定时发布时间"), null=True, blank=True, help_text=_("留空则签发后立即发布；填写则到时由系统自动发布。")
    )
    review_step = models.ForeignKey(
        "disclosure.ReviewStep",
        verbose_name=_("当前审核环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    late_workdays = models.PositiveSmallIntegerField(
        _("逾期工作日数"), null=True, blank=True, editable=False, help_text=_("发布时超过应公开日期的工作日数。")
    )
    is_emergency = models.BooleanField(_("紧急发布"), default=False, editable=False)
    emergency_reason = models.TextField(_("紧急发布理由"), blank=True, editable=False)
    emergency_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("紧急发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    emergency_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("事后审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    emergency_confirmed_at = models.DateTimeField(_("事后审批时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="authored_items",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开信息")
        verbose_name_plural = _("公开信息")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["index_number"], condition=Q(index_number__isnull=False), name="item_unique_index_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False, index_number__isnull=False),
                name="item_published_has_date_and_index",
            ),
            models.CheckConstraint(
                condition=~Q(validity="repealed") | Q(repealed_on__isnull=False),
                name="item_repealed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(validity="revised") | Q(replaced_by__isnull=False, repealed_on__isnull=False),
                name="item_revised_has_replacement",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="item_withdrawn_has_time_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(review_step__isnull=True) | Q(status__in=["in_review", "published"]),
                name="item_review_step_only_in_review",
            ),
            models.CheckConstraint(
                condition=~Q(is_emergency=True) | (Q(emergency_published_by__isnull=False) & ~Q(emergency_reason="")),
                name="item_emergency_has_publisher_and_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-published_at"]),
            models.Index(fields=["category", "status", "-published_at"]),
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["document_number"]),
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["status", "scheduled_for"]),
            models.Index(fields=["created_by", "status"]),
            # The admin item list: always scoped to the user's organisations, sorted by last change,
            # and narrowed by its list filters (validity, emergency, disclosure mode, late publication).
            models.Index(fields=["organisation", "-updated_at"], name="item_org_updated_idx"),
            models.Index(fields=["organisation", "validity", "-updated_at"], name="item_org_validity_idx"),
            models.Index(fields=["organisation", "is_emergency", "-updated_at"], name="item_org_emergency_idx"),
            models.Index(fields=["organisation", "mode", "-updated_at"], name="item_org_mode_idx"),
            models.Index(fields=["organisation", "late_workdays"], name="item_org_late_idx"),
            models.Index(fields=["organisation", "document_kind"], name="item_org_document_kind_idx"),
            # The monthly and annual reports count a period's items by organisation, column,
            # publisher and lateness: on PostgreSQL an index-only scan of the period's range
            # instead of a read of the whole table (county month at 1,000,000 items, 102,528 of
            # them in the year: 29 ms against 570 ms). SQLite has no INCLUDE: a plain index there.
            models.Index(
                fields=["published_at"],
                include=[
                    "id",
                    "organisation",
                    "status",
                    "withdrawn_at",
                    "category",
                    "publisher",
                    "obligation",
                    "due_on",
                    "due_on_provisional",
                ],
                condition=models.Q(published_at__isnull=False),
                name="item_period_counts_idx",
            ),
        ]

    def __str__(self):
        # The name the admin and the append-only audit log (object_repr, notes) keep: a personal
        # number in the title is masked here, since no later masking could reach those copies.
        return mask_text(self.title, scan(self.title))

    @property
    def late_days(self) -> int | None:
        """Calendar days past the due date at publication, or None when on time."""
        if self.published_at is None or self.due_on is None:
            return None
        days = (timezone.localdate(self.published_at) - self.due_on).days
        return days if days > 0 else None

    def clean(self):
        """The rules every saved item obeys, whatever form, service or import it came from."""
        errors = {}
        organisation = self.organisation if self.organisation_id else None
        if organisation is not None and organisation.kind == Organisation.Kind.OFFICE:
            errors["organisation"] = _(
                "内设机构/站所不单独公开信息，请选择其所属的乡镇或部门（站所可以作为发布机构）。"
            )
        if not (self.title or "").strip():
            errors["title"] = _("请填写标题。")
        if self.category_id is None:
            errors["category"] = _("请选择目录分类。")
        elif organisation is not None and self.category.organisation_id != organisation.pk:
            errors["category"] = _("目录分类必须是本机构公开目录中的类别。")
        if (
            self.obligation_id is not None
            and organisation is not None
            and self.obligation.organisation_id != organisation.pk
        ):
            errors["obligation"] = _("公开事项必须是本机构公开目录中的事项。")
        if self.publisher_id is None:
            errors["publisher"] = _("请选择发布机构。")
        elif organisation is not None and organisation.pk not in (self.publisher_id, self.publisher.parent_id):
            errors["publisher"] = _("发布机构只能是本机构或其内设机构/站所。")
        if self.written_on is None:
            errors["written_on"] = _("请填写成文/形成日期。")
        elif self.written_on > timezone.localdate():
            errors["written_on"] = _("成文/形成日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def awaits_emergency_confirmation(self) -> bool:
        return self.is_emergency and self.emergency_confirmed_by_id is None

    def delete(self, *args, **kwargs):
        if self.index_number:
            raise ProtectedItemError(self)
        return super().delete(*args, **kwargs)


class ItemChannel(models.Model):
    """A channel an item went out on; the website is recorded automatically on publish."""

    item = models.ForeignKey(Item, verbose_name=_("公开信息"), on_delete=models.PROTECT, related_name="channels")
    channel = models.CharField(_("公开渠道"), max_length=20, choices=Channel.choices)
    posted_on = models.DateField(_("公开日期"))
    place = models.CharField(_("张贴地点"), max_length=100, blank=True)
    link = models.URLField(_("链接"), blank=True)
    photo = models.ImageField(_("现场照片"), upload_to="channels/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # The idempotency key of the form that recorded it: the same submission twice records once.
    submission_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("公开渠道记录")
        verbose_name_plural = _("公开渠道记录")
        ordering = ["item", "posted_on"]
        indexes = [models.Index(fields=["channel", "posted_on"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.posted_on}"
