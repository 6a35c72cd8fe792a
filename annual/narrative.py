"""The narrative pre-drafted from the figures (一、总体情况 and sections 五、六), for staff to edit."""

from decimal import Decimal

from annual.checks import DOCUMENT_LABELS


def _join(parts: list[str]) -> str:
    return "、".join(parts)


def _proactive(figures: dict) -> str:
    year = figures["year"]
    proactive = figures["proactive"]
    text = f"{year}年主动公开政府信息{proactive['total']}条"
    kinds = proactive["kinds"]
    if kinds:
        text += f"，涉及{len(kinds)}类信息，其中" + _join(f"{k['name']}{k['count']}条" for k in kinds)
    channels = proactive["channels"]
    if channels:
        text += f"；通过{_join(c['name'] for c in channels)}等{len(channels)}种渠道公开"
    documents = figures["table2"]["documents"]
    issued = [f"{DOCUMENT_LABELS[kind]}{row['issued']}件" for kind, row in documents.items() if row["issued"]]
    if issued:
        text += "；本年制发" + _join(issued)
    return text + "。"


def _applications(figures: dict) -> str:
    rows = figures["table3"]
    received = rows["received"]["total"]
    carried_in = rows["carried_in"]["total"]
    closed = rows["outcomes_total"]["total"]
    carried_out = rows["carried_out"]["total"]
    disclosed = rows["disclosed"]["total"]
    partial = rows["partial"]["total"]
    text = f"本年新收政府信息公开申请{received}件，上年结转{carried_in}件，本年办结{closed}件"
    if closed:
        text += f"，其中予以公开{disclosed}件、部分公开{partial}件、其他情形{closed - disclosed - partial}件"
    text += f"，结转下年度继续办理{carried_out}件。"
    remedies = figures["table4"]
    review, direct, after = (remedies[key]["total"] for key in ("review", "lawsuit_direct", "lawsuit_after_review"))
    if review or direct or after:
        text += f"因政府信息公开被申请行政复议{review}件、提起行政诉讼{direct + after}件。"
    else:
        text += "未发生因政府信息公开引起的行政复议和行政诉讼。"
    return text


def _other(figures: dict) -> str:
    fees = Decimal(figures["fees_yuan"])
    if fees:
        return f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{fees.normalize():f}元。"
    return "本年度未收取信息处理费。"


def draft_narrative(figures: dict) -> dict[str, str]:
    """Every narrative field, pre-drafted: figures where the records hold them, a prompt elsewhere."""
    return {
        "overview_proactive": _proactive(figures),
        "overview_applications": _applications(figures),
        "overview_management": "严格落实公开前保密审查和个人信息保护审查，公开内容均经初审、保密审查和签发三个环节。",
        "overview_platform": "依托县政府门户网站政府信息公开专栏集约化发布，及时更新公开指南和公开目录。",
        "overview_supervision": "按月向县政务公开办报送政务公开月报，主动接受社会监督。",
        "problems": "（请填写本年度存在的主要问题及改进措施。）",
        "other_matters": _other(figures),
    }
