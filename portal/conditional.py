"""Conditional GET and the shared page cache for the public pages.

``validators(request, **kwargs)`` returns ``(etag, last_modified)`` from the page's frame
(two queries); a repeated request with a matching If-None-Match (or If-Modified-Since)
gets 304 without the page being built. Responses ask browsers to revalidate every time
(``no-cache``), so a newly published item is seen at once.

An anonymous visitor's page is also kept in the shared cache (Redis in production, so
every application server sees it) under its path and query, the display settings and the
release, together with its validators and the version tokens of what it shows
(``township_portal.lib.page_versions``). The copy and the current tokens are read in one
cache round trip and no database query; the copy is served (or answers 304 from its
validators) only while its tokens are the current ones. The publishing services replace
the tokens of the organisation that changed, of the bodies above it and of the pages
showing every body, so a publish, change or withdrawal shows at once on exactly the pages
that show it; the next visitor's page replaces the old copy. Copies expire after
PORTAL_PAGE_CACHE_SECONDS. A copy is never trusted without comparing its tokens, so two
servers can never disagree about what is current.

``PageCacheMiddleware`` serves those copies at the top of the middleware stack, below only
the request id and the security middleware (HTTPS redirect, HSTS and the other security
headers, added to every response), so that a page from the cache costs little more than the
cache round trip. The copy is stored by the middleware as the page leaves the stack below
it, with the headers that stack added (content policy, framing, language, ``Vary``), and
served with them. A view offers its pages to it by being decorated with ``conditional_page``;
a view wrapped further by something that must run on every request (the search's rate
limit) hides the mark and is looked up by the decorator instead.
"""

import hashlib
import time
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from portal.context_processors import DISPLAY_COOKIES
from portal.frames import site_version
from township_portal.lib import page_versions, replica
from township_portal.lib.replica import public_reads

# The number changes with the stored form: (tokens, content, headers, etag, timestamp).
CACHE_PREFIX = "portal:page:2:"
# With a read replica, a page is not cached from it this soon after a catalog change
# (a catalog change records no content time that the page could be checked against).
REPLICA_CATALOG_LAG_SECONDS = 60


def _anonymous_get(request) -> bool:
    # A visitor with a session or a pending message sees something of their own; without a
    # session cookie nobody is signed in.
    return (
        request.method == "GET"
        and settings.PORTAL_PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cacheable(request) -> bool:
    return _anonymous_get(request) and not request.user.is_authenticated


def _page_key(request) -> str:
    display = tuple(request.COOKIES.get(name, "") for name in DISPLAY_COOKIES.values())
    payload = repr((site_version(), display, request.get_full_path()))
    return CACHE_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]


# Headers of a stored page that a 304 from its copy does not repeat (it has no body).
BODY_HEADERS = frozenset({"content-type", "content-length"})


def _from_cache(request, stored) -> HttpResponse:
    _, content, headers, etag, timestamp = stored
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = HttpResponse(content)
        for name, value in headers:
            response.headers[name] = value
    else:
        for name, value in headers:
            if name.lower() not in BODY_HEADERS:
                response.headers.setdefault(name, value)
    return response


def _shareable(request, response) -> bool:
    """Whether the page built may be everyone's copy, asked once the whole stack below has run:
    a 200 with a body that set no cookie, used no CSRF token, showed no message and carries no
    content-policy nonce (which must never be sent twice)."""
    return not (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(getattr(request, "_messages", None), "used", False)
        or getattr(request, "_csp_nonce", None) is not None
    )


def _caught_up(tokens: dict[str, str], last_modified) -> bool:
    """Whether a page may be stored under these tokens: always, but with a read replica.

    A lagging replica's page must not be stored under the token of a change it has not seen
    yet: it would be served until the next change.
    """
    if not replica.configured():
        return True
    seen = last_modified.timestamp() if last_modified else 0.0
    for name, token in tokens.items():
        made = page_versions.token_time(token)
        if name == page_versions.CATALOG:
            if time.time() - made < REPLICA_CATALOG_LAG_SECONDS:
                return False
        elif seen + 1e-3 < made:
            return False
    return True


def conditional_page(validators, versions=lambda request, *args, **kwargs: [page_versions.CONTENT]):
    """Validators and the shared cache for a public view.

    ``versions(request, *args, **kwargs)`` names the page-version tokens of what the page
    shows (the catalog's is always added): ``org:<slug>`` for a body's pages, ``content``
    for pages that show every body.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if request.user.is_authenticated:
                return _answer(request, validators, None, view, args, kwargs)
            with public_reads():  # on the read replica, when one is configured
                return _answer(request, validators, versions, view, args, kwargs)

        wrapped.portal_page_versions = versions  # the mark PageCacheMiddleware looks for
        return wrapped

    return decorator


def _answer(request, validators, versions, view, args, kwargs):
    """The cached copy (or 304 from it, no database query), 304, or the page built (and cached)."""
    key = tokens = None
    if versions is not None and _cacheable(request):
        looked_up = getattr(request, "_portal_lookup", None)  # by PageCacheMiddleware: no copy
        if looked_up is not None:
            key, tokens = looked_up.key, looked_up.tokens
        else:
            key, tokens, hit = _lookup(request, versions, args, kwargs)
            if hit is not None:
                return hit
    etag, last_modified = validators(request, *args, **kwargs)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = view(request, *args, **kwargs)
        if key is not None and _caught_up(tokens, last_modified):
            # Stored by PageCacheMiddleware once the rest of the stack has added its headers.
            response._portal_copy = (key, tokens, etag, timestamp)
    return _finish(response, etag, timestamp)


def _store(request, response) -> None:
    """Keep the copy of a page the view offered, with the headers the stack below added."""
    offered = getattr(response, "_portal_copy", None)
    if offered is None or not _shareable(request, response):
        return
    key, tokens, etag, timestamp = offered
    headers = tuple(response.headers.items())
    cache.set(key, (tokens, response.content, headers, etag, timestamp), settings.PORTAL_PAGE_CACHE_SECONDS)


@dataclass(frozen=True)
class Lookup:
    """What a page's cache round trip found when it found no current copy of the page: its
    key and the current tokens (against which ``portal.frames.load_frame`` checks a frame copy)."""

    key: str
    tokens: dict[str, str]


def _lookup(request, versions, args, kwargs):
    """(key, current tokens, the response from the cached copy or None), in one cache round trip."""
    key = _page_key(request)
    names = [page_versions.CATALOG, *versions(request, *args, **kwargs)]
    tokens, stored = page_versions.current(names, also=key)
    if stored is not None and stored[0] == tokens:
        return key, tokens, _finish(_from_cache(request, stored), stored[3], stored[4])
    request._portal_lookup = Lookup(key, tokens)
    return key, tokens, None


# Paths this long are resolved every time rather than kept (visitors choose them).
ROUTE_MEMO_PATH_CHARS = 200


@lru_cache(maxsize=4096)
def _memo_route(urlconf: str, path: str):
    return _route(urlconf, path)


def _route(urlconf: str, path: str):
    """(versions, args, kwargs) of a public page's path, or None when the path is not one."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    versions = getattr(match.func, "portal_page_versions", None)
    return None if versions is None else (versions, match.args, match.kwargs)


class PageCacheMiddleware:
    """An anonymous visitor's page from the shared cache, before the rest of the middleware.

    Resolving a path costs ~55 µs, a tenth of a page from the cache, so the routes of recent
    paths are kept (keyed by the URLconf too, which tests may swap); the URLconf never
    changes while a process runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_get(request):
            return self.get_response(request)
        urlconf, path = get_urlconf() or settings.ROOT_URLCONF, request.path_info
        route = (_memo_route if len(path) <= ROUTE_MEMO_PATH_CHARS else _route)(urlconf, path)
        if route is not None:
            versions, args, kwargs = route
            key, tokens, hit = _lookup(request, versions, args, kwargs)
            if hit is not None:
                return hit
        response = self.get_response(request)
        _store(request, response)
        return response


def _finish(response, etag, timestamp):
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag)
        if timestamp is not None:
            response.headers.setdefault("Last-Modified", http_date(timestamp))
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
