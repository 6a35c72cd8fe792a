"""The item's 操作记录 as sentences: every action the item services record has one, none shows a code."""

import re
from pathlib import Path

from audit.models import AuditEvent
from disclosure.history import SENTENCES, event_sentence

ROOT = Path(__file__).resolve().parents[2]


def test_every_action_recorded_on_an_item_has_a_sentence():
    recorded = set()
    for path in [*(ROOT / "disclosure").rglob("*.py")]:
        recorded |= set(re.findall(r'action="((?:item|attachment|finding|channel)\.[a-z_]+)"', path.read_text()))
    assert recorded and recorded <= set(SENTENCES), recorded - set(SENTENCES)


def test_an_unknown_or_malformed_event_reads_as_other_never_as_its_code():
    assert event_sentence(AuditEvent(action="item.teleport", after={"x": 1})) == "其他操作"
    assert event_sentence(AuditEvent(action="item.publish", after=["not", "a", "dict"])) == "其他操作"


def test_an_update_names_the_fields_in_chinese_and_the_new_schedule():
    event = AuditEvent(
        action="item.update",
        before={"title": "旧", "scheduled_for": None},
        after={"title": "新", "scheduled_for": "2026-03-20T01:00:00+00:00"},
    )
    assert event_sentence(event) == "修改了标题，定时发布时间改为2026年3月20日 09:00"
