"""Keyset pagination: every page costs one index range scan, however deep.

A page link carries the id of the row it continues from (``after`` = the last row of
the previous page, ``before`` = the first row of the next one); the row's sort key is
looked up (one query) and the page is the next ``size`` rows past that key in index
order. Pages have no numbers, as with any keyset scheme: first / previous / next.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

# sort name -> (field, descending); the primary key breaks ties in the same direction.
SORTS = {
    "date": ("published_at", True),
    "title": ("title", False),
}


@dataclass
class KeysetPage:
    rows: list
    after: int | None = None  # cursor for the next page
    before: int | None = None  # cursor for the previous page
    is_first: bool = True
    cursor_lost: bool = False


def _beyond(field: str, descending: bool, value, pk, *, forward: bool) -> Q:
    """Rows strictly past (value, pk) in the sort order (or before it when not forward)."""
    down = descending == forward
    if down:
        return Q(**{f"{field}__lte": value}) & ~Q(**{field: value, "pk__gte": pk})
    return Q(**{f"{field}__gte": value}) & ~Q(**{field: value, "pk__lte": pk})


def _ordering(field: str, descending: bool, *, forward: bool) -> list[str]:
    sign = "-" if descending == forward else ""
    return [f"{sign}{field}", f"{sign}pk"]


def keyset_page(rows: QuerySet, *, sort: str, after: int | None, before: int | None, size: int) -> KeysetPage:
    field, descending = SORTS[sort]
    cursor_id = after or before
    if cursor_id:
        key = rows.filter(pk=cursor_id).values_list(field, "pk").first()
        if key is None:
            page = keyset_page(rows, sort=sort, after=None, before=None, size=size)
            page.cursor_lost = True
            return page
        forward = bool(after)
        window = list(
            rows.filter(_beyond(field, descending, key[0], key[1], forward=forward)).order_by(
                *_ordering(field, descending, forward=forward)
            )[: size + 1]
        )
        more = len(window) > size
        window = window[:size]
        if forward:
            return KeysetPage(
                window, after=window[-1].pk if more else None, before=window[0].pk if window else None, is_first=False
            )
        if not more:
            # Fewer than a page before the cursor: that is the first page.
            return keyset_page(rows, sort=sort, after=None, before=None, size=size)
        window.reverse()
        return KeysetPage(window, after=window[-1].pk, before=window[0].pk, is_first=False)
    window = list(rows.order_by(*_ordering(field, descending, forward=True))[: size + 1])
    more = len(window) > size
    window = window[:size]
    return KeysetPage(window, after=window[-1].pk if more else None)


def neighbours(rows: QuerySet, *, published_at, pk) -> tuple:
    """The rows just before and just after (published_at, pk) in newest-first order."""
    field, descending = SORTS["date"]
    newer = rows.filter(_beyond(field, descending, published_at, pk, forward=False))
    older = rows.filter(_beyond(field, descending, published_at, pk, forward=True))
    return (
        newer.order_by(*_ordering(field, descending, forward=False)).first(),
        older.order_by(*_ordering(field, descending, forward=True)).first(),
    )
