"""A resident writes to the township: number and 查询码, one message per POST, bad input refused, abuse limited."""

import re

import pytest
from django.urls import reverse

from mailbox.models import Message
from tests.mailbox.conftest import WRITER_PHONE, form_data

pytestmark = pytest.mark.django_db

URL = "/shuangxi/mailbox/"


def test_the_form_is_reachable_from_the_township_home_and_works_without_javascript(client, shuangxi):
    home = client.get("/shuangxi/")
    assert URL.encode() in home.content
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("咨询", "投诉", "建议", "求助", "主题", "留言内容", "姓名", "联系电话", "电子邮箱", "同意"):
        assert label in html
    assert '<form method="post"' in html and "<script" not in html
    assert 'name="token"' in html


def test_a_message_gets_a_number_and_a_code_shown_once_after_a_redirect(client, shuangxi):
    response = client.post(URL, form_data())
    assert response.status_code == 302 and response["Location"] == reverse("mailbox:sent", args=["shuangxi"])
    message = Message.objects.get()
    assert message.organisation == shuangxi and message.channel == "web" and message.may_publish
    page = client.get(response["Location"]).content.decode()
    assert message.number in page
    code = client.session["mailbox_sent"]["code"]
    assert code in page and code not in message.access_code_hash
    assert len(code.replace("-", "")) == 10


def test_a_replayed_post_creates_one_message(client, shuangxi):
    first = client.post(URL, form_data())
    second = client.post(URL, form_data())
    assert first.status_code == second.status_code == 302
    assert Message.objects.count() == 1
    assert Message.objects.get().number in client.get(second["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"subject": "", "body": "", "writer_name": "", "writer_phone": "", "kind": ""}, "请填写主题"),
        ({"body": "长" * 2001}, "留言内容最多2000个字"),
        ({"body": "<script>alert(1)</script>"}, "请不要输入网页代码"),
        ({"subject": '<img src=x onerror="alert(1)">'}, "请不要输入网页代码"),
        ({"writer_phone": "12345"}, "请填写正确的联系电话"),
        ({"writer_phone": "1380797123456"}, "请填写正确的联系电话"),
        ({"writer_email": "not-an-email"}, "请填写正确的电子邮箱"),
        ({"kind": "nonsense"}, "选择一个有效的选项"),
        ({"website": "http://spam.example"}, "请将“网址”一栏留空"),
        ({"token": "short"}, "页面已过期"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_written(client, shuangxi, overrides, expected):
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert expected in html
    assert "留言未提交" in html
    assert "<script>alert" not in html  # echoed input is escaped
    assert Message.objects.count() == 0


def test_empty_input_names_every_missing_field(client, shuangxi):
    html = client.post(URL, form_data(subject="", body="", writer_name="", writer_phone="", kind="")).content.decode()
    for message in ("请填写主题", "请填写留言内容", "请填写姓名", "请填写联系电话", "请选择留言类型"):
        assert message in html


def test_a_landline_with_area_code_is_accepted(client, shuangxi):
    assert client.post(URL, form_data(writer_phone="0797-8665123")).status_code == 302
    assert Message.objects.get().writer_phone == "0797-8665123"


def test_an_unknown_or_inactive_township_has_no_mailbox(client, shuangxi):
    assert client.get("/nowhere/mailbox/").status_code == 404
    shuangxi.is_active = False
    shuangxi.save()
    assert client.post(URL, form_data()).status_code == 404
    assert Message.objects.count() == 0


def test_one_address_is_limited_per_hour(client, shuangxi, settings):
    settings.MAILBOX_LIMIT_PER_ADDRESS = 2
    for n in range(2):
        phone = f"1390797{n:04d}"
        assert client.post(URL, form_data(token=f"token-{n}-" + "x" * 20, writer_phone=phone)).status_code == 302
    refused = client.post(URL, form_data(token="token-3-" + "x" * 20, writer_phone="13607970000"))
    assert refused.status_code == 400
    assert "提交过于频繁" in refused.content.decode()
    assert Message.objects.count() == 2
    other = client.post(URL, form_data(token="token-4-" + "x" * 20), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_one_phone_number_is_limited_per_day_from_any_address(client, shuangxi, settings):
    settings.MAILBOX_LIMIT_PER_PHONE = 2
    for n in range(2):
        response = client.post(URL, form_data(token=f"phone-{n}-" + "x" * 20), REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 302
    refused = client.post(
        URL, form_data(token="phone-9-" + "x" * 20, writer_phone=" 138 0797 1234"), REMOTE_ADDR="10.0.1.9"
    )
    assert refused.status_code == 400
    assert "该电话号码今天已提交多条留言" in refused.content.decode()
    assert Message.objects.filter(writer_phone=WRITER_PHONE).count() == 2


# --- the status page --------------------------------------------------------------


def _sent_code(client):
    return client.session["mailbox_sent"]["number"], client.session["mailbox_sent"]["code"]


def test_the_status_page_shows_the_message_for_its_number_and_code(client, shuangxi):
    client.post(URL, form_data())
    number, code = _sent_code(client)
    response = client.post("/mailbox/status/", {"number": number, "code": code.lower().replace("-", " ")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "待分办" in html and "医保缴费在哪里办理" in html
    assert "答复期限" in html and "正在办理" in html


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(client, shuangxi):
    client.post(URL, form_data())
    number, code = _sent_code(client)
    wrong = client.post("/mailbox/status/", {"number": number, "code": "AAAAA-AAAAA"})
    unknown = client.post("/mailbox/status/", {"number": "2099000001", "code": code})
    assert wrong.status_code == unknown.status_code == 404

    def neutral(response, typed):
        html = response.content.decode().replace(typed, "TYPED")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert neutral(wrong, number) == neutral(unknown, "2099000001")
    assert "留言编号或查询码不正确" in wrong.content.decode()


def test_status_lookups_are_throttled(client, shuangxi, settings):
    settings.MAILBOX_LIMIT_LOOKUPS = 3
    client.post(URL, form_data())
    number, code = _sent_code(client)
    for _ in range(3):
        client.post("/mailbox/status/", {"number": number, "code": "AAAAA-AAAAA"})
    refused = client.post("/mailbox/status/", {"number": number, "code": code})
    assert refused.status_code == 429
    assert "查询过于频繁" in refused.content.decode()
    assert "医保缴费在哪里办理" not in refused.content.decode()
