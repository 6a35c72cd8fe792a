"""The item page's reads, written by hand (``township_portal.lib.lean``): its item, the
neighbours' titles and the attachments' list, in one statement.

Through the ORM these took 4.6 ms of the page on PostgreSQL at 100,000 items, of which the
database's share was 0.5 ms. The statements are the ones the ORM wrote, in the same index
order (the neighbours: ``search_entry_cat_newest``). As three statements they were three
round trips, and through gunicorn the database's part of the page cost almost as much as its
template; the neighbours and the attachments' list are now subqueries of the item's own
statement, each one JSON value (so the item's body is not repeated per attachment).
"""

from typing import NamedTuple

from disclosure.models import Attachment, Item
from search.models import SearchEntry
from township_portal.lib.lean import Select, json_value

_ITEM_COLUMNS = tuple(f.name for f in Item._meta.concrete_fields)
_BY_ID = ' FROM {table} WHERE {table}."id" = %s AND {table}."organisation_id" = %s'
_ITEM = Select(Item, _ITEM_COLUMNS, "SELECT {columns}" + _BY_ID)


def _neighbour(*, later: bool) -> str:
    """The id and title of the published item next to the page's in its column, newest first, ties by id."""
    beyond, order = (">", "ASC") if later else ("<", "DESC")
    behind = "<" if later else ">"
    return (
        f'(SELECT {{json_array}}(e."item_id", e."title") FROM "{SearchEntry._meta.db_table}" e'
        ' WHERE e."category_id" = {table}."category_id"'
        f' AND e."published_at" {beyond}= {{table}}."published_at"'
        f' AND NOT (e."published_at" = {{table}}."published_at" AND e."item_id" {behind}= {{table}}."id")'
        f' ORDER BY e."published_at" {order}, e."item_id" {order} LIMIT 1)'
    )


# What the list shows of an attachment (not its extracted text, which may be megabytes), in
# the model's order (``Model.from_db`` matches values to fields by position).
LISTED_ATTACHMENT_FIELDS = ("id", "item", "original_name", "content_type", "size", "order")
_LISTED = [Attachment._meta.get_field(name) for name in LISTED_ATTACHMENT_FIELDS]
_LISTED_ATTNAMES = [f.attname for f in _LISTED]
# Sorted in Python: SQLite before 3.44 has no ORDER BY inside an aggregate.
_ORDER, _ID = LISTED_ATTACHMENT_FIELDS.index("order"), LISTED_ATTACHMENT_FIELDS.index("id")
_ATTACHMENTS = (
    "(SELECT {json_agg}({json_array}(" + ", ".join(f'a."{f.column}"' for f in _LISTED) + "))"
    f' FROM "{Attachment._meta.db_table}" a WHERE a."item_id" = {{table}}."id")'
)

_ITEM_PAGE = Select(
    Item,
    _ITEM_COLUMNS,
    f"SELECT {{columns}}, {_neighbour(later=True)}, {_neighbour(later=False)}, {_ATTACHMENTS}" + _BY_ID,
    extras=("newer", "older", "listed_attachments"),
)


class Neighbour(NamedTuple):
    """A published item next to the page's in its column: what its link shows."""

    pk: int
    title: str


def _valid_id(pk: int) -> bool:
    return 0 < pk < 2**63  # the address's digits: beyond any id, and beyond what SQLite binds


def item_of(organisation_id: int, pk: int) -> Item | None:
    """The body's item of this id in any state (every column), or None."""
    found = _ITEM(pk, organisation_id) if _valid_id(pk) else None
    return found[0] if found else None


def item_page_of(organisation_id: int, pk: int) -> Item | None:
    """``item_of`` with what its page shows around it, read in the same statement.

    ``item.newer`` and ``item.older``: the published items just newer and just older in its
    column (a ``Neighbour``, or None). ``item.listed_attachments``: its attachments in their
    order, holding ``LISTED_ATTACHMENT_FIELDS`` (any other field is read on first use).
    """
    found = _ITEM_PAGE(pk, organisation_id) if _valid_id(pk) else None
    if not found:
        return None
    item = found[0]
    item.newer, item.older = (Neighbour(*json_value(value)) if value else None for value in (item.newer, item.older))
    rows = sorted(json_value(item.listed_attachments) or (), key=lambda row: (row[_ORDER], row[_ID]))
    item.listed_attachments = [Attachment.from_db(item._state.db, _LISTED_ATTNAMES, row) for row in rows]
    return item
