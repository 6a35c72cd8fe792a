"""Gunicorn settings for production: `.venv/bin/gunicorn township_portal.wsgi` reads this file.

Every value can be changed with an environment variable of the same purpose, so one file
serves every server. Why these numbers:
- timeout: the slowest legitimate request is an upload of ten text-heavy PDFs, each
  checked and its text extracted in the request (about 5 s per 200 KB of dense text on one
  busy core, so about a minute for ten), or a small import on the staff page; 180 s fits
  them with room. Large imports belong to `manage.py import_items`, not to a request.
  The database's own statement timeout (DB_STATEMENT_TIMEOUT_MS, 30 s) is shorter, so a
  stuck query ends as a clear error page well before the worker is killed.
- graceful restarts: `kill -HUP <master pid>` (or `systemctl reload`) starts new workers
  with the new code and lets each old one finish its requests (graceful_timeout); workers
  are also recycled after max_requests (with jitter) so slow leaks never build up.
- the access log goes to stdout with the request id the application logs too.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 180)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The workers' heartbeat files (touched on every request): in memory, as gunicorn advises, since
# on a disk-backed /tmp a busy disk can stall a worker. (Uploads go to Django's FILE_UPLOAD_TEMP_DIR.)
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Time, client (the proxy's X-Forwarded-For), request line, status, bytes, duration in ms, request id.
access_log_format = '%(t)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
# nginx in front sets X-Forwarded-For / X-Forwarded-Proto; trust them only from it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips


def post_worker_init(worker):
    """Move what the worker loaded (modules, settings, URL patterns: ~100,000 objects) out of the
    cyclic garbage collector's reach, as Python's documentation of gc.freeze() suggests for a
    long-lived process. The objects live as long as the worker anyway; without this, a full
    collection walks them all once every ~150 requests and that request waits ~50 ms
    (measured in process at 1,000,000 items: bench/README.md, session 7)."""
    import gc

    gc.collect()
    gc.freeze()
    worker.log.info("worker %s: %s objects frozen out of the garbage collector", worker.pid, gc.get_freeze_count())
