import io
import xml.etree.ElementTree as ET

from PIL import Image

from township_portal.lib.qr import qr_png, qr_svg

URL = "https://gk.example.gov.cn/items/42/?from=notice&page=2"


def test_qr_svg_is_an_accessible_svg_element():
    root = ET.fromstring(qr_svg(URL, title="扫码查看原文"))

    assert root.tag == "svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "扫码查看原文"
    assert root.find("title").text == "扫码查看原文"
    assert root.get("viewBox")


def test_qr_svg_label_defaults_to_the_url():
    root = ET.fromstring(qr_svg(URL))

    assert root.get("aria-label") == f"二维码：{URL}"


def test_qr_svg_escapes_a_title_with_markup():
    title = '扫码 "查看" <原文> & 附件'
    root = ET.fromstring(qr_svg(URL, title=title))

    assert root.get("aria-label") == title
    assert root.find("title").text == title


def test_qr_svg_loads_nothing_from_outside():
    svg = qr_svg(URL)

    assert "<image" not in svg
    assert "href=" not in svg
    assert "url(" not in svg


def test_qr_png_is_a_png_with_a_dark_finder_pattern_inside_a_light_quiet_zone():
    data = qr_png(URL, scale=8)

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("L")
    width, height = image.size
    assert width == height > 0
    quiet_zone = 4 * 8
    assert image.getpixel((1, 1)) == 255
    assert image.getpixel((quiet_zone + 1, quiet_zone + 1)) == 0
