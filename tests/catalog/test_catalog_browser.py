"""A resident opens 双溪乡's catalog, follows a category, and finds the guide with the office's phone and hours."""

import pytest

from catalog import demo
from catalog.models import Organisation

pytestmark = pytest.mark.browser

SEED_KINDS = [
    "法律法规、条例",
    "政府文件",
    "工作动态",
    "县级部门下发需公开材料",
    "人事信息",
    "工作计划",
    "精准扶贫脱贫和社会救助信息",
    "其他需要公开的材料",
]


def test_resident_browses_the_catalog_and_reads_the_guide(page):
    demo.load_organisations()
    demo.load_catalog()
    shuangxi = Organisation.objects.get(slug="shuangxi")

    page.goto("/shuangxi/")
    nav = page.get_by_role("navigation", name="双溪乡栏目导航")
    nav.get_by_role("link", name="公开目录", exact=True).click()
    page.wait_for_url("**/shuangxi/catalog/")
    assert page.locator("main h1").inner_text() == "上犹县双溪乡人民政府政府信息公开目录"
    top_level = page.locator("main ul.catalog-tree > li > h2 a, main ul.catalog-tree > li > h2").all_inner_texts()
    shown = " ".join(top_level)
    for kind in SEED_KINDS:
        assert kind in shown, kind

    page.locator("#category-0702 > h3 a").click()
    page.wait_for_load_state()
    assert "/shuangxi/catalog/" not in page.url
    assert "社会救助" in page.locator("main h1").inner_text()

    page.goto("/shuangxi/catalog/")
    nav.get_by_role("link", name="公开指南", exact=True).click()
    page.wait_for_url("**/shuangxi/guide/")
    office = page.locator("main section").first.inner_text()
    assert shuangxi.phone in office  # 0797-8661001
    assert shuangxi.office_hours in office
    assert "宣传办" in office


def _narrowest_cells(page) -> list[tuple[float, str]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('main td, main th')]
            // what a sighted reader sees: not hidden, not inside a header row clipped to 1 px for screen readers
            .filter(cell => cell.offsetParent !== null)
            .filter(cell => !cell.closest('thead') || cell.closest('thead').getBoundingClientRect().width > 1)
            .map(cell => [cell.getBoundingClientRect().width, cell.innerText.slice(0, 20)])
            .sort((a, b) => a[0] - b[0]).slice(0, 5)"""
    )


def test_on_a_phone_the_obligations_are_cards_and_no_column_is_narrower_than_80_px(page):
    demo.load_organisations()
    demo.load_catalog()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/shuangxi/catalog/")
    narrowest = _narrowest_cells(page)
    assert narrowest and narrowest[0][0] >= 80, narrowest
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    first = page.locator("table.obligations tr").nth(1)
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    label = first.locator("td").nth(3).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"公开时限："', label
    height_phone = page.evaluate("document.documentElement.scrollHeight")

    page.set_viewport_size({"width": 1280, "height": 800})
    assert first.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert page.locator("table.obligations thead").first.is_visible()
    assert height_phone < 42000
