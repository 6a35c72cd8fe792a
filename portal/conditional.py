"""Conditional GET for the public pages: ETag and Last-Modified before any rendering.

``validators(request, **kwargs)`` returns ``(etag, last_modified)`` from the page's frame
(two queries); a repeated request with a matching If-None-Match (or If-Modified-Since)
gets 304 without the page being built. Responses ask browsers to revalidate every time
(``no-cache``), so a newly published item is seen at once.
"""

from functools import wraps

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date


def conditional_page(validators):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            etag, last_modified = validators(request, *args, **kwargs)
            timestamp = int(last_modified.timestamp()) if last_modified else None
            response = get_conditional_response(request, etag=etag, last_modified=timestamp)
            if response is None:
                response = view(request, *args, **kwargs)
            if response.status_code in (200, 304):
                response.headers.setdefault("ETag", etag)
                if timestamp is not None:
                    response.headers.setdefault("Last-Modified", http_date(timestamp))
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator
