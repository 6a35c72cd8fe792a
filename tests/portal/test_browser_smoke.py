import pytest

pytestmark = pytest.mark.browser


def test_resident_reaches_shuangxi_main_content_by_keyboard_alone(page, shuangxi, yingqian):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # The first Tab lands on the skip link; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab on to the link to 双溪乡 and follow it with Enter.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "上犹县双溪乡人民政府":
            break
    else:
        pytest.fail("the link to 双溪乡 was not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/shuangxi/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("main h1").inner_text() == "上犹县双溪乡人民政府政府信息公开"


def test_layout_fits_a_320px_phone(page, shuangxi):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/shuangxi/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
