"""A township adopts the county template and adjusts its copy; the template stays as the county wrote it."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import Category, Obligation
from catalog.services import catalog_adopt
from tests.conftest import PASSWORD


@pytest.fixture
def template(county):
    """A small county template: 重点领域信息 › 社会救助 with a township and a county obligation."""
    root = Category.objects.create(organisation=county, code="11", name="重点领域信息", order=1)
    child = Category.objects.create(organisation=county, code="1102", name="社会救助", parent=root, order=2)
    Obligation.objects.create(
        organisation=county,
        category=child,
        code="1102-01",
        first_level="最低生活保障",
        second_level="低保对象审核确认结果",
        content_elements="低保对象姓名（部分隐去）、保障人数、保障金额",
        legal_basis="《社会救助暂行办法》",
        responsible_body=county,
        channels=["website", "bulletin_board"],
        level=Obligation.Level.TOWNSHIP,
    )
    Obligation.objects.create(
        organisation=county,
        category=child,
        code="1102-02",
        first_level="农机购置补贴",
        content_elements="补贴机具目录",
        responsible_body=county,
        channels=["website"],
        level=Obligation.Level.COUNTY,
    )
    return county


def test_adopting_copies_the_tree_and_records_where_each_row_came_from(template, shuangxi, org_admin):
    result = catalog_adopt(township=shuangxi, template_org=template, by=org_admin)
    assert (result.categories_created, result.obligations_created) == (2, 2)
    child = Category.objects.get(organisation=shuangxi, code="1102")
    assert child.parent.code == "11" and child.parent.organisation == shuangxi
    assert child.source == Category.objects.get(organisation=template, code="1102")
    own, county_level = Obligation.objects.filter(organisation=shuangxi).order_by("code")
    assert own.category == child and own.source.organisation == template
    assert own.responsible_body == shuangxi  # a township obligation becomes the township's own
    assert county_level.responsible_body == template  # a county obligation keeps its county body
    assert AuditEvent.objects.filter(action="catalog.adopt", organisation=shuangxi).exists()


def test_editing_the_townships_copy_leaves_the_template_alone(template, shuangxi, org_admin):
    catalog_adopt(township=shuangxi, template_org=template, by=org_admin)
    copy = Obligation.objects.get(organisation=shuangxi, code="1102-01")
    copy.content_elements = "低保对象姓名（部分隐去）、所在村组、保障金额"
    copy.channels = ["bulletin_board"]
    copy.save()
    Category.objects.filter(organisation=shuangxi, code="1102").update(name="社会救助（民政所）")

    original = Obligation.objects.get(organisation=template, code="1102-01")
    assert original.content_elements == "低保对象姓名（部分隐去）、保障人数、保障金额"
    assert original.channels == ["website", "bulletin_board"]
    assert Category.objects.get(organisation=template, code="1102").name == "社会救助"


def test_adopting_again_brings_only_what_the_template_added(template, shuangxi, org_admin):
    catalog_adopt(township=shuangxi, template_org=template, by=org_admin)
    Obligation.objects.filter(organisation=shuangxi, code="1102-01").update(first_level="本乡改过的")
    Obligation.objects.create(
        organisation=template,
        category=Category.objects.get(organisation=template, code="1102"),
        code="1102-03",
        first_level="临时救助",
        content_elements="救助对象范围、标准",
        responsible_body=template,
        channels=["website"],
    )
    result = catalog_adopt(township=shuangxi, template_org=template, by=org_admin)
    assert (result.obligations_created, result.obligations_kept, result.categories_kept) == (1, 2, 2)
    assert Obligation.objects.get(organisation=shuangxi, code="1102-01").first_level == "本乡改过的"
    # Adopting once more brings nothing, so it leaves no audit record of a change.
    traces = AuditEvent.objects.filter(action="catalog.adopt", organisation=shuangxi).count()
    assert catalog_adopt(township=shuangxi, template_org=template, by=org_admin).obligations_created == 0
    assert AuditEvent.objects.filter(action="catalog.adopt", organisation=shuangxi).count() == traces == 2


def test_township_admin_adopts_from_the_admin_page_and_not_for_another_township(
    client, template, shuangxi, yingqian, org_admin
):
    client.login(username=org_admin.username, password=PASSWORD)
    url = reverse("admin:catalog_category_adopt")
    page = client.get(url).content.decode()
    assert "上犹县双溪乡人民政府" in page and "上犹县营前镇人民政府" not in page
    client.post(url, {"township": yingqian.pk, "template_org": template.pk})
    assert not Category.objects.filter(organisation=yingqian).exists()
    response = client.post(url, {"township": shuangxi.pk, "template_org": template.pk})
    assert response.status_code == 302
    assert Category.objects.filter(organisation=shuangxi).count() == 2


def test_county_office_cannot_adopt_for_a_township(client, template, shuangxi, county_office):
    client.login(username=county_office.username, password=PASSWORD)
    assert client.get(reverse("admin:catalog_category_adopt")).status_code == 403
