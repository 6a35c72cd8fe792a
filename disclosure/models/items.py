from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Channel, Obligation, Organisation


class ItemQuerySet(models.QuerySet):
    def public(self):
        """Items a resident may see: published, including repealed ones (withdrawn answer 410)."""
        return self.filter(status=Item.Status.PUBLISHED)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Item(models.Model):
    """公开信息: one piece of government information, from draft to publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("审核中")
        APPROVED = "approved", _("已审批待发布")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Validity(models.TextChoices):
        VALID = "valid", _("有效")
        REPEALED = "repealed", _("废止")
        REVISED = "revised", _("已修订")

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
    body = models.TextField(_("正文"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    index_number = models.CharField(_("索引号"), max_length=60, null=True, blank=True, editable=False)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
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
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True, editable=False)
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
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-published_at"]),
            models.Index(fields=["category", "status", "-published_at"]),
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["document_number"]),
        ]

    def __str__(self):
        return self.title

    @property
    def late_days(self) -> int | None:
        """Calendar days past the due date at publication, or None when on time."""
        if self.published_at is None or self.due_on is None:
            return None
        days = (self.published_at.date() - self.due_on).days
        return days if days > 0 else None


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

    class Meta:
        verbose_name = _("公开渠道记录")
        verbose_name_plural = _("公开渠道记录")
        ordering = ["item", "posted_on"]
        indexes = [models.Index(fields=["channel", "posted_on"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.posted_on}"
