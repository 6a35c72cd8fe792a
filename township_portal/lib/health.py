"""Is the database answering? Asked in a thread of its own, so the answer comes within a deadline.

A hung database (a frozen server, a lock, a lost network) must not hang the health check:
the load balancer has to hear "unavailable" in time to act. The probe runs in a separate
thread with its own connection; the caller waits at most ``timeout`` seconds. While one
probe is still stuck, later calls answer "unavailable" at once instead of piling up threads.
"""

import threading

from django.db import connections

_lock = threading.Lock()
_stuck: threading.Thread | None = None


def _probe(result: dict) -> None:
    connection = connections["default"]  # this thread's own connection
    try:
        with connection.cursor() as cursor:
            # A table of ours, not just "SELECT 1": a locked or missing schema counts as down.
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            cursor.fetchone()
        result["ok"] = True
    except Exception as error:  # any failure is "unavailable"; the reason goes to the answer
        result["error"] = type(error).__name__
    finally:
        connection.close()


def database_status(*, timeout: float) -> tuple[bool, str]:
    """(answers, reason): the database answered a query within ``timeout`` seconds, or why not."""
    global _stuck
    result: dict = {}
    with _lock:
        if _stuck is not None and _stuck.is_alive():
            return False, "timeout"
        probe = threading.Thread(target=_probe, args=(result,), name="healthz-probe", daemon=True)
        probe.start()
    probe.join(timeout)
    if probe.is_alive():
        with _lock:
            _stuck = probe
        return False, "timeout"
    return result.get("ok", False), result.get("error", "")
