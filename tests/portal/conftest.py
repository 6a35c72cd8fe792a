import datetime

import pytest
from django.utils import timezone

from tests.search import factories


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


@pytest.fixture
def poverty(shuangxi):
    """双溪乡's column for targeted poverty alleviation and social assistance."""
    return factories.category(shuangxi, code="07", name="精准扶贫脱贫和社会救助信息")


@pytest.fixture
def notices(shuangxi):
    return factories.category(shuangxi, code="01", name="通知公告", order=1)


@pytest.fixture
def relief_items(shuangxi, poverty, shuangxi_office):
    """Three published items in the poverty column over two years, one by the civil affairs office."""
    return [
        factories.published_item(
            shuangxi,
            poverty,
            title="双溪乡2017年第一季度农村低保对象名单公示",
            summary="公示2017年第一季度新增农村低保对象。",
            body="<p>根据精准扶贫工作安排，现将名单公示如下。</p>",
            document_number="双府字〔2017〕12号",
            published_at=at(2017, 3, 1),
            publisher=shuangxi_office,
        ),
        factories.published_item(
            shuangxi,
            poverty,
            title="双溪乡2017年精准扶贫资金使用情况",
            body="<p>扶贫资金使用情况如下。</p>",
            published_at=at(2017, 6, 15),
        ),
        factories.published_item(
            shuangxi,
            poverty,
            title="双溪乡2018年临时救助发放情况",
            body="<p>临时救助。</p>",
            published_at=at(2018, 2, 10),
        ),
    ]
