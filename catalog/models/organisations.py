from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township_portal.lib.orgcode import is_valid_organisation_code


def validate_organisation_code(value: str) -> None:
    if not is_valid_organisation_code(value):
        raise ValidationError(
            _("“%(value)s”不是有效的统一社会信用代码（18位）或组织机构代码（9位），请核对校验位。"),
            params={"value": value},
        )


# Top-level URL segments the portal uses itself; a township slug must not shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "reports",
        "annual",
        "display",
        "search",
        "static",
        "media",
        "healthz",
        "feeds",
        "items",
        "api",
        "accounts",
        "attachments",
        "mailbox",
        "apply",
    }
)


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(value)s”是系统保留的网址，请换一个。"), params={"value": value})


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def townships(self):
        return self.filter(kind=Organisation.Kind.TOWNSHIP)

    def subtree(self, organisation):
        """The organisation and everything below it (the tree is at most three levels deep)."""
        return self.filter(Q(pk=organisation.pk) | Q(parent=organisation.pk) | Q(parent__parent=organisation.pk))


class Organisation(models.Model):
    """A county, a township or county department below it, or an internal office (站所)."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("县（区）政府")
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("县直部门")
        OFFICE = "office", _("内设机构/站所")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("机构类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("机构全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40)
    slug = models.SlugField(
        _("网址标识"),
        max_length=60,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("用于网址的英文或拼音标识，如 shuangxi；发布后请勿修改。"),
    )
    code = models.CharField(
        _("机构代码"),
        max_length=18,
        blank=True,
        validators=[validate_organisation_code],
        help_text=_("统一社会信用代码或组织机构代码，用于生成索引号。内设机构可不填。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    fax = models.CharField(_("传真"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    index_number_format = models.CharField(
        _("索引号格式"),
        max_length=60,
        default="{code}/{year}-{serial:05d}",
        help_text=_("可用 {code}（机构代码）、{year}（发布年度）、{serial}（年度流水号）。"),
    )
    monthly_minimum_items = models.PositiveIntegerField(
        _("每月最低发布条数"),
        default=0,
        help_text=_("县级设置：各乡镇每月至少主动公开的信息条数，0 表示不考核。"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name_in_parent"),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="organisation_unique_code"),
            models.CheckConstraint(
                condition=Q(kind="county", parent__isnull=True) | (~Q(kind="county") & Q(parent__isnull=False)),
                name="organisation_only_county_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        allowed_parents = {
            self.Kind.COUNTY: set(),
            self.Kind.TOWNSHIP: {self.Kind.COUNTY},
            self.Kind.DEPARTMENT: {self.Kind.COUNTY},
            self.Kind.OFFICE: {self.Kind.TOWNSHIP, self.Kind.DEPARTMENT},
        }.get(self.kind)
        if allowed_parents is None:
            return  # not a kind at all: the field's own error says so
        if self.parent_id is None and allowed_parents:
            raise ValidationError({"parent": _("该类型的机构必须有上级机构。")})
        if self.parent_id is not None and self.parent.kind not in allowed_parents:
            raise ValidationError({"parent": _("上级机构类型不符合层级：县 → 乡镇/县直部门 → 站所。")})
        if self.kind != self.Kind.OFFICE and not self.code:
            raise ValidationError({"code": _("县、乡镇和部门必须填写机构代码。")})

    @property
    def disclosing_body(self):
        """The township, department or county that discloses for this organisation."""
        return self.parent if self.kind == self.Kind.OFFICE else self


class Role(models.TextChoices):
    AUTHOR = "author", _("信息员")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("分管领导（签发）")
    ORG_ADMIN = "org_admin", _("机构管理员")
    COUNTY_OFFICE = "county_office", _("县政务公开办")


class Staff(models.Model):
    """A person working for one organisation, with the roles they hold there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="staff"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="staff"
    )
    title = models.CharField(_("职务"), max_length=60, blank=True)
    is_author = models.BooleanField(_("信息员"), default=False)
    is_reviewer = models.BooleanField(_("审核人"), default=False)
    is_approver = models.BooleanField(_("分管领导（签发）"), default=False)
    is_org_admin = models.BooleanField(_("机构管理员"), default=False)
    is_county_office = models.BooleanField(
        _("县政务公开办"), default=False, help_text=_("可查看本县所有机构的记录，不能修改乡镇的记录。")
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["organisation", "user__username"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}（{self.organisation.short_name}）"

    @property
    def roles(self) -> set[str]:
        return {role for role in Role.values if getattr(self, f"is_{role}")}

    def has_role(self, role: str) -> bool:
        return getattr(self, f"is_{role}", False)

    @property
    def can_write(self) -> bool:
        return bool(self.roles - {Role.COUNTY_OFFICE})
