"""Items and the review path for the publishing tests.

双溪乡 uses the common three steps (初审 by a reviewer, 保密审查 by another reviewer,
签发 by the approver); `publish` walks an item through them with the personas.
"""

from datetime import date, datetime

import pytest
from django.utils import timezone

from catalog.models import Category, Obligation
from disclosure import services
from tests.postgres import requires_postgres

row_locks = requires_postgres("row locks between concurrent transactions")


def postgres_only(test):
    """Mark a test as PostgreSQL-only and skip it, saying why, on SQLite."""
    return pytest.mark.postgres_only(row_locks(test))


WRITTEN_ON = date(2026, 3, 2)  # a Monday; 20 working days later is 2026-03-30


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def category(shuangxi):
    return Category.objects.create(organisation=shuangxi, code="gzdt", name="工作动态")


@pytest.fixture
def other_category(yingqian):
    return Category.objects.create(organisation=yingqian, code="gzdt", name="营前镇工作动态")


@pytest.fixture
def obligation(shuangxi, category):
    return Obligation.objects.create(
        organisation=shuangxi,
        category=category,
        code="1.1",
        first_level="社会救助",
        second_level="最低生活保障",
        content_elements="救助对象名单",
        time_limit_days=20,
        responsible_body=shuangxi,
    )


@pytest.fixture
def steps(shuangxi):
    return services.review_steps_ensure(organisation=shuangxi)


@pytest.fixture
def make_item(author, shuangxi, category, steps):
    def make(by=None, **fields):
        values = {
            "organisation": shuangxi,
            "category": category,
            "title": "双溪乡2026年春季森林防火工作部署",
            "summary": "部署春季森林防火工作。",
            "body": "<p>各村要落实巡山护林责任。</p>",
            "written_on": WRITTEN_ON,
        } | fields
        return services.item_create(by=by or author, **values)

    return make


@pytest.fixture
def publish(author, reviewer, secrecy_reviewer, approver):
    """Take an item from draft to published through all three steps."""

    def go(item, *, at=None):
        services.item_submit(item=item, by=author, at=at)
        for person in (reviewer, secrecy_reviewer, approver):
            item.refresh_from_db()
            item = services.item_review(item=item, by=person, approve=True, at=at)
        item.refresh_from_db()
        return item

    return go
