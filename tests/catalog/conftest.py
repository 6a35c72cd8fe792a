"""Demo data and published items for catalog tests."""

import itertools

import pytest
from django.utils import timezone

from catalog import demo
from catalog.models import Organisation

_serial = itertools.count(1)


@pytest.fixture
def demo_catalog(db):
    """The whole demo: organisations, the county template, 双溪乡's catalog and guides."""
    demo.load_organisations()
    demo.load_catalog()
    return {o.slug: o for o in Organisation.objects.all()}


@pytest.fixture
def publish(db):
    """Create published (or other-status) items directly, as the disclosure app would leave them."""
    from disclosure.models import Item
    from search.indexing import touch_organisations

    def make(category, *, status="published", by, title=None):
        n = next(_serial)
        published = status == "published"
        # The publishing services mark the township changed (its cached pages and counts go stale).
        touch_organisations({category.organisation_id})
        return Item.objects.create(
            organisation=category.organisation,
            category=category,
            publisher=category.organisation,
            title=title or f"{category.name}信息{n}",
            written_on=timezone.localdate(),
            status=status,
            published_at=timezone.now() if published else None,
            index_number=f"TEST/{n:05d}" if published else None,
            created_by=by,
        )

    return make
