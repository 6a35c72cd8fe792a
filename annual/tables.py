"""Tables 二, 三 and 四 laid out as the published reports show them, with their merged headers.

A `Grid` is rows of `Cell`s with colspans and rowspans, as in HTML; every format (the
web page, the published item, the PDF, DOCX and XLSX) draws the same grid, so a number
sits in the same cell everywhere. `positions()` gives each cell's row and column for
the formats that address cells (python-docx, openpyxl).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from annual.figures import KIND_KEYS
from township_portal.lib.annual import OUTCOMES, REMEDY_KINDS, REMEDY_RESULTS

TABLE2_TITLE = "二、主动公开政府信息情况"
TABLE3_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass
class Cell:
    value: object = ""
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    scope: str = ""  # "col" or "row" for header cells

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, Decimal)) and not isinstance(self.value, bool)

    @property
    def text(self) -> str:
        if isinstance(self.value, Decimal):
            return f"{self.value.normalize():f}"
        return "" if self.value is None else str(self.value)


@dataclass
class Grid:
    title: str
    columns: int
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)

    @property
    def rows(self) -> list[list[Cell]]:
        return [*self.head, *self.body]

    def positions(self) -> list[tuple[int, int, Cell]]:
        """(row, column, cell) for every cell, skipping the places spans cover."""
        taken: set[tuple[int, int]] = set()
        placed = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                placed.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
        return placed

    def height(self) -> int:
        return len(self.rows)


def _head(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan, rowspan, header=True, scope="col")


def _row_head(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan, rowspan, header=True, scope="row")


def _entered_value(entry: dict | None, *, money: bool = False):
    if entry is None:
        return "未填写"
    return Decimal(str(entry["value"])) if money else int(entry["value"])


def table2(figures: dict) -> Grid:
    documents = figures["table2"]["documents"]
    entered = figures["table2"]["entered"]
    grid = Grid(TABLE2_TITLE, 4)
    grid.head = [
        [_head("第二十条第（一）项", 4)],
        [_head("信息内容"), _head("本年制发件数"), _head("本年废止件数"), _head("现行有效件数")],
    ]
    for kind, label in (("regulation", "规章"), ("normative", "行政规范性文件")):
        row = documents[kind]
        grid.body.append([_row_head(label), Cell(row["issued"]), Cell(row["repealed"]), Cell(row["valid"])])
    sections = [
        ("第二十条第（五）项", "本年处理决定数量", [("permits", "行政许可")]),
        ("第二十条第（六）项", "本年处理决定数量", [("penalties", "行政处罚"), ("enforcement", "行政强制")]),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("fees", "行政事业性收费")]),
    ]
    for heading, measure, rows in sections:
        grid.body.append([_head(heading, 4)])
        grid.body.append([_head("信息内容"), _head(measure, 3)])
        for key, label in rows:
            grid.body.append([_row_head(label), Cell(_entered_value(entered.get(key), money=key == "fees"), 3)])
    return grid


def table3(figures: dict) -> Grid:
    rows = figures["table3"]
    grid = Grid(TABLE3_TITLE, 10)
    grid.head = [
        [_head(TABLE3_NOTE, 3, 3), _head("申请人情况", 7)],
        [_head("自然人", 1, 2), _head("法人或其他组织", 5), _head("总计", 1, 2)],
        [_head("商业企业"), _head("科研机构"), _head("社会公益组织"), _head("法律服务机构"), _head("其他")],
    ]

    def numbers(key: str) -> list[Cell]:
        return [Cell(rows[key][kind]) for kind in [*KIND_KEYS, "total"]]

    grid.body.append([_row_head("一、本年新收政府信息公开申请数量", 3), *numbers("received")])
    grid.body.append([_row_head("二、上年结转政府信息公开申请数量", 3), *numbers("carried_in")])
    group_sizes: dict[str, int] = {}
    for _code, group, _label in OUTCOMES:
        group_sizes[group] = group_sizes.get(group, 0) + 1
    seen_groups = set()
    for index, (code, group, label) in enumerate(OUTCOMES):
        cells = []
        if index == 0:
            cells.append(_row_head("三、本年度办理结果", 1, len(OUTCOMES) + 1))
        if not label:
            cells.append(_row_head(group, 2))
        else:
            if group not in seen_groups:
                cells.append(_row_head(group, 1, group_sizes[group]))
            cells.append(_row_head(label))
        seen_groups.add(group)
        grid.body.append([*cells, *numbers(code)])
    grid.body.append([_row_head("（七）总计", 2), *numbers("outcomes_total")])
    grid.body.append([_row_head("四、结转下年度继续办理", 3), *numbers("carried_out")])
    return grid


def table4(figures: dict) -> Grid:
    remedies = figures["table4"]
    results = [*REMEDY_RESULTS, ("total", "总计")]
    grid = Grid(TABLE4_TITLE, 15)
    grid.head = [
        [_head("行政复议", 5), _head("行政诉讼", 10)],
        [
            *[_head(label, 1, 2) for _key, label in results],
            _head("未经复议直接起诉", 5),
            _head("复议后起诉", 5),
        ],
        [_head(label) for _kind in range(2) for _key, label in results],
    ]
    grid.body = [[Cell(remedies[kind][key]) for kind, _label in REMEDY_KINDS for key, _l in results]]
    return grid


def all_tables(figures: dict) -> list[Grid]:
    return [table2(figures), table3(figures), table4(figures)]
