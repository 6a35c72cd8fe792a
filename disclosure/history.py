"""An item's audit events told as sentences in Chinese, for the 操作记录 on its admin page.

The audit trail stores internal action codes and before/after dicts; staff read what happened:
“送审，进入“初审”环节”, “登记公开渠道：纸质媒体/宣传资料，2026年3月21日”. An action this module
does not know reads 其他操作, never its code.
"""

import datetime

from django.utils import timezone

from catalog.models import Channel
from disclosure.models import Item, PersonalDataFinding, Review


class _Labels(dict):
    """A choices list as a lookup of plain strings (labels are lazy translations)."""

    def __init__(self, choices):
        super().__init__(choices)

    def get(self, key, default=None):
        value = super().get(key, default)
        return str(value) if value is not None else None


_KINDS = _Labels(PersonalDataFinding.Kind.choices)
_LOCATIONS = _Labels(PersonalDataFinding.Location.choices)
_CHANNELS = _Labels(Channel.choices)
_VALIDITY = _Labels(Item.Validity.choices)
_REVIEW_KINDS = _Labels(Review.Kind.choices)


def _field_label(name: str) -> str:
    try:
        return str(Item._meta.get_field(name).verbose_name)
    except Exception:  # a field since renamed: say so plainly rather than show its code
        return "其他内容"


def _fields(values: dict | None) -> str:
    names = [name for name in (values or {}) if name != "labels"]
    return "、".join(dict.fromkeys(_field_label(name) for name in names)) or "内容"


def _when(value) -> str:
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _day(value) -> str:
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{day.year}年{day.month}月{day.day}日"


def _size(value) -> str:
    return f"{(value or 0) / 1024:.0f} KB" if (value or 0) < 1024 * 1024 else f"{value / 1024 / 1024:.1f} MB"


def _update(before, after) -> str:
    after = after or {}
    text = f"修改了{_fields({k: v for k, v in after.items() if k != 'scheduled_for'})}"
    if "scheduled_for" in after:
        when = _when(after["scheduled_for"])
        scheduled = f"定时发布时间改为{when}" if when else "取消了定时发布"
        text = scheduled if set(after) == {"scheduled_for"} else f"{text}，{scheduled}"
    return text


def _submit(before, after) -> str:
    after = after or {}
    kind = _REVIEW_KINDS.get(after.get("kind"), "")
    return f"送审（{kind}），进入“{after.get('step', '')}”环节" if kind else f"送审，进入“{after.get('step', '')}”环节"


def _approve(before, after) -> str:
    step, following = (before or {}).get("step", ""), (after or {}).get("step", "")
    return f"“{step}”环节同意，审核通过" if following == "审核通过" else f"“{step}”环节同意，转入“{following}”环节"


def _return(before, after) -> str:
    step = (before or {}).get("step")
    return f"在“{step}”环节退回修改" if step else "撤销签发，退回修改"


def _publish(before, after) -> str:
    after = after or {}
    text = f"发布，索引号 {after.get('index_number', '')}"
    if after.get("late_workdays"):
        text += f"（超过公开时限 {after['late_workdays']} 个工作日）"
    if after.get("emergency"):
        text += "（紧急发布）"
    return text


def _reschedule(before, after) -> str:
    planned, moved = (before or {}).get("scheduled_for"), (after or {}).get("scheduled_for")
    if moved is None:
        return f"把原定于{_when(planned)}的发布提前到现在"
    return f"把发布时间从{_when(planned)}改为{_when(moved)}"


def _repeal(before, after) -> str:
    after = after or {}
    text = f"标记为{_VALIDITY.get(after.get('validity'), '废止')}，自{_day(after.get('repealed_on'))}起"
    if after.get("replaced_by"):
        text += f"，由索引号 {after['replaced_by']} 的信息替代"
    return text


def _channel(before, after) -> str:
    after = after or {}
    parts = [_CHANNELS.get(after.get("channel"), "其他渠道"), _day(after.get("posted_on"))]
    if after.get("place"):
        parts.append(after["place"])
    if after.get("link"):
        parts.append("附链接")
    if after.get("photo"):
        parts.append("附现场照片")
    return "登记公开渠道：" + "，".join(part for part in parts if part)


def _finding(verb: str):
    def describe(before, after) -> str:
        after = after or {}
        where = _LOCATIONS.get(after.get("location"))
        what = f"{_KINDS.get(after.get('kind'), '检查结果')}“{after.get('masked_value', '')}”"
        return f"{verb}{where}中的{what}" if where else f"{verb}{what}"

    return describe


def _scrub(before, after) -> str:
    revisions = (after or {}).get("revisions") or []
    count = len(revisions) if isinstance(revisions, list) else revisions
    return f"在 {count} 个历史版本中自动遮盖已删除的个人信息"


SENTENCES = {
    "item.create": lambda before, after: "起草了这条信息",
    "item.import": lambda before, after: f"从原网站导入，索引号 {(after or {}).get('index_number', '')}",
    "item.update": _update,
    "item.change": lambda before, after: f"修改了已发布信息的{_fields(after)}（审核通过后上线）",
    "item.change_discard": lambda before, after: "放弃了未上线的修改",
    "item.due_recompute": lambda before, after: (
        f"重算应公开日期为{_day((after or {}).get('due_on'))}" if (after or {}).get("due_on") else "重算应公开日期"
    ),
    "item.submit": _submit,
    "item.approve_step": _approve,
    "item.return": _return,
    "item.schedule": lambda before, after: f"签发通过，定于{_when((after or {}).get('scheduled_for'))}自动发布",
    "item.reschedule": _reschedule,
    "item.publish": _publish,
    "item.publish_change": lambda before, after: f"已发布信息的修改上线（{_fields(after)}）",
    "item.emergency_publish": lambda before, after: "紧急发布（事后须分管领导审批）",
    "item.emergency_confirm": lambda before, after: "对紧急发布作了事后审批",
    "item.withdraw": lambda before, after: "撤回了这条信息",
    "item.repeal": _repeal,
    "item.history_scrub": _scrub,
    "finding.mask": _finding("脱敏："),
    "finding.override": _finding("确认无需处理："),
    "channel.record": _channel,
    "attachment.add": lambda before, after: (
        f"上传附件“{(after or {}).get('original_name', '')}”（{_size((after or {}).get('size'))}）"
    ),
    "attachment.remove": lambda before, after: f"移除附件“{(before or {}).get('original_name', '')}”",
}


def event_sentence(event) -> str:
    """What the event did, in a sentence a township's staff can read."""
    describe = SENTENCES.get(event.action)
    if describe is None:
        return "其他操作"
    try:
        return describe(event.before, event.after)
    except (AttributeError, KeyError, TypeError, ValueError):  # an old event of another shape
        return "其他操作"
