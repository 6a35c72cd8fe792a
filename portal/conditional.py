"""Conditional GET and the shared page cache for the public pages, both keyed by the page's validators.

``validators(request, **kwargs)`` returns ``(etag, last_modified)`` from the page's frame
(two queries); a repeated request with a matching If-None-Match (or If-Modified-Since)
gets 304 without the page being built. Responses ask browsers to revalidate every time
(``no-cache``), so a newly published item is seen at once.

An anonymous visitor's page is also kept in the shared cache (Redis in production, so
every application server sees it) under its ETag. The ETag covers the page's path and
query, the display settings, the release and the content timestamps of the organisation
and everything below it, so a publish, change or withdrawal makes a new key for exactly
the pages that show it, and the old entries are never read again (they expire after
PORTAL_PAGE_CACHE_SECONDS). Nothing is ever deleted from the cache, so two servers can
never disagree about what is current.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from township_portal.lib.replica import public_reads

CACHE_PREFIX = "portal:page:"


def _cacheable(request) -> bool:
    # A visitor with a session or a pending message sees something of their own.
    return (
        request.method == "GET"
        and settings.PORTAL_PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cached(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, content_type = stored
    return HttpResponse(content, content_type=content_type)


def _store(key: str, request, response) -> None:
    # A page that set a cookie or used the CSRF token is the visitor's own, not the public's.
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(getattr(request, "_messages", None), "used", False):
        return
    cache.set(key, (response.content, response["Content-Type"]), settings.PORTAL_PAGE_CACHE_SECONDS)


def conditional_page(validators):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if request.user.is_authenticated:
                return _answer(request, validators, view, args, kwargs)
            with public_reads():  # on the read replica, when one is configured
                return _answer(request, validators, view, args, kwargs)

        return wrapped

    return decorator


def _answer(request, validators, view, args, kwargs):
    """304, the cached copy, or the page built (and cached for the next visitor)."""
    etag, last_modified = validators(request, *args, **kwargs)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        key = CACHE_PREFIX + etag.strip('"')
        cacheable = _cacheable(request)
        response = _cached(key) if cacheable else None
        if response is None:
            response = view(request, *args, **kwargs)
            if cacheable:
                _store(key, request, response)
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag)
        if timestamp is not None:
            response.headers.setdefault("Last-Modified", http_date(timestamp))
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
