"""The admin item page for staff who use a screen reader, a keyboard or a small window."""

import pytest
from django.urls import reverse

from catalog.models import Category, Obligation
from disclosure import services
from tests.axe_checks import axe_violations
from tests.disclosure.conftest import local

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("state", ["draft", "published"])
def test_axe_finds_no_serious_violation_on_the_item_change_page(page, login, make_item, publish, author, state):
    item = make_item(body="<p>联系电话13812345678</p>")
    if state == "published":
        services.finding_mask_all(item=item, by=author)
        item = publish(item, at=local(2026, 3, 20, 9))
        services.channel_record(item=item, channel="paper", posted_on=local(2026, 3, 21, 9).date(), by=author)
    login(author)
    page.goto(reverse("admin:disclosure_item_change", args=[item.pk]))
    page.wait_for_selector("#item-workflow")
    violations = axe_violations(page)
    assert not violations, "\n".join(map(str, violations))


def test_the_audit_trail_reads_as_sentences_and_fits_the_window(page, login, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    services.channel_record(
        item=item, channel="bulletin_board", posted_on=local(2026, 3, 21, 9).date(), place="双溪村公开栏", by=author
    )
    login(author)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(reverse("admin:disclosure_item_change", args=[item.pk]))
    audit = page.locator("#item-audit")
    assert "登记公开渠道：公示栏，2026年3月21日，双溪村公开栏" in audit.inner_text()
    assert audit.evaluate("module => module.scrollWidth <= module.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_the_obligations_narrow_to_the_chosen_category(page, login, shuangxi, category, obligation, author, steps):
    other = Category.objects.create(organisation=shuangxi, code="zcwj", name="政策文件")
    Obligation.objects.create(
        organisation=shuangxi,
        category=other,
        code="2.1",
        first_level="规范性文件",
        content_elements="文件全文",
        time_limit_days=20,
        responsible_body=shuangxi,
    )
    login(author)
    page.goto(reverse("admin:disclosure_item_add"))
    visible = "sel => [...sel.options].filter(o => o.value && !o.hidden).map(o => o.textContent)"
    page.select_option("#id_category", str(category.pk))
    shown = page.locator("#id_obligation").evaluate(visible)
    assert len(shown) == 1 and "社会救助" in shown[0], shown
    page.select_option("#id_category", str(other.pk))
    shown = page.locator("#id_obligation").evaluate(visible)
    assert len(shown) == 1 and "规范性文件" in shown[0], shown
    assert "共 1 项公开事项" in page.locator("#obligation-narrowed").inner_text()
