"""Intake: online applications, registered ones, confirmation, bad input writing nothing."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent
from audit.models import AuditEvent
from tests.applications.conftest import USCC, WRONG_ID, applicant

pytestmark = pytest.mark.django_db


def test_online_application_waits_for_confirmation_and_gets_a_hashed_code(submitted):
    assert submitted.number == f"SHUANGXI-{timezone.localdate().year}-0001"
    assert submitted.status == Application.Status.SUBMITTED and submitted.received_on is None
    assert len(submitted.query_code) == 8
    assert submitted.query_code not in submitted.query_code_hash
    assert services.query_code_matches(submitted, submitted.query_code.lower())
    assert not services.query_code_matches(submitted, "23456789")
    assert not services.query_code_matches(None, submitted.query_code)


def test_the_same_form_token_never_makes_a_second_application(shuangxi, details):
    token = uuid.uuid4()
    first, _code = services.application_submit(organisation=shuangxi, details=details, token=token)
    with pytest.raises(services.DuplicateSubmission) as exc:
        services.application_submit(organisation=shuangxi, details=details, token=token)
    assert exc.value.application == first
    assert Application.objects.count() == 1


def test_confirming_makes_the_confirmation_day_the_day_of_receipt(submitted, author):
    services.application_confirm(application=submitted, by=author)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.OPEN
    assert submitted.received_on == timezone.localdate()
    assert submitted.due_on is not None
    assert AuditEvent.objects.filter(action="application.confirm").count() == 1


def test_the_county_office_and_another_township_cannot_confirm(submitted, county_office, outsider):
    for person in (county_office, outsider):
        with pytest.raises(PermissionDenied):
            services.application_confirm(application=submitted, by=person)


def test_a_letter_is_registered_with_its_day_of_receipt_and_the_clock_runs(registered):
    application = registered(received_on=date(2025, 1, 24))
    # 20 working days after Fri 2025-01-24 across 春节 (see test_clock): Thu 2025-02-27.
    assert application.due_on == date(2025, 2, 27)
    assert application.channel == "letter"
    assert list(application.events.values_list("kind", flat=True)) == ["received"]


def test_an_organisation_applies_with_its_credit_code(shuangxi, author):
    application, _code = services.application_register(
        organisation=shuangxi,
        by=author,
        channel="oral",
        received_on=date(2025, 5, 6),
        details=applicant(
            applicant_kind="legal_service",
            applicant_name="江西某律师事务所",
            id_type="uscc",
            id_number=USCC,
            contact_person="刘律师",
        ),
    )
    assert application.applicant_kind == "legal_service"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": WRONG_ID}, "id_number", "校验码"),
        ({"applicant_name": ""}, "applicant_name", "请填写"),
        ({"description": "查" * 100_000}, "description", "最多 2000 个字，现在是 100000 个字"),
        ({"applicant_name": "<script>alert(1)</script>"}, "applicant_name", "不能包含网页标记或脚本"),
        ({"address": "<img src=x onerror=alert(1)>"}, "address", "不能包含网页标记或脚本"),
        (
            {"applicant_kind": "business", "id_type": "uscc", "id_number": USCC[:-1] + "0", "contact_person": "王"},
            "id_number",
            "统一社会信用代码不正确",
        ),
        ({"applicant_kind": "business", "id_type": "resident_id"}, "id_number", "统一社会信用代码"),
        ({"phone": "abc"}, "phone", "联系电话格式不正确"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(shuangxi, overrides, field, message):
    files_before = default_storage.exists("applications")
    with pytest.raises(ValidationError) as exc:
        services.application_submit(organisation=shuangxi, details=applicant(**overrides), token=uuid.uuid4())
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert Application.objects.count() == 0 and ApplicationEvent.objects.count() == 0
    assert default_storage.exists("applications") == files_before


def test_a_step_dated_after_the_fact_is_recorded_then_but_never_in_the_future(shuangxi, author, approver):
    """Services that date a step "now" take an earlier moment (a case written up afterwards)."""
    from datetime import datetime, timedelta

    moment = timezone.make_aware(datetime(2025, 5, 6, 15, 30))
    application, _code = services.application_register(
        organisation=shuangxi, by=author, channel="letter", received_on=date(2025, 5, 6), details=applicant(), at=moment
    )
    assert application.submitted_at == moment
    answer = services.answer_draft(
        application=application, by=author, outcome="disclosed", explanation="现予公开。", at=moment
    )
    services.answer_approve(answer=answer, by=approver, at=moment + timedelta(days=9))
    application.refresh_from_db()
    assert application.closed_on == date(2025, 5, 15)
    assert application.events.get(kind="answered").on == date(2025, 5, 15)

    later, _ = services.application_register(
        organisation=shuangxi, by=author, channel="letter", received_on=date(2025, 5, 7), details=applicant()
    )
    with pytest.raises(ValidationError, match="时间不能晚于现在"):
        services.answer_draft(
            application=later,
            by=author,
            outcome="disclosed",
            explanation="现予公开。",
            at=timezone.now() + timedelta(hours=1),
        )
    assert not later.answers.exists()
