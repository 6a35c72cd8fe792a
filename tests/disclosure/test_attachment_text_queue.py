"""A long PDF's text is read by the task queue, not in the upload's request; nothing unscanned goes out."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from disclosure import services
from disclosure.models import Attachment, PersonalDataFinding
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.disclosure.test_attachment_removal import item_form
from tests.hostile import bombs

MOBILE = "13812345678"
LIST_WITH_PHONE = f"危房改造补助对象名单 李四 联系电话 {MOBILE}"


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, interval=0)


def upload_in_admin(client, item, name, data):
    return client.post(
        reverse("admin:disclosure_item_change", args=[item.pk]),
        item_form(item)
        | {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "attachments-0-item": item.pk,
            "attachments-0-order": "1",
            "attachments-0-file": files.upload(name, data),
        },
    )


@pytest.fixture
def slow_text(settings):
    """Every PDF's text counts as too slow for the request (a long budget book in real life)."""
    settings.ATTACHMENT_SYNC_TEXT_SECONDS = 0


def test_a_long_pdf_is_stored_at_once_and_its_text_read_by_the_worker_before_review(
    client, make_item, author, slow_text, transactional_db
):
    item = make_item()
    assert client.login(username=author.username, password=PASSWORD)
    response = upload_in_admin(client, item, "补助名单.pdf", files.pdf_bytes(LIST_WITH_PHONE))
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = item.attachments.get()
    assert attachment.text_state == Attachment.TextState.PENDING and attachment.text == ""
    page = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert "正在后台提取文字" in page

    with pytest.raises(ValidationError, match="正在后台提取文字.*完成后才能送审"):
        services.item_submit(item=item, by=author)
    assert item.reviews.count() == 0

    run_worker()
    attachment.refresh_from_db()
    assert attachment.text_state == Attachment.TextState.READY and MOBILE in attachment.text
    # The item's scan ran with the file's text: the phone number waits for a person to decide.
    finding = item.findings.get(status=PersonalDataFinding.Status.OPEN)
    assert finding.attachment_id == attachment.pk and finding.masked_value == "138****5678"
    page = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert "已提取" in page and "正在后台提取文字" not in page
    services.item_submit(item=item, by=author)
    assert item.reviews.count() == 1


def test_a_text_that_cannot_be_read_blocks_submission_with_the_reason(
    client, make_item, author, slow_text, settings, transactional_db
):
    item = make_item()
    assert client.login(username=author.username, password=PASSWORD)
    upload_in_admin(client, item, "名单.pdf", files.pdf_bytes(LIST_WITH_PHONE))
    settings.ATTACHMENT_QUEUE_PARSE_SECONDS = 0  # the worker's budget spent at once
    run_worker()
    attachment = item.attachments.get()
    assert attachment.text_state == Attachment.TextState.FAILED and "处理时间上限" in attachment.text_error
    with pytest.raises(ValidationError, match="未能提取.*请删除该附件"):
        services.item_submit(item=item, by=author)
    page = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert "未能提取文字" in page


def test_a_bomb_is_still_refused_in_the_request_when_the_text_would_be_deferred(
    client, make_item, author, slow_text, settings
):
    item = make_item()
    assert client.login(username=author.username, password=PASSWORD)
    response = upload_in_admin(client, item, "公示.pdf", bombs.pdf_flate_bomb(64 * 1024 * 1024))
    assert response.status_code == 200
    assert "解压大小上限" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_short_pdf_is_read_in_the_request_as_before(client, make_item, author):
    item = make_item()
    assert client.login(username=author.username, password=PASSWORD)
    upload_in_admin(client, item, "名单.pdf", files.pdf_bytes(LIST_WITH_PHONE))
    attachment = item.attachments.get()
    assert attachment.text_state == Attachment.TextState.READY and MOBILE in attachment.text
