"""The government-site furniture in every public page's footer, and the favicon."""

import pytest
from django.contrib.staticfiles import finders

FOOTER = {
    "sponsor": "上犹县人民政府办公室",
    "organiser": "上犹县政务服务数据管理局",
    "contact": "0797-8521234，shangyou@example.gov.cn",
    "icp_number": "赣ICP备05001234号",
    "police_number": "赣公网安备 36072402000123号",
    "site_code": "3607240001",
    "conac_url": "https://bszs.conac.cn/sitename?method=show&id=0123456789ABCDEF",
}


@pytest.fixture
def footer(settings):
    settings.SITE_FOOTER = FOOTER


def test_every_public_page_carries_the_county_footer(client, footer, shuangxi, django_assert_max_num_queries):
    for url in ("/", "/shuangxi/", "/shuangxi/catalog/", "/search/?q=低保", "/no-such-page/"):
        html = client.get(url).content.decode()
        for label, value in (
            ("主办单位", FOOTER["sponsor"]),
            ("承办单位", FOOTER["organiser"]),
            ("联系方式", FOOTER["contact"]),
            ("网站标识码", FOOTER["site_code"]),
        ):
            assert f"<dt>{label}</dt><dd>{value}</dd>" in html, (url, label)
        assert '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">赣ICP备05001234号</a>' in html, url
        assert "https://beian.mps.gov.cn/#/query/webSearch?code=36072402000123" in html, url
        assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=0123456789ABCDEF"' in html, url
    # Settings, not rows: the footer costs no query.
    with django_assert_max_num_queries(3):
        client.get("/")


def test_an_unset_registration_number_is_left_out(client, settings, county):
    settings.SITE_FOOTER = {**FOOTER, "icp_number": "", "police_number": ""}
    html = client.get("/").content.decode()
    assert "ICP备案号" not in html and "公安机关备案号" not in html and "主办单位" in html


def test_the_favicon_is_linked_and_found(client, county):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.ico"
    for name in ("img/favicon.ico", "img/favicon.svg"):
        path = finders.find(name)
        assert path, name
    with open(finders.find("img/favicon.ico"), "rb") as handle:
        assert handle.read(4) == b"\x00\x00\x01\x00"  # a real ICO
