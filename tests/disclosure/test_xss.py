"""Script in any text field of an item never appears unescaped on an admin or public page."""

from datetime import date

import pytest
from django.urls import reverse

from disclosure import services
from tests.conftest import PASSWORD
from tests.disclosure.conftest import local

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ATTRIBUTE_BREAKOUT = '" onmouseover="alert(2)'
RAW_MARKERS = ("<script>alert", "<img src=x onerror", 'onmouseover="alert(2)"')


def assert_escaped(html: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, marker


@pytest.fixture
def hostile_item(make_item, publish, author, reviewer):
    item = make_item(
        title=f"标题{PAYLOAD}{ATTRIBUTE_BREAKOUT}",
        summary=f"概述{PAYLOAD}",
        body=f'<p>正文</p>{PAYLOAD}<a href="javascript:alert(3)">链接</a><p onclick="alert(4)">段落</p>',
        keywords=f"关键词{PAYLOAD}"[:200],
        document_number=f"文号{ATTRIBUTE_BREAKOUT}"[:60],
    )
    services.item_update(item=item, by=author, summary=f"改过的概述{PAYLOAD}")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_return(item=item, by=reviewer, comment=f"意见{PAYLOAD}")
    item = publish(item, at=local(2026, 3, 20, 9))
    services.channel_record(
        item=item, channel="bulletin_board", posted_on=date(2026, 3, 21), by=author, place=f"村{PAYLOAD}"[:100]
    )
    return item


def test_stored_body_keeps_no_script_handler_or_javascript_link(hostile_item):
    body = hostile_item.body
    assert "<script" not in body and "onerror" not in body and "onclick" not in body and "javascript:" not in body
    assert "<p>正文</p>" in body


@pytest.mark.parametrize("persona", ["author", "approver", "county_office"])
def test_admin_pages_show_every_field_escaped(client, request, persona, hostile_item):
    user = request.getfixturevalue(persona)
    assert client.login(username=user.username, password=PASSWORD)
    pages = [
        reverse("admin:disclosure_item_changelist"),
        reverse("admin:disclosure_item_change", args=[hostile_item.pk]),
        reverse("admin:disclosure_item_revision", args=[hostile_item.pk, 2]),
        reverse("admin:index"),
        reverse("admin:audit_auditevent_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html)
    change = client.get(pages[1]).content.decode()
    assert "&lt;script&gt;alert" in change


def test_public_item_page_shows_every_field_escaped(client, hostile_item):
    response = client.get(reverse("portal:item", args=[hostile_item.organisation.slug, hostile_item.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped(html)
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html
