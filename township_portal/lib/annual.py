"""The annual report's vocabulary (国办公开办函〔2021〕30号) and where its figures come from.

Tables 三 and 四 of the annual report count applications for information (依申请公开),
which live in an app above `reports`. So that `reports` never imports that app, the
applications app registers a *source* here (in its `AppConfig.ready()`), and the annual
report asks every registered source for a year:

    register_annual_source("applications", applications_year)

    def applications_year(*, organisation_ids: list[int], year: int) -> dict[int, AnnualFigures]: ...

The same outcome codes are used by the monthly report's applications section, so twelve
months add up to the year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

# 表三's columns, in order; 总计 (TOTAL) is always the sum of the six.
APPLICANT_KINDS: list[tuple[str, str]] = [
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
]
TOTAL = "总计"

# 三、本年度办理结果: outcome code -> label. Each closed application has exactly one code.
OUTCOMES: list[tuple[str, str, str]] = [
    # (code, group label, row label)
    ("disclosed", "（一）予以公开", ""),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("refused_1", "（三）不予公开", "1.属于国家秘密"),
    ("refused_2", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("refused_3", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("refused_4", "（三）不予公开", "4.保护第三方合法权益"),
    ("refused_5", "（三）不予公开", "5.属于三类内部事务信息"),
    ("refused_6", "（三）不予公开", "6.属于四类过程性信息"),
    ("refused_7", "（三）不予公开", "7.属于行政执法案卷"),
    ("refused_8", "（三）不予公开", "8.属于行政查询事项"),
    ("unable_1", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_2", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable_3", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_1", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_2", "（五）不予处理", "2.重复申请"),
    ("not_processed_3", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_4", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_5", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_1", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_2", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_3", "（六）其他处理", "3.其他"),
]
OUTCOME_CODES = [code for code, _group, _label in OUTCOMES]

# 表四: 行政复议, 行政诉讼 未经复议直接起诉, 行政诉讼 复议后起诉; each with these results + 总计.
REMEDY_KINDS: list[tuple[str, str]] = [
    ("review", "行政复议"),
    ("lawsuit_direct", "行政诉讼（未经复议直接起诉）"),
    ("lawsuit_after_review", "行政诉讼（复议后起诉）"),
]
REMEDY_RESULTS: list[tuple[str, str]] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
]


@dataclass
class AnnualFigures:
    """One organisation's figures for one year from a source.

    `received`, `carried_in`, `carried_out`: per applicant kind (keys of APPLICANT_KINDS).
    `outcomes`: outcome code -> per applicant kind, for applications closed in the year.
    `remedies`: remedy kind -> result -> count (行政复议/诉讼 decided or pending in the year).
    `fees_yuan`: information-processing fees charged in the year (六、其他需要报告的事项).
    """

    received: dict[str, int] = field(default_factory=dict)
    carried_in: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    carried_out: dict[str, int] = field(default_factory=dict)
    remedies: dict[str, dict[str, int]] = field(default_factory=dict)
    fees_yuan: Decimal = Decimal("0")


AnnualSource = Callable[..., dict[int, AnnualFigures]]
_SOURCES: dict[str, AnnualSource] = {}


def register_annual_source(name: str, source: AnnualSource) -> AnnualSource:
    _SOURCES[name] = source
    return source


def annual_sources() -> dict[str, AnnualSource]:
    return dict(_SOURCES)
