"""The figures of March 2017 for 双溪乡, from the known records in conftest.py."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from catalog.demo import demo_code
from catalog.models import Category, Channel, Organisation
from reports.exports import report_csv, report_xlsx
from reports.figures import (
    SECTIONS,
    DisplayTable,
    Section,
    compute_figures,
    headline,
    numbered,
    register_section,
    section_tables,
)
from reports.months import Month
from reports.queries import live_document
from tests.reports.conftest import MARCH

pytestmark = pytest.mark.django_db


def figures_of(organisation, month=MARCH):
    organisation = Organisation.objects.select_related("parent").get(pk=organisation.pk)
    return compute_figures([organisation], month)[organisation.pk]["sections"]


def by_name(rows):
    return {row["name"]: (row["month"], row["ytd"]) for row in rows}


def test_month_and_year_to_date_count_items_that_stood_at_month_end(march, shuangxi):
    published = figures_of(shuangxi)["published"]
    # A and B in March; C (January) and G (February, withdrawn only in April) join them for the year.
    # F went out and was withdrawn within March; E went out in April; 营前镇's item is not ours.
    assert published["total"] == {"month": 2, "ytd": 4}


def test_first_level_categories_roll_up_their_columns(march, shuangxi):
    published = figures_of(shuangxi)["published"]
    assert by_name(published["first_level"]) == {"工作动态": (1, 2), "政策文件": (1, 2), "机构概况": (0, 0)}
    assert by_name(published["categories"]) == {
        "工作动态": (1, 2),
        "政府文件": (1, 2),
        "政策解读": (0, 0),
        "机构概况": (0, 0),
    }
    assert {row["name"]: row["first_level"] for row in published["categories"]}["政策解读"] == "政策文件"


def test_publishing_bodies_include_the_office(march, shuangxi):
    assert by_name(figures_of(shuangxi)["published"]["publishers"]) == {"本级": (1, 3), "民政所": (1, 1)}


def test_an_item_on_two_channels_counts_once_in_the_channel_total(march, shuangxi):
    published = figures_of(shuangxi)["published"]
    channels = {row["code"]: (row["month"], row["ytd"]) for row in published["channels"]}
    assert channels[Channel.WEBSITE] == (1, 2)
    assert channels[Channel.NEW_MEDIA] == (1, 1)
    assert channels[Channel.BULLETIN_BOARD] == (1, 1)
    assert sum(month for month, _ in channels.values()) == 3  # A is counted on both of its channels...
    assert published["channels_distinct"] == {"month": 2, "ytd": 3}  # ...and once in the total
    assert published["multi_channel"] == {"month": 1, "ytd": 1}
    assert published["channels_unrecorded"] == {"month": 0, "ytd": 1}  # G has no channel recorded


def test_a_late_item_is_counted_and_listed_with_its_days_late(march, shuangxi):
    timeliness = figures_of(shuangxi)["timeliness"]
    assert timeliness["late"] == {"month": 1, "ytd": 2}  # B in March, G in February
    [late] = timeliness["late_items"]
    assert late["title"] == "双溪乡2017年2月财政收支情况"
    assert (late["due_on"], late["published_on"], late["days_late"]) == ("2017-03-01", "2017-03-20", 19)


def test_items_not_published_by_month_end_past_their_due_date_are_overdue(march, shuangxi):
    timeliness = figures_of(shuangxi)["timeliness"]
    overdue = [(row["title"], row["days_overdue"]) for row in timeliness["overdue_items"]]
    assert overdue == [("尚未发布的低保名单", 7), ("四月才发布的动态", 4)]
    assert timeliness["overdue"]["count"] == 2
    # At the end of February neither was due yet.
    assert figures_of(shuangxi, Month(2017, 2))["timeliness"]["overdue"]["count"] == 0


def test_obligations_whose_frequency_called_for_an_item_and_got_none(march, shuangxi):
    missed = [row["name"] for row in figures_of(shuangxi)["completeness"]["missed_obligations"]]
    # March ends a quarter: the monthly 低保资金发放 and the quarterly 三资管理 got nothing;
    # 财政收支 got B this month, 季度计划 got C in January; yearly and on-event ones are not due.
    assert missed == ["低保资金发放", "三资管理"]
    february = [row["name"] for row in figures_of(shuangxi, Month(2017, 2))["completeness"]["missed_obligations"]]
    assert february == ["财政收支", "低保资金发放"]


def test_idle_and_empty_columns_at_month_end(march, shuangxi):
    completeness = figures_of(shuangxi)["completeness"]
    idle = {
        row["name"]: (row["last_published_on"], row["idle_days"], row["limit_days"])
        for row in completeness["idle_columns"]
    }
    assert idle == {"工作动态": ("2017-03-10", 21, 14), "政策解读": ("2016-08-01", 242, 183)}
    assert [row["name"] for row in completeness["empty_columns"]] == ["机构概况"]
    assert completeness["counts"] == {"missed_obligations": 2, "idle_columns": 2, "empty_columns": 1}


def test_a_news_column_updated_within_two_weeks_is_not_idle(march, shuangxi, make_item):
    make_item(march["categories"]["dynamics"], published="2017-03-20")
    idle = [row["name"] for row in figures_of(shuangxi)["completeness"]["idle_columns"]]
    assert idle == ["政策解读"]


def test_personal_data_findings_opened_masked_and_overridden(march, shuangxi):
    findings = figures_of(shuangxi)["findings"]
    assert findings["opened"] == {"month": 3, "ytd": 3}
    resolved = {row["status"]: (row["month"], row["ytd"]) for row in findings["resolved"]}
    assert resolved["masked"] == (1, 1)
    assert resolved["overridden"] == (1, 1)
    assert findings["open_at_end"] == 1
    assert figures_of(shuangxi, Month(2017, 2))["findings"]["opened"] == {"month": 0, "ytd": 0}


def test_county_monthly_minimum_is_reported_and_judged(march, shuangxi, county, make_item):
    assert figures_of(shuangxi)["published"]["minimum"] == {"required": 3, "met": False}
    make_item(march["categories"]["documents"], published="2017-03-31")
    assert figures_of(shuangxi)["published"]["minimum"] == {"required": 3, "met": True}
    county.monthly_minimum_items = 0
    county.save()
    assert figures_of(shuangxi)["published"]["minimum"] == {"required": 0, "met": None}


def test_another_townships_month_holds_only_its_own_item(march, yingqian):
    sections = figures_of(yingqian)
    assert sections["published"]["total"] == {"month": 1, "ytd": 1}
    assert sections["timeliness"]["overdue"]["count"] == 0
    assert sections["findings"]["opened"] == {"month": 0, "ytd": 0}


def test_month_boundaries_follow_shanghai_time(shuangxi, make_item):
    category = Category.objects.create(organisation=shuangxi, code="01", name="工作动态")
    item = make_item(category, published="2017-03-31")
    # 23:30 on 31 March in Shanghai is 15:30 UTC: still March.
    item.published_at = item.published_at.replace(hour=23, minute=30)
    item.save()
    assert figures_of(shuangxi)["published"]["total"]["month"] == 1
    assert figures_of(shuangxi, Month(2017, 4))["published"]["total"] == {"month": 0, "ytd": 1}


def test_every_section_renders_display_tables_with_the_same_numbers(march, shuangxi):
    organisation = Organisation.objects.select_related("parent").get(pk=shuangxi.pk)
    figures = compute_figures([organisation], MARCH)[shuangxi.pk]
    titles = [title for title, _ in section_tables(figures)]
    # Sections registered by apps above reports (applications, mailbox) follow the built-in four.
    assert titles == ["主动公开信息情况", "公开时效", "公开完整性", "个人信息保护", *[s.title for s in SECTIONS[4:]]]
    overview = section_tables(figures)[0][1][0]
    assert overview.rows[0] == ["主动公开信息", 2, 4]
    assert headline(figures)["month"] == 2


def _more_items(make_item, categories, count):
    for n in range(count):
        make_item(categories[n % len(categories)], published=f"2017-03-{n % 28 + 1:02d}", due="2017-03-01")


def test_a_county_wide_month_runs_a_bounded_number_of_queries(
    march, county, shuangxi, yingqian, make_item, django_assert_max_num_queries
):
    def county_month():
        townships = list(Organisation.objects.townships().select_related("parent"))
        with CaptureQueriesContext(connection) as captured:
            compute_figures(townships, MARCH)
        return len(captured)

    small = county_month()
    for serial in range(4, 10):
        Organisation.objects.create(
            kind=Organisation.Kind.TOWNSHIP,
            parent=county,
            name=f"第{serial}乡",
            short_name=f"第{serial}乡",
            slug=f"t{serial}",
            code=demo_code(f"02{serial:02d}"),
        )
    categories = list(Category.objects.filter(organisation=shuangxi))
    _more_items(make_item, categories, 120)
    assert county_month() == small
    townships = list(Organisation.objects.townships().select_related("parent"))
    # +2: the working-day calendar that counts days overdue; up to three per section registered by an app.
    with django_assert_max_num_queries(13 + 3 * len(SECTIONS[4:])):
        figures = compute_figures(townships, MARCH)
    assert len(figures) == 8
    assert figures[shuangxi.pk]["sections"]["published"]["total"]["month"] == 122


def test_one_townships_month_runs_a_bounded_number_of_queries(
    march, shuangxi, make_item, django_assert_max_num_queries
):
    _more_items(make_item, list(Category.objects.filter(organisation=shuangxi)), 60)
    organisation = Organisation.objects.select_related("parent").get(pk=shuangxi.pk)
    with django_assert_max_num_queries(13 + 3 * len(SECTIONS[4:])):
        compute_figures([organisation], MARCH)


@pytest.fixture
def applications_section():
    """A stand-in for a section a later app adds (after the real 依申请公开), registered for one test."""

    def compute(context):
        return {oid: {"received": {"month": 7, "ytd": 9}} for oid in context.ids}

    def tables(data):
        return [DisplayTable("收到申请", ["项目", "本月", "本年累计"], [["新收申请", *data["received"].values()]])]

    section = register_section(Section("later_section", "后加的栏目", compute, tables))
    yield section
    SECTIONS.remove(section)


def test_a_section_registered_later_appears_in_the_figures_and_every_format(march, shuangxi, applications_section):
    organisation = Organisation.objects.select_related("parent").get(pk=shuangxi.pk)
    figures = compute_figures([organisation], MARCH)[shuangxi.pk]
    assert figures["sections"]["later_section"] == {"title": "后加的栏目", "received": {"month": 7, "ytd": 9}}
    document = live_document(organisation, MARCH, None, figures=figures)
    assert [heading for heading, _ in document.numbered_sections()][-1] == numbered(len(SECTIONS) - 1, "后加的栏目")
    assert document.narrative_heading == numbered(len(SECTIONS), "工作情况")
    rows = list(csv.reader(io.StringIO(report_csv(document).decode("utf-8-sig"))))
    assert ["新收申请", "7", "9"] in rows
    workbook = load_workbook(io.BytesIO(report_xlsx(document)))
    assert "后加的栏目" in workbook.sheetnames
    with pytest.raises(ValueError):
        register_section(applications_section)


def _timeliness_table(organisation, month, title):
    sections = compute_figures([Organisation.objects.select_related("parent").get(pk=organisation.pk)], month)
    tables = dict(section_tables(sections[organisation.pk]))["公开时效"]
    return next(table for table in tables if table.title == title)


def test_days_late_are_working_days_as_on_the_item_page_and_the_staff_home(shuangxi, make_item, author):
    from catalog.calendar import work_calendar
    from disclosure.queries import lateness_label

    news = Category.objects.create(organisation=shuangxi, code="01", name="工作动态")
    late = make_item(news, published="2026-03-20", due="2026-03-02", title="三月的迟发信息")
    Item = type(late)
    Item.objects.filter(pk=late.pk).update(
        late_workdays=work_calendar().workdays_between(late.due_on, late.published_at.date())
    )
    late.refresh_from_db()
    make_item(news, status=Item.Status.DRAFT, due="2026-03-16", title="月末仍未发布")
    month = Month(2026, 3)

    table = _timeliness_table(shuangxi, month, "本月超过公开时限发布的信息")
    assert table.columns[-1] == "超期工作日数"
    assert table.rows[0][-1] == late.late_workdays == 14  # 3 to 20 March: three weekends
    assert lateness_label(late) == "逾期 14 个工作日发布"

    table = _timeliness_table(shuangxi, month, "月末逾期未发布的信息")
    assert table.columns[-1] == "月末已逾期工作日数"
    assert table.rows[0][-1] == work_calendar().workdays_between(datetime.date(2026, 3, 16), datetime.date(2026, 3, 31))


def test_a_year_without_a_calendar_falls_back_to_labelled_calendar_days(march, shuangxi):
    table = _timeliness_table(shuangxi, MARCH, "本月超过公开时限发布的信息")
    assert table.rows[0][-1] == "19（日历日）"
