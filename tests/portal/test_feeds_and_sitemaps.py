from xml.etree import ElementTree

from tests.portal.conftest import at
from tests.search import factories

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _atom_links(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]


def test_township_feed_lists_published_items_newest_first_and_withdrawn_ones_leave(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get("/shuangxi/feed/")
    links = _atom_links(response)
    assert links == [f"http://testserver/shuangxi/items/{item.pk}/" for item in reversed(relief_items)]
    feed = ElementTree.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "上犹县双溪乡人民政府政府信息公开"
    factories.withdraw(relief_items[1])
    assert f"http://testserver/shuangxi/items/{relief_items[1].pk}/" not in _atom_links(client.get("/shuangxi/feed/"))


def test_category_feed_lists_only_its_column(client, shuangxi, poverty, notices, relief_items):
    notice = factories.published_item(shuangxi, notices, title="放假通知", published_at=at(2019, 1, 1))
    links = _atom_links(client.get("/shuangxi/category/07/feed/"))
    assert len(links) == 3 and all(str(notice.pk) + "/" not in link for link in links)
    assert _atom_links(client.get("/shuangxi/category/01/feed/")) == [f"http://testserver/shuangxi/items/{notice.pk}/"]
    assert client.get("/shuangxi/category/99/feed/").status_code == 404


def _sitemap_urls(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_sitemap_index_lists_homes_columns_and_published_items_only(
    client, shuangxi, poverty, relief_items, django_assert_max_num_queries
):
    factories.withdraw(relief_items[0])
    with django_assert_max_num_queries(10):
        sections = _sitemap_urls(client, "/sitemap.xml")
    assert "http://testserver/sitemap-items.xml" in sections
    urls = [url for section in sections for url in _sitemap_urls(client, section.replace("http://testserver", ""))]
    assert "http://testserver/" in urls and "http://testserver/shuangxi/" in urls
    assert "http://testserver/shuangxi/category/07/" in urls
    assert f"http://testserver/shuangxi/items/{relief_items[1].pk}/" in urls
    assert f"http://testserver/shuangxi/items/{relief_items[0].pk}/" not in urls


def test_a_large_sitemap_is_split_into_pages(client, settings, shuangxi, poverty):
    settings.PORTAL_SITEMAP_LIMIT = 10
    for n in range(25):
        factories.published_item(shuangxi, poverty, title=f"公告{n}", index=False)
    sections = _sitemap_urls(client, "/sitemap.xml")
    item_pages = [url for url in sections if "sitemap-items.xml" in url]
    assert len(item_pages) == 3
    counted = sum(len(_sitemap_urls(client, url.replace("http://testserver", ""))) for url in item_pages)
    assert counted == 25


def test_sitemap_item_pages_are_id_ranges_with_lastmod_in_constant_queries(
    client, settings, shuangxi, poverty, django_assert_max_num_queries
):
    settings.PORTAL_SITEMAP_LIMIT = 10
    items = [factories.published_item(shuangxi, poverty, title=f"公告{n}") for n in range(12)]
    with django_assert_max_num_queries(5):
        index = client.get("/sitemap.xml")
    assert index.status_code == 200
    with django_assert_max_num_queries(3):
        response = client.get("/sitemap-items.xml", {"p": 2})
    tree = ElementTree.fromstring(response.content)
    urls = [url.find(f"{SITEMAP}loc").text for url in tree.iter(f"{SITEMAP}url")]
    assert urls == [f"http://testserver/shuangxi/items/{item.pk}/" for item in items[10:]]
    assert all(url.find(f"{SITEMAP}lastmod").text for url in tree.iter(f"{SITEMAP}url"))
    for page in ("3", "0", "x"):
        assert client.get("/sitemap-items.xml", {"p": page}).status_code == 404
