"""The monthly report's 依申请公开 section in every format, and the annual source's exact numbers."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from applications import services
from applications.figures import applications_year
from reports.months import Month
from tests.applications.conftest import OTHER_ID, USCC
from township_portal.lib.annual import annual_sources

pytestmark = pytest.mark.django_db
MARCH_2025 = Month(2025, 3)


@pytest.fixture
def march_cases(registered, author, approver):
    """Four applications received in March 2025, one in February; 补正, extension, third party in March."""
    old = registered(received_on=date(2025, 2, 24))
    a = registered(received_on=date(2025, 3, 3))
    b = registered(received_on=date(2025, 3, 4), id_number=OTHER_ID)
    c = registered(received_on=date(2025, 3, 10))
    d = registered(received_on=date(2025, 3, 11))
    services.correction_send(
        application=a, by=author, missing="请写明年份。", until=date(2025, 3, 20), on=date(2025, 3, 5)
    )
    services.application_extend(application=b, by=approver, days=10, reason="需要调取档案", on=date(2025, 3, 25))
    services.third_party_consult(application=c, by=author, party="某合作社", on=date(2025, 3, 12))
    return {"old": old, "a": a, "b": b, "c": c, "d": d}


def section_of(client, user, month, file_format):
    client.force_login(user)
    url = reverse("reports:draft_download", kwargs={"slug": "shuangxi", "month": month, "file_format": file_format})
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_month_with_applications_shows_its_figures_in_every_format(client, march_cases, org_admin):
    client.force_login(org_admin)
    html = client.get(reverse("reports:report", kwargs={"slug": "shuangxi", "month": MARCH_2025})).content.decode()
    assert "依申请公开" in html and "发出补正通知" in html and "征求第三方意见" in html

    data = json.loads(section_of(client, org_admin, MARCH_2025, "json"))
    section = data["sections"]["applications"] if "sections" in data else data["figures"]["sections"]["applications"]
    assert section["received"] == {"month": 4, "ytd": 5}
    assert section["corrections"] == {"month": 1, "ytd": 1}
    assert section["extended"] == {"month": 1, "ytd": 1}
    assert section["third_party"] == {"month": 1, "ytd": 1}
    assert section["open_at_end"] == 5
    # Overdue at 2025-03-31: only February's (due 20 working days after 02-24: 03-24).
    assert section["overdue_at_end"] == 1

    rows = list(csv.reader(io.StringIO(section_of(client, org_admin, MARCH_2025, "csv").decode("utf-8-sig"))))
    assert ["收到申请", "4", "5"] in rows and ["发出补正通知", "1", "1"] in rows

    workbook = load_workbook(io.BytesIO(section_of(client, org_admin, MARCH_2025, "xlsx")))
    sheet_rows = list(workbook["依申请公开"].iter_rows(values_only=True))
    assert ("收到申请", 4, 5) in sheet_rows and ("征求第三方意见", 1, 1) in sheet_rows

    pdf = PdfReader(io.BytesIO(section_of(client, org_admin, MARCH_2025, "pdf")))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "依申请公开" in text and "收到申请" in text and "延长答复期限" in text


def test_answers_count_in_the_month_they_were_approved_by_outcome(client, march_cases, author, approver, org_admin):
    answer = services.answer_draft(
        application=march_cases["d"], by=author, outcome="refused_4", explanation="涉及第三方。", legal_basis="第十五条"
    )
    services.answer_approve(answer=answer, by=approver)
    this_month = Month.of(timezone.localdate())
    data = json.loads(section_of(client, org_admin, this_month, "json"))
    section = data["sections"]["applications"] if "sections" in data else data["figures"]["sections"]["applications"]
    assert section["outcomes"]["refused_4"] == {"month": 1, "ytd": 1}
    assert section["answered"] == {"month": 1, "ytd": 1}
    assert sum(v["ytd"] for v in section["outcomes"].values()) == 1


def test_the_annual_source_gives_table_three_and_four_with_exact_numbers(
    shuangxi, yingqian, registered, author, approver, django_assert_max_num_queries
):
    this_year = timezone.localdate().year
    last_year = registered(received_on=date(this_year - 1, 3, 3))  # carried into this year, answered now
    lawyer = registered(
        received_on=date(this_year - 1, 3, 4),
        applicant_kind="legal_service",
        applicant_name="某律师事务所",
        id_type="uscc",
        id_number=USCC,
        contact_person="刘",
    )
    this_one = registered(received_on=date(this_year, 3, 2))
    fee = registered(received_on=date(this_year, 3, 3))
    answer = services.answer_draft(application=last_year, by=author, outcome="disclosed", explanation="予以公开。")
    services.answer_approve(answer=answer, by=approver)
    services.fee_notify(application=fee, by=author, amount="100", basis="按件", on=date(this_year, 3, 4))
    services.fee_pay(application=fee, by=author, on=date(this_year, 3, 6))
    services.remedy_record(
        application=last_year, by=author, kind="review", body="上犹县人民政府", filed_on=date(this_year, 4, 1)
    )
    services.remedy_record(
        application=lawyer,
        by=author,
        kind="lawsuit_direct",
        body="上犹县人民法院",
        filed_on=date(this_year, 2, 1),
        result="upheld",
        decided_on=date(this_year, 5, 1),
    )
    assert annual_sources()["applications"] is applications_year
    with django_assert_max_num_queries(4):
        figures = applications_year(organisation_ids=[shuangxi.pk, yingqian.pk], year=this_year)
    mine = figures[shuangxi.pk]
    assert mine.received == {
        "natural": 2,
        "business": 0,
        "research": 0,
        "public_interest": 0,
        "legal_service": 0,
        "other": 0,
    }
    assert mine.carried_in["natural"] == 1 and mine.carried_in["legal_service"] == 1
    assert mine.outcomes["disclosed"]["natural"] == 1
    assert sum(sum(row.values()) for row in mine.outcomes.values()) == 1
    assert mine.carried_out == {
        "natural": 2,
        "business": 0,
        "research": 0,
        "public_interest": 0,
        "legal_service": 1,
        "other": 0,
    }
    # 一 + 二 = 三（七）+ 四 in every column.
    for kind in mine.received:
        outcomes = sum(row[kind] for row in mine.outcomes.values())
        assert mine.received[kind] + mine.carried_in[kind] == outcomes + mine.carried_out[kind], kind
    assert mine.remedies["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1}
    assert mine.remedies["lawsuit_direct"]["upheld"] == 1
    assert mine.fees_yuan == Decimal("100.00")
    assert figures[yingqian.pk].received["natural"] == 0
    # Last year: the two received, none closed, both carried out; this year's 二 equals last year's 四.
    before = applications_year(organisation_ids=[shuangxi.pk], year=this_year - 1)[shuangxi.pk]
    assert before.received["natural"] == 1 and before.received["legal_service"] == 1
    assert before.carried_out == mine.carried_in
    assert this_one.organisation_id == shuangxi.pk
