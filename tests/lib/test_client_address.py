"""Behind nginx every request comes from the proxy; the client is read from X-Forwarded-For."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD
from township_portal.lib.ratelimit import client_address

PROXY = "127.0.0.1"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(forwarded=None):
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_peer_is_the_client_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("6.6.6.6")) == PROXY


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("203.0.113.7")) == "203.0.113.7"
    # A client writing its own header cannot choose its address: nginx appends the real peer.
    assert client_address(request_from("1.1.1.1, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request_from("not-an-address")) == PROXY
    assert client_address(request_from()) == PROXY


@pytest.mark.django_db
def test_behind_nginx_one_visitors_lockout_does_not_lock_out_the_others(client, author, reviewer, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def log_in(username, password, address):
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{number}", "wrong-password", "198.51.100.9")
    assert log_in(author.username, PASSWORD, "198.51.100.9").status_code == 429
    assert log_in(reviewer.username, PASSWORD, "198.51.100.10").status_code == 302
