"""The portal's Redis cache backend, against a real Redis: one client per pool, made once."""

import threading

from django.core.cache.backends.redis import RedisCacheClient

from tests.conftest import REDIS_URL


def test_values_round_trip_through_redis(redis_cache):
    redis_cache.set("页面", ("tokens", "正文".encode(), 7), 60)
    redis_cache.set_many({"a": 1, "b": [2, 3]}, 60)
    assert redis_cache.get("页面") == ("tokens", "正文".encode(), 7)
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": [2, 3]}
    assert redis_cache.add("a", 5, 60) is False and redis_cache.incr("a") == 2
    redis_cache.delete("页面")
    assert redis_cache.get("页面") is None


def test_one_client_serves_every_call_and_thread(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool, one client
    seen, errors = [], []

    def work(n):
        try:
            redis_cache.set(f"k{n}", n, 60)
            seen.append((redis_cache._cache.get_client(), redis_cache.get(f"k{n}") == n))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(seen) == 8
    # Django's own client makes a new redis.Redis on every call; ours is shared by every thread using this backend.
    assert all(ok for _, ok in seen)
    plain = RedisCacheClient([REDIS_URL])
    assert plain.get_client() is not plain.get_client()
