"""Submitting a month freezes it; the county office accepts it or returns it; resubmission is a new version."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from catalog.demo import demo_code
from catalog.models import Organisation
from disclosure.models import Item
from reports import services
from reports.figures import compute_figures
from reports.models import MonthlyReport, ReportDecision, ReportFile, ReportVersion
from reports.months import Month
from tests.reports.conftest import MARCH, at

pytestmark = pytest.mark.django_db

CHONGYI = demo_code("0900")
WORK = "本月完成信息公开目录梳理，召开政务公开工作培训会一次。"


def write(organisation, by, **narrative):
    fields = {"work_done": WORK, "problems": "部分信息发布不够及时。", "improvements": "落实专人每周更新。"}
    fields.update(narrative)
    return services.report_save_narrative(organisation=organisation, month=MARCH, by=by, **fields)


def submit(organisation, by, when="2017-04-03"):
    return services.report_submit(organisation=organisation, month=MARCH, by=by, at=at(when))


def file_bytes(version, file_format):
    stored = version.files.get(format=file_format)
    with stored.file.open("rb") as handle:
        return handle.read()


def test_org_admin_submits_and_the_version_keeps_figures_narrative_and_four_checksummed_files(
    march, shuangxi, org_admin
):
    write(shuangxi, org_admin)
    version = submit(shuangxi, org_admin)
    assert version.number == 1
    assert version.report.status == MonthlyReport.Status.SUBMITTED
    assert version.figures["sections"]["published"]["total"] == {"month": 2, "ytd": 4}
    assert version.narrative["work_done"] == WORK
    files = {stored.format: stored for stored in version.files.all()}
    assert set(files) == {"xlsx", "csv", "pdf", "json"}
    for file_format, stored in files.items():
        data = file_bytes(version, file_format)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert stored.size == len(data)
    assert files["xlsx"].download_name == "双溪乡2017年3月政务公开月报.xlsx"
    event = AuditEvent.objects.get(action="report.submit")
    assert event.actor == org_admin and event.organisation == shuangxi
    assert event.after["sha256"]["pdf"] == files["pdf"].sha256


def test_editing_items_after_submission_changes_nothing_in_the_submitted_report_or_its_files(
    march, shuangxi, approver, make_item
):
    write(shuangxi, approver)
    version = submit(shuangxi, approver)
    before = {stored.format: (stored.sha256, file_bytes(version, stored.format)) for stored in version.files.all()}
    frozen = version.figures

    # After submission: an item moves into March, another is retitled, a new one appears, one is withdrawn.
    items = march["items"]
    Item.objects.filter(pk=items["E"].pk).update(published_at=at("2017-03-30"))
    Item.objects.filter(pk=items["B"].pk).update(title="改过的标题")
    make_item(march["categories"]["documents"], published="2017-03-25")
    Item.objects.filter(pk=items["A"].pk).update(
        status=Item.Status.WITHDRAWN, withdrawn_at=at("2017-03-31"), withdrawal_reason="错误"
    )

    version = ReportVersion.objects.get(pk=version.pk)
    assert version.figures == frozen
    after = {stored.format: (stored.sha256, file_bytes(version, stored.format)) for stored in version.files.all()}
    assert after == before
    # The records did change: the live month is different now.
    live = compute_figures([shuangxi], MARCH)[shuangxi.pk]["sections"]["published"]["total"]
    assert live != frozen["sections"]["published"]["total"]


def test_a_version_its_files_and_decisions_cannot_be_changed_or_deleted(march, shuangxi, org_admin):
    write(shuangxi, org_admin)
    version = submit(shuangxi, org_admin)
    version.figures = {}
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        ReportVersion.objects.filter(pk=version.pk).update(is_late=True)
    with pytest.raises(PermissionError):
        ReportFile.objects.filter(version=version).delete()
    with pytest.raises(PermissionError):
        version.report.delete()
    with pytest.raises(PermissionError):
        MonthlyReport.objects.all().delete()
    assert ReportFile.objects.filter(version=version).count() == 4


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        (datetime.datetime(2017, 4, 5, 23, 59), False),  # the 5th of the next month, late evening: on time
        (datetime.datetime(2017, 4, 6, 0, 1), True),
        (datetime.datetime(2017, 5, 20, 9, 0), True),
    ],
)
def test_a_submission_after_the_deadline_day_of_the_next_month_is_late(march, shuangxi, org_admin, submitted, late):
    write(shuangxi, org_admin)
    version = services.report_submit(
        organisation=shuangxi, month=MARCH, by=org_admin, at=timezone.make_aware(submitted)
    )
    assert version.deadline == datetime.date(2017, 4, 5)
    assert version.is_late is late


def test_the_deadline_day_is_a_setting_and_is_kept_inside_short_months(settings):
    settings.REPORT_DEADLINE_DAY = 10
    assert Month(2017, 3).deadline == datetime.date(2017, 4, 10)
    settings.REPORT_DEADLINE_DAY = 31
    assert Month(2017, 1).deadline == datetime.date(2017, 2, 28)
    assert Month(2017, 12).deadline == datetime.date(2018, 1, 31)


def test_a_month_cannot_be_submitted_before_it_ends(march, shuangxi, org_admin):
    write(shuangxi, org_admin)
    with pytest.raises(services.ReportError, match="尚未结束"):
        submit(shuangxi, org_admin, when="2017-03-31")
    assert not ReportVersion.objects.exists()


def test_a_month_without_the_work_section_cannot_be_submitted(march, shuangxi, org_admin):
    write(shuangxi, org_admin, work_done="   ")
    with pytest.raises(services.ReportError, match="本月工作开展情况"):
        submit(shuangxi, org_admin)


def test_a_submitted_month_cannot_be_submitted_again_or_rewritten(march, shuangxi, org_admin):
    write(shuangxi, org_admin)
    submit(shuangxi, org_admin)
    with pytest.raises(services.ReportError, match="不能重复上报"):
        submit(shuangxi, org_admin, when="2017-04-04")
    with pytest.raises(services.ReportError, match="不能修改"):
        write(shuangxi, org_admin, work_done="偷偷改")
    assert MonthlyReport.objects.get().work_done == WORK
    assert ReportVersion.objects.count() == 1


def test_only_the_townships_org_admin_or_approver_prepare_the_report(
    march, shuangxi, author, reviewer, county_office, outsider
):
    for user in (author, reviewer, county_office, outsider):
        with pytest.raises(PermissionDenied):
            write(shuangxi, user)
        with pytest.raises(PermissionDenied):
            submit(shuangxi, user)
    assert not MonthlyReport.objects.exists()


def test_county_office_returns_with_a_comment_and_the_resubmission_is_a_new_version(
    march, shuangxi, org_admin, county_office, make_item
):
    write(shuangxi, org_admin)
    first = submit(shuangxi, org_admin)
    first_pdf = file_bytes(first, "pdf")

    with pytest.raises(services.ReportError, match="退回意见"):
        services.report_return(version=first, by=county_office, comment="  ")
    decision = services.report_return(version=first, by=county_office, comment="请补充低保资金发放情况。")
    assert decision.outcome == ReportDecision.Outcome.RETURNED
    report = MonthlyReport.objects.get()
    assert report.status == MonthlyReport.Status.RETURNED

    # The township corrects the records and the narrative, and submits again.
    make_item(march["categories"]["documents"], published="2017-03-28", obligation=march["obligations"]["assistance"])
    write(shuangxi, org_admin, improvements="已补充低保资金发放公示。")
    second = submit(shuangxi, org_admin, when="2017-04-08")
    assert second.number == 2
    assert second.figures["sections"]["published"]["total"]["month"] == 3
    assert second.files.get(format="xlsx").download_name == "双溪乡2017年3月政务公开月报（第2版）.xlsx"

    # The first version is still there, as it was.
    first = ReportVersion.objects.get(pk=first.pk)
    assert first.figures["sections"]["published"]["total"]["month"] == 2
    assert first.narrative["improvements"] == "落实专人每周更新。"
    assert file_bytes(first, "pdf") == first_pdf
    assert first.decision.comment == "请补充低保资金发放情况。"

    # Only the latest version can be decided; the county office accepts it and the month closes.
    with pytest.raises(services.ReportError):
        services.report_accept(version=first, by=county_office)
    services.report_accept(version=second, by=county_office)
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.ACCEPTED
    with pytest.raises(services.ReportError, match="已被县政务公开办接收"):
        submit(shuangxi, org_admin, when="2017-04-09")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "report.narrative_save",
        "report.submit",
        "report.returned",
        "report.narrative_save",
        "report.submit",
        "report.accepted",
    ]


def test_only_the_county_office_of_the_townships_county_decides(
    march, shuangxi, org_admin, approver, make_staff, county
):
    write(shuangxi, org_admin)
    version = submit(shuangxi, org_admin)
    other_county = Organisation.objects.create(
        kind=Organisation.Kind.COUNTY,
        name="崇义县人民政府",
        short_name="崇义县",
        slug="chongyi",
        code=demo_code("0900"),
    )
    neighbour = make_staff("cy_office", other_county, "county_office")
    for user in (org_admin, approver, neighbour):
        with pytest.raises(PermissionDenied):
            services.report_accept(version=version, by=user)
    assert not ReportDecision.objects.exists()
