"""Every saved version of an item's content (修改记录), with who saved it and when.

Before first publication the item row holds the working text and each save adds a
revision. After publication the item row holds what is online; an edit is stored only
as a pending revision (待审核的修改) until its review approves it.
"""

import difflib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure.models.items import Item
from township_portal.lib.pdf import html_to_text

# The content a revision records, in the order a diff shows it.
CONTENT_FIELDS = (
    "title",
    "category",
    "obligation",
    "publisher",
    "document_number",
    "document_kind",
    "written_on",
    "mode",
    "keywords",
    "summary",
    "body",
)
FOREIGN_KEY_FIELDS = ("category", "obligation", "publisher")
TEXT_FIELDS = ("title", "summary", "body")


class ItemRevision(models.Model):
    class State(models.TextChoices):
        SAVED = "saved", _("已保存")
        PENDING = "pending", _("待审核的修改（未上线）")
        APPLIED = "applied", _("已上线")
        DISCARDED = "discarded", _("已放弃")

    class Cause(models.TextChoices):
        CREATED = "created", _("新建")
        EDITED = "edited", _("修改")
        MASKED = "masked", _("个人信息脱敏")
        ATTACHMENTS = "attachments", _("附件变更")

    # Saving a revision for these reasons makes its saver one of the item's writers, who may not review it.
    WRITING_CAUSES = (Cause.CREATED, Cause.EDITED, Cause.ATTACHMENTS)

    item = models.ForeignKey(Item, verbose_name=_("公开信息"), on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.SAVED)
    cause = models.CharField(_("原因"), max_length=16, choices=Cause.choices, default=Cause.EDITED)
    content = models.JSONField(
        _("内容"), help_text=_("字段值；外键保存编号，另在 labels 中保存当时的名称，便于阅读差异。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保存人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_revision_unique_number"),
        ]
        indexes = [models.Index(fields=["item", "state", "-number"])]

    def __str__(self):
        return f"{self.item} 第{self.number}版"

    def value_label(self, field: str) -> str:
        """The field's value as a person reads it."""
        if field in FOREIGN_KEY_FIELDS:
            return self.content.get("labels", {}).get(field, "") or ""
        if field == "document_kind":
            kind = self.content.get("document_kind")
            return str(Item.DocumentKind(kind).label) if kind else ""
        if field == "mode":
            return str(Item.Mode(self.content["mode"]).label) if self.content.get("mode") else ""
        if field == "body":
            return html_to_text(self.content.get("body", ""))
        return str(self.content.get(field) or "")

    def diff(self, previous: "ItemRevision | None") -> list[dict]:
        """What changed since `previous`: one entry per changed field, long texts as a line diff."""
        changes = []
        for field in CONTENT_FIELDS:
            before = previous.value_label(field) if previous is not None else ""
            after = self.value_label(field)
            if before == after:
                continue
            label = Item._meta.get_field(field).verbose_name
            if field in ("summary", "body"):
                lines = [
                    line
                    for line in difflib.ndiff(before.splitlines(), after.splitlines())
                    if line[:1] in "+- " and not line.startswith("?")
                ]
                changes.append({"field": label, "lines": [(line[:1], line[2:]) for line in lines]})
            else:
                changes.append({"field": label, "before": before, "after": after})
        return changes
