"""The fixture's two years give these exact tables (written out cell by cell)."""

import pytest

from annual.figures import compute_year
from annual.tables import table3
from township_portal.lib.annual import OUTCOME_CODES

pytestmark = pytest.mark.django_db

KINDS = ["natural", "business", "research", "public_interest", "legal_service", "other", "total"]


def row(*values):
    assert len(values) == 7
    return dict(zip(KINDS, values, strict=True))


ZERO = row(0, 0, 0, 0, 0, 0, 0)


def expected_table3(year):
    outcomes = {code: ZERO for code in OUTCOME_CODES}
    if year == 2024:
        outcomes |= {"disclosed": row(1, 0, 0, 0, 0, 0, 1), "partial": row(0, 1, 0, 0, 0, 0, 1)}
        return {
            "received": row(2, 1, 1, 0, 0, 0, 4),
            "carried_in": ZERO,
            **outcomes,
            "outcomes_total": row(1, 1, 0, 0, 0, 0, 2),
            "carried_out": row(1, 0, 1, 0, 0, 0, 2),
        }
    outcomes |= {
        "disclosed": row(0, 0, 0, 1, 0, 0, 1),
        "partial": row(1, 0, 0, 0, 0, 0, 1),
        "refused_4": row(0, 0, 1, 0, 0, 0, 1),
        "unable_1": row(1, 0, 0, 0, 0, 0, 1),
        "not_processed_2": row(0, 0, 0, 0, 1, 0, 1),
        "other_1": row(0, 0, 0, 0, 0, 1, 1),
    }
    return {
        "received": row(2, 1, 0, 1, 1, 1, 6),
        "carried_in": row(1, 0, 1, 0, 0, 0, 2),
        **outcomes,
        "outcomes_total": row(2, 0, 1, 1, 1, 1, 6),
        "carried_out": row(1, 1, 0, 0, 0, 0, 2),
    }


def remedies(review=(0, 0, 0, 0), direct=(0, 0, 0, 0), after=(0, 0, 0, 0)):
    keys = ["upheld", "corrected", "other", "pending"]
    build = lambda values: {**dict(zip(keys, values, strict=True)), "total": sum(values)}  # noqa: E731
    return {"review": build(review), "lawsuit_direct": build(direct), "lawsuit_after_review": build(after)}


def test_the_fixture_is_counted_from_real_applications(applications, shuangxi):
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert figures["sources"] == ["applications"]
    assert applications.cases["B5"].status == "open" and applications.cases["B6"].closed_on.isoformat() == "2026-01-05"
    assert applications.cases["B3"].outcome == "other_1" and applications.cases["B1"].letters.count() == 2


def test_2024_tables(applications, items, shuangxi):
    figures = compute_year([shuangxi], 2024)[shuangxi.pk]
    assert figures["table3"] == expected_table3(2024)
    assert figures["table4"] == remedies(review=(0, 1, 0, 0))
    assert figures["table2"]["documents"] == {
        "regulation": {"issued": 0, "repealed": 0, "valid": 0},
        "normative": {"issued": 2, "repealed": 0, "valid": 2},
    }
    assert figures["proactive"]["total"] == 3
    assert figures["fees_yuan"] == "0"


def test_2025_tables(applications, items, shuangxi):
    figures = compute_year([shuangxi], 2025)[shuangxi.pk]
    assert figures["table3"] == expected_table3(2025)
    assert figures["table4"] == remedies(review=(1, 0, 0, 0), direct=(0, 0, 0, 1))
    assert figures["table2"]["documents"] == {
        "regulation": {"issued": 1, "repealed": 0, "valid": 1},
        "normative": {"issued": 2, "repealed": 2, "valid": 2},
    }
    assert figures["proactive"]["total"] == 5
    assert figures["proactive"]["kinds"] == [{"name": "政策文件", "count": 3}, {"name": "工作动态", "count": 2}]
    assert figures["proactive"]["channels"] == [
        {"code": "website", "name": "政府网站", "count": 2},
        {"code": "bulletin_board", "name": "公示栏", "count": 1},
    ]
    assert [m["records"] for m in figures["monthly"]] == [0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0]
    assert figures["fees_yuan"] == "100"


def test_table3_grid_is_laid_out_like_the_format(applications, items, shuangxi):
    grid = table3(compute_year([shuangxi], 2025)[shuangxi.pk])
    placed = {(r, c): cell for r, c, cell in grid.positions()}
    # Three header rows, then 一, 二, 21 outcome rows, （七）总计, 四: 28 rows of 10 columns.
    assert grid.height() == 28
    assert placed[(0, 0)].rowspan == 3 and placed[(0, 0)].colspan == 3
    assert placed[(0, 3)].text == "申请人情况" and placed[(0, 3)].colspan == 7
    assert placed[(1, 4)].text == "法人或其他组织" and placed[(1, 4)].colspan == 5
    assert placed[(5, 0)].text == "三、本年度办理结果" and placed[(5, 0)].rowspan == 22
    assert placed[(7, 1)].text == "（三）不予公开" and placed[(7, 1)].rowspan == 8
    assert placed[(10, 2)].text == "4.保护第三方合法权益" and placed[(10, 5)].value == 1
    assert placed[(26, 1)].text == "（七）总计" and placed[(26, 9)].value == 6
    assert placed[(27, 0)].text == "四、结转下年度继续办理" and placed[(27, 3)].value == 1
    # Every row covers all ten columns exactly once.
    covered = {}
    for r, c, cell in grid.positions():
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                assert (r + dr, c + dc) not in covered
                covered[(r + dr, c + dc)] = cell
    assert set(covered) == {(r, c) for r in range(28) for c in range(10)}
