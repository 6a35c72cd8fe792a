"""The demo year of 双溪乡 (issue 4, point 12), made through the real services."""

import time

import pytest

from catalog import demo as catalog_demo
from catalog.models import Category
from disclosure import demo
from disclosure.models import Item, PersonalDataFinding


@pytest.fixture
def demo_catalog(settings, db):
    settings.DEMO_MODE = True
    catalog_demo.load_organisations()
    catalog_demo.load_catalog()


def test_demo_year_covers_the_eight_kinds_and_every_special_case_and_loads_once_quickly(demo_catalog):
    started = time.monotonic()
    made = demo.load_items()
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    items = Item.objects.filter(organisation__slug="shuangxi")
    public = items.filter(status=Item.Status.PUBLISHED)
    assert made == items.count() and public.count() > 100
    eight_kinds = {c.code: c for c in Category.objects.filter(organisation__slug="shuangxi", parent=None)}
    for code in ("01", "02", "03", "04", "05", "06", "07", "08"):
        category = eight_kinds[code]
        assert public.filter(category__in=[category, *category.children.all()]).exists(), category.name
    assert public.filter(late_workdays__isnull=False).count() >= 2
    assert items.filter(status=Item.Status.WITHDRAWN).exclude(withdrawal_reason="").count() == 1
    assert items.filter(validity=Item.Validity.REPEALED).count() == 1
    assert items.filter(validity=Item.Validity.REVISED, replaced_by__isnull=False).count() == 1
    masked = PersonalDataFinding.objects.filter(status=PersonalDataFinding.Status.MASKED)
    assert masked.filter(kind="id_number").exists()
    assert "*" in masked.first().item.body
    steps = set(items.filter(status=Item.Status.IN_REVIEW).values_list("review_step__name", flat=True))
    assert steps == {"初审", "保密审查", "签发"}
    assert items.filter(status=Item.Status.DRAFT).exists()
    assert items.filter(status=Item.Status.APPROVED, scheduled_for__isnull=False).exists()
    assert items.filter(is_emergency=True, emergency_confirmed_by__isnull=True).exists()
    numbers = list(public.values_list("index_number", flat=True))
    assert len(numbers) == len(set(numbers))

    assert demo.load_items() == 0
    assert Item.objects.filter(organisation__slug="shuangxi").count() == made
