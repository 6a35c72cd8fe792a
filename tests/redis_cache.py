"""The portal's Redis cache for tests that share one Redis server between suites."""

from township_portal.lib.cache import PortalRedisCache


class PrefixRedisCache(PortalRedisCache):
    """``clear()`` removes the keys under this cache's own prefix, not the whole database.

    The SQLite and PostgreSQL suites run side by side on one Redis database, each test under a
    prefix of its own; Django's ``clear()`` (FLUSHDB) would remove the other suite's pages and
    tokens in the middle of its test.
    """

    def clear(self):
        client = self._cache.get_client(write=True)
        for key in client.scan_iter(f"{self.key_prefix}:*"):
            client.delete(key)
