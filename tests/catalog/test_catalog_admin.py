"""Editing the catalog tree in the admin: tree order, in-place ordering, obligations inline, scoped choices."""

import re

import pytest
from django.urls import reverse

from catalog.models import Category, Obligation, UncoveredArea
from tests.conftest import PASSWORD


@pytest.fixture
def tree(shuangxi):
    # Created out of display order on purpose.
    child = Category.objects.create(
        organisation=shuangxi,
        code="0702",
        name="社会救助",
        order=2,
        parent=Category.objects.create(organisation=shuangxi, code="07", name="精准扶贫脱贫和社会救助信息", order=5),
    )
    first = Category.objects.create(organisation=shuangxi, code="01", name="法律法规、条例", order=1)
    return {"child": child, "parent": child.parent, "first": first}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def inline_data(category, rows, *, initial=0):
    data = {
        "organisation": category.organisation_id,
        "parent": category.parent_id or "",
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "column_kind": category.column_kind,
        "order": category.order,
        "is_active": "on",
        "obligations-TOTAL_FORMS": len(rows),
        "obligations-INITIAL_FORMS": initial,
        "obligations-MIN_NUM_FORMS": 0,
        "obligations-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"obligations-{i}-{key}": value for key, value in row.items()})
        data[f"obligations-{i}-category"] = category.pk
    return data


def obligation_row(code, body, **extra):
    return {
        "code": code,
        "order": 1,
        "first_level": "最低生活保障",
        "second_level": "低保对象审核确认结果",
        "content_elements": "低保对象姓名（部分隐去）",
        "time_limit_kind": "working_days",
        "time_limit_days": 20,
        "period": "",
        "responsible_body": body.pk,
        "channels": ["website", "bulletin_board"],
        "is_active": "on",
        **extra,
    }


def test_changelist_shows_the_tree_in_order_with_children_under_parents(client, author, tree):
    html = login(client, author).get(reverse("admin:catalog_category_changelist")).content.decode()
    positions = [html.index(name) for name in ("法律法规、条例", "精准扶贫脱贫和社会救助信息", "└ 社会救助")]
    assert positions == sorted(positions)


def test_order_is_edited_in_place_on_the_list(client, author, tree):
    login(client, author)
    url = reverse("admin:catalog_category_changelist")
    html = client.get(url).content.decode()
    ids = re.findall(r'name="form-(\d+)-id" value="(\d+)"', html)
    data = {"form-TOTAL_FORMS": len(ids), "form-INITIAL_FORMS": len(ids), "_save": "保存"}
    for index, pk in ids:
        category = Category.objects.get(pk=pk)
        data[f"form-{index}-id"] = pk
        data[f"form-{index}-order"] = 9 if category.code == "01" else category.order
    response = client.post(url, data)
    assert response.status_code == 302
    tree["first"].refresh_from_db()
    assert tree["first"].order == 9
    html = client.get(url).content.decode()
    assert html.index("精准扶贫脱贫和社会救助信息") < html.index("法律法规、条例")


def test_obligation_added_inline_belongs_to_the_categorys_township(client, author, tree, shuangxi):
    login(client, author)
    child = tree["child"]
    url = reverse("admin:catalog_category_change", args=[child.pk])
    response = client.post(url, inline_data(child, [obligation_row("0702-01", shuangxi)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    obligation = Obligation.objects.get(code="0702-01")
    assert obligation.organisation == shuangxi and obligation.channels == ["website", "bulletin_board"]


def test_duplicate_obligation_code_inline_is_a_form_error_not_a_crash(client, author, tree, shuangxi):
    Obligation.objects.create(
        organisation=shuangxi,
        category=tree["first"],
        code="0702-01",
        first_level="已有",
        content_elements="x",
        responsible_body=shuangxi,
        channels=["website"],
    )
    login(client, author)
    child = tree["child"]
    response = client.post(
        reverse("admin:catalog_category_change", args=[child.pk]),
        inline_data(child, [obligation_row("0702-01", shuangxi)]),
    )
    assert response.status_code == 200
    assert "本机构已有序号为“0702-01”的公开事项" in response.content.decode()
    assert Obligation.objects.filter(code="0702-01").count() == 1


def test_obligations_are_filtered_by_category_including_subcategories(client, author, tree, shuangxi, yingqian):
    for code, category in (("A", tree["child"]), ("B", tree["first"])):
        Obligation.objects.create(
            organisation=shuangxi,
            category=category,
            code=code,
            first_level=f"事项{code}",
            content_elements="x",
            responsible_body=shuangxi,
            channels=["website"],
        )
    Category.objects.create(organisation=yingqian, code="07", name="营前镇的类别")
    login(client, author)
    url = reverse("admin:catalog_obligation_changelist")
    listing = client.get(url).content.decode()
    assert "营前镇的类别" not in listing  # the filter offers only visible categories
    filtered = client.get(url, {"category": tree["parent"].pk}).content.decode()
    assert "事项A" in filtered and "事项B" not in filtered
    # A mangled filter value shows the whole list instead of a server error.
    assert client.get(url, {"category": "²"}).status_code == 200


def test_a_township_obligation_may_name_a_county_body_but_not_another_township(client, author, tree, county, yingqian):
    html = login(client, author).get(reverse("admin:catalog_obligation_add")).content.decode()
    body_select = html.split('name="responsible_body"')[1].split("</select>")[0]
    assert "上犹县人民政府" in body_select and "上犹县双溪乡人民政府" in body_select
    assert "上犹县营前镇人民政府" not in body_select


def test_uncovered_areas_are_kept_per_township(client, author, shuangxi, yingqian):
    UncoveredArea.objects.create(organisation=yingqian, area="tax", explanation="营前镇的说明")
    login(client, author)
    response = client.post(
        reverse("admin:catalog_uncoveredarea_add"),
        {"organisation": shuangxi.pk, "area": "tax", "explanation": "由县税务局公开。"},
    )
    assert response.status_code == 302
    html = client.get(reverse("admin:catalog_uncoveredarea_changelist")).content.decode()
    assert "由县税务局公开。" in html and "营前镇的说明" not in html
