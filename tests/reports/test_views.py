"""The report pages and the board: who sees what, forms that refuse bad input, constant queries."""

import datetime

import pytest
from django.urls import reverse

from catalog.demo import demo_code
from catalog.models import Category, Organisation
from reports import services
from reports.models import MonthlyReport, ReportVersion
from reports.months import Month
from tests.reports.conftest import MARCH, at, login

pytestmark = pytest.mark.django_db

WORK = "组织全乡干部学习《政府信息公开条例》。"


def report_url(name="reports:report", slug="shuangxi", month=MARCH, **kwargs):
    return reverse(name, kwargs={"slug": slug, "month": month, **kwargs})


def submitted(shuangxi, org_admin, when="2017-04-03"):
    services.report_save_narrative(
        organisation=shuangxi, month=MARCH, by=org_admin, work_done=WORK, problems="", improvements=""
    )
    return services.report_submit(organisation=shuangxi, month=MARCH, by=org_admin, at=at(when))


def all_urls(version_number=1):
    return [
        reverse("reports:index"),
        reverse("reports:board") + "?month=2017-03",
        reverse("reports:county_download", kwargs={"month": MARCH}),
        report_url(),
        report_url("reports:draft_download", file_format="xlsx"),
        report_url("reports:version", number=version_number),
        report_url("reports:download", number=version_number, file_format="pdf"),
    ]


def test_residents_are_sent_to_the_login_page(client, march, shuangxi, org_admin):
    submitted(shuangxi, org_admin)
    for url in all_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    for url in (report_url("reports:narrative"), report_url("reports:submit"), report_url("reports:decide", number=1)):
        assert client.post(url, {"work_done": "x", "outcome": "accepted"}).status_code == 302
    assert MonthlyReport.objects.get().work_done == WORK


def test_an_outsider_from_another_township_gets_404_for_everything_of_shuangxi(
    client, march, shuangxi, org_admin, outsider
):
    submitted(shuangxi, org_admin)
    login(client, outsider)
    for url in all_urls()[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(report_url("reports:submit")).status_code == 404
    assert client.post(report_url("reports:decide", number=1), {"outcome": "accepted"}).status_code == 404
    # Their own index lists only their own township's months.
    html = client.get(reverse("reports:index")).content.decode()
    assert "营前镇" in html and "双溪乡" not in html


def test_a_user_with_no_staff_record_sees_nothing(client, march, django_user_model):
    django_user_model.objects.create_user("resident", password="persona-password-1")
    assert client.login(username="resident", password="persona-password-1")
    assert client.get(reverse("reports:index")).status_code == 404
    assert client.get(report_url()).status_code == 404
    assert client.get(reverse("reports:board")).status_code == 404


def test_township_author_reads_the_live_report_but_cannot_write_or_submit(client, march, author):
    login(client, author)
    response = client.get(report_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "双溪乡2017年3月政务公开月报" in html
    assert "按当前记录实时计算" in html
    assert 'name="work_done"' not in html
    assert client.post(report_url("reports:narrative"), {"work_done": "x"}).status_code == 404
    assert client.post(report_url("reports:submit")).status_code == 404
    assert client.get(reverse("reports:board")).status_code == 404
    assert not MonthlyReport.objects.exists()


def test_org_admin_writes_the_narrative_and_submits_through_the_pages(client, march, org_admin):
    login(client, org_admin)
    html = client.get(report_url()).content.decode()
    assert 'name="work_done"' in html and "上报2017年3月月报" in html
    response = client.post(
        report_url("reports:narrative"), {"work_done": WORK, "problems": "问题", "improvements": "措施"}
    )
    assert response.status_code == 302
    response = client.post(report_url("reports:submit"), follow=True)
    html = response.content.decode()
    assert "已上报第1版（逾期上报）" in html  # submitted today, long after 5 April 2017
    assert "以下为上报时冻结的数据" in html
    assert 'name="work_done"' not in html
    version = ReportVersion.objects.get()
    assert version.narrative == {"work_done": WORK, "problems": "问题", "improvements": "措施"}
    assert version.submitted_by == org_admin


def test_an_overlong_narrative_is_refused_with_a_message_and_nothing_is_saved(client, march, approver):
    login(client, approver)
    response = client.post(report_url("reports:narrative"), {"work_done": "长" * 5001})
    assert response.status_code == 200
    assert "5000" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_submitting_without_the_work_section_shows_a_message(client, march, approver):
    login(client, approver)
    response = client.post(report_url("reports:submit"), follow=True)
    assert "请先填写“本月工作开展情况”再上报。" in response.content.decode()
    assert not ReportVersion.objects.exists()


def test_pressing_submit_without_saving_submits_what_was_typed(client, march, approver):
    login(client, approver)
    typed = {"work_done": WORK, "problems": "部分栏目更新不及时。", "improvements": "每周检查一次。"}
    response = client.post(report_url("reports:submit"), typed, follow=True)
    assert "已上报第1版" in response.content.decode()
    assert ReportVersion.objects.get().narrative == typed


def test_a_refused_submit_gives_back_everything_typed(client, shuangxi, approver):
    login(client, approver)
    current = Month.current()
    typed = {"work_done": "本月已召开会议。", "problems": "暂无<问题>", "improvements": "继续保持"}
    response = client.post(report_url("reports:submit", month=current), typed)
    html = response.content.decode()
    assert response.status_code == 200 and "尚未结束" in html
    assert "\n本月已召开会议。</textarea>" in html and "\n暂无&lt;问题&gt;</textarea>" in html
    assert not ReportVersion.objects.exists()
    # Nothing typed is lost: the text is kept as the working copy.
    assert MonthlyReport.objects.get().narrative() == typed


def test_a_refused_overlong_submit_keeps_the_text_and_saves_nothing(client, march, approver):
    login(client, approver)
    response = client.post(report_url("reports:submit"), {"work_done": "长" * 5001, "problems": "问题一"})
    html = response.content.decode()
    assert response.status_code == 200 and "5000" in html and "\n问题一</textarea>" in html
    assert not MonthlyReport.objects.exists()


def test_the_current_month_cannot_be_submitted_from_the_page(client, shuangxi, approver):
    login(client, approver)
    current = Month.current()
    services.report_save_narrative(
        organisation=shuangxi, month=current, by=approver, work_done=WORK, problems="", improvements=""
    )
    response = client.post(report_url("reports:submit", month=current), follow=True)
    assert "尚未结束" in response.content.decode()
    assert not ReportVersion.objects.exists()


def test_bad_months_in_the_address_are_not_found(client, march, org_admin):
    login(client, org_admin)
    assert client.get("/reports/shuangxi/2017-13/").status_code == 404
    assert client.get("/reports/shuangxi/1899-01/").status_code == 404
    assert client.get("/reports/shuangxi/2017-03/v9/").status_code == 404
    assert client.get("/reports/shuangxi/2017-03/draft.exe").status_code == 404
    assert client.get("/reports/nowhere/2017-03/").status_code == 404


def test_county_office_reads_downloads_and_decides_but_never_writes(client, march, shuangxi, org_admin, county_office):
    version = submitted(shuangxi, org_admin)
    login(client, county_office)
    assert client.get(reverse("reports:index")).status_code == 302  # straight to the board
    html = client.get(report_url()).content.decode()
    assert 'name="work_done"' not in html
    assert 'name="outcome"' in html
    assert client.post(report_url("reports:narrative"), {"work_done": "县里改的"}).status_code == 404
    assert client.post(report_url("reports:submit")).status_code == 404
    for url in all_urls():
        assert client.get(url).status_code in (200, 302), url

    response = client.post(report_url("reports:decide", number=1), {"outcome": "returned", "comment": ""})
    assert response.status_code == 200
    assert "请填写退回意见" in response.content.decode()
    response = client.post(
        report_url("reports:decide", number=1), {"outcome": "returned", "comment": "请补充改进措施。"}, follow=True
    )
    assert "已退回双溪乡2017年3月月报" in response.content.decode()
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.RETURNED
    assert MonthlyReport.objects.get().work_done == WORK
    assert version.decision.comment == "请补充改进措施。"


def test_a_township_sees_the_return_comment_and_old_versions_stay_readable(
    client, march, shuangxi, org_admin, county_office
):
    version = submitted(shuangxi, org_admin)
    services.report_return(version=version, by=county_office, comment="请补充改进措施。")
    login(client, org_admin)
    html = client.get(report_url()).content.decode()
    assert "请补充改进措施。" in html and 'name="work_done"' in html
    client.post(report_url("reports:narrative"), {"work_done": WORK, "improvements": "已补充。"})
    client.post(report_url("reports:submit"))
    assert ReportVersion.objects.count() == 2
    first = client.get(report_url("reports:version", number=1)).content.decode()
    assert "本版为历史版本" in first and "（未填写）" in first
    assert client.get(report_url("reports:download", number=1, file_format="json")).status_code == 200
    second = client.get(report_url("reports:version", number=2)).content.decode()
    assert "已补充。" in second


def test_township_staff_cannot_decide_their_own_report(client, march, shuangxi, org_admin, approver):
    submitted(shuangxi, org_admin)
    login(client, approver)
    assert 'name="outcome"' not in client.get(report_url()).content.decode()
    assert client.post(report_url("reports:decide", number=1), {"outcome": "accepted"}).status_code == 404
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.SUBMITTED


@pytest.fixture
def county_with_every_status(county, shuangxi, yingqian, make_staff, org_admin, county_office, march):
    """Six townships, one per board status, for March 2017."""
    townships = {"shuangxi": shuangxi, "yingqian": yingqian}
    for serial, slug, name in (
        (4, "shexi", "社溪镇"),
        (5, "doushui", "陡水镇"),
        (6, "youshi", "油石乡"),
        (7, "wuzhifeng", "五指峰乡"),
    ):
        townships[slug] = Organisation.objects.create(
            kind=Organisation.Kind.TOWNSHIP,
            parent=county,
            name=f"上犹县{name}人民政府",
            short_name=name,
            slug=slug,
            code=demo_code(f"01{serial:02d}"),
            order=serial,
        )
    admins = {"shuangxi": org_admin}
    for slug in ("yingqian", "shexi", "doushui", "youshi", "wuzhifeng"):
        admins[slug] = make_staff(f"{slug}_admin", townships[slug], "org_admin")
        if slug != "yingqian":
            Category.objects.create(organisation=townships[slug], code="01", name="工作动态")

    def prepare(slug):
        services.report_save_narrative(
            organisation=townships[slug], month=MARCH, by=admins[slug], work_done=WORK, problems="", improvements=""
        )

    def submit(slug, when):
        prepare(slug)
        return services.report_submit(organisation=townships[slug], month=MARCH, by=admins[slug], at=at(when))

    submit("shuangxi", "2017-04-03")  # submitted on time
    prepare("yingqian")  # draft
    submit("shexi", "2017-04-12")  # submitted late
    services.report_return(version=submit("doushui", "2017-04-02"), by=county_office, comment="数字有误")
    services.report_accept(version=submit("youshi", "2017-04-01"), by=county_office)
    return townships  # 五指峰乡 has not started


def status_cells(html):
    import re

    return dict(
        re.findall(
            r'<th scope="row"><a href="/reports/\w+/2017-03/">(.+?)</a></th>\s*<td><span[^>]*>(.+?)</span>', html
        )
    )


def test_board_shows_every_township_with_its_status_figures_and_files(
    client, county_office, county_with_every_status, django_assert_max_num_queries
):
    login(client, county_office)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("reports:board"), {"month": "2017-03"})
    html = response.content.decode()
    assert status_cells(html) == {
        "双溪乡": "按时上报",
        "营前镇": "草稿",
        "社溪镇": "逾期上报",
        "陡水镇": "已退回",
        "油石乡": "已接收",
        "五指峰乡": "未开始",
    }
    assert '<td class="num">2</td><td class="num">4</td>' in html  # 双溪乡's month and year to date
    assert report_url("reports:download", number=1, file_format="xlsx") in html
    assert "<svg" in html and 'role="img"' in html and 'id="trend-table"' in html
    assert "2016年4月" in html and "2017年3月" in html  # the twelve months of the chart and its table


def test_board_queries_do_not_grow_with_townships_or_items(
    client, county_office, county_with_every_status, make_item, django_assert_max_num_queries
):
    login(client, county_office)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("reports:board"), {"month": "2017-03"})
    category = Category.objects.get(organisation__slug="wuzhifeng")
    for day in range(1, 29):
        make_item(category, published=f"2017-03-{day:02d}")
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("reports:board"), {"month": "2017-03"})
    assert len(after) == len(before)


def test_board_refuses_a_bad_month_with_a_message_not_an_error(client, county_office, march):
    login(client, county_office)
    response = client.get(reverse("reports:board"), {"month": "2017-3x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请按“年-月”格式填写月份" in html
    assert Month.current().previous().label in html


def test_board_chart_counts_items_per_month(client, county_office, march, make_item):
    login(client, county_office)
    html = client.get(reverse("reports:board"), {"month": "2017-03"}).content.decode()
    table = html[html.index('id="trend-table"') :]
    row = table[table.index('<th scope="row">双溪乡</th>') :].split("</tr>")[0]
    cells = [cell.split("<")[0] for cell in row.split('<td class="num">')[1:]]
    # April 2016 … March 2017: August 2016 has the old item, January C, February G, March A and B.
    assert cells == ["0", "0", "0", "0", "1", "0", "0", "0", "0", "1", "1", "2"]


def test_report_page_runs_a_bounded_number_of_queries(
    client, march, shuangxi, org_admin, county_office, make_item, django_assert_max_num_queries
):
    submitted(shuangxi, org_admin)
    login(client, county_office)
    with django_assert_max_num_queries(25):
        assert client.get(report_url()).status_code == 200
    login(client, org_admin)
    category = march["categories"]["documents"]
    for day in range(1, 20):
        make_item(category, published=datetime.date(2017, 3, day).isoformat())
    with django_assert_max_num_queries(35):
        assert client.get(report_url(month=Month(2017, 4))).status_code == 200


def test_the_admin_lists_reports_read_only_and_scoped_to_the_township(
    client, march, shuangxi, yingqian, org_admin, outsider, county_office
):
    submitted(shuangxi, org_admin)
    changelist = reverse("admin:reports_monthlyreport_changelist")
    login(client, org_admin)
    html = client.get(changelist).content.decode()
    assert "双溪乡2017年3月政务公开月报" in html and report_url() in html
    report = MonthlyReport.objects.get()
    change = client.get(reverse("admin:reports_monthlyreport_change", args=[report.pk]))
    assert change.status_code == 200 and WORK in change.content.decode()
    assert (
        client.post(reverse("admin:reports_monthlyreport_change", args=[report.pk]), {"work_done": "x"}).status_code
        == 403
    )
    assert client.get(reverse("admin:reports_monthlyreport_add")).status_code == 403
    login(client, outsider)
    assert "双溪乡2017年3月政务公开月报" not in client.get(changelist).content.decode()
    login(client, county_office)
    assert "双溪乡2017年3月政务公开月报" in client.get(changelist).content.decode()


def test_the_admin_list_leads_to_the_report_pages(client, county_office):
    login(client, county_office)
    html = client.get(reverse("admin:reports_monthlyreport_changelist")).content.decode()
    assert f'href="{reverse("reports:index")}"' in html
