import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from applications import services as application_services
from catalog.models import Category
from disclosure import services
from disclosure.models import Item
from mailbox import services as mailbox_services
from tests.applications.conftest import applicant
from tests.conftest import PASSWORD
from tests.search import factories


@pytest.fixture
def category(shuangxi):
    return Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告")


@pytest.fixture
def item(shuangxi, author, category):
    return Item.objects.create(
        organisation=shuangxi,
        category=category,
        publisher=shuangxi,
        title="2024年低保对象公示",
        written_on="2024-03-01",
        created_by=author,
    )


@pytest.fixture
def world(shuangxi, shuangxi_office, yingqian, author, reviewer, secrecy_reviewer, approver, org_admin, county_office):
    """One of everything a page can show: items published and draft, a published letter, an application."""
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    notices = factories.category(shuangxi, code="01", name="通知公告")
    factories.category(shuangxi, code="0101", name="乡镇公告", parent=notices)
    published = factories.published_item(shuangxi, notices, title="双溪乡春耕生产通知")
    draft = services.item_create(
        by=author, organisation=shuangxi, category=notices, title="草稿：村道维修", written_on=published.written_on
    )
    letter, letter_code = mailbox_services.message_submit(
        organisation=shuangxi,
        kind="consult",
        subject="医保缴费在哪里办理",
        body="请问城乡居民医保在哪里缴费？",
        writer_name="王小明",
        writer_phone="13807971234",
        may_publish=True,
        token="hostile-world-letter-0001",
    )
    mailbox_services.message_assign(message=letter, by=author, office=shuangxi_office)
    mailbox_services.message_draft(message=letter, by=author, answer="可到乡便民服务中心缴费。")
    mailbox_services.message_approve(message=letter, by=approver)
    mailbox_services.message_deliver(message=letter, by=author, delivery="online", answered_on=timezone.localdate())
    letter = mailbox_services.message_publish(message=letter, by=reviewer)
    application, application_code = application_services.application_submit(
        organisation=shuangxi, details=applicant(), token=uuid.uuid4()
    )
    return {
        "superuser": superuser,
        "published": published,
        "draft": draft,
        "category": notices,
        "letter": letter,
        "letter_code": letter_code,
        "application": application,
        "application_code": application_code,
    }
