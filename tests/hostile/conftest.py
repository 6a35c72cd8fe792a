import pytest

from catalog.models import Category
from disclosure.models import Item


@pytest.fixture
def category(shuangxi):
    return Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告")


@pytest.fixture
def item(shuangxi, author, category):
    return Item.objects.create(
        organisation=shuangxi,
        category=category,
        publisher=shuangxi,
        title="2024年低保对象公示",
        written_on="2024-03-01",
        created_by=author,
    )
