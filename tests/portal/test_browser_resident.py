"""A resident's path through the portal in Chromium: browse, filter, read, download, search, print.

Also: the same path in large text, the keyboard-only path to search, and axe-core's
accessibility rules (no serious or critical violation) on every public page.
"""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from disclosure.models import Attachment
from tests.axe_checks import axe_violations
from tests.portal.conftest import at
from tests.search import factories
from township_portal.lib.pdf import Paragraph, build_pdf

pytestmark = pytest.mark.browser

COLUMN = "精准扶贫脱贫和社会救助信息"


@pytest.fixture
def resident_data(shuangxi, yingqian, shuangxi_office):
    column = factories.category(shuangxi, code="07", name=COLUMN, order=7)
    factories.category(shuangxi, code="01", name="通知公告", order=1)
    factories.published_item(shuangxi, column, title="双溪乡2016年低保资金发放情况", published_at=at(2016, 12, 20))
    target = factories.published_item(
        shuangxi,
        column,
        title="双溪乡2017年精准扶贫资金使用情况公示",
        summary="公示2017年度精准扶贫资金的使用情况。",
        body="<p>根据县扶贫办要求，现将本乡2017年扶贫资金使用情况公示如下。</p>",
        document_number="双府字〔2017〕8号",
        published_at=at(2017, 4, 6),
        publisher=shuangxi_office,
        index=False,
    )
    attachment = Attachment(
        item=target,
        original_name="扶贫资金明细.pdf",
        content_type="application/pdf",
        size=0,
        sha256="0" * 64,
        text="扶贫资金明细表",
    )
    pdf = build_pdf([Paragraph("扶贫资金明细表")], title="扶贫资金明细")
    attachment.file.save("明细.pdf", ContentFile(pdf), save=False)
    attachment.size = len(pdf)
    attachment.save()
    factories.index_item(target)
    return target


def _resident_path(page, item):
    page.goto("/")
    page.get_by_role("link", name="上犹县双溪乡人民政府").click()
    page.wait_for_url("**/shuangxi/")
    page.get_by_role("link", name=COLUMN).click()
    page.wait_for_url("**/shuangxi/category/07/")
    page.get_by_label("发布年份").select_option("2017")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/shuangxi/category/07/?*year=2017*")
    assert page.get_by_role("link", name="双溪乡2016年低保资金发放情况").count() == 0
    page.get_by_role("link", name=item.title).click()
    page.wait_for_url(f"**/shuangxi/items/{item.pk}/")
    assert page.locator("h1").inner_text() == item.title
    qr = page.get_by_role("img", name=f"二维码：用手机扫描打开本页（{item.title}）")
    qr.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="扶贫资金明细.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "扶贫资金明细.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    page.locator("#site-q").fill("扶贫")
    page.locator("#site-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator("ol.results > li h3 a").first
    assert first.inner_text() == item.title
    first.click()
    page.wait_for_url(f"**/shuangxi/items/{item.pk}/")
    page.get_by_role("link", name="打印本页").click()
    page.wait_for_url(f"**/shuangxi/items/{item.pk}/print/")
    assert item.title in page.locator("main").inner_text()
    assert item.index_number in page.locator("main").inner_text()


def test_resident_browses_filters_reads_downloads_searches_and_prints(page, resident_data):
    _resident_path(page, resident_data)


def test_the_same_path_works_in_large_text(page, resident_data):
    page.goto("/")
    page.get_by_role("button", name="大字版").click()
    assert "large-text" in page.locator("html").get_attribute("class")
    root_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root_size > 20
    _resident_path(page, resident_data)
    assert "large-text" in page.locator("html").get_attribute("class")
    # Large text on a 320 px phone: nothing needs sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 640})
    for url in ["/", "/shuangxi/", "/shuangxi/category/07/", f"/shuangxi/items/{resident_data.pk}/", "/search/?q=扶贫"]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url


def _tab_to(page, predicate_js, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    pytest.fail(f"not reachable with Tab: {predicate_js}")


def test_keyboard_alone_reaches_the_search_box_and_the_first_result(page, resident_data):
    page.goto("/shuangxi/")
    _tab_to(page, "document.activeElement.id === 'site-q'")
    page.keyboard.type("扶贫")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    # Focus lands on the results, not back at the top of the page.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results-heading'")
    _tab_to(page, "document.activeElement.closest('ol.results > li') !== null")
    assert page.evaluate("document.activeElement.textContent") == resident_data.title
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/shuangxi/items/{resident_data.pk}/")


def _optional(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("high_contrast", [False, True], ids=["standard", "high-contrast"])
def test_no_serious_accessibility_violations_on_public_pages(page, resident_data, high_contrast):
    item = resident_data
    urls = [
        "/",
        "/shuangxi/",
        "/shuangxi/category/07/",
        "/shuangxi/category/07/?year=2017&sort=title",
        f"/shuangxi/items/{item.pk}/",
        f"/shuangxi/items/{item.pk}/print/",
        "/search/?q=扶贫",
        "/search/?q=扶贫&township=shuangxi",
        "/search/?q=没有这个词",
        "/no-such-page/",
        _optional("catalog:guide", "shuangxi"),
        _optional("catalog:catalog", "shuangxi"),
    ]
    if high_contrast:
        page.goto("/display/?high_contrast=1&next=/")
    found = {}
    for url in filter(None, urls):
        page.goto(url)
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    assert not found, found
