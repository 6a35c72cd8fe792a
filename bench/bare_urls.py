"""The portal's URLs plus /bench-bare/: the same middleware returning fixed bytes (the yardstick)."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from township_portal.urls import urlpatterns as portal_urls

_BYTES = Path(os.environ["BENCH_BARE_FILE"]).read_bytes() if os.environ.get("BENCH_BARE_FILE") else b"ok"


def bare(request):
    return HttpResponse(_BYTES, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench-bare/", bare), *portal_urls]
