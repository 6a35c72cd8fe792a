"""A server-rendered SVG chart: items published per township over the last twelve months.

One row of bars per township on a shared scale (small multiples stay readable with
twenty townships, where twenty lines on one plot would not). Plain SVG inlined in
the page: no script, no external font or library. The page puts the same numbers
in a table beside it for screen readers; the SVG names that table in its <desc>.
"""

from html import escape

from reports.months import Month

LABEL_WIDTH = 96
COLUMN_WIDTH = 40
BAR_WIDTH = 26
ROW_HEIGHT = 40
HEADER_HEIGHT = 40
BAR_COLOUR = "#0b4ea2"
TEXT_COLOUR = "#1a1a1a"
RULE_COLOUR = "#8a8a8a"


def trend_svg(rows: list[tuple[str, list[int]]], months: list[Month], *, table_id: str = "trend-table") -> str:
    width = LABEL_WIDTH + COLUMN_WIDTH * len(months) + 8
    height = HEADER_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 4
    peak = max((value for _, values in rows for value in values), default=0) or 1
    title = f"{months[0].label}至{months[-1].label}各乡镇主动公开信息条数"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="trend-title trend-desc">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">每行一个乡镇，每根柱为一个月的条数，各行比例相同（最高 {peak} 条）。'
        f"同样的数字见表格 {escape(table_id)}。</desc>",
        f'<g font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">',
    ]
    for index, month in enumerate(months):
        x = LABEL_WIDTH + index * COLUMN_WIDTH + COLUMN_WIDTH / 2
        if index == 0 or month.month == 1:
            parts.append(f'<text x="{x:.0f}" y="14" text-anchor="middle">{month.year}年</text>')
        parts.append(f'<text x="{x:.0f}" y="32" text-anchor="middle">{month.month}月</text>')
    bar_space = ROW_HEIGHT - 10
    for row_index, (name, values) in enumerate(rows):
        baseline = HEADER_HEIGHT + (row_index + 1) * ROW_HEIGHT - 4
        parts.append(f'<text x="4" y="{baseline - 6}">{escape(name)}</text>')
        parts.append(
            f'<line x1="{LABEL_WIDTH}" y1="{baseline}" x2="{width - 8}" y2="{baseline}" stroke="{RULE_COLOUR}"/>'
        )
        for index, (month, value) in enumerate(zip(months, values, strict=True)):
            bar_height = round(bar_space * value / peak, 1)
            x = LABEL_WIDTH + index * COLUMN_WIDTH + (COLUMN_WIDTH - BAR_WIDTH) / 2
            parts.append(
                f'<rect x="{x:.0f}" y="{baseline - bar_height}" width="{BAR_WIDTH}" height="{bar_height}" '
                f'fill="{BAR_COLOUR}"><title>{escape(name)} {month.label}：{value} 条</title></rect>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
