from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.organisations import Organisation


class ColumnKind(models.TextChoices):
    """Which freshness rule of the website inspection applies to a column."""

    NEWS = "news", _("动态类（两周内须更新）")
    NOTICE = "notice", _("通知公告/政策类（六个月内须更新）")
    STATIC = "static", _("相对固定类（不考核更新频率）")


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
