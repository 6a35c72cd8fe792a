"""Version tokens in the shared cache that name the current state of the public pages.

A cached public page is stored with the tokens of what it shows, and served only while
they are still the current ones; both are read in one round trip, so a page served from
the cache needs the cache only (no database query). The publishing services replace the
tokens when content changes, and the old copies are never served again.

- ``org:<slug>``: the pages of one disclosing body (its home, columns, items), replaced
  when the body or one below it changes content (``search.indexing.touch_organisations``),
  and stored by a reader only once the body is found (``adopt``), never for a made-up slug;
- ``content``: pages that show every body (county home, search), replaced on any change;
- ``catalog``: every page, replaced when an organisation or a column is saved or deleted
  (names, slugs, contact details and columns appear in every page's frame).

A token is ``<time>:<random>``: never a counter, so a token evicted from the cache comes
back as a new value and cannot meet the pages of an older one. It is replaced at once
(the writing connection sees its own change at once) and again after the transaction
commits: a visitor's page built between the two from the data before the commit may have
been stored under the first new token, never under the second.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

PREFIX = "portal:v:"
CATALOG = "catalog"
CONTENT = "content"
# Tokens outlive the pages they name (a missing token only makes its pages be built again).
TOKEN_SECONDS = 30 * 24 * 3600


_BODY = "org:"


def org(slug: str) -> str:
    return f"{_BODY}{slug}"


def _new_token(at: float | None = None) -> str:
    return f"{time.time() if at is None else at:.6f}:{uuid.uuid4().hex[:12]}"


def token_time(token: str) -> float:
    """When the token was made (seconds since the epoch)."""
    return float(token.split(":", 1)[0])


def current(names: list[str], *, also: str | None = None) -> tuple[dict[str, str], object]:
    """The tokens of these names and the value under the cache key ``also``, in one round trip.

    A missing ``catalog`` or ``content`` token is created (first come wins). A missing body
    token (``org:<slug>``) is not: the slug comes from the address, and a made-up address
    must not leave a token behind for a month. This request gets a token of its own instead,
    which ``adopt`` stores once the body is known to exist (``portal.frames`` after reading
    it); until then nothing stored under it is ever found.
    """
    token_keys = {name: PREFIX + name for name in names}
    found = cache.get_many([*token_keys.values(), *([also] if also else [])])
    tokens = {}
    for name, key in token_keys.items():
        token = found.get(key)
        if token is None:
            # Made by a reader, not by a change: time 0, which no page's content is older than.
            token = _new_token(0.0)
            if not name.startswith(_BODY):
                # Two servers creating the same token at once: add() keeps the first, both read it.
                cache.add(key, token, TOKEN_SECONDS)
                token = cache.get(key) or token
        tokens[name] = token
    return tokens, found.get(also) if also else None


def adopt(name: str, token: str) -> None:
    """Store the token ``current`` gave this request for ``name`` unless another is stored already.

    Called once what the token names is known to exist. A change made since the token was
    read has stored a token of its own, which stays: what this request read and stored
    under its token is then never served.
    """
    cache.add(PREFIX + name, token, TOKEN_SECONDS)


def replace(names: set[str], *, at: float | None = None) -> None:
    """New tokens for these names now and once the current transaction commits.

    ``at`` is the content time the change recorded (``search.models.Freshness``), which a
    page read from a lagging replica can be checked against (``portal.conditional``).

    A cache that does not answer never fails the write that changed the content (its
    pages cannot be served from it either); the error is logged.
    """
    if not names:
        return
    keys = sorted(PREFIX + name for name in names)

    def write():
        try:
            cache.set_many(dict.fromkeys(keys, _new_token(at)), TOKEN_SECONDS)
        except Exception:
            logger.exception("page-cache tokens not replaced: %s", keys)

    if transaction.get_connection().in_atomic_block:
        write()
    transaction.on_commit(write)
