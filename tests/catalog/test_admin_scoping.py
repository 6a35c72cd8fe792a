"""A township's staff see and change only their township's rows; the county office reads only."""

import pytest
from django.urls import reverse

from catalog.models import Category, Obligation
from tests.conftest import PASSWORD


@pytest.fixture
def categories(shuangxi, yingqian):
    mine = Category.objects.create(organisation=shuangxi, code="01", name="双溪乡工作动态")
    theirs = Category.objects.create(organisation=yingqian, code="01", name="营前镇工作动态")
    return mine, theirs


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_author_sees_only_own_township_in_lists(client, author, categories, shuangxi, yingqian):
    login(client, author)
    html = client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert "双溪乡工作动态" in html
    assert "营前镇工作动态" not in html
    orgs = client.get(reverse("admin:catalog_organisation_changelist")).content.decode()
    assert "上犹县双溪乡人民政府" in orgs and "上犹县营前镇人民政府" not in orgs


def test_author_cannot_open_another_townships_row_by_url(client, author, categories):
    login(client, author)
    _, theirs = categories
    url = reverse("admin:catalog_category_change", args=[theirs.pk])
    response = client.get(url)
    # The admin answers as if the row did not exist: a redirect to the index with a message.
    assert response.status_code == 302
    response = client.post(url, {"name": "改掉", "code": "01", "organisation": theirs.organisation_id})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "营前镇工作动态"


def test_related_field_choices_offer_only_own_organisations(client, author, categories, shuangxi, yingqian):
    login(client, author)
    html = client.get(reverse("admin:catalog_obligation_add")).content.decode()
    assert "双溪乡工作动态" in html
    assert "营前镇工作动态" not in html
    assert "上犹县营前镇人民政府" not in html


def test_author_cannot_file_a_row_under_another_township_by_forging_the_form(
    client, author, categories, shuangxi, yingqian
):
    login(client, author)
    _, theirs = categories
    response = client.post(
        reverse("admin:catalog_obligation_add"),
        {
            "organisation": yingqian.pk,
            "category": theirs.pk,
            "code": "X1",
            "first_level": "伪造",
            "content_elements": "x",
            "time_limit_kind": "working_days",
            "time_limit_days": 20,
            "responsible_body": yingqian.pk,
            "channels": '["website"]',
            "audience": "public",
            "mode": "proactive",
            "level": "township",
            "expected_frequency": "on_event",
            "order": 0,
        },
    )
    assert response.status_code == 200  # the form comes back with errors
    assert not Obligation.objects.filter(code="X1").exists()


def test_autocomplete_offers_only_own_organisations(client, org_admin, shuangxi, yingqian):
    login(client, org_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": "staff", "field_name": "organisation", "term": "上犹县"},
    )
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert "上犹县双溪乡人民政府" in names
    assert "上犹县营前镇人民政府" not in names


def test_county_office_reads_every_township_but_changes_nothing(client, county_office, categories, yingqian):
    login(client, county_office)
    html = client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert "双溪乡工作动态" in html and "营前镇工作动态" in html
    _, theirs = categories
    url = reverse("admin:catalog_category_change", args=[theirs.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "营前镇工作动态" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only view
    client.post(url, {"name": "县里改的", "code": "01", "organisation": yingqian.pk})
    theirs.refresh_from_db()
    assert theirs.name == "营前镇工作动态"
    assert client.get(reverse("admin:catalog_category_add")).status_code == 403


def test_outsider_cannot_see_shuangxi_staff(client, outsider, author):
    login(client, outsider)
    html = client.get(reverse("admin:catalog_staff_changelist")).content.decode()
    assert "yq_author" in html
    assert "sx_author" not in html


def test_superuser_sees_everything(admin_client, categories):
    html = admin_client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert "双溪乡工作动态" in html and "营前镇工作动态" in html


def test_township_administrator_edits_contacts_but_not_the_tree(client, org_admin, shuangxi):
    login(client, org_admin)
    assert client.get(reverse("admin:catalog_organisation_add")).status_code == 403
    html = client.get(reverse("admin:catalog_organisation_change", args=[shuangxi.pk])).content.decode()
    assert 'name="phone"' in html
    assert 'name="slug"' not in html and 'name="is_active"' not in html


def _reorder(client, *rows):
    """POST the category list's editable 排序 column, as the list page's 保存 button does."""
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "保存"}
    for index, (category, order) in enumerate(rows):
        data[f"form-{index}-id"] = category.pk
        data[f"form-{index}-order"] = order
    return client.post(reverse("admin:catalog_category_changelist"), data)


@pytest.fixture
def county_catalog_editor(make_staff, county):
    """County staff who keep the county's template catalog: they write county rows and read the townships'."""
    return make_staff("county_editor", county, "author", "county_office", title="县政务公开办（模板目录）")


def test_county_catalog_editor_reorders_the_county_template_from_the_list(client, county, county_catalog_editor):
    template = Category.objects.create(organisation=county, code="T01", name="县级模板工作动态", order=1)
    login(client, county_catalog_editor)
    response = _reorder(client, (template, 7))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.order == 7


def test_county_catalog_editor_cannot_reorder_a_townships_categories_from_the_list(
    client, county, categories, county_catalog_editor
):
    template = Category.objects.create(organisation=county, code="T01", name="县级模板工作动态", order=1)
    _, theirs = categories
    login(client, county_catalog_editor)
    response = _reorder(client, (theirs, 99), (template, 7))
    assert response.status_code == 200  # the list comes back with the refusal
    assert "无权修改" in response.content.decode()
    theirs.refresh_from_db()
    template.refresh_from_db()
    assert theirs.order == 0
    assert template.order == 1  # all or nothing
