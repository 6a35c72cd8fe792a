"""The seed's year: 双溪乡 proactively published 756 items in 2017, of eight kinds, on four channels.

Load them, submit the twelve monthly reports, and check that the frozen months add up.
"""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from catalog.models import Category, Channel
from disclosure.models import Item, ItemChannel
from reports import services
from reports.months import Month

pytestmark = pytest.mark.django_db

# The eight kinds of information in the seed's section 二.
KINDS = [
    "法律法规",
    "政府文件",
    "工作动态",
    "县级部门下发需公开材料",
    "人事信息",
    "工作计划",
    "精准扶贫脱贫和社会救助",
    "其他",
]
# The four ways it was published: the portal, bulletin boards, paper, WeChat.
CHANNELS = [Channel.WEBSITE, Channel.BULLETIN_BOARD, Channel.PAPER, Channel.NEW_MEDIA]
TOTAL = 756


@pytest.fixture
def seed_year(shuangxi, author):
    categories = [
        Category.objects.create(organisation=shuangxi, code=f"{n + 1:02d}", name=name, order=n)
        for n, name in enumerate(KINDS)
    ]
    items = []
    for n in range(TOTAL):
        published = timezone.make_aware(datetime.datetime(2017, n % 12 + 1, n // 12 % 28 + 1, 9 + n % 8))
        items.append(
            Item(
                organisation=shuangxi,
                publisher=shuangxi,
                category=categories[n % 8],
                title=f"双溪乡公开信息第{n + 1}条",
                written_on=published.date(),
                status=Item.Status.PUBLISHED,
                published_at=published,
                index_number=f"seed/2017-{n + 1:05d}",
                due_on=published.date(),
                created_by=author,
            )
        )
    items = Item.objects.bulk_create(items)
    postings = []
    for n, item in enumerate(items):
        postings.append(
            ItemChannel(item=item, channel=CHANNELS[n % 4], posted_on=item.published_at.date(), recorded_by=author)
        )
        if n % 5 == 0:  # every fifth item also went out on the next channel
            postings.append(
                ItemChannel(
                    item=item, channel=CHANNELS[(n + 1) % 4], posted_on=item.published_at.date(), recorded_by=author
                )
            )
    ItemChannel.objects.bulk_create(postings)
    return {
        "per_kind": Counter(KINDS[n % 8] for n in range(TOTAL)),
        "on_two_channels": sum(1 for n in range(TOTAL) if n % 5 == 0),
        "postings": len(postings),
    }


def test_the_twelve_monthly_reports_of_2017_add_up_to_the_seeds_756_items(seed_year, shuangxi, org_admin):
    versions = []
    for number in range(1, 13):
        month = Month(2017, number)
        services.report_save_narrative(
            organisation=shuangxi,
            month=month,
            by=org_admin,
            work_done="依托政府门户网站和微信公众平台及时公开信息，每月及时上报。",
            problems="",
            improvements="",
        )
        versions.append(
            services.report_submit(
                organisation=shuangxi,
                month=month,
                by=org_admin,
                at=timezone.make_aware(datetime.datetime.combine(month.deadline, datetime.time(9))),
            )
        )
    published = [version.figures["sections"]["published"] for version in versions]

    assert sum(month["total"]["month"] for month in published) == TOTAL
    assert published[-1]["total"]["ytd"] == TOTAL
    assert [month["total"]["ytd"] for month in published] == [63 * n for n in range(1, 13)]

    per_kind = Counter()
    for month in published:
        per_kind.update({row["name"]: row["month"] for row in month["first_level"]})
    assert per_kind == seed_year["per_kind"]
    assert {row["name"]: row["ytd"] for row in published[-1]["first_level"]} == seed_year["per_kind"]

    # Each item counts once in the channel total, though a fifth of them went out on two channels.
    assert sum(month["channels_distinct"]["month"] for month in published) == TOTAL
    assert sum(month["multi_channel"]["month"] for month in published) == seed_year["on_two_channels"]
    channel_rows = sum(row["month"] for month in published for row in month["channels"])
    assert channel_rows == seed_year["postings"] == TOTAL + seed_year["on_two_channels"]
    assert {row["code"] for row in published[-1]["channels"] if row["ytd"]} == set(CHANNELS)
    assert not any(version.is_late for version in versions)
