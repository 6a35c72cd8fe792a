"""The whole path in a real browser: a resident applies, staff correspond and answer, the resident downloads."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application
from tests.applications.conftest import ID_NUMBER, NAME
from tests.disclosure.files import pdf_bytes

pytestmark = pytest.mark.browser


def as_staff(page, login, user, application):
    page.context.clear_cookies()
    login(user)
    page.goto(reverse("admin:applications_application_change", args=[application.pk]))


def submit_step(page, name):
    page.click(f".step-{name} input[type=submit]")
    page.wait_for_selector(".messagelist .success")


def test_resident_applies_staff_correct_answer_partially_and_resident_downloads_the_letter(
    page, login, new_context, shuangxi, author, approver, tmp_path
):
    cache.clear()
    page.goto(reverse("applications:apply", args=["shuangxi"]))
    page.fill("#id_applicant_name", NAME)
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_phone", "13979712345")
    page.fill("#id_address", "上犹县双溪乡大石门村")
    page.fill("#id_description", "2025年大石门村危房改造补助名单")
    with page.expect_navigation():
        page.click("form.apply-form button[type=submit]")
    if not page.locator("#query-code").count():
        raise AssertionError(page.inner_text("main"))
    number = page.inner_text("#application-number").strip()
    code = page.inner_text("#query-code").strip()
    application = Application.objects.get(number=number)

    as_staff(page, login, author, application)
    submit_step(page, "confirm")
    until = (timezone.localdate() + timedelta(days=14)).isoformat()
    page.fill("#id_correction_send-missing", "请写明所需名单的村组名称。")
    page.fill("#id_correction_send-until", until)
    submit_step(page, "correction_send")
    assert "待补正" in page.inner_text("#application-status")

    resident = new_context()
    status = resident.new_page()
    status.goto(reverse("applications:status"))
    status.fill("#id_number", number)
    status.fill("#id_code", code)
    status.click("form.apply-form button[type=submit]")
    status.wait_for_selector("#status")
    assert "发出补正通知" in status.inner_text("main") and "请写明所需名单的村组名称" in status.inner_text("main")
    assert NAME not in status.content()

    page.goto(reverse("admin:applications_application_change", args=[application.pk]))
    page.fill("#id_correction_receive-note", "补正为大石门村石门组。")
    submit_step(page, "correction_receive")
    assert page.inner_text("#due-on")

    file = tmp_path / "危房改造补助名单.pdf"
    file.write_bytes(pdf_bytes("2025年大石门村危房改造补助标准"))
    page.select_option("#id_answer_draft-outcome", "partial")
    page.fill("#id_answer_draft-explanation", "补助标准予以公开，名单中的个人信息不予公开。")
    page.fill("#id_answer_draft-legal_basis", "《中华人民共和国政府信息公开条例》第十五条、第三十七条")
    page.set_input_files("#id_answer_draft-files", str(file))
    submit_step(page, "answer_draft")
    assert page.locator(".step-answer_approve").count() == 0  # the drafter cannot approve

    as_staff(page, login, approver, application)
    submit_step(page, "answer_approve")
    assert "已办结" in page.inner_text("#application-status")

    status.reload()
    assert "部分公开" in status.inner_text("main")
    link = status.locator("a.letter-answer-pdf").get_attribute("href")
    response = resident.request.get(link)
    assert response.ok
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert number in text and "部分公开" in text
    assert status.locator("a", has_text="危房改造补助名单.pdf").count() == 1
    resident.close()


def test_the_form_fits_320px_in_large_text_works_by_keyboard_and_passes_axe(page, shuangxi):
    from tests.axe_checks import axe_violations as _axe_violations

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("applications:apply", args=["shuangxi"]))
    page.context.add_cookies([{"name": "display_large_text", "value": "1", "url": page.url}])
    page.reload()
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
    )
    assert overflow <= 0, wide
    bad = [v for v in _axe_violations(page) if v[1] in ("serious", "critical")]
    assert bad == [], bad
    # Keyboard only: focus the name field, type, Tab through to the submit button and press Enter.
    page.focus("#id_applicant_name")
    page.keyboard.type("张三")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "提交申请":
            break
    else:
        pytest.fail("the submit button was not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "请按下面的提示修改" in page.inner_text("main")
    assert Application.objects.count() == 0
