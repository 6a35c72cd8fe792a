"""The review before publishing (先审后发): each township's steps, each round of review, each decision.

An item (or a change to a published item) is submitted once per round (`Review`); the
item's `review_step` says where the round stands; every approval or return is a
`ReviewDecision`. `IndexCounter` hands out index numbers (索引号) per organisation and year.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation, Role
from disclosure.models.items import Item


class ReviewStep(models.Model):
    """One step of a township's review procedure (审核环节), taken in `order`."""

    ROLE_CHOICES = [(role.value, role.label) for role in (Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN)]

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="review_steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=20, help_text=_("如：初审、保密审查、签发。"))
    role = models.CharField(_("办理角色"), max_length=16, choices=ROLE_CHOICES)
    must_differ_from_previous = models.BooleanField(
        _("须与上一环节不是同一人"), default=True, help_text=_("勾选后，办理上一环节的人不能办理本环节。")
    )
    is_secrecy_review = models.BooleanField(
        _("保密审查环节"),
        default=False,
        help_text=_("勾选后，还有未处理的个人信息或敏感词检查结果时，本环节不能通过（与签发一样）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        ordering = ["organisation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="review_step_unique_order"),
            models.CheckConstraint(
                condition=Q(role__in=["reviewer", "approver", "org_admin"]), name="review_step_role_reviews"
            ),
        ]

    def __str__(self):
        return self.name


class Review(models.Model):
    """One round of review (送审): from submission to approval, return or cancellation."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("首次发布")
        CHANGE = "change", _("修改已发布信息")

    class Status(models.TextChoices):
        IN_REVIEW = "in_review", _("审核中")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核通过")
        CANCELLED = "cancelled", _("已终止")

    item = models.ForeignKey(Item, verbose_name=_("公开信息"), on_delete=models.PROTECT, related_name="reviews")
    revision = models.ForeignKey(
        "disclosure.ItemRevision",
        verbose_name=_("送审版本"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    kind = models.CharField(_("送审类型"), max_length=16, choices=Kind.choices, default=Kind.PUBLICATION)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_REVIEW)
    authors = models.JSONField(
        _("起草和修改人"), default=list, help_text=_("这些人的用户编号；他们不能审核本轮送审的内容。")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("送审人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("送审时间"))
    last_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上一环节办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("送审")
        verbose_name_plural = _("送审")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="in_review"), name="review_one_open_round_per_item"
            ),
        ]
        indexes = [models.Index(fields=["item", "-submitted_at"])]

    def __str__(self):
        return f"{self.item}（{self.get_kind_display()}，{self.get_status_display()}）"


class ReviewDecision(models.Model):
    """One reviewer's decision at one step: approve, or return to the author with a comment."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回修改")

    review = models.ForeignKey(Review, verbose_name=_("送审"), on_delete=models.PROTECT, related_name="decisions")
    step = models.ForeignKey(
        ReviewStep, verbose_name=_("审核环节"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_name = models.CharField(_("环节名称"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT)
    decision = models.CharField(_("意见"), max_length=16, choices=Decision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    at = models.DateTimeField(_("办理时间"))

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="return") | ~Q(comment=""), name="review_decision_return_needs_comment"
            ),
        ]

    def __str__(self):
        return f"{self.step_name} {self.get_decision_display()}"


class IndexCounter(models.Model):
    """The last index-number serial handed out for one organisation and year; serials are never reused."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="index_counters"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last_serial = models.PositiveIntegerField(_("已用到的流水号"), default=0)

    class Meta:
        verbose_name = _("索引号流水号")
        verbose_name_plural = _("索引号流水号")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="index_counter_unique_year"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}: {self.last_serial}"
