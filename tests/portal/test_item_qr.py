"""The item page's QR code is an image of its own: drawn once per address, only for a published item."""

import hashlib
import xml.etree.ElementTree as ET

from django.core.cache import cache

from tests.search import factories
from township_portal.lib.qr import qr_svg_file

SVG = "{http://www.w3.org/2000/svg}"


def _key(url):
    return "portal:qr-file:" + hashlib.sha256(url.encode()).hexdigest()


def test_the_qr_image_encodes_the_item_page_address_and_is_drawn_once(client, relief_items, django_assert_num_queries):
    item = relief_items[1]
    address = f"http://testserver/shuangxi/items/{item.pk}/"
    response = client.get(f"/shuangxi/items/{item.pk}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == "二维码：用手机扫描打开本页"
    assert response.content == qr_svg_file(address, title="二维码：用手机扫描打开本页")
    assert response.content != qr_svg_file(
        address.replace(str(item.pk), str(item.pk + 1)), title="二维码：用手机扫描打开本页"
    )
    with django_assert_num_queries(0):
        again = client.get(f"/shuangxi/items/{item.pk}/qr.svg")
    assert again.content == response.content


def test_no_qr_is_drawn_for_an_address_that_is_not_a_published_item(client, shuangxi, yingqian, poverty, relief_items):
    withdrawn = factories.withdraw(relief_items[0])
    elsewhere = factories.published_item(yingqian, factories.category(yingqian, code="07"), title="营前镇的信息")
    for path in [
        f"/shuangxi/items/{withdrawn.pk}/qr.svg",
        f"/shuangxi/items/{elsewhere.pk}/qr.svg",  # another township's item under this one's address
        f"/shuangxi/items/{10**9}/qr.svg",
        f"/nowhere/items/{relief_items[1].pk}/qr.svg",
    ]:
        assert client.get(path).status_code == 404, path
        assert cache.get(_key("http://testserver" + path.removesuffix("qr.svg"))) is None
    assert client.get(f"/yingqian/items/{elsewhere.pk}/qr.svg").status_code == 200
