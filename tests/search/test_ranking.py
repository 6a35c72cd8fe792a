"""The bounded ranking returns the pages of the full ranking, for rare terms and common ones.

``search_entries`` ranks every hit (title matches first, then newest); ``ranked_search``
ranks a rare term's hits whole and walks a common term's newest entries, stopping after
a page. With SMALL_SET lowered, the recall corpus's terms all take the walking path.
"""

import random

import pytest

from search import queries
from search.queries import ranked_search, search_entries
from tests.search.test_recall import corpus  # noqa: F401  (the fixture)
from township_portal.lib.search import parse_query


def _expected(query, *, size, number, cap, **filters):
    full = list(search_entries(query, **filters).values_list("pk", flat=True))
    total = min(len(full), cap)
    last_page = max(1, -(-total // size))
    number = max(1, min(number, last_page))
    return full[(number - 1) * size : number * size], total, len(full) > cap, number


QUERIES = [
    "2017年",
    "扶贫",
    "工作",
    "村民",
    "低保 救",
    "救助 工作",
    "年 扶贫",
    "精准",
    "公开信息",
    "。低保",
    "社会 政府",
]


@pytest.mark.parametrize("small_set", [10_000, 3])
def test_every_page_matches_the_full_ranking(corpus, monkeypatch, small_set, shuangxi):  # noqa: F811
    monkeypatch.setattr(queries, "SMALL_SET", small_set)
    rng = random.Random(3)
    for raw in QUERIES:
        query = parse_query(raw)
        for number in [1, 2, 3, rng.randint(4, 30)]:
            for cap, filters in [(1000, {}), (12, {}), (1000, {"organisation_id": shuangxi.pk, "year": 2017})]:
                page = ranked_search(query, number=number, size=7, cap=cap, **filters)
                rows, total, capped, shown = _expected(query, size=7, number=number, cap=cap, **filters)
                got = ([row.pk for row in page.rows], page.total, page.capped, page.number)
                assert got == (rows, total, capped, shown), (raw, number, cap, filters)


def test_a_pair_in_most_items_is_probed_among_the_newest_and_a_rare_one_through_the_index(shuangxi):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from tests.search import factories

    column = factories.category(shuangxi)
    start = timezone.now() - datetime.timedelta(days=30)
    common = [
        factories.published_item(
            shuangxi, column, title=f"第{n}批低保名单", published_at=start + datetime.timedelta(days=n)
        )
        for n in range(12)
    ]
    rare = factories.published_item(shuangxi, column, title="界碑石狮子修缮", published_at=start)
    ((count, ids),) = queries._some_entries(["低保"], 5)
    assert count == 5 and set(ids) <= {item.pk for item in common}
    if connection.vendor == "postgresql":  # the newest hits, found without reading the index's list
        assert set(ids) == {item.pk for item in common[-5:]}
    ((count, ids),) = queries._some_entries(["石狮"], 5)
    assert (count, ids) == (1, [rare.pk])
    # The walk's pages for the common pair are the full ranking's.
    query = parse_query("低保")
    for number in (1, 2, 3):
        page = ranked_search(query, number=number, size=5, cap=1000)
        assert [row.pk for row in page.rows] == _expected(query, size=5, number=number, cap=1000)[0]
