"""Anonymous pages carry ETag and Last-Modified, answer 304, and change when content changes."""

import pytest

from tests.portal.conftest import at
from tests.search import factories

PAGES = [
    "/",
    "/shuangxi/",
    "/shuangxi/category/07/",
    "/shuangxi/category/07/?year=2017",
    "/search/?q=扶贫",
]


@pytest.fixture
def pages(relief_items):
    return [*PAGES, f"/shuangxi/items/{relief_items[0].pk}/", f"/shuangxi/items/{relief_items[0].pk}/print/"]


def test_a_repeated_conditional_request_gets_304_cheaply(client, pages, django_assert_max_num_queries):
    for url in pages:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"] and first["Last-Modified"], url
        assert "no-cache" in first["Cache-Control"] and "Cookie" in first["Vary"]
        with django_assert_max_num_queries(3):
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304, url


def _etags(client, urls):
    return {url: client.get(url)["ETag"] for url in urls}


def test_publishing_changing_and_withdrawing_an_item_change_every_validator(
    client, shuangxi, poverty, pages, relief_items
):
    before = _etags(client, pages)
    new = factories.published_item(shuangxi, poverty, title="双溪乡扶贫新公告", published_at=at(2018, 3, 1))
    after_publish = _etags(client, pages)
    assert all(before[url] != after_publish[url] for url in pages)
    page = client.get("/shuangxi/", HTTP_IF_NONE_MATCH=before["/shuangxi/"])
    assert page.status_code == 200 and "双溪乡扶贫新公告" in page.content.decode()

    new.title = "双溪乡扶贫新公告（更正）"
    new.save()
    factories.index_item(new)
    after_change = _etags(client, pages)
    assert all(after_publish[url] != after_change[url] for url in pages)
    assert "（更正）" in client.get("/shuangxi/category/07/").content.decode()

    factories.withdraw(new)
    after_withdraw = _etags(client, pages)
    assert all(after_change[url] != after_withdraw[url] for url in pages)
    assert "双溪乡扶贫新公告" not in client.get("/shuangxi/").content.decode()


def test_other_townships_keep_their_validators_when_one_township_publishes(client, shuangxi, yingqian, poverty):
    before = client.get("/yingqian/")["ETag"]
    factories.published_item(shuangxi, poverty, title="只影响双溪乡")
    assert client.get("/yingqian/", HTTP_IF_NONE_MATCH=before).status_code == 304


def test_renaming_a_column_or_changing_the_contact_details_changes_the_validator(client, shuangxi, poverty, pages):
    # Saved the way the admin saves them (the cached copy follows saves and deletes).
    before = client.get("/shuangxi/")["ETag"]
    poverty.name = "扶贫和社会救助"
    poverty.save()
    renamed = client.get("/shuangxi/", HTTP_IF_NONE_MATCH=before)
    assert renamed.status_code == 200 and "扶贫和社会救助" in renamed.content.decode()
    shuangxi.phone = "0797-0000000"
    shuangxi.save()
    again = client.get("/shuangxi/", HTTP_IF_NONE_MATCH=renamed["ETag"])
    assert again.status_code == 200 and "0797-0000000" in again.content.decode()


def test_display_settings_are_part_of_the_validator(client, shuangxi):
    plain = client.get("/shuangxi/")
    client.cookies["display_large_text"] = "1"
    large = client.get("/shuangxi/", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert large.status_code == 200 and 'class="large-text"' in large.content.decode()
