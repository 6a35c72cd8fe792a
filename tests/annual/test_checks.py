"""Every 勾稽 check, failing and passing, each failure naming its cell; a failing check blocks submission."""

import copy
from decimal import Decimal

import pytest

from annual import services
from annual.checks import failures, run_checks
from annual.figures import compute_year
from annual.models import AnnualReport
from disclosure.models import Item
from reports import services as report_services
from reports.months import Month
from tests.annual.conftest import at
from township_portal.lib import annual as annual_lib

pytestmark = pytest.mark.django_db


def failed_cells(figures) -> list[str]:
    return [check.cell for check in failures(run_checks(figures))]


@pytest.fixture
def year_2025(submitted_2024, fill, shuangxi):
    fill(2025)
    return compute_year([shuangxi], 2025)[shuangxi.pk]


def test_every_check_passes_on_the_fixture(year_2025):
    checks = run_checks(year_2025)
    assert failures(checks) == []
    # Last year was frozen on the platform: the carry-over checks were made, not skipped.
    assert all(check.status == "ok" for check in checks if check.key.startswith(("carry_", "valid_")))


def test_balance_per_column_fails_naming_the_column(year_2025):
    figures = copy.deepcopy(year_2025)
    figures["table3"]["received"]["research"] += 1
    figures["table3"]["received"]["total"] += 1
    assert failed_cells(figures) == ["表三 第3列（科研机构）", "表三 第7列（总计）"]


def test_outcome_total_must_be_the_sum_of_the_outcome_rows(year_2025):
    figures = copy.deepcopy(year_2025)
    figures["table3"]["refused_4"]["research"] = 0
    figures["table3"]["refused_4"]["total"] = 0
    assert "表三 三、（七）总计 第3列（科研机构）" in failed_cells(figures)


def test_total_column_must_be_the_sum_of_six(year_2025):
    figures = copy.deepcopy(year_2025)
    figures["table3"]["carried_out"]["total"] = 3
    cells = failed_cells(figures)
    assert "表三 总计列" in cells
    check = next(c for c in run_checks(figures) if c.cell == "表三 总计列")
    assert "四、结转下年度继续办理：六列之和 2，总计 3" in check.message


def test_table4_total_must_be_the_sum_of_its_results(year_2025):
    figures = copy.deepcopy(year_2025)
    figures["table4"]["lawsuit_direct"]["total"] = 2
    assert failed_cells(figures) == ["表四 行政诉讼（未经复议直接起诉） 总计"]


def test_an_outcome_outside_the_format_fails(monkeypatch, year_2025, shuangxi):
    def odd_source(*, organisation_ids, year):
        return {shuangxi.pk: annual_lib.AnnualFigures(outcomes={"partly_disclosed": {"natural": 1}})}

    monkeypatch.setitem(annual_lib._SOURCES, "odd", odd_source)
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert "表三 三、本年度办理结果" in failed_cells(figures)


def test_this_years_carried_in_must_equal_last_years_frozen_carried_out(year_2025, applications, shuangxi):
    # An application of 2024 entered after 2024's report was frozen, still open at 2025's start.
    applications.add("late", "natural", "2024-11-02", closed="2025-03-01", outcome="disclosed")
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert "表三 二、上年结转 第1列（自然人）" in failed_cells(figures)
    check = next(c for c in run_checks(figures) if c.cell == "表三 二、上年结转 第1列（自然人）")
    assert check.message == "本年“二”＝2，上年冻结报告的“四、结转下年度继续办理”＝1"


def test_in_force_must_equal_last_years_plus_issued_minus_repealed(year_2025, items, shuangxi):
    # Withdrawing a normative document (instead of repealing it) breaks the chain.
    Item.objects.filter(pk=items["N1"].pk).update(
        status=Item.Status.WITHDRAWN, withdrawn_at=at("2025-07-01"), withdrawal_reason="误发"
    )
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert failed_cells(figures) == ["表二 行政规范性文件 现行有效件数"]
    check = next(c for c in run_checks(figures) if c.cell == "表二 行政规范性文件 现行有效件数")
    assert check.message == "上年冻结报告的现行有效 2 ＋ 本年制发 2 − 本年废止 2 ＝ 2，表中现行有效 1"


def test_frozen_monthly_reports_must_add_up_to_the_year(year_2025, columns, make_item, shuangxi, org_admin):
    march = Month(2025, 3)
    report_services.report_save_narrative(
        organisation=shuangxi, month=march, by=org_admin, work_done="按时公开。", problems="", improvements=""
    )
    report_services.report_submit(organisation=shuangxi, month=march, by=org_admin, at=at("2025-04-03"))
    assert failed_cells(compute_year([shuangxi], 2025)[shuangxi.pk]) == []
    # An item back-dated into March after March was frozen.
    make_item(columns["news"], "2025-03-20")
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert failed_cells(figures) == ["3月月报 本月主动公开信息", "一、总体情况 本年主动公开信息条数"]
    messages = {c.cell: c.message for c in run_checks(figures)}
    assert messages["3月月报 本月主动公开信息"] == "已上报的3月月报（第1版）为 1 条，按记录为 2 条"
    assert messages["一、总体情况 本年主动公开信息条数"] == "12个月月报合计 5 条，年度报告 6 条"


def test_entered_figures_are_required(applications, items, fill, shuangxi):
    fill(2024, entered={})
    figures = compute_year([shuangxi], 2024)[shuangxi.pk]
    assert failed_cells(figures) == [
        "表二 行政许可 本年处理决定数量",
        "表二 行政处罚 本年处理决定数量",
        "表二 行政强制 本年处理决定数量",
        "表二 行政事业性收费 本年收费金额（万元）",
    ]


def test_without_a_frozen_last_year_the_carry_over_is_skipped_not_failed(applications, items, fill, shuangxi):
    fill(2024)
    checks = run_checks(compute_year([shuangxi], 2024)[shuangxi.pk])
    assert {c.status for c in checks if c.key.startswith("carry_")} == {"skipped"}
    assert failures(checks) == []


def test_a_failing_check_blocks_submission_and_names_the_cell(applications, items, fill, shuangxi, org_admin):
    fill(2024, entered={})
    with pytest.raises(services.AnnualError) as refused:
        services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-20"))
    assert "表二 行政许可 本年处理决定数量" in refused.value.messages[0]
    report = AnnualReport.objects.get(organisation=shuangxi, year=2024)
    assert report.status == AnnualReport.Status.DRAFT and report.checks_ok is False
    assert not report.versions.exists()


def test_every_save_runs_the_checks(applications, items, fill, shuangxi):
    report, checks = fill(2024, entered={})
    assert AnnualReport.objects.get(pk=report.pk).checks_ok is False
    _report, checks = fill(2024)
    assert failures(checks) == []
    assert AnnualReport.objects.get(pk=report.pk).checks_ok is True


def test_first_year_carry_over_entered_by_hand_is_recorded_and_checked(applications, items, fill, shuangxi, org_admin):
    fill(2024)
    # Last year's paper report said one application by a 自然人 was carried into 2024; the platform has none.
    report, checks = services.annual_enter_previous(
        organisation=shuangxi,
        year=2024,
        by=org_admin,
        carried_out={"natural": 1},
        valid={"regulation": 0, "normative": 0},
        note="2023年度报告（纸质版）",
    )
    figures = compute_year([shuangxi], 2024)[shuangxi.pk]
    assert figures["previous"]["basis"] == "manual"
    assert "手工录入" in figures["previous"]["note"] and "2023年度报告（纸质版）" in figures["previous"]["note"]
    assert [c.cell for c in failures(checks)] == [
        "表三 二、上年结转 第1列（自然人）",
        "表三 二、上年结转 第7列（总计）",
    ]
    _report, checks = services.annual_enter_previous(
        organisation=shuangxi, year=2024, by=org_admin, carried_out={}, valid={}, note="2023年度报告（纸质版）"
    )
    assert failures(checks) == []


def test_carry_over_by_hand_is_refused_once_last_year_is_on_the_platform(submitted_2024, shuangxi, org_admin):
    with pytest.raises(services.AnnualError, match="已在平台上报"):
        services.annual_enter_previous(
            organisation=shuangxi, year=2025, by=org_admin, carried_out={}, valid={}, note="纸质版"
        )


def test_an_entered_figure_needs_its_source(applications, items, shuangxi, org_admin):
    with pytest.raises(services.AnnualError, match="数据来源"):
        services.annual_save(
            organisation=shuangxi, year=2024, by=org_admin, narrative={}, entered={"permits": (Decimal("3"), " ")}
        )
    assert not AnnualReport.objects.filter(entered_figures__isnull=False).exists()


def test_twelve_frozen_months_of_applications_must_add_up_to_table_three(year_2025, applications, shuangxi, org_admin):
    for number in range(1, 13):
        month = Month(2025, number)
        report_services.report_save_narrative(
            organisation=shuangxi, month=month, by=org_admin, work_done="按时公开。", problems="", improvements=""
        )
        report_services.report_submit(
            organisation=shuangxi, month=month, by=org_admin, at=at(f"{month.next().first_day}")
        )
    checks = {c.cell: c for c in run_checks(compute_year([shuangxi], 2025)[shuangxi.pk])}
    assert checks["1—12月月报 收到申请合计"].status == "ok"
    assert checks["1—12月月报 收到申请合计"].message == "已上报的12个月月报合计 6 件，年度报告 6 件"
    assert checks["1—12月月报 办结合计"].status == "ok"
    # An application of May registered after May's report was frozen.
    applications.add("late", "natural", "2025-05-12", closed="2025-05-30", outcome="disclosed")
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert failed_cells(figures) == ["1—12月月报 收到申请合计", "1—12月月报 办结合计"]
    check = next(c for c in run_checks(figures) if c.cell == "1—12月月报 办结合计")
    assert check.message == "已上报的12个月月报合计 6 件，年度报告 7 件"
