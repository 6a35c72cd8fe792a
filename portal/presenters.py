"""Shaping rows for the templates: column trees with counts, the metadata table, search results."""

from dataclasses import dataclass

from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from disclosure.models import Attachment, Item
from township_portal.lib import search as textsearch
from township_portal.lib.pdf import chinese_date, html_to_text


@dataclass
class ColumnRow:
    category: object
    count: int
    last: object
    children: list


def column_rows(frame, stats: dict) -> list[ColumnRow]:
    """The catalog columns as a tree, each with its items (its own and its sub-columns') and last date."""

    def build(category) -> ColumnRow:
        children = [build(child) for child in frame.children.get(category.pk, [])]
        own = stats.get(category.pk, {})
        count = own.get("count", 0) + sum(child.count for child in children)
        dates = [date for date in [own.get("last"), *(child.last for child in children)] if date]
        return ColumnRow(category, count, max(dates, default=None), children)

    return [build(category) for category in frame.children.get(None, [])]


def years_between(first, last) -> list[int] | None:
    """Newest first, the years in which a column has items (None when it has none)."""
    if first is None or last is None:
        return None
    return list(range(timezone.localtime(last).year, timezone.localtime(first).year - 1, -1))


def _validity(item: Item) -> SafeString:
    if item.validity == Item.Validity.REPEALED:
        text = f"已废止（{chinese_date(item.repealed_on)}废止）" if item.repealed_on else "已废止"
    else:
        text = item.get_validity_display()
    if item.replaced_by_id and item.replaced_by.status == Item.Status.PUBLISHED:
        url = reverse("portal:item", args=[item.replaced_by.organisation.slug, item.replaced_by.pk])
        return format_html('{}；现行版本：<a href="{}">{}</a>', text, url, item.replaced_by.title)
    return format_html("{}", text)


def item_metadata(item: Item, frame) -> list[tuple[str, str]]:
    """The government-portal metadata table of an item, as (label, value) rows."""
    column_path = " > ".join(category.name for category in [*frame.ancestors(item.category), item.category])
    rows = [
        ("索引号", item.index_number),
        ("主题分类", column_path),
        ("发布机构", item.publisher.name),
        ("成文日期", chinese_date(item.written_on)),
        ("发布日期", chinese_date(timezone.localdate(item.published_at))),
        ("文号", item.document_number or "无"),
        ("有效性", _validity(item)),
        ("公开方式", item.get_mode_display()),
    ]
    if item.keywords:
        rows.append(("关键词", item.keywords))
    return rows


@dataclass
class SearchResult:
    entry: object
    title_html: SafeString
    snippet_html: SafeString
    url: str


def _without_cut_tag(html: str) -> str:
    """A truncated body without the tag it may end inside (which would read as text)."""
    cut = html.rfind("<")
    return html[:cut] if cut > html.rfind(">") else html


def search_results(entries: list, query: textsearch.ParsedQuery) -> list[SearchResult]:
    """The page's entries with highlighted titles and a highlighted passage (two queries)."""
    ids = [entry.pk for entry in entries]
    # Only the start of long texts is read: snippets never look further (SNIPPET_SCAN_CHARS).
    scan = textsearch.SNIPPET_SCAN_CHARS
    heads = Item.objects.filter(pk__in=ids).only("pk", "summary", "keywords").annotate(body_head=Left("body", 4 * scan))
    texts = {item.pk: item for item in heads}
    attachments: dict[int, list] = {}
    for attachment in (
        Attachment.objects.filter(item_id__in=ids).only("item_id", "original_name").annotate(head=Left("text", scan))
    ):
        attachments.setdefault(attachment.item_id, []).append(attachment)
    results = []
    for entry in entries:
        item = texts.get(entry.pk)
        passages = [item.summary, html_to_text(_without_cut_tag(item.body_head))] if item else []
        passages += [f"附件《{a.original_name}》：{a.head}" for a in attachments.get(entry.pk, [])]
        # An item found only by its keywords shows them, highlighted.
        passages += [f"关键词：{item.keywords}" if item and item.keywords else "", entry.document_number, entry.title]
        snippet = next((s for s in (textsearch.snippet(p, query.terms) for p in passages if p) if s), "")
        if not snippet and item:
            snippet = escape(item.summary[:120])
        # highlight() and snippet() escape the text themselves; only <mark> is markup.
        results.append(
            SearchResult(
                entry=entry,
                title_html=mark_safe(textsearch.highlight(entry.title, query.terms)),
                snippet_html=mark_safe(snippet),
                url=reverse("portal:item", args=[entry.organisation.slug, entry.pk]),
            )
        )
    return results
