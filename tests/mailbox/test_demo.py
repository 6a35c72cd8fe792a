"""`manage.py load_demo` leaves 双溪乡 with messages in every state, some published, and runs twice safely."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from mailbox.models import Message
from mailbox.services.deadlines import alarm_line
from tests.demo_content import on_sqlite_only


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    settings.DEMO_MODE = True


@on_sqlite_only
def test_demo_messages_cover_every_state_and_load_once(client, db):
    call_command("load_demo")
    count = Message.objects.count()
    call_command("load_demo")
    assert Message.objects.count() == count
    messages = Message.objects.filter(organisation__slug="shuangxi")
    assert set(messages.values_list("status", flat=True)) == set(Message.Status.values)
    assert set(messages.values_list("channel", flat=True)) == set(Message.Channel.values)
    published = messages.published()
    assert published.count() >= 2
    page = client.get("/shuangxi/mailbox/public/").content.decode()
    for message in published:
        assert message.public_subject in page
        assert message.writer_name not in page and message.writer_phone not in page
    # One message has waited more than three months: the staff home's alarm has something to show.
    assert messages.open().filter(received_on__lt=alarm_line(timezone.localdate())).exists()
