"""The whole publishing path in a real browser, as the township's staff do it."""

import pytest
from django.urls import reverse

from catalog.models import Staff
from disclosure.models import Item

pytestmark = pytest.mark.browser


def switch_to(page, login, user):
    page.context.clear_cookies()
    return login(user)


def open_item(page, item):
    page.goto(reverse("admin:disclosure_item_change", args=[item.pk]))


def test_staff_draft_return_fix_resubmit_and_approve_until_the_item_is_public(
    page, login, author, reviewer, secrecy_reviewer, approver, shuangxi, category, steps
):
    # The author also holds the approver role: the rule must hold even then.
    Staff.objects.filter(user=author).update(is_approver=True)

    login(author)
    page.goto(reverse("admin:disclosure_item_add"))
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_title", "双溪乡关于开展2026年秋冬季森林防火工作的通知")
    page.fill("#id_written_on", "2026-11-20")
    page.fill("#id_summary", "部署秋冬季森林防火工作。")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("各村要落实巡山护林责任。")
    page.click("input[name=_continue]")
    page.wait_for_selector("#action-submit")
    item = Item.objects.get()
    assert "巡山护林" in item.body
    page.click("#action-submit")
    page.wait_for_selector(".messagelist .success")
    assert "已送审" in page.inner_text(".messagelist")

    switch_to(page, login, reviewer)
    open_item(page, item)
    page.fill("#decision-comment", "请写明各村护林员的联系方式由村委会公布。")
    page.click("#action-return")
    page.wait_for_selector(".messagelist .success")

    switch_to(page, login, author)
    open_item(page, item)
    assert "请写明各村护林员" in page.inner_text("#returned-comment")
    page.fill("#id_summary", "部署秋冬季森林防火工作，护林员联系方式由各村委会公布。")
    page.click("input[name=_continue]")
    page.wait_for_selector("#action-submit")
    page.click("#action-submit")
    page.wait_for_selector(".messagelist .success")

    for person in (reviewer, secrecy_reviewer):
        switch_to(page, login, person)
        open_item(page, item)
        page.click("#action-approve")
        page.wait_for_selector(".messagelist .success")

    # At 签发 the author, who holds the approver role, tries to approve and is refused.
    switch_to(page, login, author)
    open_item(page, item)
    assert "不能审核自己" in page.inner_text("#decide-refusal")
    page.click("#action-approve")
    page.wait_for_selector(".messagelist .error")
    assert "不能审核自己" in page.inner_text(".messagelist")
    item.refresh_from_db()
    assert item.status == Item.Status.IN_REVIEW

    switch_to(page, login, approver)
    open_item(page, item)
    page.click("#action-approve")
    page.wait_for_selector(".messagelist .success")
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert page.inner_text("#item-index-number") == item.index_number

    page.context.clear_cookies()
    page.goto(reverse("portal:item", args=[shuangxi.slug, item.pk]))
    body = page.inner_text("main")
    assert item.index_number in body and "双溪乡关于开展2026年秋冬季森林防火工作的通知" in body


def test_script_in_an_items_fields_never_runs_in_the_admin_or_on_the_public_page(
    page, login, make_item, publish, author, shuangxi
):
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
    item = make_item(title=f"标题{payload}", summary=f"概述{payload}", body=f"<p>正文</p>{payload}")
    item = publish(item)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(author)
    for url in (
        reverse("admin:disclosure_item_changelist"),
        reverse("admin:disclosure_item_change", args=[item.pk]),
        reverse("admin:index"),
        reverse("portal:item", args=[shuangxi.slug, item.pk]),
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, url
    assert dialogs == []
    page.goto(reverse("admin:disclosure_item_change", args=[item.pk]))
    assert payload in page.locator("#id_title").input_value()
