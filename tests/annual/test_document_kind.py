"""Items carry their document kind (规章 / 行政规范性文件 / 其他), set in the admin, kept in revisions."""

import datetime

import pytest
from django.urls import reverse

from disclosure import services as disclosure
from disclosure.models import Item
from tests.annual.conftest import login

pytestmark = pytest.mark.django_db


def test_document_kind_is_created_changed_and_revisioned(author, columns, shuangxi):
    item = disclosure.item_create(
        by=author,
        organisation=shuangxi,
        category=columns["policy"],
        title="关于规范农村宅基地审批管理的通知",
        written_on=datetime.date(2025, 3, 1),
        document_kind=Item.DocumentKind.NORMATIVE,
    )
    assert item.document_kind == Item.DocumentKind.NORMATIVE
    assert item.revisions.get().content["document_kind"] == "normative"
    item = disclosure.item_update(item=item, by=author, document_kind=Item.DocumentKind.OTHER)
    latest = item.revisions.order_by("-number").first()
    assert latest.diff(item.revisions.order_by("number").first()) == [
        {"field": "文件类别", "before": "行政规范性文件", "after": "其他"}
    ]


def test_new_items_are_other_by_default_and_the_admin_form_offers_the_kind(client, author, columns, shuangxi):
    item = disclosure.item_create(
        by=author,
        organisation=shuangxi,
        category=columns["news"],
        title="工作动态",
        written_on=datetime.date(2025, 3, 1),
    )
    assert item.document_kind == Item.DocumentKind.OTHER
    html = login(client, author).get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert 'name="document_kind"' in html and "行政规范性文件" in html
