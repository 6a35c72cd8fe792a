"""The whole path of an application through the services: 补正, third party, extension, fee, answer."""

import io
from datetime import date

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from applications import services
from applications.models import Answer, Application, Letter
from disclosure.attachments import attachment_check
from tests.disclosure.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def letter_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_correction_restarts_the_clock_and_goes_out_once_with_its_letter(registered, author):
    application = registered(received_on=date(2025, 3, 3))
    services.correction_send(
        application=application,
        by=author,
        missing="请写明所需信息的年份和村组。",
        until=date(2025, 3, 19),
        on=date(2025, 3, 5),
    )
    application.refresh_from_db()
    assert application.status == Application.Status.CORRECTION and application.due_on is None
    letter = application.letters.get()
    assert letter.kind == Letter.Kind.CORRECTION
    text = letter_text(letter)
    assert application.number in text and "请写明所需信息的年份和村组" in text
    assert "补正" in "".join(p.text for p in docx.Document(letter.docx.open("rb")).paragraphs)

    services.correction_receive(application=application, by=author, on=date(2025, 3, 17))
    application.refresh_from_db()
    # 20 fresh working days from 2025-03-17 (see test_clock): 2025-04-15.
    assert application.status == Application.Status.OPEN and application.due_on == date(2025, 4, 15)
    with pytest.raises(ValidationError, match="只能发出一次"):
        services.correction_send(
            application=application, by=author, missing="再补", until=date(2025, 3, 28), on=date(2025, 3, 18)
        )


def test_a_correction_notice_after_seven_working_days_is_refused(registered, author):
    application = registered(received_on=date(2025, 1, 24))
    with pytest.raises(ValidationError, match="7 个工作日内"):
        # The 7th working day after 2025-01-24 is 2025-02-10 (see test_clock).
        services.correction_send(
            application=application, by=author, missing="x", until=date(2025, 3, 1), on=date(2025, 2, 11)
        )
    assert not application.letters.exists()


def test_only_the_head_of_the_office_extends_once(registered, author, approver):
    application = registered(received_on=date(2025, 9, 15))
    with pytest.raises(PermissionDenied):
        services.application_extend(
            application=application, by=author, days=20, reason="需要调取档案", on=date(2025, 10, 9)
        )
    services.application_extend(
        application=application, by=approver, days=20, reason="需要调取档案", on=date(2025, 10, 9)
    )
    application.refresh_from_db()
    # 2025-10-17 plus 20 working days (see test_clock): 2025-11-14.
    assert application.due_on == date(2025, 11, 14)
    assert "2025年11月14日" in letter_text(application.letters.get(kind=Letter.Kind.EXTENSION))
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.application_extend(application=application, by=approver, days=5, reason="再延", on=date(2025, 10, 10))
    with pytest.raises(ValidationError, match="1 到 20"):
        services.application_extend(application=registered(), by=approver, days=21, reason="x", on=date(2025, 3, 4))


def test_third_party_and_fee_pause_the_clock(registered, author):
    application = registered(received_on=date(2025, 6, 9))
    services.third_party_consult(application=application, by=author, party="某合作社", on=date(2025, 6, 13))
    application.refresh_from_db()
    assert application.consulting and application.due_on == date(2025, 7, 28)
    third_party_letter = application.letters.get(kind=Letter.Kind.THIRD_PARTY)
    assert not third_party_letter.to_applicant
    services.third_party_reply(application=application, by=author, on=date(2025, 6, 24), note="不同意公开")
    application.refresh_from_db()
    assert not application.consulting and application.due_on == date(2025, 7, 16)

    fee = registered(received_on=date(2025, 4, 21))
    services.fee_notify(
        application=fee, by=author, amount="100", basis="本月第11件申请，按件计收", on=date(2025, 4, 25)
    )
    fee.refresh_from_db()
    assert fee.status == Application.Status.FEE and fee.pause_until == date(2025, 5, 27)
    services.fee_pay(application=fee, by=author, on=date(2025, 5, 7))
    fee.refresh_from_db()
    assert fee.due_on == date(2025, 5, 29)


def test_no_correction_in_time_closes_as_other_1(registered, author):
    application = registered(received_on=date(2025, 3, 3))
    services.correction_send(
        application=application, by=author, missing="x", until=date(2025, 3, 19), on=date(2025, 3, 5)
    )
    services.correction_lapse(application=application, by=author)
    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED and application.outcome == "other_1"


def test_partial_answer_drafted_by_one_approved_by_another_with_its_letter(registered, author, approver, org_admin):
    application = registered(received_on=date(2025, 3, 3))
    checked = attachment_check(upload("危房改造名单.pdf", pdf_bytes("危房改造补助名单 钟秀英 13979712345")))
    with pytest.raises(ValidationError) as exc:
        services.answer_draft(application=application, by=author, outcome="partial", explanation="部分公开。")
    assert "legal_basis" in exc.value.message_dict
    answer = services.answer_draft(
        application=application,
        by=author,
        outcome="partial",
        explanation="补助标准予以公开；名单中的身份证号码和电话已删除。",
        legal_basis="《中华人民共和国政府信息公开条例》第三十七条",
        files=[checked],
    )
    assert answer.files.get().findings, "the phone number in the file is found"
    with pytest.raises(PermissionDenied):
        services.answer_approve(answer=answer, by=author)
    with pytest.raises(ValidationError, match="个人信息"):
        services.answer_approve(answer=answer, by=approver)
    services.answer_approve(answer=answer, by=approver, findings_checked=True)
    application.refresh_from_db()
    answer.refresh_from_db()
    assert application.status == Application.Status.CLOSED and application.outcome == "partial"
    assert answer.state == Answer.State.APPROVED and answer.decided_by == approver
    text = letter_text(application.letters.get(kind=Letter.Kind.ANSWER))
    assert application.number in text and "部分公开" in text and "六十日" in text and "六个月" in text
    services.answer_deliver(application=application, by=author, means="post")
    assert application.answers.get().delivered_on is not None


def test_the_drafter_never_approves_even_holding_both_roles(registered, org_admin):
    application = registered(received_on=date(2025, 3, 3))
    answer = services.answer_draft(application=application, by=org_admin, outcome="disclosed", explanation="予以公开。")
    with pytest.raises(PermissionDenied, match="不能审批自己的答复"):
        services.answer_approve(answer=answer, by=org_admin)


def test_not_held_names_the_holder_and_hands_over_on_the_platform(registered, author, approver, yingqian):
    application = registered(received_on=date(2025, 3, 3))
    answer = services.answer_draft(
        application=application,
        by=author,
        outcome="unable_1",
        explanation="经检索，本机关不掌握该信息。",
        holder_organisation=yingqian,
    )
    services.answer_approve(answer=answer, by=approver)
    copy = Application.objects.get(handed_over_from=application)
    assert copy.organisation == yingqian and copy.status == Application.Status.SUBMITTED
    assert services.query_code_matches(copy, application.query_code)
    assert copy.number in letter_text(application.letters.get(kind=Letter.Kind.ANSWER))


def test_a_stale_form_is_told_to_refresh(registered, author):
    application = registered(received_on=date(2025, 3, 3))
    old_version = application.version
    services.third_party_consult(
        application=application, by=author, party="甲", on=date(2025, 3, 4), version=old_version
    )
    with pytest.raises(ValidationError, match="刷新"):
        services.third_party_reply(application=application, by=author, on=date(2025, 3, 5), version=old_version)


def test_already_public_names_the_item_and_its_index_number(registered, author, approver, make_item, publish):
    item = publish(make_item(title="双溪乡2025年危房改造补助标准"))
    application = registered(received_on=date(2025, 3, 3))
    answer = services.answer_draft(
        application=application, by=author, outcome="disclosed", explanation="该信息已主动公开。", published_item=item
    )
    assert answer.published_index_number == item.index_number
    services.answer_approve(answer=answer, by=approver)
    assert item.index_number in letter_text(application.letters.get(kind=Letter.Kind.ANSWER))


def test_a_disclosed_file_that_is_a_web_page_is_refused_and_nothing_is_written(client, registered, author):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    application = registered(received_on=date(2025, 3, 3))
    client.force_login(author)
    response = client.post(
        reverse("admin:applications_application_step", args=[application.pk, "answer_draft"]),
        {
            "answer_draft-version": application.version,
            "answer_draft-outcome": "disclosed",
            "answer_draft-explanation": "予以公开。",
            "answer_draft-files": SimpleUploadedFile("名单.pdf", b"<html><script>alert(1)</script></html>"),
        },
        follow=True,
    )
    assert "公开的文件" in response.content.decode()
    assert not Answer.objects.exists()
