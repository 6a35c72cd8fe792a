from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models.applications import Application
from township_portal.lib.annual import REMEDY_KINDS, REMEDY_RESULTS


class Remedy(models.Model):
    """An administrative review (行政复议) or lawsuit (行政诉讼) about an application (年报表四)."""

    # Value and label straight from the annual report's vocabulary (township_portal.lib.annual).
    Kind = models.TextChoices("Kind", [(code.upper(), (code, label)) for code, label in REMEDY_KINDS])
    Result = models.TextChoices("Result", [(code.upper(), (code, label)) for code, label in REMEDY_RESULTS])

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    body = models.CharField(_("复议机关或法院"), max_length=100)
    filed_on = models.DateField(_("申请或起诉日期"))
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices, default="pending")
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("行政复议、行政诉讼")
        verbose_name_plural = _("行政复议、行政诉讼")
        ordering = ["filed_on", "pk"]
        indexes = [models.Index(fields=["filed_on"], name="remedy_filed_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="pending", decided_on__isnull=True)
                | (~models.Q(result="pending") & models.Q(decided_on__isnull=False)),
                name="remedy_decided_has_date",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.body}）"


class ProactiveProposal(models.Model):
    """Art. 44: the same information asked by several applicants, proposed for proactive disclosure."""

    organisation = models.ForeignKey("catalog.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT)
    subject = models.CharField(_("所需信息"), max_length=200)
    applications = models.ManyToManyField(Application, verbose_name=_("相关申请"), related_name="proposals")
    item = models.ForeignKey(
        "disclosure.Item", verbose_name=_("主动公开草稿"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("转为主动公开的建议")
        verbose_name_plural = _("转为主动公开的建议")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject
