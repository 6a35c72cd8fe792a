"""The disclosure guide is versioned: a revision is a new version, old ones stay readable."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from catalog.models import GuideVersion
from catalog.services import guide_review_confirm, guide_revise
from tests.conftest import PASSWORD

CONTENT = {
    "office_name": "双溪乡人民政府宣传办",
    "address": "上犹县双溪乡圩镇政府大楼一楼",
    "office_hours": "工作日 8:00-12:00，14:30-17:30",
    "phone": "0797-8661001",
    "classification": "按公开目录分类编排。",
    "how_to_obtain": "网站、公开栏、查阅点。",
    "application_procedure": "填写申请表，20 个工作日内答复。",
    "fees": "不收费。",
    "remedies": "投诉、行政复议、行政诉讼。",
}


@pytest.fixture
def first_version(shuangxi, org_admin):
    return guide_revise(organisation=shuangxi, by=org_admin, values=CONTENT, effective_on=date(2024, 3, 1))


def test_revising_writes_a_new_version_and_keeps_the_old_one(first_version, shuangxi, org_admin):
    second = guide_revise(
        organisation=shuangxi,
        by=org_admin,
        values={"phone": "0797-8669999"},
        note="电话变更",
        effective_on=date(2025, 6, 1),
    )
    assert (first_version.number, second.number) == (1, 2)
    first_version.refresh_from_db()
    assert first_version.phone == "0797-8661001"
    assert second.phone == "0797-8669999" and second.office_name == CONTENT["office_name"]  # the rest carried over
    assert GuideVersion.objects.current_for(shuangxi) == second
    event = AuditEvent.objects.filter(action="guide.revise").order_by("-id").first()
    assert event.before["phone"] == "0797-8661001" and event.after["phone"] == "0797-8669999"


def test_public_page_shows_the_current_version_and_its_date_and_old_versions_stay_readable(
    client, first_version, shuangxi, org_admin
):
    guide_revise(organisation=shuangxi, by=org_admin, values={"phone": "0797-8669999"}, effective_on=date(2025, 6, 1))
    current = client.get(reverse("catalog:guide", args=["shuangxi"])).content.decode()
    assert "0797-8669999" in current and "2025年6月1日" in current and "第 2 版" in current
    assert "0797-8661001" not in current
    old = client.get(reverse("catalog:guide_version", args=["shuangxi", 1])).content.decode()
    assert "0797-8661001" in old and "历史版本" in old
    assert client.get(reverse("catalog:guide_version", args=["shuangxi", 9])).status_code == 404


def test_guide_page_without_a_guide_still_gives_the_contact(client, shuangxi):
    html = client.get(reverse("catalog:guide", args=["shuangxi"])).content.decode()
    assert "尚未发布政府信息公开指南" in html and "0797-8661001" in html


def test_saving_the_guide_in_the_admin_makes_a_new_version(client, first_version, org_admin):
    client.login(username=org_admin.username, password=PASSWORD)
    url = reverse("admin:catalog_guideversion_change", args=[first_version.pk])
    data = {**CONTENT, "phone": "0797-8660000", "effective_on": "2025-09-01", "change_note": "更换电话", "fax": ""}
    data.update({"email": "", "online_contact": ""})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first_version.refresh_from_db()
    assert first_version.phone == "0797-8661001"
    newest = GuideVersion.objects.current_for(first_version.organisation)
    assert newest.number == 2 and newest.phone == "0797-8660000" and newest.created_by == org_admin


def test_old_versions_are_read_only_in_the_admin(client, first_version, shuangxi, org_admin):
    guide_revise(organisation=shuangxi, by=org_admin, values={"phone": "0797-8669999"})
    client.login(username=org_admin.username, password=PASSWORD)
    url = reverse("admin:catalog_guideversion_change", args=[first_version.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    client.post(url, {**CONTENT, "phone": "1", "effective_on": "2025-09-01"})
    assert GuideVersion.objects.filter(organisation=shuangxi).count() == 2


def test_admin_warns_when_the_guide_was_not_reviewed_for_twelve_months(client, first_version, org_admin):
    GuideVersion.objects.filter(pk=first_version.pk).update(created_at=timezone.now() - timedelta(days=400))
    client.login(username=org_admin.username, password=PASSWORD)
    html = client.get(reverse("admin:catalog_guideversion_changelist"), follow=True).content.decode()
    assert "双溪乡的公开指南已超过 12 个月未审阅" in html


def test_confirming_a_review_silences_the_warning_without_a_new_version(client, first_version, org_admin):
    GuideVersion.objects.filter(pk=first_version.pk).update(created_at=timezone.now() - timedelta(days=400))
    first_version.refresh_from_db()
    assert first_version.review_due()
    guide_review_confirm(version=first_version, by=org_admin)
    first_version.refresh_from_db()
    assert not first_version.review_due()
    assert GuideVersion.objects.filter(organisation=first_version.organisation).count() == 1
    client.login(username=org_admin.username, password=PASSWORD)
    html = client.get(reverse("admin:catalog_guideversion_changelist")).content.decode()
    assert "未审阅" not in html


def test_a_guide_reviewed_eleven_months_ago_is_not_yet_due(first_version):
    GuideVersion.objects.filter(pk=first_version.pk).update(created_at=timezone.now() - timedelta(days=330))
    first_version.refresh_from_db()
    assert not first_version.review_due()


def test_guide_page_runs_a_constant_number_of_queries(
    client, first_version, shuangxi, org_admin, django_assert_max_num_queries
):
    for n in range(10):
        guide_revise(organisation=shuangxi, by=org_admin, values={"phone": f"0797-866{n:04d}"})
    with django_assert_max_num_queries(3):
        response = client.get(reverse("catalog:guide", args=["shuangxi"]))
    assert "第 11 版" in response.content.decode()
