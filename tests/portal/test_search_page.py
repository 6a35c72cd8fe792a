import re

from disclosure.models import Attachment
from tests.portal.conftest import at
from tests.search import factories


def _html(response):
    return response.content.decode()


def _result_titles(html):
    return [re.sub(r"</?mark>", "", title) for title in re.findall(r"<h3><a href=\"[^\"]+\">(.*?)</a>", html)]


def test_search_finds_items_ranks_title_matches_first_then_newest_and_highlights(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    body_only = factories.published_item(
        shuangxi, poverty, title="2019年村级公益事业建设", body="<p>结合扶贫项目推进。</p>", published_at=at(2019, 1, 5)
    )
    with django_assert_max_num_queries(10):
        response = client.get("/search/", {"q": "扶贫"})
    html = _html(response)
    titles = _result_titles(html)
    # Title matches first (the 2017 fund report), then body matches newest first.
    assert titles == [relief_items[1].title, body_only.title, relief_items[0].title]
    assert "找到 3 条" in html
    assert "<mark>扶贫</mark>资金使用情况" in html
    assert "结合<mark>扶贫</mark>项目推进" in html


def test_exact_index_number_or_document_number_goes_straight_to_the_item(client, shuangxi, poverty, relief_items):
    item = relief_items[0]
    response = client.get("/search/", {"q": f"  {item.index_number} "})
    assert response.status_code == 302 and response["Location"] == f"/shuangxi/items/{item.pk}/"
    # Bracket styles and full-width digits do not matter.
    response = client.get("/search/", {"q": "双府字[２０１７]12号"})
    assert response.status_code == 302 and response["Location"] == f"/shuangxi/items/{item.pk}/"


def test_search_filters_by_township_category_and_year(client, shuangxi, yingqian, poverty, relief_items):
    other_column = factories.category(yingqian, code="07", name="社会救助")
    elsewhere = factories.published_item(
        yingqian, other_column, title="营前镇2017年临时救助", published_at=at(2017, 5, 1)
    )
    assert elsewhere.title in _result_titles(_html(client.get("/search/", {"q": "救助"})))
    html = _html(client.get("/search/", {"q": "救助", "township": "shuangxi"}))
    assert _result_titles(html) == [relief_items[2].title]
    # With a township chosen, its columns can be chosen too.
    assert '<option value="07">精准扶贫脱贫和社会救助信息</option>' in html
    html = _html(client.get("/search/", {"q": "双溪乡", "township": "shuangxi", "category": "07", "year": "2018"}))
    assert _result_titles(html) == [relief_items[2].title]


def test_counts_are_capped_and_pages_stop_at_the_cap(client, settings, shuangxi, poverty):
    settings.PORTAL_SEARCH_MAX_RESULTS = 4
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(6):
        factories.published_item(shuangxi, poverty, title=f"低保公示{n}", published_at=at(2017, 1, n + 1))
    html = _html(client.get("/search/", {"q": "低保"}))
    assert "找到 4+ 条" in html and "只显示前 4 条" in html
    assert "第2页" in html and "第3页" not in html
    last = _html(client.get("/search/", {"q": "低保", "page": "9"}))
    assert _result_titles(last) == ["低保公示3", "低保公示2"]


def test_one_character_queries_match_titles(client, shuangxi, poverty, relief_items):
    titles = _result_titles(_html(client.get("/search/", {"q": "临"})))
    assert titles == [relief_items[2].title]


def test_several_words_must_all_match(client, shuangxi, poverty, relief_items):
    titles = _result_titles(_html(client.get("/search/", {"q": "2017年 低保"})))
    assert titles == [relief_items[0].title]


def test_bad_queries_get_a_chinese_message_not_an_error(client, shuangxi, poverty, relief_items):
    response = client.get("/search/", {"q": "扶" * 60})
    assert response.status_code == 200 and "检索词太长" in _html(response)
    response = client.get("/search/", {"q": "扶贫", "year": "公元", "page": "-1", "township": "nowhere"})
    assert response.status_code == 200
    html = _html(response)
    assert "部分检索条件无效" in html and relief_items[1].title in _result_titles(html)


def test_search_terms_with_sql_and_wildcards_are_plain_text(client, shuangxi, poverty, relief_items):
    for query in ['" OR 1=1 --', "%_", "扶贫' OR '1'='1", 'NEAR("a" "b")', "'ab' | 'cd'"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "没有找到" in _html(response)


def test_a_page_of_results_with_huge_attachments_stays_fast(
    client, settings, shuangxi, poverty, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 20
    # Attachment text may run to millions of characters; the attachments are added after
    # indexing only to keep the test short (the title matches either way).
    text = "村民委员会" * 200_000
    for n in range(20):
        item = factories.published_item(shuangxi, poverty, title=f"低保公示{n}", published_at=at(2017, 1, n + 1))
        Attachment.objects.create(
            item=item, file=f"a/{n}.pdf", original_name=f"{n}.pdf", content_type="application/pdf", size=1, text=text
        )
    with django_assert_max_num_queries(10):
        response = client.get("/search/", {"q": "低保"})
    assert response.status_code == 200 and len(_result_titles(_html(response))) == 20


def test_a_deactivated_townships_items_leave_search_and_the_county_home(client, shuangxi, poverty, relief_items):
    assert relief_items[0].title in client.get("/").content.decode()
    assert _result_titles(_html(client.get("/search/", {"q": "扶贫"})))
    shuangxi.is_active = False
    shuangxi.save(update_fields=["is_active"])
    assert relief_items[0].title not in client.get("/").content.decode()
    assert _result_titles(_html(client.get("/search/", {"q": "扶贫"}))) == []


def test_a_one_character_word_says_it_searches_titles_only(client, shuangxi, poverty, relief_items):
    html = _html(client.get("/search/", {"q": "扶贫 金"}))
    assert "单字检索词（“金”）只在标题中查找" in html
    assert "只在标题中查找" not in _html(client.get("/search/", {"q": "扶贫"}))


def test_an_item_found_only_by_its_keywords_shows_them_highlighted(client, shuangxi, poverty):
    factories.published_item(
        shuangxi, poverty, title="2019年第二季度工作安排", body="<p>做好各项工作。</p>", keywords="防汛 抗旱"
    )
    html = _html(client.get("/search/", {"q": "防汛"}))
    assert "找到 1 条" in html
    assert '<p class="snippet">关键词：<mark>防汛</mark> 抗旱</p>' in html
