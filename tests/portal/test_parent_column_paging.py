"""A parent column lists its whole subtree, page by page, in one order without gaps or repeats.

Its pages merge one index scan per category (portal.paging), so these tests spread items
with equal dates and equal titles over the children and a grandchild and walk every page
forwards and back.
"""

import re

import pytest

from disclosure.models import Attachment, Item
from search.queries import published_between
from tests.portal.conftest import at
from tests.search import factories

ITEM_LINK = re.compile(r'href="/shuangxi/items/([0-9]+)/"')


@pytest.fixture
def tree(shuangxi):
    """政策文件 with three children, the second of which has a child of its own."""
    parent = factories.category(shuangxi, code="02", name="政策文件", order=2)
    children = [
        factories.category(shuangxi, code=f"020{n}", name=f"政策文件{n}", parent=parent, order=n) for n in (1, 2, 3)
    ]
    grandchild = factories.category(shuangxi, code="020201", name="规范性文件", parent=children[1])
    return parent, [*children, grandchild]


@pytest.fixture
def spread_items(shuangxi, tree):
    """Seventeen items over the four categories below 政策文件: dates and titles repeat across them."""
    _, categories = tree
    items = []
    for n in range(17):
        items.append(
            factories.published_item(
                shuangxi,
                categories[n % 4],
                title=f"政策{n % 5}号",  # five titles, each shared by items of several categories
                published_at=at(2017, 1 + n // 6, 1 + n // 3),  # dates come in threes
            )
        )
    factories.published_item(shuangxi, factories.category(shuangxi, code="07", name="精准扶贫"), title="别的栏目")
    return items


def _ids(html):
    return list(dict.fromkeys(int(pk) for pk in ITEM_LINK.findall(html)))


def _walk(client, url, assert_queries):
    """Every page from ``url`` on by its "next" link, then back by "previous"; the ids of each page."""
    forward, link = [], url
    while link:
        with assert_queries(10):
            html = client.get(link).content.decode()
        forward.append(_ids(html))
        match = re.search(r'href="([^"]+)" rel="next"', html)
        link = url.split("?")[0] + match.group(1).replace("&amp;", "&") if match else None
    backward = [forward[-1]]
    while match := re.search(r'href="([^"]+)" rel="prev"', html):
        html = client.get(url.split("?")[0] + match.group(1).replace("&amp;", "&")).content.decode()
        backward.insert(0, _ids(html))
    return forward, backward


def test_a_parent_column_pages_through_its_children_newest_first_with_ties_on_dates(
    client, settings, shuangxi, tree, spread_items, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 5
    expected = [item.pk for item in sorted(spread_items, key=lambda item: (item.published_at, item.pk), reverse=True)]
    forward, backward = _walk(client, "/shuangxi/category/02/", django_assert_max_num_queries)
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [5, 5, 5, 2]
    assert backward == forward


def test_a_parent_column_pages_by_title_with_ties_on_titles(
    client, settings, shuangxi, tree, spread_items, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 4
    expected = [item.pk for item in sorted(spread_items, key=lambda item: (item.title, item.pk))]
    forward, backward = _walk(client, "/shuangxi/category/02/?sort=title", django_assert_max_num_queries)
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward


def test_filters_of_a_parent_column_apply_on_every_page(
    client, settings, shuangxi, tree, spread_items, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 2
    with_files = spread_items[1::3]
    for item in with_files:
        Attachment.objects.create(
            item=item,
            file="attachments/x.pdf",
            original_name="附件.pdf",
            content_type="application/pdf",
            size=1,
            sha256="",
        )
        factories.index_item(Item.objects.get(pk=item.pk))
    in_march = [item for item in spread_items if item.published_at.month == 3]
    cases = [
        ("has_attachments=1", with_files, "date"),
        ("has_attachments=0", [item for item in spread_items if item not in with_files], "date"),
        ("year=2017&month=3&sort=title", in_march, "title"),
    ]
    for query, chosen, sort in cases:
        if sort == "date":
            chosen = sorted(chosen, key=lambda item: (item.published_at, item.pk), reverse=True)
        else:
            chosen = sorted(chosen, key=lambda item: (item.title, item.pk))
        forward, _ = _walk(client, f"/shuangxi/category/02/?{query}", django_assert_max_num_queries)
        assert [pk for page in forward for pk in page] == [item.pk for item in chosen], query


def test_the_year_choices_of_a_parent_column_span_all_its_children(client, shuangxi, tree):
    parent, categories = tree
    factories.published_item(shuangxi, categories[0], title="旧文件", published_at=at(2015, 5, 1))
    factories.published_item(shuangxi, categories[3], title="新文件", published_at=at(2019, 8, 1))
    html = client.get("/shuangxi/category/02/").content.decode()
    years = re.findall(r'<option value="(20[0-9]{2})"', html)
    assert years == ["2019", "2018", "2017", "2016", "2015"]
    first, last = published_between([parent.pk] + [category.pk for category in categories])
    assert (first, last) == (at(2015, 5, 1), at(2019, 8, 1))
    assert published_between([parent.pk]) == (None, None)
    assert published_between([]) == (None, None)
