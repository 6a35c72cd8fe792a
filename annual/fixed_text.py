"""The format's own wording, which the disclosure sensitive-word scan skips in 年度报告 items.

Rows such as 1.属于国家秘密 and 5.属于三类内部事务信息 are prescribed by the format
(国办公开办函〔2021〕30号) and stand on every report, in its body and in its DOCX and PDF;
the words 秘密 and 内部 in them are not the township's. The staff-written narrative is
still scanned word for word.
"""

from collections import defaultdict
from functools import cache

from annual.services import ANNUAL_COLUMN_NAMES
from annual.tables import all_tables


@cache
def format_labels() -> frozenset[str]:
    """Every title and header cell of tables 二, 三 and 四: the text the format fixes."""

    def blank():
        return defaultdict(blank)  # any figure asked for is there (and is not a header)

    grids = all_tables(blank())
    headers = {cell.text for grid in grids for row in grid.rows for cell in row if cell.header}
    return frozenset({grid.title for grid in grids} | headers)


def annual_fixed_text(item) -> frozenset[str]:
    """The format's labels for an item of a 年度报告 column (where the reports are published), else nothing."""
    if item.category_id is None or item.category.name not in ANNUAL_COLUMN_NAMES:
        return frozenset()
    return format_labels()
