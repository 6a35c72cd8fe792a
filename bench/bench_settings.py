"""Settings for bench/throughput.py: the portal's own, plus a bare view (bench/bare_urls.py)."""

from township_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
