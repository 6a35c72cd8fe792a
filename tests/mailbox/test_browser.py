"""The whole mailbox in a real browser: a resident writes, staff answer, the resident reads it, it is published."""

import re

import pytest
from django.urls import reverse

from mailbox.models import Message

pytestmark = pytest.mark.browser


def switch_to(page, login, user):
    page.context.clear_cookies()
    return login(user)


def test_resident_writes_staff_answer_and_the_answer_is_read_and_published(
    page, login, shuangxi, shuangxi_office, author, approver, reviewer
):
    # A resident on a 320 px phone, with the keyboard.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/shuangxi/")
    page.click("text=咨询、投诉、建议信箱")
    page.check("input[name=kind][value=consult]")
    page.fill("#id_subject", "医保缴费在哪里办理")
    page.fill("#id_body", "请问城乡居民医保在哪里缴费？我叫王小明，电话13807971234。")
    page.fill("#id_writer_name", "王小明")
    page.fill("#id_writer_phone", "13807971234")
    page.check("#id_may_publish")
    page.focus("#id_may_publish")
    page.keyboard.press("Tab")  # the honeypot is skipped: next stop is the submit button
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector(".receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    number = page.inner_text(".receipt-number").strip()
    code = page.inner_text(".receipt-code").strip()
    assert re.fullmatch(r"\d{10}", number) and re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    message = Message.objects.get(number=number)
    page.set_viewport_size({"width": 1280, "height": 900})

    login(author)
    page.goto(reverse("admin:mailbox_message_change", args=[message.pk]))
    page.select_option("#id_office", str(shuangxi_office.pk))
    page.click("button[value=assign]")
    page.wait_for_selector(".messagelist .success >> text=已分办给民政所")
    page.fill("#id_answer", "城乡居民医保可到乡便民服务中心缴费，截止到12月31日。")
    page.click("button[value=draft]")
    page.wait_for_selector(".messagelist .success >> text=答复已提交审核")
    assert page.locator("button[value=approve]").count() == 0  # never the drafter

    switch_to(page, login, approver)
    page.goto(reverse("admin:mailbox_message_change", args=[message.pk]))
    page.click("button[value=approve]")
    page.wait_for_selector(".messagelist .success >> text=答复已审核通过")
    page.click("button[value=deliver]")
    page.wait_for_selector(".messagelist .success >> text=已登记送达")

    page.context.clear_cookies()
    page.goto("/mailbox/status/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click(".mailbox-form button[type=submit]")
    page.wait_for_selector(".message-status")
    assert "已答复" in page.inner_text(".message-status")
    assert "乡便民服务中心缴费" in page.inner_text(".message-answer")

    switch_to(page, login, reviewer)
    page.goto(reverse("admin:mailbox_message_change", args=[message.pk]))
    assert "王**" in page.input_value("#public-body")
    page.click("button[value=publish]")
    page.wait_for_selector(".messagelist .success >> text=已在“公众留言”栏目公开")

    page.context.clear_cookies()
    page.goto("/shuangxi/mailbox/public/")
    listing = page.inner_text("main")
    assert "医保缴费在哪里办理" in listing and "王**" in listing and "民政所" in listing
    page.click("text=医保缴费在哪里办理")
    article = page.inner_text("main")
    assert "王**" in article and "乡便民服务中心缴费" in article
    for secret in ("王小明", "13807971234"):
        assert secret not in page.content()


def test_mailbox_pages_work_in_large_text_at_320px_without_serious_accessibility_violations(page, answered, reviewer):
    from mailbox import services
    from tests.axe_checks import axe_violations as _axe_violations

    services.message_publish(message=answered, by=reviewer)
    urls = [
        "/shuangxi/mailbox/",
        "/shuangxi/mailbox/sent/",
        "/mailbox/status/",
        "/shuangxi/mailbox/public/",
        reverse("mailbox:public_detail", args=["shuangxi", answered.number]),
    ]
    page.goto("/display/?large_text=1&next=/")
    page.set_viewport_size({"width": 320, "height": 640})
    found = {}
    for url in urls:
        page.goto(url)
        assert "large-text" in page.locator("html").get_attribute("class"), url
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url
        if violations := _axe_violations(page):
            found[url] = violations
    # The form with every error shown, as a resident who pressed submit too early sees it.
    page.goto("/shuangxi/mailbox/")
    page.click(".mailbox-form button[type=submit]")
    page.wait_for_selector("#form-errors")
    assert "请填写主题" in page.inner_text("#form-errors")
    if violations := _axe_violations(page):
        found["form with errors"] = violations
    assert not found, found
