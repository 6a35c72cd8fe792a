from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.organisations import Organisation


class ColumnKind(models.TextChoices):
    """Which freshness rule of the website inspection applies to a column."""

    NEWS = "news", _("动态类（两周内须更新）")
    NOTICE = "notice", _("通知公告/政策类（六个月内须更新）")
    STATIC = "static", _("相对固定类（不考核更新频率）")


def freshness_limits() -> dict[str, int]:
    """Days each kind of column may stay idle (settings FRESHNESS_*_DAYS); static columns are not assessed."""
    return {ColumnKind.NEWS: settings.FRESHNESS_NEWS_DAYS, ColumnKind.NOTICE: settings.FRESHNESS_NOTICE_DAYS}


class Channel(models.TextChoices):
    """公开渠道和载体: the fixed list a catalog entry and an item's publication use."""

    WEBSITE = "website", _("政府网站")
    NEW_MEDIA = "new_media", _("两微一端")
    PAPER = "paper", _("纸质媒体/宣传资料")
    BULLETIN_BOARD = "bulletin_board", _("公示栏")
    READING_POINT = "reading_point", _("政府信息查阅点")
    SERVICE_CENTRE = "service_centre", _("便民服务中心")
    DOOR_TO_DOOR = "door_to_door", _("入户/精准推送")
    BROADCAST = "broadcast", _("广播电视")
    BRIEFING = "briefing", _("新闻发布会")


class StandardArea(models.TextChoices):
    """The 26 areas of the 基层政务公开标准目录 (国办发〔2019〕54号 and the departments' 标准指引)."""

    URBAN_PLANNING = "urban_planning", _("城乡规划")
    MAJOR_PROJECTS = "major_projects", _("重大建设项目")
    PUBLIC_RESOURCES = "public_resources", _("公共资源交易")
    BUDGET = "budget", _("财政预决算")
    WORK_SAFETY = "work_safety", _("安全生产")
    TAX = "tax", _("税收管理")
    LAND_COMPENSATION = "land_compensation", _("征地补偿")
    HOUSE_EXPROPRIATION = "house_expropriation", _("国有土地上房屋征收")
    RURAL_HOUSING = "rural_housing", _("农村危房改造")
    ENVIRONMENT = "environment", _("环境保护")
    PUBLIC_CULTURE = "public_culture", _("公共文化服务")
    PUBLIC_LEGAL = "public_legal", _("公共法律服务")
    POVERTY = "poverty", _("扶贫/乡村振兴")
    DISASTER_RELIEF = "disaster_relief", _("救灾")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")
    ELDERLY_CARE = "elderly_care", _("养老服务")
    HOUSEHOLD_REGISTRATION = "household_registration", _("户籍管理")
    FARM_SUBSIDIES = "farm_subsidies", _("涉农补贴")
    EMPLOYMENT = "employment", _("就业")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    COMPULSORY_EDUCATION = "compulsory_education", _("义务教育")
    HEALTH = "health", _("卫生健康")
    FOOD_DRUGS = "food_drugs", _("食品药品监管")
    URBAN_ENFORCEMENT = "urban_enforcement", _("城市综合执法")
    MUNICIPAL_SERVICES = "municipal_services", _("市政服务")
    SUBSIDISED_HOUSING = "subsidised_housing", _("保障性住房")


# Deep enough for 重点领域 → 社会救助 → 最低生活保障; deeper trees lose residents.
MAX_CATEGORY_DEPTH = 3


class Category(models.Model):
    """A column (目录类别) of an organisation's disclosure catalog."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("类别编码"), max_length=20)
    name = models.CharField(_("类别名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    column_kind = models.CharField(_("栏目类型"), max_length=16, choices=ColumnKind.choices, default=ColumnKind.NOTICE)
    is_active = models.BooleanField(_("启用"), default=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("来源模板类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("从县级模板目录采用时记录来源。"),
    )

    class Meta:
        verbose_name = _("目录类别")
        verbose_name_plural = _("目录类别")
        ordering = ["organisation", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="category_unique_code"),
        ]
        indexes = [models.Index(fields=["organisation", "parent", "order"])]

    def __str__(self):
        return self.name

    @property
    def freshness_days(self) -> int | None:
        """Days a column may go without a new item before the inspection fails it; None if not assessed."""
        return freshness_limits().get(self.column_kind)

    def clean(self):
        if self.organisation_id is not None and self.organisation.kind == Organisation.Kind.OFFICE:
            # An internal office (站所) publishes through its township's catalog, never one of its own.
            raise ValidationError(
                {"organisation": _("内设机构（站所）没有自己的公开目录，请把类别建在所属乡镇（或县的模板目录）下。")}
            )
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": _("上级类别必须属于同一机构的目录。")})
        depth, node = 1, self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("不能把类别放到它自己或它的下级类别之下。")})
            depth += 1
            node = node.parent
        if depth > MAX_CATEGORY_DEPTH:
            raise ValidationError({"parent": _("目录最多 %(max)s 级。") % {"max": MAX_CATEGORY_DEPTH}})


class Obligation(models.Model):
    """公开事项: one entry of the standard catalog, as a township adopted it."""

    class TimeLimitKind(models.TextChoices):
        WORKING_DAYS = "working_days", _("信息形成或变更之日起若干个工作日内")
        REAL_TIME = "real_time", _("实时公开")
        PERIODIC = "periodic", _("定期公开")

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        YEARLY = "yearly", _("每年")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("全社会")
        SPECIFIC = "specific", _("特定群体")

    class Mode(models.TextChoices):
        PROACTIVE = "proactive", _("主动公开")
        ON_REQUEST = "on_request", _("依申请公开")

    class Level(models.TextChoices):
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")

    class Frequency(models.TextChoices):
        ON_EVENT = "on_event", _("随时（有则公开）")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        YEARLY = "yearly", _("每年")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="obligations"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("目录类别"), on_delete=models.PROTECT, related_name="obligations"
    )
    code = models.CharField(_("序号"), max_length=20)
    order = models.PositiveIntegerField(_("排序"), default=0)
    first_level = models.CharField(_("一级事项"), max_length=100)
    second_level = models.CharField(_("二级事项"), max_length=100, blank=True)
    content_elements = models.TextField(_("公开内容（要素）"))
    legal_basis = models.TextField(_("公开依据"), blank=True)
    time_limit_kind = models.CharField(
        _("公开时限类型"), max_length=16, choices=TimeLimitKind.choices, default=TimeLimitKind.WORKING_DAYS
    )
    time_limit_days = models.PositiveSmallIntegerField(_("时限（工作日）"), null=True, blank=True, default=20)
    period = models.CharField(_("公开周期"), max_length=16, choices=Period.choices, blank=True)
    responsible_body = models.ForeignKey(
        Organisation,
        verbose_name=_("公开主体"),
        on_delete=models.PROTECT,
        related_name="responsible_obligations",
    )
    channels = models.JSONField(_("公开渠道和载体"), default=list, help_text=_("渠道代码列表"))
    audience = models.CharField(_("公开对象"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    mode = models.CharField(_("公开方式"), max_length=16, choices=Mode.choices, default=Mode.PROACTIVE)
    level = models.CharField(_("公开层级"), max_length=16, choices=Level.choices, default=Level.TOWNSHIP)
    expected_frequency = models.CharField(
        _("预期发布频率"), max_length=16, choices=Frequency.choices, default=Frequency.ON_EVENT
    )
    is_active = models.BooleanField(_("启用"), default=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("来源模板事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("从县级模板目录采用时记录来源。"),
    )

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["organisation", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="obligation_unique_code"),
            models.CheckConstraint(
                condition=~models.Q(time_limit_kind="working_days") | models.Q(time_limit_days__gt=0),
                name="obligation_working_days_need_days",
            ),
            models.CheckConstraint(
                condition=~models.Q(time_limit_kind="periodic") | ~models.Q(period=""),
                name="obligation_periodic_needs_period",
            ),
        ]

    def __str__(self):
        return f"{self.first_level} / {self.second_level}" if self.second_level else self.first_level

    @property
    def time_limit_text(self) -> str:
        """公开时限 as counties write it; `catalog.transfer` reads the same wording back."""
        if self.time_limit_kind == self.TimeLimitKind.REAL_TIME:
            return "实时公开"
        if self.time_limit_kind == self.TimeLimitKind.PERIODIC:
            period = {"monthly": "每月", "quarterly": "每季度", "yearly": "每年"}[self.period]
            return f"{period}结束后{self.time_limit_days}个工作日内" if self.time_limit_days else period
        return f"信息形成或变更之日起{self.time_limit_days}个工作日内"

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(code, code)) for code in self.channels]

    def clean(self):
        errors = {}
        if self.category_id and self.organisation_id and self.category.organisation_id != self.organisation_id:
            errors["category"] = _("目录类别必须属于同一机构的目录。")
        if not isinstance(self.channels, list) or not self.channels:
            errors["channels"] = _("请至少选择一个公开渠道。")
        elif unknown := [c for c in self.channels if c not in Channel.values]:
            errors["channels"] = _("无法识别的公开渠道：%(codes)s") % {"codes": "、".join(map(str, unknown))}
        if self.time_limit_kind == self.TimeLimitKind.WORKING_DAYS and not self.time_limit_days:
            errors["time_limit_days"] = _("按工作日计算时限时，请填写天数。")
        if self.time_limit_kind == self.TimeLimitKind.PERIODIC and not self.period:
            errors["period"] = _("定期公开的事项请选择公开周期。")
        if errors:
            raise ValidationError(errors)


class UncoveredArea(models.Model):
    """未涉及领域事项说明: a standard-catalog area the organisation does not cover, and why."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="uncovered_areas"
    )
    area = models.CharField(_("领域"), max_length=32, choices=StandardArea.choices)
    explanation = models.TextField(
        _("说明"), help_text=_("如：本乡无国有土地上房屋征收职能，该事项由县住建局负责公开。")
    )

    class Meta:
        verbose_name = _("未涉及领域事项说明")
        verbose_name_plural = _("未涉及领域事项说明")
        ordering = ["organisation", "area"]
        constraints = [models.UniqueConstraint(fields=["organisation", "area"], name="uncovered_area_unique")]

    def __str__(self):
        return self.get_area_display()
