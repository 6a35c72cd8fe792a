"""Keep the search index in step with published items.

`index_item` is the one hook the publishing services call whenever an item is
published, changed, repealed or withdrawn. It receives the item object and never
imports the disclosure app, so the dependency runs disclosure -> search.
`index_items` does the same for a batch in a handful of statements (rebuilds, imports).
"""

from django.db import transaction
from django.utils import timezone

from search.backends import among, store_chunks_bulk, store_entries_bulk
from search.models import Freshness, SearchChunk, SearchEntry
from township_portal.lib import page_versions
from township_portal.lib import search as textsearch
from township_portal.lib.pdf import html_to_text

PUBLISHED = "published"
# What indexing reads of an item: named rows, not model instances (a rebuild reads a million).
ITEM_FIELDS = (
    "pk",
    "status",
    "organisation_id",
    "category_id",
    "publisher_id",
    "title",
    "summary",
    "keywords",
    "document_number",
    "body",
    "index_number",
    "published_at",
    "validity",
)


def searchable_fields(item, attachment_texts: list[str]) -> list[str]:
    """The texts a resident's query is matched against, each kept apart from the others.

    ``attachment_texts`` holds each attachment's file name and extracted text.
    """
    return [
        item.title,
        item.summary,
        item.keywords,
        item.document_number,
        html_to_text(item.body),
        *attachment_texts,
    ]


def index_item(item) -> None:
    """(Re)build the item's search documents if it is public, remove them otherwise.

    The item is read again under a row lock, so the stored state wins over the object
    passed in, and two calls for one item (a publish and a quick change) run one after
    the other. Also moves the public-content timestamp of the item's organisation (and
    of the one it left, if it moved) forward, which changes the ETags of its pages and
    of the pages above it (``search.queries.last_changed`` reads the subtree).
    """
    with transaction.atomic():
        current = _locked_rows(type(item), [item.pk])
        current = current[0] if current else None
        previous_org = SearchEntry.objects.filter(pk=item.pk).values_list("organisation_id", flat=True).first()
        organisations = {previous_org, current.organisation_id if current else None} - {None}
        _write(type(item), [current] if current is not None else [], gone=[item.pk])
        touch_organisations(organisations)


def index_items(model, ids: list[int]) -> set[int]:
    """(Re)index the items with these ids in one transaction; returns the organisations touched.

    A batch costs about six statements whatever its size. The organisations' content
    timestamps are not moved (a rebuild changes nothing residents see); callers that
    change content call ``touch_organisations`` with the result once.
    """
    with transaction.atomic():
        items = _locked_rows(model, ids)
        previous = set(SearchEntry.objects.filter(pk__in=among(ids)).values_list("organisation_id", flat=True))
        _write(model, items, gone=ids)
    return previous | {item.organisation_id for item in items}


def _locked_rows(model, ids: list[int]) -> list:
    """The items' indexed fields, their rows locked until the transaction ends (in id order)."""
    rows = model._default_manager.select_for_update().filter(pk__in=among(ids)).order_by("pk")
    return list(rows.values_list(*ITEM_FIELDS, named=True))


def _write(model, items: list, *, gone: list[int]) -> None:
    """Replace the entries and chunks of ``gone`` by those of the published ``items``."""
    published = [item for item in items if item.status == PUBLISHED]
    SearchChunk.objects.filter(entry_id__in=among(gone)).delete()
    keep = {item.pk for item in published}
    SearchEntry.objects.filter(pk__in=among([pk for pk in gone if pk not in keep])).delete()
    if not published:
        return
    attachments: dict[int, list] = {}
    attachment_model = model._meta.get_field("attachments").related_model
    for attachment in attachment_model._default_manager.filter(item_id__in=among(sorted(keep))).only(
        "item_id", "original_name", "text"
    ):
        attachments.setdefault(attachment.item_id, []).append(attachment)
    now = timezone.now()
    entries, documents = [], []
    for item in published:
        files = attachments.get(item.pk, [])
        entries.append(_entry(item, has_attachments=bool(files), now=now))
        texts = [text for attachment in files for text in (attachment.original_name, attachment.text)]
        documents.append((item.pk, textsearch.document_chunks(searchable_fields(item, texts))))
    store_entries_bulk(entries)
    store_chunks_bulk(documents)


def _entry(item, *, has_attachments: bool, now) -> tuple:
    """The item's entry as a row of ``search.backends.ENTRY_COLUMNS``."""
    return (
        item.pk,
        item.organisation_id,
        item.category_id,
        item.publisher_id,
        item.title,
        textsearch.fold(item.title),
        item.index_number or "",
        textsearch.identifier_key(item.index_number or ""),
        item.document_number,
        textsearch.identifier_key(item.document_number),
        item.published_at,
        item.validity,
        bool(item.document_number.strip()),
        has_attachments,
        now,
    )


def touch_organisations(organisation_ids: set[int]) -> None:
    """Mark the organisations as changed now (pages above them read their subtree's newest change).

    Also replaces the page-cache tokens of these organisations, of the bodies above them
    and of the pages that show every body, so their cached pages are built again.
    """
    if not organisation_ids:
        return
    now = timezone.now()
    Freshness.objects.bulk_create(
        [Freshness(organisation_id=pk, changed_at=now) for pk in sorted(organisation_ids)],
        update_conflicts=True,
        update_fields=["changed_at"],
        unique_fields=["organisation"],
    )
    organisation = Freshness._meta.get_field("organisation").related_model
    slugs = organisation._default_manager.filter(pk__in=organisation_ids).values_list(
        "slug", "parent__slug", "parent__parent__slug"
    )
    names = {page_versions.CONTENT} | {page_versions.org(slug) for row in slugs for slug in row if slug}
    page_versions.replace(names, at=now.timestamp())
