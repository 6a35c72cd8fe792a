"""The format's cross-checks (勾稽关系), over the figures as computed or as frozen.

Each check names the cell it is about, in the words of the published tables
("表三 第一列（自然人）"), so a township knows where to look. A failed check blocks
submission; a check that cannot be made (no frozen report of last year) is shown as
skipped and does not block.
"""

from dataclasses import asdict, dataclass

from annual.figures import DOCUMENT_KINDS, ENTERED_KEYS, KIND_KEYS, RESULT_KEYS
from annual.models import EnteredFigure
from township_portal.lib.annual import APPLICANT_KINDS, OUTCOME_CODES, OUTCOMES, REMEDY_KINDS, TOTAL

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
COLUMNS = [*APPLICANT_KINDS, ("total", TOTAL)]
DOCUMENT_LABELS = {"regulation": "规章", "normative": "行政规范性文件"}
ROW_LABELS = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "outcomes_total": "三、（七）总计",
    "carried_out": "四、结转下年度继续办理",
    **{code: f"三、{group}{label}" for code, group, label in OUTCOMES},
}


@dataclass
class Check:
    key: str
    cell: str
    status: str
    message: str

    @property
    def ok(self) -> bool:
        return self.status != FAILED


def _column(index: int, label: str) -> str:
    return f"第{index}列（{label}）"


def _table3(figures: dict) -> list[Check]:
    rows = figures["table3"]
    checks = []
    for index, (kind, label) in enumerate(COLUMNS, start=1):
        left = rows["received"][kind] + rows["carried_in"][kind]
        right = rows["outcomes_total"][kind] + rows["carried_out"][kind]
        cell = f"表三 {_column(index, label)}"
        message = f"一＋二＝{left}，三（七）＋四＝{right}"
        checks.append(Check(f"t3_balance_{kind}", cell, OK if left == right else FAILED, message))
        outcomes = sum(rows[code][kind] for code in OUTCOME_CODES)
        checks.append(
            Check(
                f"t3_outcomes_{kind}",
                f"表三 三、（七）总计 {_column(index, label)}",
                OK if outcomes == rows["outcomes_total"][kind] else FAILED,
                f"（一）至（六）之和＝{outcomes}，（七）总计＝{rows['outcomes_total'][kind]}",
            )
        )
    bad = []
    for row_key, row in rows.items():
        if sum(row[kind] for kind in KIND_KEYS) != row["total"]:
            bad.append(f"{ROW_LABELS[row_key]}：六列之和 {sum(row[kind] for kind in KIND_KEYS)}，总计 {row['total']}")
    checks.append(
        Check(
            "t3_total_column",
            "表三 总计列",
            FAILED if bad else OK,
            "；".join(bad) if bad else "每行总计等于自然人与五类法人或其他组织之和",
        )
    )
    problems = figures.get("source_problems") or []
    checks.append(
        Check(
            "t3_codes",
            "表三 三、本年度办理结果",
            FAILED if problems else OK,
            ("数据来源给出了格式以外的分类：" + "；".join(problems))
            if problems
            else "每件办结的申请只计入一种办理结果（部分公开只计入（二））",
        )
    )
    return checks


def _table4(figures: dict) -> list[Check]:
    checks = []
    for kind, label in REMEDY_KINDS:
        results = figures["table4"][kind]
        parts = sum(results[key] for key in RESULT_KEYS)
        checks.append(
            Check(
                f"t4_total_{kind}",
                f"表四 {label} 总计",
                OK if parts == results["total"] else FAILED,
                f"结果维持、结果纠正、其他结果、尚未审结之和＝{parts}，总计＝{results['total']}",
            )
        )
    return checks


def _previous(figures: dict) -> list[Check]:
    previous = figures["previous"]
    checks = []
    carried_out = previous.get("carried_out")
    basis = {"frozen": "上年冻结报告的", "manual": "手工录入的上年"}.get(previous["basis"], "")
    for index, (kind, label) in enumerate(COLUMNS, start=1):
        cell = f"表三 二、上年结转 {_column(index, label)}"
        this_year = figures["table3"]["carried_in"][kind]
        if carried_out is None:
            checks.append(Check(f"carry_{kind}", cell, SKIPPED, "上年度没有冻结的年度报告，未核对"))
            continue
        last_year = carried_out[kind]
        checks.append(
            Check(
                f"carry_{kind}",
                cell,
                OK if this_year == last_year else FAILED,
                f"本年“二”＝{this_year}，{basis}“四、结转下年度继续办理”＝{last_year}",
            )
        )
    for kind in DOCUMENT_KINDS:
        documents = figures["table2"]["documents"][kind]
        before = previous["valid"][kind]
        expected = before + documents["issued"] - documents["repealed"]
        label = DOCUMENT_LABELS[kind]
        source = basis or "平台记录的上年"
        checks.append(
            Check(
                f"valid_{kind}",
                f"表二 {label} 现行有效件数",
                OK if expected == documents["valid"] else FAILED,
                f"{source}现行有效 {before} ＋ 本年制发 {documents['issued']} − 本年废止 {documents['repealed']} "
                f"＝ {expected}，表中现行有效 {documents['valid']}",
            )
        )
    return checks


def _monthly(figures: dict) -> list[Check]:
    checks = []
    total = 0
    for month in figures["monthly"]:
        counted = month["frozen"] if month["frozen"] is not None else month["records"]
        total += counted
        if month["frozen"] is None:
            continue
        checks.append(
            Check(
                f"month_{month['month']}",
                f"{month['month']}月月报 本月主动公开信息",
                OK if month["frozen"] == month["records"] else FAILED,
                f"已上报的{month['month']}月月报（第{month['version']}版）为 {month['frozen']} 条，"
                f"按记录为 {month['records']} 条",
            )
        )
    year_total = figures["proactive"]["total"]
    checks.append(
        Check(
            "months_sum",
            "一、总体情况 本年主动公开信息条数",
            OK if total == year_total else FAILED,
            f"12个月月报合计 {total} 条，年度报告 {year_total} 条",
        )
    )
    # 依申请公开: once all twelve months are frozen with that section, their sums are table 三's totals.
    frozen = [month.get("frozen_applications") for month in figures["monthly"]]
    if all(frozen):
        for key, row, cell in (
            ("received", "received", "1—12月月报 收到申请合计"),
            ("answered", "outcomes_total", "1—12月月报 办结合计"),
        ):
            months, year = sum(month[key] for month in frozen), figures["table3"][row]["total"]
            checks.append(
                Check(
                    f"months_applications_{key}",
                    cell,
                    OK if months == year else FAILED,
                    f"已上报的12个月月报合计 {months} 件，年度报告 {year} 件",
                )
            )
    return checks


def _entered(figures: dict) -> list[Check]:
    checks = []
    labels = dict(EnteredFigure.Key.choices)
    for key in ENTERED_KEYS:
        value = figures["table2"]["entered"].get(key)
        checks.append(
            Check(
                f"entered_{key}",
                f"表二 {labels[key]}",
                OK if value is not None else FAILED,
                f"已录入：{value['value']}（{value['source_note']}）"
                if value
                else "未填写（没有请填 0 并写明数据来源）",
            )
        )
    return checks


def run_checks(figures: dict) -> list[Check]:
    return [*_table3(figures), *_table4(figures), *_previous(figures), *_monthly(figures), *_entered(figures)]


def failures(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.ok]


def as_json(checks: list[Check]) -> list[dict]:
    return [asdict(check) for check in checks]


def from_json(rows: list[dict]) -> list[Check]:
    return [Check(**row) for row in rows]
