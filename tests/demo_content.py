"""Tests of the demo's content run on SQLite, the database `make run` loads the demo into.

Loading the whole demo costs ~40 s on the CI machine, and each of these tests loads it to look
at one app's share. On PostgreSQL, `test_load_demo_is_idempotent_and_its_printed_login_works`
still loads the whole demo, twice, so the demo is known to load there too.
"""

import pytest
from django.conf import settings

on_sqlite_only = pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    reason="demo content is checked on SQLite, where make run loads it; on PostgreSQL "
    "test_load_demo_is_idempotent_and_its_printed_login_works loads the whole demo twice",
)
