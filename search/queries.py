"""Reading the index: full-text search, identifier look-up, date ranges and capped counts."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from search.backends import EntryContains, among, entries_containing, parse_ids, some_entries_sql
from search.models import Freshness, SearchEntry
from township_portal.lib.search import ParsedQuery, identifier_key


def year_range(year: int, month: int | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The local-time bounds of a year (or one of its months), for an index range on published_at."""
    if month:
        start = datetime.datetime(year, month, 1)
        end = datetime.datetime(year + (month == 12), month % 12 + 1, 1)
    else:
        start, end = datetime.datetime(year, 1, 1), datetime.datetime(year + 1, 1, 1)
    zone = timezone.get_current_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


def search_entries(
    query: ParsedQuery,
    *,
    organisation_id: int | None = None,
    category_ids: list[int] | None = None,
    year: int | None = None,
) -> QuerySet[SearchEntry]:
    """Entries matching every term of the query, titles matching it all first, then newest.

    Terms of two or more characters match title, summary, keywords, document number,
    body and attachments exactly as a substring match of the folded texts would; one-
    character terms match titles.
    """
    # A deactivated township's pages answer 404, so its items are not offered either.
    entries = SearchEntry.objects.filter(organisation__is_active=True)
    for term in query.phrase_terms:
        entries = entries.filter(pk__in=entries_containing(term))
    for term in query.title_terms:
        entries = entries.filter(title_folded__contains=term)
    if organisation_id is not None:
        entries = entries.filter(organisation_id=organisation_id)
    if category_ids is not None:
        entries = entries.filter(category_id__in=category_ids)
    if year is not None:
        start, end = year_range(year)
        entries = entries.filter(published_at__gte=start, published_at__lt=end)
    in_title = Q()
    for term in query.terms:
        in_title &= Q(title_folded__contains=term)
    title_first = Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    return entries.annotate(title_hit=title_first).order_by("-title_hit", "-published_at", "-pk")


# A term found in at most this many chunks is ranked whole (a sort of at most this many
# rows); a commoner one is walked newest first, which stops after a page because its
# hits are dense (at least this many in the index).
SMALL_SET = 2_000
NEWEST = ("-published_at", "-pk")


@dataclass
class SearchPage:
    rows: list[SearchEntry]
    total: int
    capped: bool
    number: int
    last_page: int


def _filtered(query: ParsedQuery, organisation_id, category_ids, year) -> QuerySet[SearchEntry]:
    # A deactivated township's pages answer 404, so its items are not offered either.
    entries = SearchEntry.objects.filter(organisation__is_active=True)
    for term in query.title_terms:
        entries = entries.filter(title_folded__contains=term)
    if organisation_id is not None:
        entries = entries.filter(organisation_id=organisation_id)
    if category_ids is not None:
        entries = entries.filter(category_id__in=category_ids)
    if year is not None:
        start, end = year_range(year)
        entries = entries.filter(published_at__gte=start, published_at__lt=end)
    return entries


def _some_entries(terms: list[str], limit: int) -> list[tuple[int, list[int]]]:
    """For each term, (matching chunks found, their entry ids), reading at most ``limit`` (one query)."""
    parts = [some_entries_sql(term, limit) for term in terms]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql for sql, _ in parts), [p for _, params in parts for p in params])
        found = [parse_ids(value) for value in cursor.fetchone()]
    return [(len(ids), list(dict.fromkeys(ids))) for ids in found]


def ranked_search(
    query: ParsedQuery,
    *,
    number: int,
    size: int,
    cap: int,
    organisation_id: int | None = None,
    category_ids: list[int] | None = None,
    year: int | None = None,
) -> SearchPage:
    """Page ``number`` of the entries ``search_entries`` finds, in its order, without ranking every hit.

    Title matches come first, then the others, newest first; the count stops at ``cap``.
    A rare term's hits (at most SMALL_SET) are ranked whole. A common term's are dense,
    so walking the newest entries and checking each one finds a page after reading a
    few rows per hit: the title matches (a title contains every term, so it is a hit)
    then the other hits, each walk stopping at the end of the page.
    """
    base = _filtered(query, organisation_id, category_ids, year)
    in_title = Q()
    for term in query.terms:
        in_title &= Q(title_folded__contains=term)
    phrase = query.phrase_terms
    related = ("organisation", "category")
    if not phrase:  # one-character terms: every hit is a title match
        total, capped = capped_count(base, cap)
        number, last_page, offset = _page_number(number, size, total)
        rows = list(base.select_related(*related).order_by(*NEWEST)[offset : offset + size])
        return SearchPage(rows, total, capped, number, last_page)
    probes = _some_entries(phrase, SMALL_SET + 1)
    rarest_index = min(range(len(phrase)), key=lambda index: probes[index][0])
    chunks, ids = probes[rarest_index]
    others = [term for index, term in enumerate(phrase) if index != rarest_index]
    # Hits of the rarest term (all of them when fewer than the limit were found), checked
    # against the filters and the other terms one by one.
    sample = base.filter(pk__in=among(ids))
    for term in others:
        sample = sample.filter(EntryContains(F("pk"), term))
    if chunks <= SMALL_SET:
        total, capped = capped_count(sample, cap)
        number, last_page, offset = _page_number(number, size, total)
        title_first = Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
        ranked = sample.annotate(title_hit=title_first).order_by("-title_hit", *NEWEST)
        rows = list(ranked.select_related(*related)[offset : offset + size])
        return SearchPage(rows, total, capped, number, last_page)
    hits = base
    for term in phrase:
        hits = hits.filter(EntryContains(F("pk"), term))
    # When more than ``cap`` of the sample pass, the count is capped without walking anything.
    passed = sample.order_by().values("published_at")[: cap + 1].count()
    total, capped = (cap, True) if passed > cap else capped_count(hits, cap)
    number, last_page, offset = _page_number(number, size, total)
    titled = base.filter(in_title).order_by(*NEWEST)
    rows = list(titled.select_related(*related)[offset : offset + size])
    if len(rows) < size:
        title_total = offset + len(rows) if rows else titled.order_by().values("published_at")[:offset].count()
        start = offset + len(rows) - title_total
        rest = hits.exclude(in_title).order_by(*NEWEST).select_related(*related)
        rows += list(rest[start : start + size - len(rows)])
    return SearchPage(rows, total, capped, number, last_page)


def _page_number(number: int, size: int, total: int) -> tuple[int, int, int]:
    last_page = max(1, -(-total // size))
    number = max(1, min(number, last_page))
    return number, last_page, (number - 1) * size


def entry_for_identifier(raw: str) -> SearchEntry | None:
    """The entry whose index number or document number is exactly the query, if only one has it."""
    key = identifier_key(raw)
    if len(key) < 4:
        return None
    matches = SearchEntry.objects.filter(Q(index_key=key) | Q(document_key=key)).select_related("organisation")
    entries = list(matches.order_by()[:2])
    return entries[0] if len(entries) == 1 else None


def published_between(category_ids: list[int]) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The first and last publish dates in the categories: two index probes per category, in one query.

    ``MIN``/``MAX`` over ``category IN (...)`` reads every entry of the categories (up to
    21 ms for a parent column on SQLite at 100,000 items, bench/README.md); the oldest and
    newest entry of each category are the ends of its ``(category, published_at)`` index.
    """
    if not category_ids:
        return None, None
    if len(category_ids) > 100:  # SQLite allows 500 terms in a compound SELECT
        bounds = SearchEntry.objects.filter(category_id__in=category_ids).aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        return bounds["first"], bounds["last"]
    # Each arm is a subquery (SQLite refuses ORDER BY / LIMIT in the arms of a compound
    # SELECT); the SQL and parameters are Django's own, nothing is interpolated.
    arms, params = [], []
    for category_id in category_ids:
        dates = SearchEntry.objects.filter(category_id=category_id).values("published_at")
        for end in (dates.order_by("published_at")[:1], dates.order_by("-published_at")[:1]):
            sql, arm_params = end.query.sql_with_params()
            arms.append(f"SELECT published_at FROM ({sql}) AS arm{len(arms)}")
            params.extend(arm_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(published_at), MAX(published_at) FROM ({' UNION ALL '.join(arms)}) AS ends", params)
        first, last = cursor.fetchone()
    if connection.vendor == "sqlite":
        # A raw cursor on SQLite returns the stored text; convert it as the ORM would.
        first, last = (connection.ops.convert_datetimefield_value(value, None, connection) for value in (first, last))
    return first, last


def capped_count(entries: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap`` (True when there are more).

    It reads ``published_at``, a column of every listing index of the entries, so the
    index alone answers (the primary key is not in SQLite's indexes: 17 ms against 1 ms
    for 8,500 rows of a filtered parent column).
    """
    count = entries.order_by().values("published_at")[: cap + 1].count()
    return min(count, cap), count > cap


def subtree_freshness(organisation) -> QuerySet[Freshness]:
    """The content timestamps of an organisation and the bodies below it (three levels at most)."""
    return Freshness.objects.filter(
        Q(organisation=organisation)
        | Q(organisation__parent=organisation)
        | Q(organisation__parent__parent=organisation)
    )


def last_changed(organisation_id: int | None = None) -> datetime.datetime | None:
    """When public content last changed for one organisation (and everything below it) or anywhere."""
    rows = Freshness.objects.all() if organisation_id is None else subtree_freshness(organisation_id)
    return rows.aggregate(latest=Max("changed_at"))["latest"]
