"""Anonymous public pages come from the shared cache until something they show changes.

A page served from the cache costs no database query (it is found by the page-version
tokens in the cache); a page built again costs its queries. Publishing, changing or
withdrawing an item in 双溪乡 rebuilds 双溪乡's pages, the county home and the search, and
leaves 营前镇's pages in the cache.

Every test runs twice: on the local-memory cache (the default) and on a real Redis, the
production cache, through the portal's backend (one Redis client per pool).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.portal.conftest import at
from tests.search import factories


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def shared_cache(request):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.fixture
def site(shuangxi, yingqian, poverty, relief_items):
    column = factories.category(yingqian, code="07", name="社会救助")
    other = factories.published_item(yingqian, column, title="营前镇低保公示", published_at=at(2017, 5, 1))
    ours = relief_items[0]
    return {
        "county": "/",
        "ours_home": "/shuangxi/",
        "ours_column": "/shuangxi/category/07/",
        "ours_item": f"/shuangxi/items/{ours.pk}/",
        "ours_print": f"/shuangxi/items/{ours.pk}/print/",
        "search": "/search/?q=低保",
        "other_home": "/yingqian/",
        "other_column": "/yingqian/category/07/",
        "other_item": f"/yingqian/items/{other.pk}/",
    }


def _warm(client, site) -> dict[str, tuple[bytes, int]]:
    """Each page built once, then its cost when served from the cache."""
    built = {}
    for name, url in site.items():
        first, cost_built = _get(client, url)
        again, cost_cached = _get(client, url)
        assert first.status_code == again.status_code == 200, url
        assert again.content == first.content and cost_cached < cost_built, (url, cost_cached, cost_built)
        built[name] = cost_cached
    return built


def test_a_cached_page_is_served_and_revalidated_without_any_query(client, site, django_assert_num_queries):
    for url in site.values():
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200 and again.content == first.content, url
        assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"], url
        with django_assert_num_queries(0):
            revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert revalidated.status_code == 304 and revalidated["ETag"] == first["ETag"], url


HEADERS = [
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Content-Language",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
]


def test_a_copy_from_the_cache_carries_the_headers_of_the_page_built(client, site):
    # Served early in the middleware stack (portal.conditional.PageCacheMiddleware), the copy
    # still has every header a browser acts on: framing, language, content policy, validators.
    for url in site.values():
        built, again = client.get(url), client.get(url)
        for name in HEADERS:
            assert again.get(name) == built.get(name), (url, name)
        assert built["X-Frame-Options"] == "DENY" and "Cookie" in built["Vary"], url


def test_a_display_setting_has_its_own_cached_copy(client, site):
    plain = client.get(site["ours_home"])
    client.cookies["display_large_text"] = "1"
    large, cost = _get(client, site["ours_home"])
    assert cost > 0 and 'class="large-text"' in large.content.decode() and large["ETag"] != plain["ETag"]
    assert _get(client, site["ours_home"])[1] == 0


def _rebuilt(client, site, cached_costs) -> set[str]:
    return {name for name, url in site.items() if _get(client, url)[1] > cached_costs[name]}


AFFECTED = {"county", "ours_home", "ours_column", "ours_item", "ours_print", "search"}


def test_publishing_rebuilds_exactly_the_pages_that_show_the_township(client, shuangxi, poverty, site):
    costs = _warm(client, site)
    factories.published_item(shuangxi, poverty, title="双溪乡低保新公告", published_at=at(2018, 3, 1))
    assert _rebuilt(client, site, costs) == AFFECTED
    assert "双溪乡低保新公告" in client.get("/shuangxi/").content.decode()
    assert "新公告" in client.get("/search/?q=低保").content.decode()  # highlighted: 双溪乡<mark>低保</mark>新公告
    assert _rebuilt(client, site, costs) == set()  # and they are cached again


def test_a_change_shows_at_once_and_leaves_the_other_township_cached(client, relief_items, site):
    costs = _warm(client, site)
    item = relief_items[0]
    item.title = "更正后的低保公示标题"
    item.save()
    factories.index_item(item)
    assert _rebuilt(client, site, costs) == AFFECTED
    assert "更正后的低保公示标题" in client.get(site["ours_item"]).content.decode()


def test_a_withdrawal_answers_410_at_once_and_leaves_the_other_township_cached(client, relief_items, site):
    costs = _warm(client, site)
    factories.withdraw(relief_items[0])
    assert client.get(site["ours_item"]).status_code == 410
    rebuilt = {name for name, url in site.items() if name != "ours_item" and name != "ours_print"}
    assert _rebuilt(client, {name: site[name] for name in rebuilt}, costs) == AFFECTED - {"ours_item", "ours_print"}
    assert relief_items[0].title not in client.get("/shuangxi/").content.decode()


def test_publishing_in_a_committed_transaction_rebuilds_exactly_the_affected_pages(
    client, shuangxi, poverty, site, django_capture_on_commit_callbacks
):
    costs = _warm(client, site)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        factories.published_item(shuangxi, poverty, title="提交后才替换版本的公告", published_at=at(2018, 4, 1))
    assert callbacks  # the tokens are replaced again once the transaction commits
    assert _rebuilt(client, site, costs) == AFFECTED
    assert "提交后才替换版本的公告" in client.get("/shuangxi/").content.decode()


def test_renaming_a_column_rebuilds_the_cached_pages(client, poverty, site):
    _warm(client, site)
    poverty.name = "扶贫和社会救助（新）"
    poverty.save()
    response, cost = _get(client, site["ours_column"])
    assert cost > 0 and "扶贫和社会救助（新）" in response.content.decode()


def test_pages_are_built_again_when_the_cache_lost_its_tokens(client, site):
    from django.core.cache import cache

    from township_portal.lib import page_versions

    costs = _warm(client, site)
    cache.delete(page_versions.PREFIX + page_versions.CATALOG)  # evicted: a new token, never the old one
    assert _rebuilt(client, site, costs) == set(site)


def test_signed_in_staff_and_visitors_with_a_session_never_get_the_shared_copy(client, author, site):
    costs = _warm(client, site)
    client.force_login(author)
    for _ in range(2):
        response, cost = _get(client, site["other_home"])
        assert response.status_code == 200 and cost > costs["other_home"] + 1  # built, plus the session
    client.logout()
    client.cookies.load({"sessionid": "anything"})
    assert _get(client, site["other_home"])[1] > costs["other_home"]


def test_a_page_read_from_a_lagging_replica_is_not_stored_under_a_newer_change(monkeypatch):
    import datetime

    from portal.conditional import _caught_up
    from township_portal.lib import page_versions, replica

    monkeypatch.setattr(replica, "configured", lambda: True)
    seen = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    change = page_versions._new_token(seen.timestamp() + 5)  # published 5 s after what the replica shows
    catalog = page_versions._new_token(0.0)  # made by a reader after the cache lost it: no change known
    assert not _caught_up({"catalog": catalog, "org:shuangxi": change}, seen)
    caught_up = page_versions._new_token(seen.timestamp())
    assert _caught_up({"catalog": catalog, "org:shuangxi": caught_up}, seen)
    fresh_catalog = page_versions._new_token()  # a column renamed just now: wait for the replica
    assert not _caught_up({"catalog": fresh_catalog, "org:shuangxi": caught_up}, seen)


def test_a_page_built_again_takes_its_frame_from_the_cache_while_it_is_current(client, shuangxi, poverty, site):
    # The frame (the township and its columns: navigation, breadcrumbs, validators) is two
    # queries; a second page of the same township reuses the copy the first page stored.
    first, first_cost = _get(client, site["ours_home"])
    item, item_cost = _get(client, site["ours_item"])
    assert first.status_code == item.status_code == 200
    client.cookies["display_large_text"] = "1"  # another copy of the page, the same frame
    again, again_cost = _get(client, site["ours_item"])
    assert again.status_code == 200 and again_cost == item_cost
    del client.cookies["display_large_text"]
    from django.core.cache import cache

    cache.clear()  # no page and no frame copy: the item page as a first visitor builds it
    cold, cold_cost = _get(client, site["ours_item"])
    assert cold_cost == item_cost + 2 and cold.content == item.content

    # A column renamed or an item published replaces the tokens: the frame is read again.
    poverty.name = "扶贫和社会救助（改）"
    poverty.save()
    renamed, renamed_cost = _get(client, site["ours_column"])
    assert "扶贫和社会救助（改）" in renamed.content.decode()
    factories.published_item(shuangxi, poverty, title="框架更新后的公告", published_at=at(2018, 5, 1))
    home, home_cost = _get(client, site["ours_home"])
    assert "框架更新后的公告" in home.content.decode() and home_cost == first_cost
    assert home["ETag"] != first["ETag"]  # from the frame read again (Last-Modified has whole seconds)


@pytest.mark.parametrize("who", ["page cache off", "signed-in staff"])
def test_a_page_never_cached_still_takes_its_frame_from_the_cache(
    client, settings, author, shuangxi, poverty, site, who
):
    # The frame is a fragment: a page that is built every time (the page cache switched off,
    # or a staff member's page) reads it once, then from the cache until a change replaces
    # the tokens it was stored under.
    if who == "page cache off":
        settings.PORTAL_PAGE_CACHE_SECONDS = 0
    else:
        client.force_login(author)
    first, first_cost = _get(client, site["ours_item"])
    again, again_cost = _get(client, site["ours_item"])
    assert first.status_code == again.status_code == 200
    assert again_cost == first_cost - 2 and poverty.name in again.content.decode()

    poverty.name = "扶贫和社会救助（改）"
    poverty.save()
    renamed, renamed_cost = _get(client, site["ours_item"])
    assert "扶贫和社会救助（改）" in renamed.content.decode() and renamed_cost == first_cost
    factories.published_item(shuangxi, poverty, title="框架更新后的公告", published_at=at(2018, 5, 1))
    home, _ = _get(client, site["ours_home"])
    assert "框架更新后的公告" in home.content.decode()
    assert _get(client, site["ours_item"])[1] == again_cost  # the frame read by the home page


def test_a_page_that_carries_a_content_policy_nonce_is_never_stored(client, site):
    # A nonce must differ on every response: a page whose policy carries one (a form with the
    # prose editor's import map) is the visitor's own, like a page that set a cookie.
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.conditional import PageCacheMiddleware

    def page(with_nonce):
        def view(request):
            response = HttpResponse(f"<p>{request.csp_nonce if with_nonce else ''}</p>")
            response._portal_copy = (f"portal:page:test:{with_nonce}", {}, '"e"', None)
            return response

        return view

    from csp.middleware import CSPMiddleware
    from django.core.cache import cache

    for with_nonce in (True, False):
        request = RequestFactory().get("/shuangxi/")
        stack = PageCacheMiddleware(CSPMiddleware(page(with_nonce)))
        response = stack(request)
        assert ("'nonce-" in response["Content-Security-Policy"]) is with_nonce
        stored = cache.get(f"portal:page:test:{with_nonce}")
        assert (stored is None) is with_nonce
    headers = dict(stored[2])
    assert headers["Content-Security-Policy"] == response["Content-Security-Policy"]


def _body_tokens():
    from django.core.cache import cache

    from township_portal.lib import page_versions

    slugs = ["shuangxi", "yingqian", "nowhere", "no-such-town"]
    return {slug for slug in slugs if cache.get(page_versions.PREFIX + page_versions.org(slug)) is not None}


@pytest.mark.parametrize("who", ["visitor", "staff"])
def test_an_address_of_no_body_leaves_no_token_and_a_real_body_stores_its_own(client, author, site, who):
    # A body's token is named after the address's slug: a made-up address (a crawler, a scan)
    # must not leave one behind in the cache for a month.
    from django.core.cache import cache

    if who == "staff":
        client.force_login(author)
    cache.clear()  # the tokens the fixtures' publishing stored
    for url in ["/nowhere/", "/nowhere/category/07/", "/no-such-town/items/1/", "/nowhere/items/1/print/"]:
        assert client.get(url).status_code == 404, url
    assert _body_tokens() == set()
    assert client.get(site["ours_item"]).status_code == 200
    assert _body_tokens() == {"shuangxi"}
    if who == "visitor":
        response, cost = _get(client, site["ours_item"])
        assert response.status_code == 200 and cost == 0  # the page stored under the adopted token is found


def test_a_change_between_reading_a_new_token_and_adopting_it_keeps_the_change_s_token(db):
    from django.core.cache import cache

    from township_portal.lib import page_versions

    name = page_versions.org("shuangxi")
    mine, _ = page_versions.current([name])
    assert cache.get(page_versions.PREFIX + name) is None  # not stored by the read
    page_versions.replace({name})  # a publish, after this request read its token
    changed = cache.get(page_versions.PREFIX + name)
    page_versions.adopt(name, mine[name])
    assert cache.get(page_versions.PREFIX + name) == changed != mine[name]
    # The catalog's and the content's tokens name no address: a read creates them.
    tokens, _ = page_versions.current([page_versions.CATALOG, page_versions.CONTENT])
    assert all(cache.get(page_versions.PREFIX + n) == tokens[n] for n in tokens)


def test_a_frame_kept_in_the_process_is_used_only_while_its_tokens_are_current(client, settings, poverty, site):
    from django.core.cache import cache

    from portal.frames import frame_key

    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    first, first_cost = _get(client, site["ours_item"])
    cache.delete(frame_key("shuangxi"))  # the shared copy gone: the process still has the frame
    again, again_cost = _get(client, site["ours_item"])
    assert again_cost == first_cost - 2 and again.content == first.content
    poverty.name = "扶贫和社会救助（改）"
    poverty.save()  # replaces the catalog's token: the kept frame is not used
    renamed, renamed_cost = _get(client, site["ours_item"])
    assert renamed_cost == first_cost and "扶贫和社会救助（改）" in renamed.content.decode()
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0  # a frame read from now on is kept nowhere
    poverty.name = "扶贫和社会救助（再改）"
    poverty.save()
    assert _get(client, site["ours_item"])[1] == _get(client, site["ours_item"])[1] == first_cost


def _crumbs(response) -> str:
    html = response.content.decode()
    start = html.index('<nav aria-label="当前位置"')
    return html[start : html.index("</nav>", start)]


def test_the_navigation_and_breadcrumbs_kept_with_a_frame_follow_its_columns(client, settings, shuangxi, poverty, site):
    # Rendered once per frame and column (Frame.fragment): each item shows its own column's
    # trail, a renamed column shows at once, and the shared copy of the frame carries none.
    import pickle

    from django.core.cache import cache

    from portal.frames import frame_key

    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    other_column = factories.category(shuangxi, code="08", name="防汛抗旱信息")
    other = factories.published_item(shuangxi, other_column, title="防汛值班安排", published_at=at(2018, 6, 1))
    ours = _crumbs(client.get(site["ours_item"]))
    theirs = _crumbs(client.get(f"/shuangxi/items/{other.pk}/"))
    assert poverty.name in ours and "防汛抗旱信息" not in ours
    assert "防汛抗旱信息" in theirs and poverty.name not in theirs
    assert _crumbs(client.get(site["ours_item"])) == ours
    shared = pickle.loads(cache.get(frame_key("shuangxi"))[1])
    assert "_fragments" not in shared.__dict__

    poverty.name = "扶贫和社会救助（改）"
    poverty.save()
    renamed = client.get(site["ours_item"])
    assert "扶贫和社会救助（改）" in _crumbs(renamed)
    shuangxi.short_name = "双溪新名"
    shuangxi.save()
    assert '<nav class="site-nav" aria-label="双溪新名栏目导航">' in client.get(site["ours_item"]).content.decode()
