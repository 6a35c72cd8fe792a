"""Locks on the doors: login lockout per account and per address, rate limits, session expiry."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_five_wrong_passwords_the_account_is_locked_with_a_chinese_message(client, author, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, author.username, "wrong-password").status_code == 200
    assert log_in(client, author.username, "wrong-password").status_code == 429
    response = log_in(client, author.username, PASSWORD)  # the right one, too late
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟后" in page
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_account_stays_locked_from_another_address(client, author, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, author.username, "wrong-password", address="10.0.0.1")
    assert log_in(client, author.username, PASSWORD, address="10.9.9.9").status_code == 429


def test_one_address_guessing_many_accounts_is_locked(
    client, author, reviewer, approver, settings, make_staff, shuangxi
):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{number}", "wrong-password", address="10.6.6.6")
    assert log_in(client, author.username, PASSWORD, address="10.6.6.6").status_code == 429
    assert log_in(client, reviewer.username, PASSWORD, address="10.7.7.7").status_code == 302


def test_the_administrator_unlocks_in_the_admin(client, author, settings, django_user_model):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, author.username, "wrong-password")
    assert AccessAttempt.objects.exists()
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    admin_client = type(client)()
    admin_client.force_login(root)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin_client.get(changelist).status_code == 200
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302
    assert log_in(client, author.username, PASSWORD).status_code == 302


def test_login_posts_are_rate_limited_per_address(client, author, settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.AXES_FAILURE_LIMIT = 100
    for _ in range(3):
        log_in(client, "nobody", "x", address="10.1.1.1")
    response = log_in(client, author.username, PASSWORD, address="10.1.1.1")
    assert response.status_code == 429 and "太频繁" in response.content.decode()
    assert log_in(client, author.username, PASSWORD, address="10.1.1.2").status_code == 302


def test_search_is_rate_limited_per_address(client, shuangxi, settings):
    settings.SEARCH_RATE_LIMIT = 2
    for _ in range(2):
        assert client.get("/search/", {"q": "低保"}, REMOTE_ADDR="10.2.2.2").status_code == 200
    response = client.get("/search/", {"q": "低保"}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429 and "搜索太频繁" in response.content.decode()
    assert client.get("/search/", {"q": "低保"}, REMOTE_ADDR="10.2.2.3").status_code == 200


def test_staff_sessions_end_after_30_idle_minutes_and_with_the_browser(client, author, settings):
    assert settings.SESSION_IDLE_MINUTES == 30 and settings.SESSION_COOKIE_AGE == 30 * 60
    response = log_in(client, author.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 30 * 60
    session = client.session  # as if 30 minutes passed
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302  # back to the login page


def test_working_moves_the_expiry_on(client, author, settings):
    import time

    log_in(client, author.username, PASSWORD)
    session = client.session
    session["_seen"] = int(time.time()) - 120  # the last refresh two minutes ago
    session.set_expiry(None)
    session.save()
    before = client.session.get_expiry_date()
    time.sleep(1)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.session.get_expiry_date() > before
