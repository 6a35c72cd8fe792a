"""Keyset pagination: every page costs one index range scan, however deep.

A page link carries the id of the row it continues from (``after`` = the last row of
the previous page, ``before`` = the first row of the next one); the row's sort key is
looked up (one query) and the page is the next ``size`` rows past that key in index
order. Pages have no numbers, as with any keyset scheme: first / previous / next.

A parent column lists the items of several categories (its whole subtree), and no index
orders ``category IN (...)`` by date or title: sorted by title, the database read and
sorted the whole subtree on every page (42-64 ms at 42,000 items, bench/README.md).
Given the category ids, a page is a UNION ALL of one index range scan per category,
each limited to a page, merged and cut to a page; the rows are then read by key in the
same query. Same rows, same order, same number of queries.
"""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

# SQLite allows 500 terms in a compound SELECT; a subtree larger than this is read in one query.
MAX_UNION_PARTS = 200

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


def _window(rows: QuerySet, condition: Q, ordering: list[str], limit: int, categories) -> list:
    """The first ``limit`` rows meeting the condition in that order, one index scan per category."""
    if not categories or len(categories) < 2 or len(categories) > MAX_UNION_PARTS:
        return list(rows.filter(condition).order_by(*ordering)[:limit])
    field = ordering[0].lstrip("-")
    # SQLite refuses ORDER BY / LIMIT in the arms of a compound SELECT, so each arm is a
    # subquery; the SQL and parameters are Django's own, nothing is interpolated.
    arms, params = [], []
    for category in categories:
        part = rows.filter(condition, category_id=category).order_by(*ordering)
        sql, part_params = part.values(page_key=F(field), page_row=F("pk"))[:limit].query.sql_with_params()
        arms.append(f"SELECT page_key, page_row FROM ({sql}) AS arm{len(arms)}")
        params.extend(part_params)
    directions = ["DESC" if key.startswith("-") else "ASC" for key in ordering]
    merged = (
        f"SELECT page_row FROM ({' UNION ALL '.join(arms)}) AS arms "
        f"ORDER BY page_key {directions[0]}, page_row {directions[1]} LIMIT {int(limit)}"
    )
    return list(rows.filter(pk__in=RawSQL(merged, params)).order_by(*ordering))


def keyset_page(
    rows: QuerySet,
    *,
    sort: str,
    after: int | None,
    before: int | None,
    size: int,
    categories: list[int] | None = None,
) -> KeysetPage:
    """One page of ``rows``; ``categories``: the category ids the rows are limited to, when several."""
    field, descending = SORTS[sort]
    cursor_id = after or before
    if cursor_id:
        key = rows.filter(pk=cursor_id).values_list(field, "pk").first()
        if key is None:
            page = keyset_page(rows, sort=sort, after=None, before=None, size=size, categories=categories)
            page.cursor_lost = True
            return page
        forward = bool(after)
        window = _window(
            rows,
            _beyond(field, descending, key[0], key[1], forward=forward),
            _ordering(field, descending, forward=forward),
            size + 1,
            categories,
        )
        more = len(window) > size
        window = window[:size]
        if forward:
            return KeysetPage(
                window, after=window[-1].pk if more else None, before=window[0].pk if window else None, is_first=False
            )
        if not more:
            # Fewer than a page before the cursor: that is the first page.
            return keyset_page(rows, sort=sort, after=None, before=None, size=size, categories=categories)
        window.reverse()
        return KeysetPage(window, after=window[-1].pk, before=window[0].pk, is_first=False)
    window = _window(rows, Q(), _ordering(field, descending, forward=True), size + 1, categories)
    more = len(window) > size
    window = window[:size]
    return KeysetPage(window, after=window[-1].pk if more else None)
