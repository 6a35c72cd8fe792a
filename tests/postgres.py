"""Tests that need PostgreSQL: skipped on SQLite with the reason printed."""

import pytest
from django.conf import settings

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def requires_postgres(why: str) -> pytest.MarkDecorator:
    """Skip on SQLite, saying what of PostgreSQL's the test needs."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=f"needs PostgreSQL ({why}); set DATABASE_URL=postgres://…")
