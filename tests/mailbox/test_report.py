"""The monthly report's 群众留言办理 section: its figures, and the same numbers in every format."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from catalog.models import Organisation
from mailbox.models import Message
from reports import services as report_services
from reports.exports import report_csv, report_pdf, report_xlsx
from reports.figures import compute_figures
from reports.months import Month
from reports.queries import live_document
from tests.mailbox.conftest import login

pytestmark = pytest.mark.django_db
MARCH = Month(2017, 3)
SERIAL = iter(range(1, 1000))


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10)))


def message(organisation, received, due, *, answered=None, published=None, closed=None):
    return Message.objects.create(
        organisation=organisation,
        number=f"2017{next(SERIAL):06d}",
        access_code_hash="x",
        kind="consult",
        subject="留言",
        body="内容",
        writer_name="张三",
        writer_phone="13900000000",
        may_publish=True,
        received_at=at(received),
        received_on=received,
        due_on=due,
        warn_on=due,
        status="closed" if closed else "answered" if answered else "assigned",
        answered_on=answered,
        closed_at=at(closed) if closed else None,
        published_at=at(published) if published else None,
    )


@pytest.fixture
def march_messages(shuangxi, yingqian):
    message(shuangxi, "2017-03-02", "2017-03-16", answered="2017-03-10", published="2017-03-12")
    message(shuangxi, "2017-03-06", "2017-03-20", answered="2017-03-25")
    message(shuangxi, "2016-11-20", "2016-12-05")  # open for more than three months at the end of March
    message(shuangxi, "2017-03-28", "2017-04-11")
    message(shuangxi, "2017-02-10", "2017-02-24", answered="2017-02-20")
    message(shuangxi, "2017-03-01", "2017-03-15", closed="2017-03-15")
    message(shuangxi, "2017-04-02", "2017-04-17")
    message(yingqian, "2017-03-03", "2017-03-17")


EXPECTED = [
    ["收到留言", 4, 5],
    ["按期答复", 1, 2],
    ["超期答复", 1, 1],
    ["公开留言", 1, 1],
    ["月末未办结", 2, None],
    ["其中：超过三个月未答复", 1, None],
]


def test_the_section_counts_the_month_and_the_year(march_messages, shuangxi):
    figures = compute_figures([Organisation.objects.get(pk=shuangxi.pk)], MARCH)[shuangxi.pk]
    section = figures["sections"]["mailbox"]
    assert section["received"] == {"month": 4, "ytd": 5}
    assert section["on_time"] == {"month": 1, "ytd": 2}
    assert section["late"] == {"month": 1, "ytd": 1}
    assert section["published"] == {"month": 1, "ytd": 1}
    assert (section["open"], section["open_over_three_months"]) == (2, 1)


def test_the_section_appears_with_the_same_numbers_in_every_format(client, march_messages, shuangxi, org_admin):
    organisation = Organisation.objects.select_related("parent").get(pk=shuangxi.pk)
    document = live_document(organisation, MARCH, None)
    rows = list(csv.reader(io.StringIO(report_csv(document).decode("utf-8-sig"))))
    for expected in EXPECTED:
        assert [str(cell) if cell is not None else "" for cell in expected] in rows
    workbook = load_workbook(io.BytesIO(report_xlsx(document)))
    sheet = [row for row in workbook["群众留言办理"].iter_rows(values_only=True)]
    for expected in EXPECTED:
        assert tuple(expected) in [tuple(row[:3]) for row in sheet]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(document))).pages)
    assert "群众留言办理" in text and "超过三个月未答复" in text
    login(client, org_admin)
    page = client.get(reverse("reports:report", args=["shuangxi", "2017-03"])).content.decode()
    assert "群众留言办理" in page and "其中：超过三个月未答复" in page
    report_services.report_save_narrative(
        organisation=shuangxi, month=MARCH, by=org_admin, work_done="按期答复群众留言。", problems="", improvements=""
    )
    version = report_services.report_submit(organisation=shuangxi, month=MARCH, by=org_admin, at=at("2017-04-05"))
    url = reverse(
        "reports:download", kwargs={"slug": "shuangxi", "month": MARCH, "number": version.number, "file_format": "json"}
    )
    response = client.get(url)
    payload = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert payload["figures"]["sections"]["mailbox"]["received"] == {"month": 4, "ytd": 5}
