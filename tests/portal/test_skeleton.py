import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from catalog.models import Organisation

ROOT = Path(__file__).resolve().parents[2]


def test_county_home_lists_townships(client, shuangxi, yingqian, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "上犹县人民政府政府信息公开" in html
    assert 'href="/shuangxi/"' in html and "上犹县双溪乡人民政府" in html
    assert 'lang="zh-CN"' in html
    assert 'href="#main"' in html and 'id="main"' in html


def test_inactive_township_is_not_listed_and_has_no_page(client, shuangxi):
    Organisation.objects.filter(pk=shuangxi.pk).update(is_active=False)
    assert "双溪乡" not in client.get("/").content.decode()
    assert client.get("/shuangxi/").status_code == 404


def test_unknown_page_gets_friendly_chinese_404(client, county):
    response = client.get("/no-such-township/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_large_text_and_high_contrast_persist_across_pages(client, shuangxi):
    response = client.get(reverse("portal:display") + "?large_text=1&next=/shuangxi/")
    assert response.status_code == 302 and response["Location"] == "/shuangxi/"
    client.get(reverse("portal:display") + "?high_contrast=1&next=/")
    html = client.get("/").content.decode()
    assert 'class="large-text high-contrast"' in html
    client.get(reverse("portal:display") + "?large_text=0&next=/")
    assert 'class=" high-contrast"' in client.get("/shuangxi/").content.decode()


def test_display_toggle_refuses_to_redirect_off_site(client, county):
    response = client.get(reverse("portal:display") + "?large_text=1&next=https://evil.example.com/")
    assert response["Location"] == "/"


def test_healthz_answers_when_database_is_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_is_down():
    # A real process pointed at a port where no database listens.
    script = "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "503 {" in result.stdout, result.stderr
    assert '"database": "unavailable"' in result.stdout


def test_display_toggles_are_real_buttons_that_report_their_state(client, shuangxi):
    html = client.get("/shuangxi/").content.decode()
    assert '<button type="submit" aria-pressed="false">大字版</button>' in html
    client.get(reverse("portal:display") + "?large_text=1&next=/shuangxi/")
    html = client.get("/shuangxi/").content.decode()
    assert '<button type="submit" aria-pressed="true">大字版</button>' in html
    assert 'name="large_text" value="0"' in html  # pressing again switches it off


def test_forbidden_page_is_in_chinese(client, county_office):
    from tests.conftest import PASSWORD

    assert client.login(username=county_office.username, password=PASSWORD)
    response = client.get(reverse("admin:catalog_category_add"))  # the county office writes nothing
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
