"""Reading the index: full-text search, identifier look-up, date ranges and capped counts."""

import datetime

from django.db import connection
from django.db.models import Case, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from search.backends import entries_containing
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


def last_changed(organisation_id: int | None = None) -> datetime.datetime | None:
    """When public content last changed for one organisation (and everything below it) or anywhere."""
    if organisation_id is not None:
        return Freshness.objects.filter(pk=organisation_id).values_list("changed_at", flat=True).first()
    return Freshness.objects.aggregate(latest=Max("changed_at"))["latest"]
