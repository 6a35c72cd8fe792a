"""Rate limits in the shared cache (Redis in production, local memory by default).

    if not allow(key=f"apply:ip:{ip}", limit=5, window=3600):
        ...  # refuse with a Chinese message, write nothing

Fixed windows: at most `limit` hits per `window` seconds per key. Keys are hashed, so a
phone or ID number used as a key is never stored in the cache in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def _cache_key(key: str, window: int) -> str:
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{digest}:{window}:{bucket}"


def hit(*, key: str, window: int) -> int:
    """Count one hit for `key` in the current window; returns the hits so far, this one included."""
    name = _cache_key(key, window)
    if cache.add(name, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 1)
        return 1


def allow(*, key: str, limit: int, window: int) -> bool:
    """Count a hit and say whether it is within the limit."""
    return hit(key=key, window=window) <= limit


def client_address(request) -> str:
    """The client's address, as the nearest trusted proxy saw it.

    With `TRUSTED_PROXY_COUNT = N` (N proxies in front of the application servers, e.g. 1 for
    nginx), the client is the N-th address from the right of X-Forwarded-For: each proxy appends
    the peer it saw, so entries further left were written by the client and are not trusted.
    Without proxies (N = 0) it is REMOTE_ADDR. Behind nginx without this, every visitor would
    share the proxy's address and so one visitor's rate limit and lockout.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < count:
        return remote
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
