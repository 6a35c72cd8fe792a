import re

from django.urls import reverse

from catalog.models import Organisation
from disclosure.models import Attachment, Item
from tests.portal.conftest import at
from tests.search import factories


def _html(response):
    return response.content.decode()


def test_county_home_lists_county_departments_apart_from_townships(client, county, shuangxi):
    Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT, parent=county, name="上犹县民政局", short_name="民政局", slug="minzheng"
    )
    html = _html(client.get("/"))
    assert "县直部门政府信息公开" in html and 'href="/minzheng/"' in html
    assert html.index("上犹县双溪乡人民政府") < html.index("县直部门政府信息公开") < html.index("上犹县民政局")


def test_county_home_shows_townships_latest_items_and_a_search_box(
    client, shuangxi, yingqian, relief_items, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get("/")
    html = _html(response)
    assert response.status_code == 200
    assert 'action="/search/"' in html and 'id="county-q"' in html
    assert "上犹县营前镇人民政府" in html
    # Newest first, across the county, each linking to its canonical page.
    newest = relief_items[2]
    assert html.index(newest.title) < html.index(relief_items[0].title)
    assert f'href="/shuangxi/items/{newest.pk}/"' in html


def test_township_home_lists_columns_with_counts_notices_latest_and_last_update(
    client, shuangxi, poverty, notices, relief_items, django_assert_max_num_queries
):
    child = factories.category(shuangxi, code="0701", name="低保信息", parent=poverty)
    factories.published_item(shuangxi, child, title="低保标准调整的通知", published_at=at(2018, 5, 2))
    factories.published_item(shuangxi, notices, title="关于春节假期安排的通知", published_at=at(2018, 1, 20))
    with django_assert_max_num_queries(10):
        response = client.get("/shuangxi/")
    html = _html(response)
    # The parent column counts its sub-column's item too.
    assert re.search(r"精准扶贫脱贫和社会救助信息</a>\s*<span class=\"column-meta\">4条，更新于", html)
    assert "低保信息</a>" in html
    assert "关于春节假期安排的通知" in html.split('id="notices-heading"')[1].split("</section>")[0]
    assert "信息最后更新：" in html and "2018年5月2日" in html
    assert 'href="/shuangxi/category/07/"' in html
    assert 'href="/shuangxi/feed/"' in html


def test_category_page_filters_by_year_and_keeps_the_filter_in_the_url(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get("/shuangxi/category/07/?year=2017")
    html = _html(response)
    assert relief_items[0].title in html and relief_items[1].title in html
    assert relief_items[2].title not in html
    assert "共 2 条" in html
    assert '<option value="2017" selected>2017年</option>' in html


def test_category_page_filters_by_month_publisher_validity_number_and_attachments(
    client, shuangxi, poverty, relief_items, shuangxi_office
):
    first, second, third = relief_items
    Attachment.objects.create(
        item=second,
        file="attachments/x.pdf",
        original_name="名单.pdf",
        content_type="application/pdf",
        size=10,
        sha256="",
    )
    Item.objects.filter(pk=third.pk).update(validity=Item.Validity.REPEALED, repealed_on=at(2019, 1, 1).date())
    for item in relief_items:
        factories.index_item(Item.objects.get(pk=item.pk))

    def titles(query):
        html = _html(client.get(f"/shuangxi/category/07/?{query}"))
        return {item.title for item in relief_items if item.title in html}

    assert titles("year=2017&month=6") == {second.title}
    assert titles(f"publisher={shuangxi_office.pk}") == {first.title}
    assert titles("validity=repealed") == {third.title}
    assert titles("has_document_number=1") == {first.title}
    assert titles("has_attachments=1") == {second.title}
    assert titles("has_attachments=0") == {first.title, third.title}
    assert "按月份筛选需要同时选择年份" in _html(client.get("/shuangxi/category/07/?month=6"))


def test_bad_filter_values_are_explained_and_ignored(client, shuangxi, poverty, relief_items):
    response = client.get("/shuangxi/category/07/?year=abc&validity=nonsense&after=xyz")
    html = _html(response)
    assert response.status_code == 200
    assert "部分筛选条件无效，已忽略" in html
    assert all(item.title in html for item in relief_items)


def test_cursors_that_are_not_plain_ids_fall_back_to_the_first_page(client, shuangxi, poverty, relief_items):
    # "²" passes str.isdigit() but not int(); a 23-digit id overflows SQLite's integers.
    for cursor in ["after=²", "before=²", "after=99999999999999999999999", "after=-5"]:
        response = client.get(f"/shuangxi/category/07/?{cursor}")
        assert response.status_code == 200, cursor
        assert all(item.title in _html(response) for item in relief_items), cursor


def test_category_page_sorts_by_title(client, shuangxi, poverty, relief_items):
    html = _html(client.get("/shuangxi/category/07/?sort=title"))
    positions = sorted((html.index(item.title), item.title) for item in relief_items)
    assert [title for _, title in positions] == sorted(item.title for item in relief_items)


def test_category_pages_move_by_keyset_with_the_same_number_of_queries_deep_down(
    client, settings, shuangxi, poverty, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 5
    items = [
        factories.published_item(shuangxi, poverty, title=f"第{n:02d}号公告", published_at=at(2017, 1, 1 + n))
        for n in range(23)
    ]
    newest_first = [item.title for item in reversed(items)]
    seen, url, pages = [], "/shuangxi/category/07/?year=2017", 0
    while url:
        with django_assert_max_num_queries(10):
            html = _html(client.get(url))
        seen += [title for title in newest_first if title in html]
        pages += 1
        match = re.search(r'href="([^"]+)" rel="next"', html)
        url = "/shuangxi/category/07/" + match.group(1).replace("&amp;", "&") if match else None
        if url:
            assert "year=2017" in url  # the filter travels with the cursor
    assert pages == 5 and seen == newest_first
    # From the last page, "previous" goes back one page.
    previous = re.search(r'href="([^"]+)" rel="prev"', html).group(1).replace("&amp;", "&")
    back = _html(client.get("/shuangxi/category/07/" + previous))
    assert [title for title in newest_first if title in back] == newest_first[15:20]


def test_unknown_category_and_township_are_404(client, shuangxi, poverty):
    assert client.get("/shuangxi/category/99/").status_code == 404
    assert client.get("/nowhere/category/07/").status_code == 404


def test_item_page_shows_the_government_metadata_table_attachments_neighbours_and_qr(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    first, second, third = relief_items
    Attachment.objects.create(
        item=second,
        file="attachments/2017/06/a.pdf",
        original_name="扶贫资金明细.pdf",
        content_type="application/pdf",
        size=123456,
        sha256="",
    )
    with django_assert_max_num_queries(10):
        response = client.get(f"/shuangxi/items/{second.pk}/")
    html = _html(response)
    assert response.status_code == 200
    for label in ["索引号", "主题分类", "发布机构", "成文日期", "发布日期", "文号", "有效性", "公开方式"]:
        assert f'<th scope="row">{label}</th>' in html
    assert second.index_number in html and "2017年6月15日" in html and "主动公开" in html
    assert "扶贫资金明细.pdf" in html and "PDF" in html and "120.6" in html
    # Newer item is "上一条", older is "下一条", as the list reads.
    assert re.search(rf'上一条：<a href="/shuangxi/items/{third.pk}/" rel="prev">', html)
    assert re.search(rf'下一条：<a href="/shuangxi/items/{first.pk}/" rel="next">', html)
    assert (
        f'<img src="/shuangxi/items/{second.pk}/qr.svg" width="128" height="128"'
        ' alt="二维码：用手机扫描打开本页（双溪乡2017年精准扶贫资金使用情况）">'
    ) in html
    assert f'<link rel="canonical" href="http://testserver/shuangxi/items/{second.pk}/">' in html
    assert f'href="/shuangxi/items/{second.pk}/print/"' in html


def test_repealed_item_stays_readable_with_a_clear_label_and_its_replacement(client, shuangxi, poverty, relief_items):
    old, new = relief_items[0], relief_items[2]
    Item.objects.filter(pk=old.pk).update(
        validity=Item.Validity.REPEALED, repealed_on=at(2018, 2, 10).date(), replaced_by=new
    )
    html = _html(client.get(f"/shuangxi/items/{old.pk}/"))
    assert "本文件已废止" in html and "2018年2月10日" in html
    assert f'href="/shuangxi/items/{new.pk}/">{new.title}</a>' in html


def test_withdrawn_item_answers_410_with_the_reason(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    item = factories.withdraw(relief_items[0], reason="名单中含有未脱敏的身份证号，已撤回。")
    with django_assert_max_num_queries(10):
        response = client.get(f"/shuangxi/items/{item.pk}/")
    assert response.status_code == 410
    html = _html(response)
    assert "名单中含有未脱敏的身份证号，已撤回。" in html and item.index_number in html
    # Withdrawal is how leaked personal data comes down: the title may carry it too.
    assert item.title not in html
    assert client.get(f"/shuangxi/items/{item.pk}/print/").status_code == 410


def test_unpublished_item_and_wrong_township_are_404(client, shuangxi, yingqian, poverty, relief_items):
    draft = Item.objects.create(
        organisation=shuangxi,
        category=poverty,
        publisher=shuangxi,
        title="草稿",
        written_on=at(2017, 1, 1).date(),
        created_by=factories.clerk(),
    )
    assert client.get(f"/shuangxi/items/{draft.pk}/").status_code == 404
    assert client.get(f"/yingqian/items/{relief_items[0].pk}/").status_code == 404


def test_print_view_has_the_content_without_navigation(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    item = relief_items[0]
    with django_assert_max_num_queries(10):
        html = _html(client.get(reverse("portal:item_print", args=["shuangxi", item.pk])))
    assert item.title in html and item.index_number in html
    assert "上犹县双溪乡人民政府" in html
    assert "site-nav" not in html and "上一条" not in html
    assert "display-toggles" in html  # large text still available


def test_robots_txt_points_at_the_sitemap(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()
