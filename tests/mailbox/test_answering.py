"""Staff record calls and letters, assign to an office, draft, approve (never the drafter) and deliver."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from mailbox import services
from mailbox.models import Message
from tests.mailbox.conftest import WRITER_PHONE, login

pytestmark = pytest.mark.django_db


def change_url(message):
    return reverse("admin:mailbox_message_change", args=[message.pk])


def workflow(client, message, **data):
    return client.post(reverse("admin:mailbox_message_workflow", args=[message.pk]), data)


def test_the_whole_answer_through_the_admin_buttons(client, submit, shuangxi, shuangxi_office, author, approver):
    message, _ = submit(shuangxi)
    login(client, author)
    page = client.get(change_url(message)).content.decode()
    assert "分办" in page and WRITER_PHONE in page  # staff see the phone to call back
    workflow(client, message, action="assign", office=shuangxi_office.pk)
    workflow(client, message, action="draft", answer="可到乡便民服务中心缴费。")
    message.refresh_from_db()
    assert (message.status, message.office, message.drafted_by) == ("drafted", shuangxi_office, author)
    # The drafter sees no approve button and a forged approval is refused.
    page = client.get(change_url(message)).content.decode()
    assert "审核通过答复" not in page
    workflow(client, message, action="approve")
    message.refresh_from_db()
    assert message.status == "drafted"
    login(client, approver)
    assert "审核通过答复" in client.get(change_url(message)).content.decode()
    workflow(client, message, action="approve")
    login(client, author)
    response = workflow(
        client, message, action="deliver", delivery="phone", answered_on=timezone.localdate().isoformat()
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.approved_by, message.delivery) == ("answered", approver, "phone")
    actions = list(
        AuditEvent.objects.filter(object_id=str(message.pk), object_type="mailbox.message").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        ["mailbox.submit", "mailbox.assign", "mailbox.draft", "mailbox.approve", "mailbox.deliver"]
    )


def test_the_drafter_never_approves_even_with_the_approver_role(submit, shuangxi, make_staff):
    leader = make_staff("sx_leader", shuangxi, "approver", "author")
    message, _ = submit(shuangxi)
    services.message_assign(message=message, by=leader, office=shuangxi)
    services.message_draft(message=message, by=leader, answer="答复。")
    with pytest.raises(PermissionDenied, match="另一人审核"):
        services.message_approve(message=message, by=leader)
    message.refresh_from_db()
    assert message.status == "drafted" and message.approved_by is None


def test_an_author_cannot_approve_or_publish(submit, shuangxi, author, make_staff):
    other_author = make_staff("sx_author2", shuangxi, "author")
    message, _ = submit(shuangxi)
    services.message_assign(message=message, by=author, office=shuangxi)
    services.message_draft(message=message, by=author, answer="答复。")
    with pytest.raises(PermissionDenied):
        services.message_approve(message=message, by=other_author)


def test_the_approver_returns_a_draft_with_a_comment(submit, shuangxi, author, approver):
    message, _ = submit(shuangxi)
    services.message_assign(message=message, by=author, office=shuangxi)
    services.message_draft(message=message, by=author, answer="答复。")
    with pytest.raises(ValidationError):
        services.message_return(message=message, by=approver, comment="")
    services.message_return(message=message, by=approver, comment="请写明缴费地点。")
    message.refresh_from_db()
    assert message.status == "assigned" and message.return_comment == "请写明缴费地点。"


def test_office_staff_draft_for_messages_assigned_to_their_office_only(
    client, submit, shuangxi, shuangxi_office, author, office_staff
):
    mine, _ = submit(shuangxi)
    other, _ = submit(shuangxi)
    services.message_assign(message=mine, by=author, office=shuangxi_office)
    login(client, office_staff)
    changelist = client.get(reverse("admin:mailbox_message_changelist")).content.decode()
    assert mine.number in changelist and other.number not in changelist
    assert client.get(change_url(other)).status_code == 404
    workflow(client, mine, action="draft", answer="民政所答复。")
    mine.refresh_from_db()
    assert mine.status == "drafted" and mine.drafted_by == office_staff
    with pytest.raises(PermissionDenied):
        services.message_assign(message=mine, by=office_staff, office=shuangxi)


def test_a_message_is_assigned_only_within_its_township(submit, shuangxi, yingqian, author, make_staff):
    message, _ = submit(shuangxi)
    with pytest.raises(ValidationError, match="本乡镇的站所"):
        services.message_assign(message=message, by=author, office=yingqian)


def test_staff_record_a_call_to_the_supervision_line_with_its_date(client, shuangxi, author):
    login(client, author)
    add = client.get(reverse("admin:mailbox_message_add"))
    assert add.status_code == 200 and "登记来电或来信" in add.content.decode()
    received = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        reverse("admin:mailbox_message_record"),
        {
            "organisation": shuangxi.pk,
            "channel": "phone",
            "received_on": received.isoformat(),
            "kind": "complaint",
            "subject": "来电反映路灯不亮",
            "body": "来电人反映新街路灯不亮。",
            "writer_name": "李桂英",
            "writer_phone": "0797-8665123",
        },
        follow=True,
    )
    message = Message.objects.get()
    assert (message.channel, message.received_on, message.recorded_by) == ("phone", received, author)
    assert message.due_on > received
    assert "查询码" in response.content.decode()


def test_recording_with_bad_input_writes_nothing(client, shuangxi, author):
    login(client, author)
    response = client.post(
        reverse("admin:mailbox_message_record"),
        {
            "organisation": shuangxi.pk,
            "channel": "letter",
            "received_on": "2999-01-01",
            "kind": "help",
            "subject": "",
            "body": "<script>x</script>",
            "writer_name": "李",
            "writer_phone": "123",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写主题" in html and "请不要输入网页代码" in html and "请填写正确的联系电话" in html
    assert Message.objects.count() == 0


# --- access for every persona -------------------------------------------------


def test_another_townships_staff_get_404_and_cannot_act(client, submit, shuangxi, outsider):
    message, _ = submit(shuangxi)
    login(client, outsider)
    assert message.number not in client.get(reverse("admin:mailbox_message_changelist")).content.decode()
    assert client.get(change_url(message)).status_code == 404
    assert workflow(client, message, action="assign", office=shuangxi.pk).status_code == 404
    with pytest.raises(PermissionDenied):
        services.message_assign(message=message, by=outsider, office=shuangxi)
    message.refresh_from_db()
    assert message.status == "received"


def test_the_county_office_reads_every_message_but_changes_nothing(client, submit, shuangxi, county_office):
    message, _ = submit(shuangxi)
    login(client, county_office)
    page = client.get(change_url(message))
    assert page.status_code == 200 and message.subject in page.content.decode()
    assert 'value="assign"' not in page.content.decode()
    assert client.get(reverse("admin:mailbox_message_add")).status_code == 403
    workflow(client, message, action="assign", office=shuangxi.pk)
    workflow(client, message, action="close", reason="重复")
    message.refresh_from_db()
    assert message.status == "received"


def test_residents_are_sent_to_the_login_page(client, submit, shuangxi):
    message, _ = submit(shuangxi)
    for url in (
        reverse("admin:mailbox_message_changelist"),
        change_url(message),
        reverse("admin:mailbox_message_record"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["author", "reviewer", "approver", "org_admin"])
def test_every_township_role_sees_its_messages(request, client, submit, shuangxi, persona):
    user = request.getfixturevalue(persona)
    message, _ = submit(shuangxi)
    login(client, user)
    assert client.get(change_url(message)).status_code == 200


def test_closing_keeps_the_reason_and_shows_on_the_status_page(client, submit, shuangxi, reviewer):
    message, code = submit(shuangxi)
    services.message_close(message=message, by=reviewer, reason="与此前留言重复，已合并办理。")
    html = client.post("/mailbox/status/", {"number": message.number, "code": code}).content.decode()
    assert "不予受理" in html and "与此前留言重复" in html


def test_the_status_page_shows_the_delivered_answer_only(client, submit, shuangxi, author, approver):
    message, code = submit(shuangxi)
    services.message_assign(message=message, by=author, office=shuangxi)
    services.message_draft(message=message, by=author, answer="这是尚未审核的答复草稿。")
    assert (
        "尚未审核的答复草稿"
        not in client.post("/mailbox/status/", {"number": message.number, "code": code}).content.decode()
    )
    services.message_approve(message=message, by=approver)
    services.message_deliver(message=message, by=author, delivery="online", answered_on=timezone.localdate())
    html = client.post("/mailbox/status/", {"number": message.number, "code": code}).content.decode()
    assert "已答复" in html and "尚未审核的答复草稿" in html
