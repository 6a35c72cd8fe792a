from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One published item as residents list, filter and search it (rebuilt by ``index_item``).

    The portal's listings read this table rather than the items, so every filter and
    sort of the category and search pages has an index here; withdrawn or unpublished
    items have no entry.
    """

    item = models.OneToOneField(
        "disclosure.Item",
        verbose_name=_("公开信息"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    # No index of their own: every listing index starts with one of them (search_entry_org_*,
    # search_entry_cat_*), and serves the cascades too.
    organisation = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("公开主体"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("目录分类"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    publisher = models.ForeignKey(
        "catalog.Organisation", verbose_name=_("发布机构"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    title_folded = models.TextField(_("标题（检索形式）"))
    index_number = models.CharField(_("索引号"), max_length=60)
    index_key = models.CharField(_("索引号（检索形式）"), max_length=120)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    document_key = models.CharField(_("文号（检索形式）"), max_length=120, blank=True)
    published_at = models.DateTimeField(_("发布日期"))
    validity = models.CharField(_("有效性"), max_length=16)
    has_document_number = models.BooleanField(_("有文号"))
    has_attachments = models.BooleanField(_("有附件"))
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["-published_at", "-item"], name="search_entry_newest"),
            models.Index(fields=["organisation", "-published_at", "-item"], name="search_entry_org_newest"),
            models.Index(fields=["organisation", "category", "published_at"], name="search_entry_org_columns"),
            models.Index(fields=["category", "-published_at", "-item"], name="search_entry_cat_newest"),
            models.Index(fields=["category", "title", "item"], name="search_entry_cat_title"),
            models.Index(fields=["category", "publisher", "-published_at"], name="search_entry_cat_publisher"),
            models.Index(fields=["category", "validity", "-published_at"], name="search_entry_cat_validity"),
            models.Index(fields=["category", "has_document_number", "-published_at"], name="search_entry_cat_docno"),
            models.Index(fields=["category", "has_attachments", "-published_at"], name="search_entry_cat_files"),
            models.Index(fields=["index_key"], name="search_entry_index_key"),
            models.Index(fields=["document_key"], name="search_entry_document_key"),
        ]

    def __str__(self):
        return self.title


class SearchChunk(models.Model):
    """A slice of an entry's folded text, indexed by the database's own full-text index.

    SQLite keeps its pair tokens in the FTS5 table ``search_chunk_fts`` (rowid = chunk id,
    migration 0002), PostgreSQL the text itself in the ``folded`` column with a GIN index of
    its pairs (migration 0005); both outside the model because the other database has neither.
    A later migration that alters this table on SQLite rebuilds it and loses the delete
    trigger of 0002: recreate the trigger in that migration.
    """

    # Indexed by the unique (entry, number) constraint, which starts with it.
    entry = models.ForeignKey(
        SearchEntry, verbose_name=_("检索条目"), on_delete=models.CASCADE, related_name="chunks", db_index=False
    )
    number = models.PositiveIntegerField(_("序号"))

    class Meta:
        verbose_name = _("检索分段")
        verbose_name_plural = _("检索分段")
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="search_chunk_unique_number")]

    def __str__(self):
        return f"{self.entry_id}#{self.number}"


class Freshness(models.Model):
    """When an organisation's public content last changed: the validator of its pages.

    ``index_item`` moves it forward for the item's organisation and the organisation
    above it on every publish, change, repeal or withdrawal, so ETags and Last-Modified
    headers change exactly when residents could see something new.
    """

    organisation = models.OneToOneField(
        "catalog.Organisation",
        verbose_name=_("机构"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("公开内容更新时间"))

    class Meta:
        verbose_name = _("公开内容更新时间")
        verbose_name_plural = _("公开内容更新时间")

    def __str__(self):
        return f"{self.organisation_id} {self.changed_at:%Y-%m-%d %H:%M:%S}"
