"""Log lines an operator can read: time, level, logger and request id, and no flood of tracebacks.

- ``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it is
  a sane token, otherwise a new one), answers it in ``X-Request-ID`` (gunicorn's access log
  prints it) and makes it available to every log line of that request.
- ``RequestIdFilter`` puts it on each record as ``request_id`` ("-" outside a request).
- ``RepeatedErrorFilter`` keeps an outage readable: the first error of a kind is logged with
  its traceback, the same error again within ``window`` seconds as one line without it
  (with a count), so a database outage cannot grow the log by megabytes a minute.
- ``SingleLineFormatter`` writes the message on one line; a traceback, when there is one,
  follows once.
- Database errors reaching a view answer a 503 page ("服务暂时不可用") instead of a 500.
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import time
import uuid
from datetime import datetime

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

logger = logging.getLogger("township_portal.requests")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if _SANE_ID.match(given) else uuid.uuid4().hex[:16]
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers["X-Request-ID"] = request.id
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            # The database is down or hung: say so in one line (the filter keeps the first traceback).
            logger.error("Database unavailable: %s", exception, exc_info=exception)
            response = HttpResponse(loader.get_template("500.html").render(), status=503)
            response.headers["Retry-After"] = "60"
            response._has_been_logged = True  # not again by django.request
            return response
        return None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RepeatedErrorFilter(logging.Filter):
    """Drop the traceback (and count) of an error already logged within ``window`` seconds."""

    def __init__(self, window: float = 60.0):
        super().__init__()
        self.window = window
        self._seen: dict[tuple, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def _key(self, record: logging.LogRecord) -> tuple | None:
        if not record.exc_info or not record.exc_info[1]:
            return None
        error = record.exc_info[1]
        tb = record.exc_info[2]
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno) if tb is not None else None
        return (type(error).__qualname__, str(error)[:200], where)

    def filter(self, record: logging.LogRecord) -> bool:
        key = self._key(record)
        if key is None:
            return True
        now = time.monotonic()
        with self._lock:
            first, count = self._seen.get(key, (0.0, 0))
            if now - first > self.window:
                self._seen[key] = (now, 1)
                if len(self._seen) > 1000:  # forget old kinds
                    self._seen = {k: v for k, v in self._seen.items() if now - v[0] <= self.window}
                return True
            self._seen[key] = (first, count + 1)
        error = record.exc_info[1]
        message = record.getMessage()
        text = str(error).strip()[:200]
        summary = type(error).__name__ if text in message else f"{type(error).__name__}: {text}"
        record.msg = f"{message} [{summary}; repeated x{count + 1}, traceback above]"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


class SingleLineFormatter(logging.Formatter):
    """The message on one line (newlines escaped); a traceback, when kept, below it; ISO time with its offset."""

    def formatTime(self, record, datefmt=None):
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        message = record.getMessage().replace("\r", "\\r").replace("\n", "\\n")
        original = record.msg, record.args
        record.msg, record.args = message, None
        try:
            return super().format(record)
        finally:
            record.msg, record.args = original


def logging_config(level: str) -> dict:
    """The LOGGING setting: one console handler with the filters above."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "township_portal.lib.logs.RequestIdFilter"},
            "repeated": {"()": "township_portal.lib.logs.RepeatedErrorFilter"},
        },
        "formatters": {"line": {"()": "township_portal.lib.logs.SingleLineFormatter", "format": FORMAT}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "repeated"],
                "formatter": "line",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
