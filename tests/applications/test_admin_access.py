"""Who sees and does what in the admin: every persona."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from applications.models import Application
from audit.models import AuditEvent
from tests.applications.conftest import ID_NUMBER, NAME
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def detail(application):
    return reverse("admin:applications_application_change", args=[application.pk])


def step(application, name):
    return reverse("admin:applications_application_step", args=[application.pk, name])


def test_the_townships_author_sees_the_case_and_its_steps(client, registered, author):
    application = registered(received_on=date(2025, 3, 3))
    client.force_login(author)
    listing = client.get(reverse("admin:applications_application_changelist")).content.decode()
    assert application.number in listing and ID_NUMBER not in listing and "36*************" in listing
    page = client.get(detail(application)).content.decode()
    assert ID_NUMBER in page and "发出补正通知" in page and "拟写答复" in page
    assert "2025-03-31" in page  # 20 working days after Mon 2025-03-03: 03-04..03-31
    assert not AuditEvent.objects.filter(action="application.read").exists()


def test_another_townships_staff_get_404_and_see_no_row(client, registered, outsider):
    application = registered(received_on=date(2025, 3, 3))
    client.force_login(outsider)
    assert client.get(detail(application)).status_code == 404
    assert (
        client.post(
            step(application, "third_party_consult"),
            {"third_party_consult-version": application.version, "third_party_consult-party": "x"},
        ).status_code
        == 404
    )
    assert application.number not in client.get(reverse("admin:applications_application_changelist")).content.decode()
    for what in ("id_scan", "pdf"):
        url = reverse("admin:applications_application_file", args=[application.pk, what, 1])
        assert client.get(url).status_code == 404


def test_the_county_office_reads_every_case_read_only_and_each_read_is_audited(client, registered, county_office):
    application = registered(received_on=date(2025, 3, 3))
    client.force_login(county_office)
    page = client.get(detail(application)).content.decode()
    assert NAME in page and "您只能查看" in page and "发出补正通知</h2>" not in page
    client.get(detail(application))
    assert AuditEvent.objects.filter(action="application.read", actor=county_office).count() == 2
    response = client.post(
        step(application, "third_party_consult"),
        {"third_party_consult-version": application.version, "third_party_consult-party": "x"},
        follow=True,
    )
    assert "只有本机构的" in response.content.decode()
    application.refresh_from_db()
    assert not application.consulting
    assert client.get(reverse("admin:applications_application_add")).status_code == 403


def test_residents_and_anonymous_visitors_never_reach_the_admin(client, registered):
    application = registered(received_on=date(2025, 3, 3))
    assert client.get(detail(application)).status_code == 302
    resident = get_user_model().objects.create_user("resident", password=PASSWORD)
    client.force_login(resident)
    assert client.get(detail(application)).status_code == 302


def test_staff_register_a_letter_in_the_admin(client, shuangxi, author):
    client.force_login(author)
    response = client.post(
        reverse("admin:applications_application_add"),
        {
            "organisation": shuangxi.pk,
            "channel": "letter",
            "received_on": "2025-03-03",
            "kind": "natural",
            "applicant_name": NAME,
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": "13979712345",
            "address": "上犹县双溪乡",
            "description": "危房改造补助名单",
            "form_wanted": "paper",
            "delivery_wanted": "post",
        },
        follow=True,
    )
    application = Application.objects.get()
    assert application.received_on == date(2025, 3, 3) and application.status == "open"
    assert "查询码" in response.content.decode()


def test_a_step_with_a_bad_form_says_why_and_changes_nothing(client, registered, author):
    application = registered(received_on=date(2025, 3, 3))
    client.force_login(author)
    response = client.post(
        step(application, "extend"),
        {"extend-version": application.version, "extend-days": "99", "extend-reason": "x"},
        follow=True,
    )
    assert "延长工作日数" in response.content.decode()
    assert not application.events.filter(kind="extended").exists()


def test_staff_record_the_result_of_a_pending_lawsuit_on_its_row(client, registered, author):
    application = registered(received_on=date(2025, 3, 3))
    client.force_login(author)
    client.post(
        step(application, "remedy"),
        {
            "remedy-kind": "lawsuit_direct",
            "remedy-body": "上犹县人民法院",
            "remedy-filed_on": "2025-05-06",
            "remedy-result": "pending",
        },
    )
    remedy = application.remedies.get()
    page = client.get(detail(application)).content.decode()
    assert "登记结果" in page and f'name="submit-remedy-decide-{remedy.pk}"' in page

    refused = client.post(
        step(application, "remedy_decide"),
        {
            "remedy_decide-version": 1,
            "remedy_decide-remedy": remedy.pk,
            "remedy_decide-result": "upheld",
            "remedy_decide-decided_on": "2025-05-01",
        },
        follow=True,
    ).content.decode()
    assert "审结日期应在申请或起诉日期之后" in refused
    remedy.refresh_from_db()
    assert remedy.result == "pending" and remedy.decided_on is None

    done = client.post(
        step(application, "remedy_decide"),
        {
            "remedy_decide-version": 1,
            "remedy_decide-remedy": remedy.pk,
            "remedy_decide-result": "corrected",
            "remedy_decide-decided_on": "2025-09-30",
        },
        follow=True,
    ).content.decode()
    assert "已登记行政复议、行政诉讼结果" in done and "2025-09-30" in done
    remedy.refresh_from_db()
    assert (remedy.result, remedy.decided_on) == ("corrected", date(2025, 9, 30))
    assert f'name="submit-remedy-decide-{remedy.pk}"' not in done
    assert AuditEvent.objects.filter(action="application.remedy_decide", object_id=str(application.pk)).exists()


def test_another_applications_remedy_cannot_be_decided_through_this_one(client, registered, author):
    first, second = registered(received_on=date(2025, 3, 3)), registered(received_on=date(2025, 3, 4))
    client.force_login(author)
    client.post(
        step(first, "remedy"),
        {
            "remedy-kind": "review",
            "remedy-body": "上犹县人民政府",
            "remedy-filed_on": "2025-05-06",
            "remedy-result": "pending",
        },
    )
    remedy = first.remedies.get()
    response = client.post(
        step(second, "remedy_decide"),
        {
            "remedy_decide-version": 1,
            "remedy_decide-remedy": remedy.pk,
            "remedy_decide-result": "upheld",
            "remedy_decide-decided_on": "2025-06-01",
        },
        follow=True,
    ).content.decode()
    assert "该行政复议、行政诉讼记录不存在" in response
    remedy.refresh_from_db()
    assert remedy.result == "pending"
