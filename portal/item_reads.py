"""The item page's reads, written by hand (``township_portal.lib.lean``): its item, the
neighbours' titles and the attachments' list.

Through the ORM these took 4.6 ms of the page on PostgreSQL at 100,000 items, of which the
database's share was 0.5 ms. The statements are the ones the ORM wrote, in the same index
order (the neighbours: ``search_entry_cat_newest``), the two neighbours in one statement.
"""

from disclosure.models import Attachment, Item
from search.models import SearchEntry
from township_portal.lib.lean import Select

_ITEM = Select(
    Item,
    tuple(f.name for f in Item._meta.concrete_fields),
    'SELECT {columns} FROM {table} WHERE {table}."id" = %s AND {table}."organisation_id" = %s',
)

# Each half in a subquery: SQLite allows no ORDER BY or LIMIT on a member of a UNION.
_NEIGHBOURS = Select(
    SearchEntry,
    ("item", "title"),
    'SELECT * FROM (SELECT {columns}, 1 AS newer FROM {table} WHERE {table}."category_id" = %s'
    ' AND {table}."published_at" >= %s AND NOT ({table}."published_at" = %s AND {table}."item_id" <= %s)'
    ' ORDER BY {table}."published_at" ASC, {table}."item_id" ASC LIMIT 1) AS newer'
    " UNION ALL "
    'SELECT * FROM (SELECT {columns}, 0 AS newer FROM {table} WHERE {table}."category_id" = %s'
    ' AND {table}."published_at" <= %s AND NOT ({table}."published_at" = %s AND {table}."item_id" >= %s)'
    ' ORDER BY {table}."published_at" DESC, {table}."item_id" DESC LIMIT 1) AS older',
    extras=("newer",),
)

# Not their extracted text, which may be megabytes.
_ATTACHMENTS = Select(
    Attachment,
    tuple(f.name for f in Attachment._meta.concrete_fields if f.name not in ("text", "text_error")),
    'SELECT {columns} FROM {table} WHERE {table}."item_id" = %s ORDER BY {table}."order" ASC, {table}."id" ASC',
)


def item_of(organisation_id: int, pk: int) -> Item | None:
    """The body's item of this id in any state (every column), or None."""
    if not 0 < pk < 2**63:  # the address's digits: beyond any id, and beyond what SQLite binds
        return None
    found = _ITEM(pk, organisation_id)
    return found[0] if found else None


def neighbours(item: Item) -> tuple:
    """The published items just newer and just older in the item's column (id and title only), or None."""
    at, pk = item.published_at, item.pk
    found = {entry.newer: entry for entry in _NEIGHBOURS(item.category_id, at, at, pk, item.category_id, at, at, pk)}
    return found.get(1), found.get(0)


def listed_attachments(item: Item) -> list[Attachment]:
    """The item's attachments in their order, without their extracted text."""
    return _ATTACHMENTS(item.pk)
