"""The report's narrative part (工作情况) and the numbering of its section titles."""

NARRATIVE_FIELDS = [
    ("work_done", "本月工作开展情况"),
    ("problems", "存在的主要问题"),
    ("improvements", "改进措施"),
]
NARRATIVE_TITLE = "工作情况"

CHINESE_NUMERALS = "一二三四五六七八九十"


def numbered(index: int, title: str) -> str:
    """一、title for the index-th section (0-based)."""
    return f"{CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else index + 1}、{title}"
