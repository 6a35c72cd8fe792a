"""The public pages: apply, the receipt, the status page and its downloads; rate limits."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from applications import services
from applications.models import Application
from tests.applications.conftest import ID_NUMBER, NAME, WRONG_ID

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(client, url, **overrides):
    page = client.get(url)
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode())[1]
    return {
        "token": token,
        "kind": "natural",
        "applicant_name": NAME,
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": "13979712345",
        "address": "上犹县双溪乡大石门村",
        "description": "2024年大石门村危房改造补助名单",
        "form_wanted": "paper",
        "delivery_wanted": "post",
        **overrides,
    }


def test_apply_page_explains_the_time_limits_and_links_the_guide(client, shuangxi, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get(reverse("applications:apply", args=["shuangxi"]))
    text = page.content.decode()
    assert "20 个工作日" in text and "7 个工作日" in text
    assert reverse("catalog:guide", args=["shuangxi"]) in text
    assert "<script" not in text


def test_applying_gives_a_number_and_code_and_a_replay_creates_nothing(client, shuangxi):
    url = reverse("applications:apply", args=["shuangxi"])
    data = form_data(client, url)
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("applications:receipt")
    receipt = client.get(response.url).content.decode()
    application = Application.objects.get()
    code = re.search(r'id="query-code">([^<]+)<', receipt)[1]
    assert application.number in receipt and services.query_code_matches(application, code)
    replay = client.post(url, data)
    assert replay.status_code == 302
    assert Application.objects.count() == 1
    assert code in client.get(replay.url).content.decode()  # the same session still sees its code


def test_bad_input_on_the_form_says_what_to_fix_and_writes_nothing(client, shuangxi):
    url = reverse("applications:apply", args=["shuangxi"])
    for overrides, message in [
        ({"id_number": WRONG_ID}, "校验码"),
        ({"applicant_name": ""}, "请填写“申请人姓名或名称”"),
        ({"description": "查" * 100_000}, "现在是 100000 个字"),
        ({"address": "<script>alert(1)</script>"}, "不能包含网页标记或脚本"),
        ({"kind": "organisation"}, "请选择法人或其他组织的类别"),
    ]:
        response = client.post(url, form_data(client, url, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode(), message
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert Application.objects.count() == 0


def test_an_html_file_as_id_scan_is_refused(client, shuangxi):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("applications:apply", args=["shuangxi"])
    scan = SimpleUploadedFile("id.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {**form_data(client, url), "id_scan": scan})
    assert response.status_code == 200 and Application.objects.count() == 0
    assert "id_scan_error" in response.content.decode()


def test_applications_are_limited_per_id_number(client, shuangxi):
    url = reverse("applications:apply", args=["shuangxi"])
    for _ in range(3):
        assert client.post(url, form_data(client, url)).status_code == 302
    response = client.post(url, form_data(client, url))
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == 3


def test_status_page_opens_only_with_the_right_code_and_wrong_codes_look_like_unknown_numbers(
    client, registered, author, django_assert_max_num_queries
):
    application = registered(received_on=date(2025, 3, 3))
    services.correction_send(
        application=application, by=author, missing="请写明村组。", until=date(2025, 3, 19), on=date(2025, 3, 5)
    )
    url = reverse("applications:status")
    wrong = client.post(url, {"number": application.number, "code": "AAAAAAAA"}).content.decode()
    unknown = client.post(url, {"number": "SHUANGXI-2025-9999", "code": application.query_code}).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert "申请编号或查询码不正确" in wrong
    assert client.get(reverse("applications:status_view", args=[application.number])).status_code == 404

    response = client.post(url, {"number": application.number.lower(), "code": application.query_code.lower()})
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        page = client.get(response.url)
    text = page.content.decode()
    assert "发出补正通知" in text and "请写明村组" in text and "待补正" in text
    assert NAME not in text and ID_NUMBER not in text
    letter = application.letters.get()
    download = client.get(reverse("applications:status_file", args=[application.number, "pdf", letter.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_status_lookups_are_throttled_per_number(client, registered):
    application = registered(received_on=date(2025, 3, 3))
    url = reverse("applications:status")
    for _ in range(5):
        client.post(url, {"number": application.number, "code": "AAAAAAAA"})
    response = client.post(url, {"number": application.number, "code": application.query_code})
    assert "查询过于频繁" in response.content.decode()


def test_a_third_party_letter_is_not_served_to_the_applicant(client, registered, author):
    application = registered(received_on=date(2025, 3, 3))
    services.third_party_consult(application=application, by=author, party="某合作社", on=date(2025, 3, 4))
    client.post(reverse("applications:status"), {"number": application.number, "code": application.query_code})
    letter = application.letters.get()
    assert (
        client.get(reverse("applications:status_file", args=[application.number, "pdf", letter.pk])).status_code == 404
    )


def test_applications_are_limited_per_address(client, shuangxi):
    from township_portal.lib.personal_data import id_check_char

    url = reverse("applications:apply", args=["shuangxi"])
    for n in range(11):
        body = f"360724199001{n + 10:02d}00{n % 10}"
        response = client.post(url, form_data(client, url, id_number=body + id_check_char(body)))
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == 10


def test_the_county_home_leads_to_every_townships_form(client, shuangxi, yingqian):
    home = client.get(reverse("portal:county_home")).content.decode()
    assert reverse("applications:choose") in home
    choose = client.get(reverse("applications:choose")).content.decode()
    assert reverse("applications:apply", args=["shuangxi"]) in choose
    assert reverse("applications:apply", args=["yingqian"]) in choose
    assert reverse("applications:apply", args=["shuangxi"]) in client.get("/shuangxi/").content.decode()


def test_the_id_scan_is_served_to_the_townships_staff_only(client, shuangxi, author, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.disclosure.files import pdf_bytes

    url = reverse("applications:apply", args=["shuangxi"])
    scan = SimpleUploadedFile("身份证.pdf", pdf_bytes("身份证正反面"), content_type="application/pdf")
    assert client.post(url, {**form_data(client, url), "id_scan": scan}).status_code == 302
    application = Application.objects.get()
    assert application.id_scan.name.startswith("applications/id/")
    file_url = reverse("admin:applications_application_file", args=[application.pk, "id_scan", 0])
    assert client.get(file_url).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.get(file_url).status_code == 404
    client.force_login(author)
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
