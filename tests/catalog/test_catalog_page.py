"""The public catalog page: the tree with published counts, obligations, and a constant number of queries."""

import re

import pytest
from django.urls import reverse

from catalog.models import Category, Obligation, UncoveredArea


@pytest.fixture
def small_catalog(shuangxi):
    root = Category.objects.create(organisation=shuangxi, code="07", name="精准扶贫脱贫和社会救助信息", order=1)
    child = Category.objects.create(organisation=shuangxi, code="0702", name="社会救助", parent=root, order=2)
    news = Category.objects.create(organisation=shuangxi, code="03", name="工作动态", order=3, column_kind="news")
    Obligation.objects.create(
        organisation=shuangxi,
        category=child,
        code="0702-01",
        first_level="最低生活保障",
        second_level="低保对象审核确认结果",
        content_elements="低保对象姓名（部分隐去）",
        responsible_body=shuangxi,
        channels=["website", "bulletin_board"],
        time_limit_days=20,
    )
    return {"root": root, "child": child, "news": news}


def count_after(html, name):
    match = re.search(re.escape(name) + r"(?:</a>)?\s*<span class=\"muted\">（(\d+) 条）", html)
    return int(match.group(1)) if match else None


def test_catalog_page_shows_the_tree_with_published_counts(client, small_catalog, publish, author):
    for _ in range(3):
        publish(small_catalog["child"], by=author)
    publish(small_catalog["child"], status="draft", by=author)
    publish(small_catalog["news"], by=author)
    html = client.get(reverse("catalog:catalog", args=["shuangxi"])).content.decode()
    assert count_after(html, "社会救助") == 3  # the draft does not count
    assert count_after(html, "工作动态") == 1
    assert count_after(html, "精准扶贫脱贫和社会救助信息") == 0
    assert "已主动公开信息 4 条" in html


def test_catalog_page_lists_obligations_with_time_limit_body_and_channels(client, small_catalog):
    html = client.get(reverse("catalog:catalog", args=["shuangxi"])).content.decode()
    assert "低保对象审核确认结果" in html
    assert "信息形成或变更之日起20个工作日内" in html
    assert "上犹县双溪乡人民政府" in html
    assert "政府网站、公示栏" in html


def test_catalog_page_explains_the_areas_not_covered(client, small_catalog, shuangxi):
    UncoveredArea.objects.create(organisation=shuangxi, area="tax", explanation="由县税务局公开。")
    html = client.get(reverse("catalog:catalog", args=["shuangxi"])).content.decode()
    assert "未涉及领域事项说明" in html and "税收管理" in html and "由县税务局公开。" in html


def test_inactive_categories_are_not_shown(client, small_catalog):
    Category.objects.filter(pk=small_catalog["news"].pk).update(is_active=False)
    html = client.get(reverse("catalog:catalog", args=["shuangxi"])).content.decode()
    assert "工作动态" not in html.split("<main")[1].split("</main>")[0]


def test_unknown_township_catalog_is_404(client, county):
    assert client.get(reverse("catalog:catalog", args=["nowhere"])).status_code == 404
    assert client.get(reverse("catalog:catalog", args=["shangyou"])).status_code == 404  # the county has no column


def test_header_links_to_catalog_and_guide(client, shuangxi):
    html = client.get(reverse("portal:township_home", args=["shuangxi"])).content.decode()
    assert reverse("catalog:catalog", args=["shuangxi"]) in html
    assert reverse("catalog:guide", args=["shuangxi"]) in html


def test_catalog_page_query_count_does_not_grow_with_the_catalog(
    client, small_catalog, shuangxi, publish, author, django_assert_max_num_queries
):
    url = reverse("catalog:catalog", args=["shuangxi"])
    with django_assert_max_num_queries(4):
        client.get(url)
    for n in range(30):
        parent = Category.objects.create(organisation=shuangxi, code=f"P{n}", name=f"类别{n}", order=10 + n)
        child = Category.objects.create(organisation=shuangxi, code=f"C{n}", name=f"子类{n}", parent=parent)
        Obligation.objects.create(
            organisation=shuangxi,
            category=child,
            code=f"O{n}",
            first_level=f"事项{n}",
            content_elements="要素",
            responsible_body=shuangxi,
            channels=["website"],
        )
        publish(child, by=author)
        publish(parent, by=author)
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count("（1 条）") == 60


def test_the_counts_come_from_the_cache_until_the_township_changes(
    client, small_catalog, shuangxi, publish, author, django_assert_num_queries
):
    url = reverse("catalog:catalog", args=["shuangxi"])
    leaf = Category.objects.filter(organisation=shuangxi, is_active=True, children__isnull=True).first()
    before = client.get(url).content.decode()
    with django_assert_num_queries(4) as queries:  # the township, the columns, obligations, uncovered areas
        again = client.get(url).content.decode()
    assert again == before
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    publish(leaf, by=author)
    after = client.get(url).content.decode()
    assert after != before and "（1 条）" in after
