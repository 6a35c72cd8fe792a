"""One month for a set of organisations: the queries several sections share, run once."""

import datetime
from functools import cached_property

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from catalog.models import Category, Obligation, Organisation
from disclosure.models import Item
from reports.months import Month


class MonthContext:
    """One month for a set of organisations; queries shared by sections run once."""

    def __init__(self, organisations: list[Organisation], month: Month):
        self.organisations = organisations
        self.ids = [organisation.pk for organisation in organisations]
        self.month = month

    def standing(self, prefix: str = "", *, since: datetime.datetime | None) -> Q:
        """Items published before the month's end (and from `since`, when given) and still standing then."""
        end = self.month.end
        published = {f"{prefix}status__in": [Item.Status.PUBLISHED, Item.Status.WITHDRAWN]}
        published[f"{prefix}published_at__lt"] = end
        if since is not None:
            published[f"{prefix}published_at__gte"] = since
        return Q(**published) & (
            Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gte": end})
        )

    @property
    def ytd(self) -> datetime.datetime:
        return self.month.year_start

    @cached_property
    def _year_counts(self) -> list[dict]:
        """The year's standing items counted in one pass, per (organisation, column, publisher):
        month and year to date, those that went out late, those without a due date (neither on
        time nor late) and those whose due date is provisional. Totals, columns and publishers
        are sums of these rows (one read of the year's items where there were three)."""
        month_q = Q(published_at__gte=self.month.start)
        counted = {
            "": Q(),
            "late_": Q(published_on__gt=F("due_on")),
            # No loaded holiday calendar or a missing formation date; on-request obligations
            # have no proactive deadline and are left out.
            "undated_": Q(due_on__isnull=True) & ~Q(obligation__mode=Obligation.Mode.ON_REQUEST),
            "provisional_": Q(due_on_provisional=True),
        }
        aggregates = {}
        for prefix, condition in counted.items():
            aggregates[f"{prefix}month"] = Count("id", filter=condition & month_q)
            aggregates[f"{prefix}ytd"] = Count("id", filter=condition)
        return list(
            Item.objects.filter(self.standing(since=self.ytd), organisation_id__in=self.ids)
            .annotate(published_on=TruncDate("published_at", tzinfo=timezone.get_default_timezone()))
            .values("organisation_id", "category_id", "publisher_id", "publisher__short_name")
            .annotate(**aggregates)
            .order_by()
        )

    def _summed(self, key) -> dict:
        sums = {}
        for row in self._year_counts:
            into = sums.setdefault(key(row), dict.fromkeys(COUNT_KEYS, 0))
            for name in COUNT_KEYS:
                into[name] += row[name]
        return sums

    @cached_property
    def totals(self) -> dict[int, dict]:
        """Per organisation: the counts of `_year_counts`, zero where it has none."""
        found = self._summed(lambda row: row["organisation_id"])
        return {oid: found.get(oid, dict.fromkeys(COUNT_KEYS, 0)) for oid in self.ids}

    @cached_property
    def publishers(self) -> dict[tuple[int, int], dict]:
        """(organisation, publisher) -> the publisher's name and its month and year-to-date counts."""
        names = {row["publisher_id"]: row["publisher__short_name"] for row in self._year_counts}
        return {
            key: {"name": names[key[1]], "month": row["month"], "ytd": row["ytd"]}
            for key, row in self._summed(lambda row: (row["organisation_id"], row["publisher_id"])).items()
        }

    @cached_property
    def categories(self) -> list[dict]:
        """Every category of the organisations with its counts and its last item before the month's end."""
        counts = self._summed(lambda row: (row["organisation_id"], row["category_id"]))

        # The newest standing item of each category: a correlated subquery that walks the
        # (category, status, published_at) index from the newest, one status at a time, and
        # stops at the first standing item. A join grouped over every item ever published read
        # the whole history of the townships (13 s for a county month at 1,000,000 items).
        def newest(status):
            rows = (
                Item.objects.filter(
                    self.standing(since=None),
                    category_id=OuterRef("pk"),
                    organisation_id=OuterRef("organisation_id"),
                    status=status,
                )
                .order_by("-published_at")
                .values("published_at")[:1]
            )
            return Subquery(rows)

        published, withdrawn = newest(Item.Status.PUBLISHED), newest(Item.Status.WITHDRAWN)
        rows = list(
            Category.objects.filter(organisation_id__in=self.ids)
            .annotate(
                # Greatest is NULL on SQLite when either side is: each side falls back to the other.
                last_published_at=Greatest(Coalesce(published, withdrawn), Coalesce(withdrawn, published)),
            )
            .order_by("organisation_id", "order", "code", "id")
            .values(
                "id", "organisation_id", "parent_id", "code", "name", "column_kind", "is_active", "last_published_at"
            )
        )
        for row in rows:
            count = counts.get((row["organisation_id"], row["id"]), {})
            row["n_month"], row["n_ytd"] = count.get("month", 0), count.get("ytd", 0)
        return rows


COUNT_KEYS = [
    f"{prefix}{period}" for prefix in ("", "late_", "undated_", "provisional_") for period in ("month", "ytd")
]
