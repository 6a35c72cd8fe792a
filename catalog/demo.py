"""Demo organisations, staff, catalogs and guides for 上犹县, built from the 双溪乡 2017 work summary.

Idempotent: running it again updates the same rows. Passwords are set only in demo mode.
"""

import functools
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from catalog.models import Category, GuideVersion, Obligation, Organisation, Staff, UncoveredArea
from township_portal.lib.orgcode import org_code_check_char, uscc_check_char

DEMO_PASSWORD = "demo-2026-shuangxi"
REGION = "360724"  # 江西省赣州市上犹县


def demo_code(serial: str) -> str:
    """A well-formed 统一社会信用代码 for a government body (类别 11) of the county."""
    org_body = f"0144{serial}"
    org_code = org_body + org_code_check_char(org_body)
    first17 = f"11{REGION}{org_code}"
    return first17 + uscc_check_char(first17)


COUNTY = {
    "slug": "shangyou",
    "name": "上犹县人民政府",
    "short_name": "上犹县",
    "code": demo_code("0001"),
    "address": "江西省赣州市上犹县东山镇县政府大院",
    "phone": "0797-8521234",
    "office_hours": "工作日 8:00-12:00，14:30-17:30（夏季 15:00-18:00）",
    "monthly_minimum_items": 8,
}
TOWNSHIPS = [
    {
        "slug": "shuangxi",
        "name": "上犹县双溪乡人民政府",
        "short_name": "双溪乡",
        "code": demo_code("0102"),
        "address": "上犹县双溪乡圩镇政府大楼一楼宣传办",
        "phone": "0797-8661001",
        "fax": "0797-8661002",
        "email": "sxxgk@example.gov.cn",
        "office_hours": "工作日上午 8:00-12:00，下午 14:30-17:30（法定节假日除外）",
        "offices": [("党政办", "dangzheng"), ("宣传办", "xuanchuan"), ("民政所", "minzheng"), ("财政所", "caizheng")],
    },
    {
        "slug": "yingqian",
        "name": "上犹县营前镇人民政府",
        "short_name": "营前镇",
        "code": demo_code("0103"),
        "address": "上犹县营前镇营前大道政府办公楼",
        "phone": "0797-8621001",
        "office_hours": "工作日 8:00-12:00，14:30-17:30",
        "offices": [("党政办", "dangzheng"), ("民政所", "minzheng"), ("财政所", "caizheng")],
    },
    {
        "slug": "shexi",
        "name": "上犹县社溪镇人民政府",
        "short_name": "社溪镇",
        "code": demo_code("0104"),
        "address": "上犹县社溪镇社溪圩政府大院",
        "phone": "0797-8611001",
        "office_hours": "工作日 8:00-12:00，14:30-17:30",
        "offices": [("党政办", "dangzheng"), ("民政所", "minzheng"), ("财政所", "caizheng")],
    },
    {
        "slug": "doushui",
        "name": "上犹县陡水镇人民政府",
        "short_name": "陡水镇",
        "code": demo_code("0105"),
        "address": "上犹县陡水镇政府大院",
        "phone": "0797-8631001",
        "office_hours": "工作日 8:00-12:00，14:30-17:30",
        "offices": [("党政办", "dangzheng"), ("民政所", "minzheng")],
    },
]

# (username, full name, title, organisation slug, roles)
# 双溪乡's leading group comes from the seed: 副乡长黄孟乔 leads it, 党政办副主任邹贤波
# is deputy, and the publicity office (宣传办) does the daily work.
PEOPLE = [
    ("county_office", "县政务公开办", "县政府办政务公开股", "shangyou", {"county_office"}),
    ("sx_author", "陈晓燕", "宣传办信息员", "shuangxi", {"author"}),
    ("sx_reviewer", "邹贤波", "党政办副主任（领导小组副组长）", "shuangxi", {"reviewer", "org_admin"}),
    ("sx_secrecy", "王建华", "党政办保密员", "shuangxi", {"reviewer"}),
    ("sx_approver", "黄孟乔", "副乡长（政务公开领导小组组长）", "shuangxi", {"approver"}),
    ("yq_author", "李文静", "党政办信息员", "yingqian", {"author"}),
    ("yq_reviewer", "刘志强", "党政办主任", "yingqian", {"reviewer", "org_admin"}),
    ("yq_approver", "张国华", "副镇长", "yingqian", {"approver"}),
    ("sxz_author", "赵丽", "党政办信息员", "shexi", {"author"}),
    ("sxz_reviewer", "孙建国", "党政办主任", "shexi", {"reviewer", "org_admin"}),
    ("sxz_approver", "周海涛", "副镇长", "shexi", {"approver"}),
    ("ds_author", "吴芳", "党政办信息员", "doushui", {"author"}),
    ("ds_reviewer", "郑伟", "党政办主任", "doushui", {"reviewer", "org_admin"}),
    ("ds_approver", "钱明", "副镇长", "doushui", {"approver"}),
]


def _upsert_org(**fields) -> Organisation:
    slug = fields.pop("slug")
    organisation, _ = Organisation.objects.update_or_create(slug=slug, defaults=fields)
    return organisation


@transaction.atomic
def load_organisations(*, stdout=None) -> dict[str, Organisation]:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo data with known passwords is only loaded when DEMO_MODE is on.")
    orgs = {}
    county = _upsert_org(kind=Organisation.Kind.COUNTY, parent=None, **COUNTY)
    orgs[county.slug] = county
    for order, spec in enumerate(TOWNSHIPS):
        spec = dict(spec)
        offices = spec.pop("offices")
        township = _upsert_org(kind=Organisation.Kind.TOWNSHIP, parent=county, order=order, **spec)
        orgs[township.slug] = township
        for office_order, (name, suffix) in enumerate(offices):
            office = _upsert_org(
                slug=f"{township.slug}-{suffix}",
                kind=Organisation.Kind.OFFICE,
                parent=township,
                name=f"{township.short_name}{name}",
                short_name=name,
                order=office_order,
            )
            orgs[office.slug] = office
    User = get_user_model()
    # One hash for every demo login (the password is printed anyway): PBKDF2 costs ~0.2 s a hash.
    demo_hash = make_password(DEMO_PASSWORD)
    for username, full_name, title, org_slug, roles in PEOPLE:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.is_staff = True
        user.password = demo_hash
        user.save()
        Staff.objects.update_or_create(
            user=user,
            defaults={
                "organisation": orgs[org_slug],
                "title": title,
                **{
                    f"is_{role}": role in roles
                    for role in ("author", "reviewer", "approver", "org_admin", "county_office")
                },
            },
        )
    admin, _ = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.is_staff = admin.is_superuser = True
    admin.password = demo_hash
    admin.save()
    return orgs


def demo_logins() -> list[tuple[str, str]]:
    return [("admin", "系统管理员（超级用户）")] + [
        (username, f"{name}，{title}") for username, name, title, _, _ in PEOPLE
    ]


# --- the catalog ------------------------------------------------------------------------
# Its content (the standard catalog's areas a township covers, the county template's
# obligations, 双溪乡's own seed obligations, the areas it does not cover) is data, in
# demo_catalog.json beside this file, read when the catalog is first loaded.
DATA = Path(__file__).with_name("demo_catalog.json")


@functools.cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


TEMPLATE_COLUMNS = [
    ("01", "机构概况", "static", "机构职能、领导信息、内设机构"),
    ("02", "政策文件", "notice", "乡政府制发的规范性文件和其他政策文件"),
    ("03", "政策解读", "notice", "与政策文件同步发布的解读材料"),
    ("04", "规划计划", "notice", "发展规划、年度工作计划"),
    ("05", "人事信息", "notice", "干部任免、公开招聘"),
    ("06", "通知公告", "notice", "通知、公告、公示"),
    ("07", "工作动态", "news", "乡镇重要会议、活动和工作进展"),
    ("08", "政务公开制度", "static", "政府信息公开工作制度"),
    ("09", "公开指南", "static", "政府信息公开指南"),
    ("10", "年度报告", "static", "政府信息公开工作年度报告"),
    ("11", "重点领域信息", "notice", "基层政务公开标准目录中适用于乡镇的领域"),
]
TEMPLATE_AREA_PARENT = "11"


# 双溪乡's own tree: the seed's eight kinds first, then the usual columns and the areas.
# (code, name, column kind, parent code, template column or area it corresponds to, description)
def _shuangxi_tree() -> list[tuple]:
    return [
        ("01", "法律法规、条例", "notice", "", None, "转载国家、省、市颁布的与群众生产生活密切相关的法律法规和条例"),
        ("02", "政府文件", "notice", "", None, "乡政府制发的需要公开的文件（红头文件）"),
        ("0201", "政策文件", "notice", "02", "政策文件", "乡政府制发的规范性文件和其他政策文件"),
        ("0202", "政策解读", "notice", "02", "政策解读", "与政策文件同步发布的解读材料"),
        ("03", "工作动态", "news", "", "工作动态", "乡政府重要会议、活动和工作进展"),
        ("04", "县级部门下发需公开材料", "notice", "", None, "县级部门下发、须由本乡对外公开的材料"),
        ("05", "人事信息", "notice", "", "人事信息", "干部任免、公开招聘"),
        ("06", "工作计划", "notice", "", None, "本乡目前的工作计划"),
        ("0601", "规划计划", "notice", "06", "规划计划", "发展规划、年度工作计划"),
        ("07", "精准扶贫脱贫和社会救助信息", "notice", "", None, "巩固拓展脱贫攻坚成果、乡村振兴和社会救助信息"),
        ("0701", "扶贫/乡村振兴", "notice", "07", "poverty", ""),
        ("0702", "社会救助", "notice", "07", "social_assistance", ""),
        ("08", "其他需要公开的材料", "notice", "", None, "其他依法需要公开的材料"),
        ("09", "机构概况", "static", "", "机构概况", "机构职能、领导信息、内设机构"),
        ("10", "政务公开制度", "static", "", "政务公开制度", "政府信息公开工作制度"),
        ("11", "公开指南", "static", "", "公开指南", "政府信息公开指南"),
        ("12", "年度报告", "static", "", "年度报告", "政府信息公开工作年度报告"),
        ("13", "通知公告", "notice", "", "通知公告", "通知、公告、公示"),
        ("14", "重点领域信息", "notice", "", None, "基层政务公开标准目录中适用于本乡的领域"),
        *[
            (f"14{index:02d}", name, "notice", "14", area, "")
            for index, (area, name, _) in enumerate(
                [a for a in _data()["areas"] if a[0] not in ("poverty", "social_assistance")], start=1
            )
        ],
    ]


# Which 双溪乡 office takes which area (the rest fall to the township itself).
SHUANGXI_OFFICE_OF = {"social_assistance": "minzheng", "elderly_care": "minzheng", "budget": "caizheng"}


def _obligation_fields(spec) -> dict:
    suffix, first, second, content, basis, (kind, days, period), channels, audience, level, frequency = spec
    return {
        "first_level": first,
        "second_level": second,
        "content_elements": content,
        "legal_basis": basis,
        "time_limit_kind": kind,
        "time_limit_days": days,
        "period": period,
        "channels": list(channels),
        "audience": audience,
        "mode": "proactive",
        "level": level,
        "expected_frequency": frequency,
        "is_active": True,
    }


def _upsert_category(organisation, code, **fields):
    category, _ = Category.objects.update_or_create(organisation=organisation, code=code, defaults=fields)
    return category


def _upsert_obligations(organisation, category, specs, *, body, sources=None):
    for order, spec in enumerate(specs, start=1):
        code = f"{category.code}-{spec[0]}"
        fields = _obligation_fields(spec)
        if fields["level"] == "county":
            body_for = organisation.parent if organisation.kind != Organisation.Kind.COUNTY else organisation
        else:
            body_for = body
        Obligation.objects.update_or_create(
            organisation=organisation,
            code=code,
            defaults={
                **fields,
                "category": category,
                "order": order,
                "responsible_body": body_for,
                "source": (sources or {}).get(spec[0]),
            },
        )


def load_template_catalog(county: Organisation) -> dict[str, Category]:
    """The county's template catalog for townships; returns its categories by name or area key."""
    by_key = {}
    for order, (code, name, kind, description) in enumerate(TEMPLATE_COLUMNS, start=1):
        category = _upsert_category(
            county, code, name=name, column_kind=kind, description=description, order=order, parent=None
        )
        by_key[name] = category
        _upsert_obligations(county, category, _data()["basic_obligations"].get(name, []), body=county)
    parent = by_key["重点领域信息"]
    for order, (area, name, specs) in enumerate(_data()["areas"], start=1):
        category = _upsert_category(
            county,
            f"{TEMPLATE_AREA_PARENT}{order:02d}",
            name=name,
            column_kind="notice",
            description=f"基层政务公开标准目录：{name}领域",
            order=order,
            parent=parent,
        )
        by_key[area] = category
        _upsert_obligations(county, category, specs, body=county)
    return by_key


def load_shuangxi_catalog(township: Organisation, template: dict[str, Category], offices: dict) -> None:
    categories = {}
    specs_by_key = {**_data()["basic_obligations"], **{area: specs for area, _, specs in _data()["areas"]}}
    for order, (code, name, kind, parent_code, key, description) in enumerate(_shuangxi_tree(), start=1):
        source = template.get(key) if key else None
        category = _upsert_category(
            township,
            code,
            name=name,
            column_kind=kind,
            description=description or (source.description if source else ""),
            order=order,
            parent=categories.get(parent_code),
            source=source,
        )
        categories[code] = category
        if key in specs_by_key:
            template_obligations = {o.code.rsplit("-", 1)[1]: o for o in source.obligations.all()} if source else {}
            body = offices.get(SHUANGXI_OFFICE_OF.get(key), township)
            _upsert_obligations(township, category, specs_by_key[key], body=body, sources=template_obligations)
        elif code in _data()["seed_obligations"]:
            _upsert_obligations(township, category, _data()["seed_obligations"][code], body=township)
    for area, explanation in _data()["uncovered"].items():
        UncoveredArea.objects.update_or_create(organisation=township, area=area, defaults={"explanation": explanation})


def guide_content(organisation: Organisation, *, office: str) -> dict:
    """Guide text for a demo township; contact details come from the organisation's own record."""
    name = organisation.name
    return {
        "office_name": office,
        "address": organisation.address,
        "office_hours": organisation.office_hours,
        "phone": organisation.phone,
        "fax": organisation.fax,
        "email": organisation.email,
        "online_contact": (
            f"上犹县人民政府门户网站“{organisation.short_name}政府信息公开”栏目；信函寄至{organisation.address}"
        ),
        "classification": (
            f"{name}主动公开的政府信息按本{organisation.short_name[-1]}政府信息公开目录分类编排，每条信息标明索引号、标题、发布机构、"
            "成文日期、发布日期和内容概述。索引号由机构代码、年度和流水号组成。"
        ),
        "how_to_obtain": (
            "主动公开的信息通过县政府门户网站本乡栏目、乡政府公开栏、政府信息查阅点和微信公众号发布，"
            f"群众可在办公时间到{office}查阅，查阅不收费。未主动公开的信息可以依申请获取。"
        ),
        "application_procedure": (
            "申请人可通过网上申请、信函或当面填写申请表的方式提出，写明姓名、身份证件、联系方式、所需信息的名称或文号"
            "等特征描述，以及获取信息的方式。申请内容不明确的，本机关在收到申请之日起 7 个工作日内一次性告知补正。"
            "能够当场答复的当场答复；不能当场答复的，自收到申请之日起 20 个工作日内答复，"
            "需要延长的经政府信息公开工作机构负责人同意并告知申请人，延长期限最长不超过 20 个工作日。"
        ),
        "fees": "依申请提供政府信息不收取费用。申请人申请数量、频次明显超过合理范围的，依照国家规定收取信息处理费。",
        "remedies": (
            f"公民、法人或其他组织认为{name}在政府信息公开工作中侵犯其合法权益的，可以向上犹县政务公开办公室"
            "（县人民政府办公室）投诉、举报，也可以依法向上犹县人民政府申请行政复议或者向人民法院提起行政诉讼。"
        ),
    }


@transaction.atomic
def load_catalog(*, stdout=None) -> None:
    """Template catalog, 双溪乡's seed-based catalog and guide; other townships adopt the template."""
    from catalog.services import catalog_adopt, guide_revise

    county = Organisation.objects.get(slug=COUNTY["slug"])
    template = load_template_catalog(county)
    shuangxi = Organisation.objects.get(slug="shuangxi")
    offices = {o.slug.split("-", 1)[1]: o for o in Organisation.objects.filter(parent=shuangxi)}
    load_shuangxi_catalog(shuangxi, template, offices)
    for spec in TOWNSHIPS:
        township = Organisation.objects.get(slug=spec["slug"])
        if township.slug != "shuangxi":
            catalog_adopt(township=township, template_org=county, by=None)
        if not GuideVersion.objects.filter(organisation=township).exists():
            office = f"{township.short_name}人民政府" + (
                "宣传办（政务公开领导小组日常工作机构）" if township.slug == "shuangxi" else "党政办"
            )
            guide_revise(
                organisation=township,
                by=None,
                values=guide_content(township, office=office),
                note="首次编制",
                effective_on=date(2024, 3, 1),
            )
    if stdout is not None:
        stdout.write("公开目录、县级模板目录和公开指南已加载。")
