"""Keep the search index in step with published items.

`index_item` is the one hook the publishing services call whenever an item is
published, changed, repealed or withdrawn. It receives the item object and never
imports the disclosure app, so the dependency runs disclosure -> search.
"""

from django.db import transaction
from django.utils import timezone

from catalog.models import Organisation
from search.backends import store_chunks
from search.models import Freshness, SearchChunk, SearchEntry
from township_portal.lib import search as textsearch
from township_portal.lib.pdf import html_to_text

PUBLISHED = "published"


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
    the other. Also moves the public-content timestamp of the organisations whose pages
    show the item forward, which changes their ETags (the portal's only cache validator).
    """
    with transaction.atomic():
        current = type(item)._default_manager.select_for_update().filter(pk=item.pk).first()
        previous_org = SearchEntry.objects.filter(pk=item.pk).values_list("organisation_id", flat=True).first()
        SearchChunk.objects.filter(entry_id=item.pk).delete()
        if current is not None and current.status == PUBLISHED:
            _store_entry(current)
        else:
            SearchEntry.objects.filter(pk=item.pk).delete()
        organisations = {previous_org, current.organisation_id if current else None} - {None}
        touch_organisations(organisations)


def _store_entry(item) -> None:
    attachments = list(item.attachments.all())
    SearchEntry.objects.update_or_create(
        item_id=item.pk,
        defaults={
            "organisation_id": item.organisation_id,
            "category_id": item.category_id,
            "publisher_id": item.publisher_id,
            "title": item.title,
            "title_folded": textsearch.fold(item.title),
            "index_number": item.index_number or "",
            "index_key": textsearch.identifier_key(item.index_number or ""),
            "document_number": item.document_number,
            "document_key": textsearch.identifier_key(item.document_number),
            "published_at": item.published_at,
            "validity": item.validity,
            "has_document_number": bool(item.document_number.strip()),
            "has_attachments": bool(attachments),
        },
    )
    texts = [text for attachment in attachments for text in (attachment.original_name, attachment.text)]
    store_chunks(item.pk, textsearch.document_chunks(searchable_fields(item, texts)))


def touch_organisations(organisation_ids: set[int]) -> None:
    """Mark the organisations, and those above them (the tree is three levels deep), as changed now."""
    ids = set(organisation_ids)
    for parent, grandparent in Organisation.objects.filter(pk__in=ids).values_list("parent_id", "parent__parent_id"):
        ids |= {parent, grandparent} - {None}
    now = timezone.now()
    Freshness.objects.bulk_create(
        [Freshness(organisation_id=pk, changed_at=now) for pk in sorted(ids)],
        update_conflicts=True,
        update_fields=["changed_at"],
        unique_fields=["organisation"],
    )
