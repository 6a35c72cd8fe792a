"""The accepted report is published in the township's 年度报告 column through the normal review."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from annual import services
from annual.models import AnnualReport
from disclosure import services as disclosure
from disclosure.models import Item, PersonalDataFinding
from tests.annual.conftest import ENTERED_2024, NARRATIVE, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted_2024(submitted_2024, county_office):
    services.annual_accept(version=submitted_2024, by=county_office)
    return AnnualReport.objects.get(pk=submitted_2024.report_id)


def review_through(item, *people):
    for person in people:
        item = disclosure.item_review(item=Item.objects.get(pk=item.pk), by=person, approve=True)
    return Item.objects.get(pk=item.pk)


def test_publication_waits_for_acceptance(submitted_2024, org_admin):
    with pytest.raises(services.AnnualError, match="接收年度报告后"):
        services.annual_publish(report=submitted_2024.report, by=org_admin)


def test_accepted_report_goes_through_review_and_is_public_with_tables(
    accepted_2024,
    org_admin,
    reviewer,
    secrecy_reviewer,
    approver,
    client,
    columns,
    shuangxi,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.annual_publish(report=accepted_2024, by=org_admin)
    assert item.status == Item.Status.IN_REVIEW and item.category == columns["annual"]
    assert item.index_number is None
    assert sorted(a.original_name for a in item.attachments.all()) == [
        "双溪乡2024年政府信息公开工作年度报告.docx",
        "双溪乡2024年政府信息公开工作年度报告.pdf",
    ]
    # The author of the item (who drafted it from the report) cannot approve it.
    with pytest.raises(disclosure_permission_denied()):
        disclosure.item_review(item=item, by=org_admin, approve=True)
    # The format's own row labels (1.属于国家秘密, 5.属于三类内部事务信息) hold words of the
    # sensitive-word list; in the body, the DOCX and the PDF they are the format's, not findings.
    assert (
        "1.属于国家秘密" in item.body
        and "三类内部事务信息" in item.attachments.get(original_name__endswith=".pdf").text
    )
    assert not item.findings.exists()
    with django_capture_on_commit_callbacks(execute=True):
        item = review_through(item, reviewer, secrecy_reviewer, approver)
    assert item.status == Item.Status.PUBLISHED and item.index_number
    assert '<th scope="col" colspan="7">申请人情况</th>' in item.body
    with pytest.raises(services.AnnualError, match="已送审发布"):
        services.annual_publish(report=accepted_2024, by=org_admin)

    with django_assert_max_num_queries(25):
        page = client.get(reverse("portal:item", args=[shuangxi.slug, item.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<caption>三、收到和处理政府信息公开申请情况</caption>" in html
    assert '<th scope="row" colspan="3">一、本年新收政府信息公开申请数量</th>' in html
    assert item.index_number in html and "双溪乡2024年政府信息公开工作年度报告.pdf" in html
    column = client.get(reverse("portal:category", args=[shuangxi.slug, columns["annual"].code]))
    assert "双溪乡2024年政府信息公开工作年度报告" in column.content.decode()


def test_without_an_annual_column_publication_is_refused(accepted_2024, columns, org_admin):
    columns["annual"].name = "其他栏目"
    columns["annual"].save()
    with pytest.raises(services.AnnualError, match="没有“年度报告”栏目"):
        services.annual_publish(report=accepted_2024, by=org_admin)
    assert not Item.objects.filter(title__contains="年度报告").exists()


def disclosure_permission_denied():
    from django.core.exceptions import PermissionDenied

    return PermissionDenied


def test_a_sensitive_word_typed_into_the_narrative_is_still_found(
    applications, items, fill, shuangxi, org_admin, county_office, reviewer, secrecy_reviewer, columns
):
    fill(2024)
    services.annual_save(
        organisation=shuangxi,
        year=2024,
        by=org_admin,
        narrative={**NARRATIVE, "problems": "部分内部资料未及时整理归档。"},
        entered=ENTERED_2024,
    )
    version = services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-20"))
    services.annual_accept(version=version, by=county_office)
    item = services.annual_publish(report=AnnualReport.objects.get(pk=version.report_id), by=org_admin)
    # Found in the body and in the DOCX and PDF that carry the narrative; the labels still are not.
    found = item.findings.filter(status=PersonalDataFinding.Status.OPEN)
    assert sorted((f.location, f.masked_value, f.occurrences) for f in found) == [
        ("attachment", "内部", 1),
        ("attachment", "内部", 1),
        ("body", "内部", 1),
    ]
    item = review_through(item, reviewer)
    with pytest.raises(ValidationError, match="保密审查未通过"):
        disclosure.item_review(item=Item.objects.get(pk=item.pk), by=secrecy_reviewer, approve=True)


def test_the_formats_labels_are_exempt_only_in_the_annual_column(columns, author, shuangxi):
    # The same label in an ordinary item is a finding like any other.
    item = disclosure.item_create(
        by=author,
        organisation=shuangxi,
        category=columns["news"],
        title="工作动态",
        written_on=datetime.date(2025, 3, 1),
        body="<p>1.属于国家秘密</p>",
    )
    assert [f.masked_value for f in item.findings.all()] == ["秘密"]
