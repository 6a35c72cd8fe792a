"""The accepted report is published in the township's 年度报告 column through the normal review."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from annual import services
from annual.models import AnnualReport
from disclosure import services as disclosure
from disclosure.models import Item, PersonalDataFinding

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
    item = review_through(item, reviewer)
    # The format's own row labels (属于国家秘密, 三类内部事务信息) are on the sensitive-word list:
    # the secrecy review refuses them until the approver, who did not write the item, confirms
    # them with a reason, as for any item.
    with pytest.raises(ValidationError, match="保密审查未通过"):
        disclosure.item_review(item=Item.objects.get(pk=item.pk), by=secrecy_reviewer, approve=True)
    open_findings = list(item.findings.filter(status=PersonalDataFinding.Status.OPEN))
    assert {f.masked_value for f in open_findings} == {"秘密", "内部"}
    for finding in open_findings:
        disclosure.finding_override(
            finding=finding, by=approver, reason="年度报告格式（国办公开办函〔2021〕30号）规定的表格栏目名称"
        )
    with django_capture_on_commit_callbacks(execute=True):
        item = review_through(item, secrecy_reviewer, approver)
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
