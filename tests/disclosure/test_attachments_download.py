"""Attachments are served under their original name, as downloads, only to those who may see them."""

import hashlib
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Category
from disclosure.attachments import attachment_check, attachment_store
from disclosure.models import Item
from tests.disclosure import files

NAME = "关于 \"双溪乡\" 2024年 '低保' 名单（公示）.pdf"


@pytest.fixture
def category(shuangxi):
    return Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告")


def make_item(shuangxi, category, author, status=Item.Status.PUBLISHED, **extra):
    fields = {
        "organisation": shuangxi,
        "category": category,
        "publisher": shuangxi,
        "title": "2024年低保对象公示",
        "written_on": "2024-03-01",
        "created_by": author,
        "status": status,
    }
    if status in (Item.Status.PUBLISHED, Item.Status.WITHDRAWN):
        fields.update(index_number=f"{shuangxi.code}/2024-{Item.objects.count() + 1:05d}", published_at=timezone.now())
    fields.update(extra)
    return Item.objects.create(**fields)


def attach(item, author, name=NAME, data=None):
    # Items here are made in their final state directly, so the file is stored as the import stores one
    # (staff can only attach files to drafts: see test_attachment_removal).
    checked = attachment_check(files.upload(name, data or files.pdf_bytes()))
    return attachment_store(item=item, checked=checked, by=author)


def url(attachment):
    return reverse("disclosure:attachment", args=[attachment.pk])


def filename_star(response) -> str:
    match = re.search(r"filename\*=UTF-8''([^;]+)$", response["Content-Disposition"])
    return unquote(match.group(1))


def test_a_published_items_attachment_downloads_under_its_original_chinese_name(
    client, shuangxi, category, author, django_assert_max_num_queries
):
    attachment = attach(make_item(shuangxi, category, author), author)

    with django_assert_max_num_queries(2):
        response = client.get(url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename_star(response) == NAME
    assert 'filename="attachment-' in response["Content-Disposition"]  # ASCII fallback for old clients
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and hashlib.sha256(body).hexdigest() == attachment.sha256
    assert int(response["Content-Length"]) == attachment.size


def test_an_ascii_name_is_its_own_fallback(client, shuangxi, category, author):
    attachment = attach(make_item(shuangxi, category, author), author, name="budget 2024.pdf")

    response = client.get(url(attachment))

    assert 'attachment; filename="budget 2024.pdf"' in response["Content-Disposition"]


def test_an_image_is_served_with_its_own_type_and_still_as_a_download(client, shuangxi, category, author):
    attachment = attach(make_item(shuangxi, category, author), author, name="现场照片.jpg", data=files.jpeg_with_gps())

    response = client.get(url(attachment))

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_unchanged_file_answers_304_to_its_etag(client, shuangxi, category, author):
    attachment = attach(make_item(shuangxi, category, author), author)
    first = client.get(url(attachment))

    again = client.get(url(attachment), headers={"If-None-Match": first["ETag"]})

    assert first["ETag"] == f'"{attachment.sha256}"'
    assert "Last-Modified" in first
    assert "no-cache" in first["Cache-Control"]
    assert again.status_code == 304


def test_a_draft_items_attachment_is_hidden_from_residents(client, shuangxi, category, author):
    attachment = attach(make_item(shuangxi, category, author, status=Item.Status.DRAFT), author)

    assert client.get(url(attachment)).status_code == 404


def test_staff_of_the_township_and_the_county_office_can_download_a_draft_attachment(
    client, shuangxi, category, author, reviewer, county_office
):
    attachment = attach(make_item(shuangxi, category, author, status=Item.Status.IN_REVIEW), author)

    for user in (reviewer, county_office):
        client.force_login(user)
        response = client.get(url(attachment))
        assert response.status_code == 200, user
        assert "private" in response["Cache-Control"]


def test_staff_of_another_township_cannot_download_a_draft_attachment(client, shuangxi, category, author, outsider):
    attachment = attach(make_item(shuangxi, category, author, status=Item.Status.DRAFT), author)
    client.force_login(outsider)

    assert client.get(url(attachment)).status_code == 404


def test_a_withdrawn_items_attachment_answers_410_with_the_reason(client, shuangxi, category, author):
    item = make_item(
        shuangxi,
        category,
        author,
        status=Item.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_reason="名单有误，更正后重新公示",
    )
    attachment = attach(item, author)

    response = client.get(url(attachment))

    assert response.status_code == 410
    page = response.content.decode()
    assert "名单有误，更正后重新公示" in page
    assert reverse("portal:item", args=[shuangxi.slug, item.pk]) in page


def test_an_unknown_attachment_is_404(client, db):
    assert client.get(reverse("disclosure:attachment", args=[987654])).status_code == 404


def test_a_stored_file_gone_from_disk_is_a_chinese_503_not_500(client, shuangxi, category, author):
    attachment = attach(make_item(shuangxi, category, author), author)
    attachment.file.storage.delete(attachment.file.name)

    response = client.get(url(attachment))

    assert response.status_code == 503
    assert "文件暂时无法下载" in response.content.decode()
