"""Replays are harmless: the same channel record or bulletin-board posting posted twice is written once,
and every state-changing POST answers with a redirect (the import's result is a page of its own:
tests/disclosure/test_import.py)."""

import re

from django.urls import reverse

from disclosure.models import ItemChannel
from tests.conftest import PASSWORD

from .conftest import local


def key_of(page: str) -> str:
    return re.search(r'name="key" value="([0-9a-f-]{36})"', page).group(1)


def test_the_same_channel_record_posted_twice_is_recorded_once(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    client.login(username=author.username, password=PASSWORD)
    url = reverse("admin:disclosure_item_channel", args=[item.pk])
    data = {"channel": "bulletin_board", "posted_on": "2026-03-21", "place": "双溪村村务公开栏"}
    data["key"] = key_of(client.get(url).content.decode())
    first = client.post(url, data)
    second = client.post(url, data)  # the probe's replay
    assert first.status_code == second.status_code == 302
    assert ItemChannel.objects.filter(item=item, channel="bulletin_board").count() == 1
    # A new form is a new submission.
    data["key"] = key_of(client.get(url).content.decode())
    client.post(url, data)
    assert ItemChannel.objects.filter(item=item, channel="bulletin_board").count() == 2


def test_the_same_bulletin_posting_posted_twice_is_recorded_once(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    client.login(username=author.username, password=PASSWORD)
    page = reverse("portal:item_notice", args=[item.organisation.slug, item.pk])
    data = {"posted_on": "2026-03-21", "place": "双溪村村务公开栏", "key": key_of(client.get(page).content.decode())}
    assert client.post(page, data).status_code == 302
    assert client.post(page, data).status_code == 302
    assert ItemChannel.objects.filter(item=item, channel="bulletin_board").count() == 1


def test_workflow_actions_answer_with_a_redirect_so_a_reload_does_not_post_again(client, make_item, author):
    item = make_item()
    client.login(username=author.username, password=PASSWORD)
    response = client.post(reverse("admin:disclosure_item_workflow", args=[item.pk]), {"action": "submit"})
    assert response.status_code == 302
