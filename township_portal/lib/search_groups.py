"""Extra result groups in the portal search, from apps above it (e.g. published mailbox answers).

The search app indexes items; an app with other public records registers a provider in
its `AppConfig.ready()`:

    register_search_group(mailbox_results)

A provider is called with the parsed query (`township_portal.lib.search.ParsedQuery`), the
organisation id the search is limited to (or None) and a row limit, runs a bounded number
of queries, and returns a `SearchGroup` or None. The search page is cached by its ETag, which
follows the organisations' public-content time (`search.models.Freshness`): when a provider's
records appear or go, it moves that time (`search.indexing.touch_organisations`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

GROUP_LIMIT = 10


@dataclass
class SearchHit:
    title: str
    url: str
    meta: str = ""
    snippet_html: str = ""  # escaped HTML with <mark>, from township_portal.lib.search.snippet


@dataclass
class SearchGroup:
    title: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    more_url: str = ""


_PROVIDERS: list[Callable] = []


def register_search_group(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def search_groups(query, *, organisation_id: int | None, limit: int = GROUP_LIMIT) -> list[SearchGroup]:
    groups = [provider(query=query, organisation_id=organisation_id, limit=limit) for provider in _PROVIDERS]
    return [group for group in groups if group is not None and group.hits]
