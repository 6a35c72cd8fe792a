"""What every page of one disclosing body needs, loaded in two queries, and its cache validators.

A frame is the organisation (with the time its public content last changed) and its
active catalog columns. Pages build their navigation, breadcrumbs and category lookups
from it, and their ETag from it: the ETag changes when an item is published, changed
or withdrawn (``search.indexing`` moves the timestamp), when the organisation's details
or its columns change, when the resident switches a display setting, or when the
portal's templates change.
"""

import hashlib
import pickle
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, OuterRef, Subquery, When
from django.http import Http404

from catalog.models import Category, Organisation
from portal.context_processors import DISPLAY_COOKIES
from search.models import SearchEntry
from search.queries import subtree_freshness
from township_portal.lib import page_versions, replica

DISCLOSING_KINDS = [Organisation.Kind.COUNTY, Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT]
ORGANISATION_FIELDS = ("slug", "name", "short_name", "address", "phone", "fax", "email", "office_hours")
CATEGORY_FIELDS = ("pk", "parent_id", "code", "name", "order", "description", "column_kind")
# Rendered fragments one frame keeps (Frame.fragment): the navigation and a breadcrumb trail per column.
FRAGMENTS_PER_FRAME = 256


@lru_cache(maxsize=1)
def site_version() -> str:
    """A digest of the templates and static files: a new release gets new ETags."""
    digest = hashlib.sha256()
    for folder in [*settings.STATICFILES_DIRS, *(t for entry in settings.TEMPLATES for t in entry["DIRS"])]:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(str(path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _with_changed_at(queryset):
    # Indexing moves only the item's own organisation; a page shows its subtree (the
    # organisation tree is three levels deep), so it reads the newest change below it.
    latest = subtree_freshness(OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
    return queryset.annotate(changed_at=Subquery(latest))


@dataclass
class Frame:
    organisation: Organisation
    categories: list[Category] = field(default_factory=list)

    @property
    def changed_at(self):
        return self.organisation.changed_at

    @cached_property
    def by_code(self) -> dict[str, Category]:
        return {category.code: category for category in self.categories}

    @cached_property
    def by_id(self) -> dict[int, Category]:
        return {category.pk: category for category in self.categories}

    @cached_property
    def children(self) -> dict[int | None, list[Category]]:
        tree: dict[int | None, list[Category]] = {}
        for category in self.categories:
            parent = category.parent_id if category.parent_id in self.by_id else None
            tree.setdefault(parent, []).append(category)
        return tree

    def category(self, code: str) -> Category:
        try:
            return self.by_code[code]
        except KeyError:
            raise Http404("没有这个栏目。") from None

    def subtree_ids(self, category: Category) -> list[int]:
        ids, frontier = [], [category]
        while frontier:
            current = frontier.pop()
            ids.append(current.pk)
            frontier.extend(self.children.get(current.pk, []))
        return ids

    def ancestors(self, category: Category) -> list[Category]:
        """The category's parents, outermost first (not the category itself)."""
        chain, current = [], self.by_id.get(category.parent_id)
        while current is not None and current not in chain:
            chain.insert(0, current)
            current = self.by_id.get(current.parent_id)
        return chain

    def find(self, *names: str) -> Category | None:
        """The first column whose name contains one of the words (notices, annual reports)."""
        for name in names:
            for category in self.categories:
                if name in category.name:
                    return category
        return None

    @cached_property
    def validator_digest(self) -> str:
        """``validator_parts()`` as one digest, worked out once per frame (every page's ETag covers it)."""
        return hashlib.sha256(repr(self.validator_parts()).encode()).hexdigest()

    def fragment(self, key: tuple, render) -> str:
        """The text ``render()`` gives for ``key``, rendered once per frame (``{% frame_fragment %}``).

        For the parts of a page made of the frame alone and the key: the navigation, a column's
        breadcrumbs. A frame is never changed once read, and is read anew when its tokens change,
        so its fragments go with it. Kept in this process only, never pickled.
        """
        fragments = self.__dict__.setdefault("_fragments", {})
        text = fragments.get(key)
        if text is None:
            text = render()
            if len(fragments) < FRAGMENTS_PER_FRAME:
                fragments[key] = text
        return text

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_fragments", None)
        return state

    def validator_parts(self) -> tuple:
        org = self.organisation
        return (
            org.pk,
            org.changed_at.isoformat() if org.changed_at else "",
            tuple(getattr(org, name) for name in ORGANISATION_FIELDS),
            tuple(tuple(getattr(category, name) for name in CATEGORY_FIELDS) for category in self.categories),
        )


# The number changes with the stored form (templates and static files change site_version()).
FRAME_PREFIX = "portal:frame:2:"


def frame_key(slug: str) -> str:
    return f"{FRAME_PREFIX}{site_version()}:{slug}"


def load_frame(request, slug: str) -> Frame:
    """The frame of the disclosing body at /<slug>/, once per request; 404 when there is none.

    The frame is the navigation tree and the validators of every page of the body: a
    fragment kept in the shared cache for PORTAL_FRAGMENT_CACHE_SECONDS, whether or not the
    page itself is cached (a staff member's page, or every page with the page cache off),
    and taken from there while the page-version tokens it was stored under (the catalog's
    and the body's, which every change to its columns, details or content replaces) are
    still the current ones; two queries otherwise, after which it is stored for the next
    page. An anonymous page whose copy was missing or stale has read the tokens already
    (``portal.conditional``); any other page reads them (one round trip). The process keeps
    the frames it read (``_kept``) and uses one while its tokens are current; the shared copy
    is fetched only when it keeps none, and only by a page being built, not with every page's
    tokens: a page served from the cache would carry its ~5 KB for nothing. Not with a read replica: a
    lagging replica's frame must not be stored under a newer change's token.
    """
    frames = request.__dict__.setdefault("_portal_frames", {})
    if slug not in frames:
        frames[slug] = _cached_frame(request, slug)
    return frames[slug]


# Frames this process has read, each with the tokens it was read under, for at most this many
# bodies. One is used only while those tokens are the current ones, read from the shared cache
# for every page, so a change shows at once on every server: what the process keeps spares the
# copy's round trip and unpickling its ~25 model instances (0.3 ms), not the check.
# Like the shared copy, a kept frame is read again after PORTAL_FRAGMENT_CACHE_SECONDS.
KEPT_FRAMES = 1024
_kept: dict[str, tuple[tuple[str, str], float, Frame]] = {}


def _cached_frame(request, slug: str) -> Frame:
    name, key = page_versions.org(slug), frame_key(slug)
    lookup = getattr(request, "_portal_lookup", None)  # set by portal.conditional._lookup
    tokens = lookup.tokens if lookup is not None and name in lookup.tokens else None
    if replica.configured():
        frame = _read_frame(slug)
        if tokens is not None:
            page_versions.adopt(name, tokens[name])
        return frame
    if tokens is None:
        tokens, _ = page_versions.current([page_versions.CATALOG, name])
    wanted = (tokens[page_versions.CATALOG], tokens[name])
    kept = _kept.get(slug)
    if kept is not None and kept[0] == wanted and time.monotonic() < kept[1]:
        return kept[2]
    copy = cache.get(key)
    if copy is not None and copy[0] == wanted:
        frame = pickle.loads(copy[1])
    else:
        frame = _read_frame(slug)  # 404 for a body that does not exist: its token is never stored
        page_versions.adopt(name, tokens[name])
        # Pickled apart from the tokens it is checked against: a stale copy is not unpickled
        # (~25 model instances).
        cache.set(key, (wanted, pickle.dumps(frame, pickle.HIGHEST_PROTOCOL)), settings.PORTAL_FRAGMENT_CACHE_SECONDS)
    if slug not in _kept and len(_kept) >= KEPT_FRAMES:
        _kept.pop(next(iter(_kept)))  # the longest kept
    _kept[slug] = (wanted, time.monotonic() + settings.PORTAL_FRAGMENT_CACHE_SECONDS, frame)
    return frame


def _read_frame(slug: str) -> Frame:
    organisation = (
        _with_changed_at(Organisation.objects.select_related("parent"))
        .filter(slug=slug, is_active=True, kind__in=DISCLOSING_KINDS)
        .first()
    )
    if organisation is None:
        raise Http404("没有这个乡镇或部门。")
    categories = list(Category.objects.filter(organisation=organisation, is_active=True).order_by("order", "code"))
    return Frame(organisation, categories)


def load_county(request) -> tuple[Organisation | None, list[Organisation]]:
    """The county (with its content timestamp, which covers everything below it) and the bodies below it.

    The bodies are its active townships, then its county departments, each carrying
    ``last_published``, the date of its newest published item.
    """
    if "_portal_county" not in request.__dict__:
        county = (
            _with_changed_at(Organisation.objects.filter(kind=Organisation.Kind.COUNTY, is_active=True))
            .order_by("order", "pk")
            .first()
        )
        newest = SearchEntry.objects.filter(organisation=OuterRef("pk")).order_by("-published_at")
        bodies = (
            list(
                Organisation.objects.active()
                .filter(parent=county, kind__in=[Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT])
                .annotate(last_published=Subquery(newest.values("published_at")[:1]))
                .order_by(Case(When(kind=Organisation.Kind.TOWNSHIP, then=0), default=1), "order", "name")
            )
            if county
            else []
        )
        request._portal_county = (county, bodies)
    return request._portal_county


def etag_for(request, *parts) -> str:
    """A strong validator over the page's data, the display settings and the release."""
    display = tuple(request.COOKIES.get(name, "") for name in DISPLAY_COOKIES.values())
    user = request.user
    viewer = (user.is_authenticated, getattr(user, "is_staff", False))
    payload = repr((site_version(), display, viewer, request.get_full_path(), parts))
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'
