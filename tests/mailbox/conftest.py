"""Mailbox fixtures: a resident's message to 双溪乡 and the people who answer it."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from mailbox import services
from mailbox.models import Message
from tests.conftest import PASSWORD

WRITER_NAME = "王小明"
WRITER_PHONE = "13807971234"
WRITER_EMAIL = "xiaoming.wang@example.com"


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, user):
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


def form_data(**overrides):
    data = {
        "kind": "consult",
        "subject": "医保缴费在哪里办理",
        "body": "请问城乡居民医保在哪里缴费？我的电话是13807971234，我叫王小明。",
        "writer_name": WRITER_NAME,
        "writer_phone": WRITER_PHONE,
        "writer_email": WRITER_EMAIL,
        "may_publish": "on",
        "token": "t" * 32,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def submit():
    counter = iter(range(10_000))

    def make(organisation, **overrides):
        fields = {
            "kind": "consult",
            "subject": "医保缴费在哪里办理",
            "body": f"请问城乡居民医保在哪里缴费？我叫{WRITER_NAME}，电话{WRITER_PHONE}。",
            "writer_name": WRITER_NAME,
            "writer_phone": WRITER_PHONE,
            "writer_email": WRITER_EMAIL,
            "may_publish": True,
            "token": f"fixture-token-{next(counter):06d}-abcdefgh",
        }
        fields.update(overrides)
        return services.message_submit(organisation=organisation, **fields)

    return make


@pytest.fixture
def office_staff(make_staff, shuangxi_office):
    return make_staff("sx_minzheng", shuangxi_office, "author", title="民政所干部")


@pytest.fixture
def answered(submit, shuangxi, shuangxi_office, author, approver):
    """A message assigned to 民政所, drafted by the author, approved by the approver, delivered."""
    message, _ = submit(shuangxi)
    services.message_assign(message=message, by=author, office=shuangxi_office)
    services.message_draft(message=message, by=author, answer="可到乡便民服务中心缴费，截止到12月31日。")
    services.message_approve(message=message, by=approver)
    return services.message_deliver(message=message, by=author, delivery="online", answered_on=timezone.localdate())


def received_days_ago(message: Message, days: int) -> Message:
    """Move a message's receipt into the past (as if it had waited that long)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    Message.objects.filter(pk=message.pk).update(
        received_on=day,
        received_at=timezone.now() - datetime.timedelta(days=days),
        due_on=day + datetime.timedelta(days=14),
        warn_on=day + datetime.timedelta(days=12),
    )
    message.refresh_from_db()
    return message
