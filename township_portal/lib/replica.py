"""Public reads on a PostgreSQL read replica (streaming replication), everything else on the primary.

Only what a resident reads anonymously goes to the replica: ``portal.conditional``
wraps the anonymous GET of every public page in ``public_reads()``. Staff pages, forms,
the admin, the scheduler and every write stay on the primary, so staff always read
what they have just written. A page read from a replica that lags a few seconds is
consistent with itself: its ETag is computed from the same replica, so it changes when
the replica catches up.

Enabled by ``REPLICA_DATABASE_URL`` (see settings and README); without it the router is
not installed and nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_public = ContextVar("public_reads", default=False)


def configured() -> bool:
    """Whether public reads go to a replica (which may lag: nothing read there may be cached as current)."""
    return REPLICA in settings.DATABASES


@contextmanager
def public_reads():
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


class ReplicaRouter:
    """Send reads made inside ``public_reads()`` to the "replica" database."""

    def db_for_read(self, model, **hints):
        return REPLICA if _public.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
