"""Reading the index: full-text search, identifier look-up, date ranges and capped counts."""

import datetime

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
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


def capped_count(entries: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap`` (True when there are more)."""
    count = entries.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap


def last_changed(organisation_id: int | None = None) -> datetime.datetime | None:
    """When public content last changed for one organisation (and everything below it) or anywhere."""
    if organisation_id is not None:
        return Freshness.objects.filter(pk=organisation_id).values_list("changed_at", flat=True).first()
    return Freshness.objects.aggregate(latest=Max("changed_at"))["latest"]
