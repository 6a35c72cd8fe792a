"""双溪乡's demo applications in every state, made through the services (idempotent).

The content is in `demo_data.json`; dates count back in working days from today, so the
staff home always shows some due soon and some overdue, whatever day the demo is loaded.
"""

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.models import Application
from catalog.calendar import CalendarMissingError, work_calendar
from catalog.models import Organisation
from disclosure.attachments import attachment_check
from township_portal.lib.orgcode import uscc_check_char
from township_portal.lib.pdf import Heading, Paragraph, build_pdf
from township_portal.lib.personal_data import id_check_char

DATA = Path(__file__).with_name("demo_data.json")


def _back(calendar, today: date, workdays: int) -> date:
    day = today
    while workdays:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            workdays -= 1
    return day


def _details(row: dict) -> dict:
    organisation = row.get("kind", "natural") != "natural"
    body = row.get("uscc_body") if organisation else row["id_body"]
    check = uscc_check_char(body) if organisation else id_check_char(body)
    return {
        "applicant_kind": row.get("kind", "natural"),
        "applicant_name": row["name"],
        "id_type": "uscc" if organisation else "resident_id",
        "id_number": body + check,
        "contact_person": row.get("contact", ""),
        "phone": "13979700000",
        "address": "上犹县双溪乡",
        "description": row["description"],
        "document_title": row.get("title", ""),
        "document_number": row.get("number", ""),
        "form_wanted": "paper",
        "delivery_wanted": "post",
    }


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = build_pdf(
        [Heading("2025年大石门村危房改造补助名单"), Paragraph("户主：温某某，补助标准 1.5 万元。")], title="名单"
    )
    return attachment_check(SimpleUploadedFile("危房改造补助名单.pdf", data))


def _step(application, step, *, by, head, calendar, today):
    do = step["do"]
    on = _back(calendar, today, step["at"]) if "at" in step else None
    if do == "correction_send":
        services.correction_send(
            application=application,
            by=by,
            missing=step["missing"],
            on=on,
            until=calendar.add_workdays(on, step["until_days"]),
        )
    elif do == "correction_lapse":
        services.correction_lapse(application=application, by=by)
    elif do == "third_party_consult":
        services.third_party_consult(application=application, by=by, party=step["party"], on=on)
    elif do == "extend":
        services.application_extend(application=application, by=head, days=step["days"], reason=step["reason"], on=on)
    elif do == "fee_notice":
        services.fee_notify(application=application, by=by, amount=step["amount"], basis=step["basis"], on=on)
    elif do == "answer":
        answer = services.answer_draft(
            application=application,
            by=by,
            outcome=step["outcome"],
            explanation=step["explanation"],
            legal_basis=step.get("legal_basis", ""),
            holder_name=step.get("holder", ""),
            files=[_file()] if step.get("file") else [],
        )
        services.answer_approve(answer=answer, by=head, findings_checked=True)
    elif do == "deliver":
        services.answer_deliver(application=application, by=by, means=step["means"])
    elif do == "remedy":
        services.remedy_record(
            application=application,
            by=by,
            kind=step["kind"],
            body=step["body"],
            filed_on=_back(calendar, today, step["filed_at"]),
        )


def load_applications(*, stdout) -> None:
    shuangxi = Organisation.objects.filter(slug="shuangxi").first()
    if shuangxi is None or Application.objects.filter(organisation=shuangxi).exists():
        return
    users = get_user_model().objects
    author, head = users.get(username="sx_author"), users.get(username="sx_approver")
    calendar = work_calendar()
    rows = json.loads(DATA.read_text(encoding="utf-8"))["applications"]
    anchor = timezone.localdate()
    # Late in a year whose successor's holidays are not loaded yet, a pause or an extension
    # would run past the calendar: then the whole demo is dated a few weeks earlier.
    for _attempt in range(6):
        try:
            with transaction.atomic():
                for row in rows:
                    _load_one(row, shuangxi, author, head, calendar, anchor)
        except (CalendarMissingError, ValidationError) as exc:
            if isinstance(exc, ValidationError) and getattr(exc, "code", "") != "calendar_missing":
                raise
            anchor = _back(calendar, anchor, 15)
            continue
        stdout.write(f"依申请公开：{len(rows)} 件演示申请（双溪乡，日期以 {anchor:%Y-%m-%d} 为准）。")
        return
    stdout.write("依申请公开演示数据未加载：工作日历不足，请先加载下一年的节假日安排。")


def _load_one(row, shuangxi, author, head, calendar, today):
    details = _details(row)
    if row["received"] is None:
        services.application_submit(organisation=shuangxi, details=details, token=uuid.uuid4())
        return
    channel = row["channel"] if row["channel"] != "online" else "letter"
    application, _code = services.application_register(
        organisation=shuangxi,
        by=author,
        channel=channel,
        received_on=_back(calendar, today, row["received"]),
        details=details,
    )
    for step in row["steps"]:
        _step(application, step, by=author, head=head, calendar=calendar, today=today)
        application.refresh_from_db()
