"""The seed: 双溪乡's 2017 report, from the seed test's 756 items, says 756 items, eight kinds, four channels."""

import pytest

from annual.figures import compute_year
from annual.narrative import draft_narrative
from tests.reports.test_seed_year import KINDS, TOTAL, seed_year  # noqa: F401  (the seed's 756 items)

pytestmark = pytest.mark.django_db


def test_the_2017_report_says_756_items_of_eight_kinds_on_four_channels(seed_year, shuangxi):  # noqa: F811
    figures = compute_year([shuangxi], 2017)[shuangxi.pk]
    proactive = figures["proactive"]
    assert proactive["total"] == TOTAL == 756
    assert [kind["name"] for kind in proactive["kinds"]] == KINDS
    assert {kind["name"]: kind["count"] for kind in proactive["kinds"]} == dict(seed_year["per_kind"])
    assert [channel["name"] for channel in proactive["channels"]] == [
        "政府网站",
        "两微一端",
        "纸质媒体/宣传资料",
        "公示栏",
    ]
    assert sum(m["records"] for m in figures["monthly"]) == 756
    text = draft_narrative(figures)["overview_proactive"]
    assert text.startswith("2017年主动公开政府信息756条，涉及8类信息，其中法律法规95条、政府文件95条、工作动态95条、")
    assert "；通过政府网站、两微一端、纸质媒体/宣传资料、公示栏等4种渠道公开。" in text
