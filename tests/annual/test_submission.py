"""Submission freezes a version with its four files; the county office accepts or returns; files read back."""

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from annual import services
from annual.models import AnnualDecision, AnnualFile, AnnualReport, AnnualVersion
from disclosure.models import Item
from tests.annual.conftest import at

pytestmark = pytest.mark.django_db


def read(stored: AnnualFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def test_submission_freezes_figures_narrative_checks_and_four_files(submitted_2024, shuangxi):
    version = submitted_2024
    assert version.number == 1 and version.report.status == AnnualReport.Status.SUBMITTED
    assert version.figures["table3"]["received"]["total"] == 4
    assert version.narrative["overview_proactive"] == "主动公开情况。"
    assert all(check["status"] != "failed" for check in version.checks)
    files = {stored.format: stored for stored in version.files.all()}
    assert set(files) == {"docx", "pdf", "xlsx", "json"}
    for file_format, stored in files.items():
        data = read(stored)
        assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
        assert stored.download_name == f"双溪乡2024年政府信息公开工作年度报告.{file_format}"
    # The deadline for 2024 is 31 January 2025; submitted on the 20th.
    assert version.deadline.isoformat() == "2025-01-31" and version.is_late is False


def test_later_changes_to_the_records_do_not_touch_the_frozen_version(submitted_2024, items, shuangxi):
    before = read(submitted_2024.files.get(format="json"))
    Item.objects.filter(pk=items["N1"].pk).update(document_kind=Item.DocumentKind.OTHER)
    version = AnnualVersion.objects.get(pk=submitted_2024.pk)
    assert version.figures["table2"]["documents"]["normative"]["valid"] == 2
    assert read(version.files.get(format="json")) == before
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        AnnualVersion.objects.filter(pk=version.pk).update(number=9)


def refused_by_the_database(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


def test_the_database_itself_refuses_to_change_or_delete_a_frozen_annual_version(submitted_2024, county_office):
    decision = services.annual_accept(version=submitted_2024, by=county_office)
    stored = submitted_2024.files.get(format="docx")
    # Plain SQL, past the ORM's guard: the triggers of the monthly reports' tables refuse it too.
    assert refused_by_the_database(
        "UPDATE annual_annualversion SET narrative = '{}' WHERE id = %s", [submitted_2024.pk]
    )
    assert refused_by_the_database("UPDATE annual_annualfile SET sha256 = 'x' WHERE id = %s", [stored.pk])
    assert refused_by_the_database("UPDATE annual_annualdecision SET comment = '改过' WHERE id = %s", [decision.pk])
    assert refused_by_the_database("DELETE FROM annual_annualdecision")
    assert refused_by_the_database("DELETE FROM annual_annualfile")
    assert refused_by_the_database("DELETE FROM annual_annualversion WHERE id = %s", [submitted_2024.pk])
    if connection.vendor == "postgresql":
        # TRUNCATE is refused by the same function (tests/ops/test_append_only.py); inside this test's
        # transaction PostgreSQL would refuse it earlier, for the pending foreign-key checks.
        tables = ["annual_annualversion", "annual_annualfile", "annual_annualdecision"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'annual_%%_no_truncate'")
            assert sorted(name for (name,) in cursor.fetchall()) == sorted(f"{t}_no_truncate" for t in tables)
    version = AnnualVersion.objects.get(pk=submitted_2024.pk)
    assert version.narrative["overview_proactive"] == "主动公开情况。"
    assert version.files.get(format="docx").sha256 == stored.sha256
    assert AnnualDecision.objects.get(pk=decision.pk).outcome == AnnualDecision.Outcome.ACCEPTED


def test_no_second_submission_while_the_county_holds_it(submitted_2024, shuangxi, org_admin, fill):
    with pytest.raises(services.AnnualError, match="等待县政务公开办处理"):
        services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-21"))
    with pytest.raises(services.AnnualError, match="不能修改"):
        fill(2024)


def test_the_year_must_be_over(applications, items, fill, shuangxi, org_admin):
    fill(2024)
    with pytest.raises(services.AnnualError, match="尚未结束"):
        services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2024-12-31", 23))


def test_only_the_townships_admin_or_approver_submits(applications, items, fill, shuangxi, author, outsider):
    fill(2024)
    for user in (author, outsider):
        with pytest.raises(services.PermissionDenied):
            services.annual_submit(organisation=shuangxi, year=2024, by=user, at=at("2025-01-20"))


def test_county_returns_with_a_comment_then_accepts_the_resubmission(
    submitted_2024, county_office, shuangxi, org_admin, fill
):
    with pytest.raises(services.AnnualError, match="退回意见"):
        services.annual_return(version=submitted_2024, by=county_office, comment="  ")
    with pytest.raises(services.PermissionDenied):
        services.annual_accept(version=submitted_2024, by=org_admin)
    services.annual_return(version=submitted_2024, by=county_office, comment="请补充平台建设情况。")
    assert AnnualReport.objects.get(organisation=shuangxi, year=2024).status == AnnualReport.Status.RETURNED
    fill(2024)
    second = services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-02-03"))
    assert second.number == 2 and second.is_late is True
    assert second.files.get(format="docx").download_name == "双溪乡2024年政府信息公开工作年度报告（第2版）.docx"
    with pytest.raises(services.AnnualError, match="已处理过"):
        services.annual_accept(version=submitted_2024, by=county_office)
    decision = services.annual_accept(version=second, by=county_office)
    assert decision.outcome == AnnualDecision.Outcome.ACCEPTED
    assert AnnualReport.objects.get(organisation=shuangxi, year=2024).status == AnnualReport.Status.ACCEPTED


def test_the_deadline_is_a_setting(settings, applications, items, fill, shuangxi, org_admin):
    settings.ANNUAL_REPORT_DEADLINE = "01-15"
    fill(2024)
    version = services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-20"))
    assert version.deadline.isoformat() == "2025-01-15" and version.is_late is True


def test_a_failure_while_writing_files_leaves_no_row_and_no_file(
    monkeypatch, applications, items, fill, shuangxi, org_admin, settings
):
    fill(2024)
    from annual import exports

    def broken(doc):
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.RENDERERS, "xlsx", broken)
    with pytest.raises(RuntimeError):
        services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-20"))
    assert not AnnualVersion.objects.exists() and not AnnualFile.objects.exists()
    # The applications' letters are on disk; nothing of the report is.
    media = settings.MEDIA_ROOT
    assert list(media.glob("applications/letters/**/*.pdf"))
    assert not list((media / "annual").rglob("*.docx")) and not list((media / "annual").rglob("*.pdf"))
    assert exports.RENDERERS is services.RENDERERS


# --- The files, read back -------------------------------------------------------------------


def test_docx_tables_hold_the_figures_with_merged_headers(submitted_2024):
    document = Document(io.BytesIO(read(submitted_2024.files.get(format="docx"))))
    table2, table3, table4 = document.tables
    text = "\n".join(p.text for p in document.paragraphs)
    assert "双溪乡2024年政府信息公开工作年度报告" in text and "主动公开情况。" in text
    # 表二: 行政规范性文件 row; entered figures span the three value columns.
    assert [c.text for c in table2.rows[3].cells] == ["行政规范性文件", "2", "0", "2"]
    assert [c.text for c in table2.rows[6].cells] == ["行政许可", "12", "12", "12"]  # one merged cell
    assert table2.cell(6, 1)._tc is table2.cell(6, 3)._tc
    assert table2.cell(13, 1).text == "1.25"
    # 表三: the merged header, 一 and 四 rows, the outcome rows under 三.
    assert table3.cell(0, 0)._tc is table3.cell(2, 2)._tc
    assert table3.cell(0, 3).text == "申请人情况" and table3.cell(0, 3)._tc is table3.cell(0, 9)._tc
    assert [table3.cell(3, c).text for c in range(3, 10)] == ["2", "1", "1", "0", "0", "0", "4"]
    assert [table3.cell(5, c).text for c in range(3, 10)] == ["1", "0", "0", "0", "0", "0", "1"]
    assert table3.cell(5, 0).text == "三、本年度办理结果" and table3.cell(5, 0)._tc is table3.cell(26, 0)._tc
    assert [table3.cell(27, c).text for c in range(3, 10)] == ["1", "0", "1", "0", "0", "0", "2"]
    # 表四: one row of fifteen numbers under three header rows.
    assert table4.cell(0, 0).text == "行政复议" and table4.cell(0, 5).text == "行政诉讼"
    assert [table4.cell(3, c).text for c in range(15)] == ["0", "1", "0", "0", "1"] + ["0"] * 10


def test_xlsx_json_and_pdf_hold_the_figures(submitted_2024):
    workbook = load_workbook(io.BytesIO(read(submitted_2024.files.get(format="xlsx"))))
    sheet = workbook["表格"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    received = next(row for row in values if row[0] == "一、本年新收政府信息公开申请数量")
    assert received[3:10] == [2, 1, 1, 0, 0, 0, 4]
    header_row = next(n for n, row in enumerate(values, start=1) if row[3] == "申请人情况")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"D{header_row}:J{header_row}" in merged and f"A{header_row}:C{header_row + 2}" in merged
    assert workbook["勾稽校验"].max_row == 1 + len(submitted_2024.checks)

    payload = json.loads(read(submitted_2024.files.get(format="json")))
    assert payload["figures"]["table3"]["carried_out"] == {
        "natural": 1,
        "business": 0,
        "research": 1,
        "public_interest": 0,
        "legal_service": 0,
        "other": 0,
        "total": 2,
    }
    assert Decimal(payload["figures"]["table2"]["entered"]["fees"]["value"]) == Decimal("1.25")
    assert payload["figures"]["table2"]["entered"]["permits"]["source_note"] == "县行政审批局系统导出"

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(read(submitted_2024.files.get(format="pdf")))).pages
    )
    compact = "".join(text.split())
    assert "双溪乡2024年政府信息公开工作年度报告" in compact
    assert "三、收到和处理政府信息公开申请情况" in compact and "结转下年度继续办理" in compact
    assert "县行政审批局系统导出" in compact
