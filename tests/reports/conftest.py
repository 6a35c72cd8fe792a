"""A known month for 双溪乡: March 2017, built row by row with the ORM.

What March 2017 holds (the figures tests check these numbers):
- 工作动态 (news): A on 10 March on the website and WeChat (two channels); G on 1 February, late,
  withdrawn on 10 April (still counts for February and March); F on 5 March withdrawn on 8 March
  (never counts); E published on 2 April, due 28 March (overdue at March's end). Last standing
  item 10 March: idle for 21 days at month end.
- 政策文件 / 政府文件 (notice): B on 20 March by 民政所, due 1 March (19 days late), bulletin board,
  fulfils the monthly obligation 财政收支; C on 5 January, on time, fulfils the quarterly 季度计划.
- 政策文件 / 政策解读 (notice): one item in August 2016: idle for 242 days.
- 机构概况 (static): nothing ever: an empty column.
- D: a draft due 25 March: overdue at March's end.
- Obligations without an item: monthly 低保资金发放, quarterly 三资管理.
- Findings on B: one masked, one overridden, one still open.
- 营前镇 publishes one item in March that must never show in 双溪乡's figures.
- The county asks for 3 items a month.
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from catalog.models import Category, Channel, ColumnKind, Obligation
from disclosure.models import Item, ItemChannel, PersonalDataFinding
from reports.months import Month
from tests.conftest import PASSWORD

MARCH = Month(2017, 3)


def at(day: datetime.date | str, hour: int = 10) -> datetime.datetime:
    """Local (Asia/Shanghai) time on a day."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def login(client, user):
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client


@pytest.fixture
def make_item(author):
    serial = itertools.count(1)

    def make(
        category,
        *,
        published=None,
        due=None,
        status=None,
        publisher=None,
        obligation=None,
        channels=(),
        withdrawn=None,
        title=None,
    ):
        number = next(serial)
        organisation = category.organisation
        published_at = at(published) if published else None
        item = Item.objects.create(
            organisation=organisation,
            category=category,
            obligation=obligation,
            publisher=publisher or organisation,
            title=title or f"{category.name}信息{number}",
            written_on=datetime.date(2016, 1, 1),
            status=status or (Item.Status.WITHDRAWN if withdrawn else Item.Status.PUBLISHED),
            published_at=published_at,
            index_number=f"{organisation.slug}/{number:05d}" if published_at else None,
            due_on=datetime.date.fromisoformat(due) if due else None,
            withdrawn_at=at(withdrawn) if withdrawn else None,
            withdrawal_reason="发布有误" if withdrawn else "",
            created_by=author,
        )
        for channel in channels:
            ItemChannel.objects.create(item=item, channel=channel, posted_on=published_at.date(), recorded_by=author)
        return item

    return make


@pytest.fixture
def march(county, shuangxi, shuangxi_office, yingqian, make_item, approver):
    county.monthly_minimum_items = 3
    county.save()
    cat = {}
    cat["dynamics"] = Category.objects.create(
        organisation=shuangxi, code="01", name="工作动态", order=1, column_kind=ColumnKind.NEWS
    )
    cat["policy"] = Category.objects.create(
        organisation=shuangxi, code="02", name="政策文件", order=2, column_kind=ColumnKind.NOTICE
    )
    cat["documents"] = Category.objects.create(
        organisation=shuangxi, parent=cat["policy"], code="0201", name="政府文件", order=1
    )
    cat["interpretation"] = Category.objects.create(
        organisation=shuangxi, parent=cat["policy"], code="0202", name="政策解读", order=2
    )
    cat["overview"] = Category.objects.create(
        organisation=shuangxi, code="03", name="机构概况", order=3, column_kind=ColumnKind.STATIC
    )
    theirs = Category.objects.create(organisation=yingqian, code="01", name="营前镇工作动态")

    def obligation(code, name, frequency, category=cat["documents"]):
        return Obligation.objects.create(
            organisation=shuangxi,
            category=category,
            code=code,
            first_level=name,
            content_elements="……",
            responsible_body=shuangxi,
            expected_frequency=frequency,
        )

    Frequency = Obligation.Frequency
    ob = {
        "finance": obligation("1", "财政收支", Frequency.MONTHLY),
        "assistance": obligation("2", "低保资金发放", Frequency.MONTHLY),
        "plan": obligation("3", "季度计划", Frequency.QUARTERLY),
        "assets": obligation("4", "三资管理", Frequency.QUARTERLY),
        "yearly": obligation("5", "年度报告", Frequency.YEARLY),
        "event": obligation("6", "征地补偿", Frequency.ON_EVENT),
    }
    items = {
        "A": make_item(
            cat["dynamics"],
            published="2017-03-10",
            due="2017-03-15",
            channels=[Channel.WEBSITE, Channel.NEW_MEDIA],
            title="双溪乡召开春耕生产动员会",
        ),
        "B": make_item(
            cat["documents"],
            published="2017-03-20",
            due="2017-03-01",
            publisher=shuangxi_office,
            obligation=ob["finance"],
            channels=[Channel.BULLETIN_BOARD],
            title="双溪乡2017年2月财政收支情况",
        ),
        "C": make_item(
            cat["documents"],
            published="2017-01-05",
            due="2017-01-10",
            obligation=ob["plan"],
            channels=[Channel.WEBSITE],
        ),
        "D": make_item(cat["documents"], status=Item.Status.DRAFT, due="2017-03-25", title="尚未发布的低保名单"),
        "E": make_item(cat["dynamics"], published="2017-04-02", due="2017-03-28", title="四月才发布的动态"),
        "F": make_item(cat["dynamics"], published="2017-03-05", withdrawn="2017-03-08", title="当月撤回的信息"),
        "G": make_item(cat["dynamics"], published="2017-02-01", due="2017-01-20", withdrawn="2017-04-10"),
        "old": make_item(cat["interpretation"], published="2016-08-01"),
        "theirs": make_item(theirs, published="2017-03-15", channels=[Channel.WEBSITE]),
    }
    for status, found, resolved in (
        (PersonalDataFinding.Status.MASKED, "2017-03-18", "2017-03-19"),
        (PersonalDataFinding.Status.OVERRIDDEN, "2017-03-18", "2017-03-19"),
        (PersonalDataFinding.Status.OPEN, "2017-03-30", None),
    ):
        finding = PersonalDataFinding.objects.create(
            item=items["B"],
            kind=PersonalDataFinding.Kind.ID_NUMBER,
            location=PersonalDataFinding.Location.BODY,
            masked_value="36**************12",
            status=status,
            resolved_by=approver if resolved else None,
            override_reason="公示需要" if status == PersonalDataFinding.Status.OVERRIDDEN else "",
        )
        PersonalDataFinding.objects.filter(pk=finding.pk).update(
            found_at=at(found), resolved_at=at(resolved) if resolved else None
        )
    return {"categories": cat, "obligations": ob, "items": items}
