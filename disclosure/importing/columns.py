"""The import's spreadsheet columns as townships name them, and the values its cells may hold."""

import re

from disclosure.models import Item

# Column names as township spreadsheets write them; the first is the canonical one.
COLUMNS = {
    "index_number": ("索引号",),
    "title": ("标题", "信息名称"),
    "category": ("目录分类", "主题分类", "分类"),
    "publisher": ("发布机构",),
    "document_number": ("文号", "发文字号"),
    "written_on": ("成文日期", "形成日期", "成文/形成日期"),
    "published_on": ("发布日期", "发布时间"),
    "validity": ("有效性",),
    "repealed_on": ("废止日期",),
    "mode": ("公开方式",),
    "summary": ("内容概述", "摘要"),
    "body": ("正文",),
    "keywords": ("关键词",),
    "attachments": ("附件",),
}
REQUIRED_COLUMNS = ("title", "category", "written_on", "published_on")
COLUMN_NAMES = {key: names[0] for key, names in COLUMNS.items()}
HEADER_TO_KEY = {name: key for key, names in COLUMNS.items() for name in names}

VALIDITY_VALUES = {
    "有效": Item.Validity.VALID,
    "现行有效": Item.Validity.VALID,
    "废止": Item.Validity.REPEALED,
    "已废止": Item.Validity.REPEALED,
    "失效": Item.Validity.REPEALED,
}
MODE_VALUES = {"主动公开": Item.Mode.PROACTIVE, "依申请公开": Item.Mode.ON_REQUEST}
MAX_LENGTHS = {"title": 200, "keywords": 200, "document_number": 60, "index_number": 60}

DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?$"
)
ATTACHMENT_SEPARATORS = re.compile(r"[;；\n]")
LOOKS_LIKE_HTML = re.compile(r"<(p|br|div|table|h[1-6]|ul|ol|span|strong|a)\b", re.IGNORECASE)
