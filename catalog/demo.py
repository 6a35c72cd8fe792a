"""Demo organisations, staff, catalogs and guides for 上犹县, built from the 双溪乡 2017 work summary.

Idempotent: running it again updates the same rows. Passwords are set only in demo mode.
"""

from datetime import date

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

W, B, P, N, S, R, D = (
    "website",
    "bulletin_board",
    "paper",
    "new_media",
    "service_centre",
    "reading_point",
    "door_to_door",
)
TWENTY = ("working_days", 20, "")
REAL_TIME = ("real_time", None, "")


def _yearly(days=20):
    return ("periodic", days, "yearly")


def _quarterly(days=20):
    return ("periodic", days, "quarterly")


REGULATION = "《中华人民共和国政府信息公开条例》"

# Standard-catalog areas a township covers: (area key, category name, obligations). Each obligation:
# (code suffix, 一级事项, 二级事项, 公开内容, 公开依据, 时限, 渠道, 公开对象, 公开层级, 预期发布频率).
AREAS = [
    (
        "budget",
        "财政预决算",
        [
            (
                "01",
                "财政预算",
                "乡镇财政预算",
                "经乡人民代表大会批准的预算报告、预算表（一般公共预算收支、政府性基金预算收支）及说明",
                "《中华人民共和国预算法》第十四条；《地方预决算公开操作规程》（财预〔2016〕143号）",
                TWENTY,
                [W, B],
                "public",
                "township",
                "yearly",
            ),
            (
                "02",
                "财政决算",
                "乡镇财政决算",
                "经乡人民代表大会批准的决算报告、决算表及说明",
                "《中华人民共和国预算法》第十四条；《地方预决算公开操作规程》",
                TWENTY,
                [W, B],
                "public",
                "township",
                "yearly",
            ),
            (
                "03",
                "“三公”经费",
                "“三公”经费预决算",
                "因公出国（境）费、公务用车购置及运行费、公务接待费的预算、决算数及增减变化原因",
                "《中华人民共和国预算法》；《地方预决算公开操作规程》",
                TWENTY,
                [W],
                "public",
                "township",
                "yearly",
            ),
        ],
    ),
    (
        "social_assistance",
        "社会救助",
        [
            (
                "01",
                "最低生活保障",
                "城乡低保政策与办理",
                "政策依据、保障标准、申请条件、所需材料、办理流程、办理时限、咨询监督电话",
                "《社会救助暂行办法》；《最低生活保障审核确认办法》（民发〔2021〕57号）",
                TWENTY,
                [W, B, S],
                "public",
                "township",
                "on_event",
            ),
            (
                "02",
                "最低生活保障",
                "低保对象审核确认结果",
                "低保对象姓名（部分隐去）、所在村组、保障人数、保障金额（不公开身份证号、银行账号等个人信息）",
                "《最低生活保障审核确认办法》第二十八条",
                TWENTY,
                [B, W],
                "public",
                "township",
                "monthly",
            ),
            (
                "03",
                "特困人员救助供养",
                "特困人员认定",
                "认定条件、办理流程、救助供养标准、审核确认结果（去标识化）",
                "《社会救助暂行办法》；《特困人员认定办法》（民发〔2021〕43号）",
                TWENTY,
                [W, B, S],
                "public",
                "township",
                "quarterly",
            ),
            (
                "04",
                "临时救助",
                "临时救助办理",
                "救助对象范围、救助标准、申请程序、审批结果（去标识化）",
                "《社会救助暂行办法》第四十七条至第五十条",
                TWENTY,
                [W, B, S],
                "public",
                "township",
                "quarterly",
            ),
        ],
    ),
    (
        "poverty",
        "扶贫/乡村振兴",
        [
            (
                "01",
                "衔接推进乡村振兴项目",
                "项目计划与实施",
                "项目名称、实施地点、建设内容、资金规模及来源、实施单位、绩效目标、带农益农机制",
                "《关于加强财政衔接推进乡村振兴补助资金使用管理的指导意见》；" + REGULATION + "第二十一条",
                TWENTY,
                [W, B],
                "public",
                "township",
                "quarterly",
            ),
            (
                "02",
                "衔接推进乡村振兴资金",
                "资金分配与使用",
                "资金来源、分配结果、使用情况、项目验收结果",
                "《中央财政衔接推进乡村振兴补助资金管理办法》（财农〔2021〕19号）",
                _quarterly(),
                [W, B],
                "public",
                "township",
                "quarterly",
            ),
            (
                "03",
                "防止返贫动态监测",
                "监测帮扶政策",
                "监测对象标准、识别程序、帮扶措施、咨询电话",
                "《关于健全防止返贫动态监测和帮扶机制的指导意见》",
                TWENTY,
                [W, B, D],
                "public",
                "township",
                "on_event",
            ),
        ],
    ),
    (
        "farm_subsidies",
        "涉农补贴",
        [
            (
                "01",
                "耕地地力保护补贴",
                "补贴政策与发放",
                "补贴依据、补贴对象、补贴标准、补贴面积、发放结果（去标识化）",
                "《农业相关转移支付资金管理办法》；" + REGULATION + "第二十一条",
                TWENTY,
                [W, B, N],
                "public",
                "township",
                "yearly",
            ),
            (
                "02",
                "实际种粮农民一次性补贴",
                "补贴发放",
                "补贴对象、补贴标准、发放时间、发放结果（去标识化）",
                "财政部、农业农村部有关通知",
                TWENTY,
                [W, B],
                "public",
                "township",
                "on_event",
            ),
            (
                "03",
                "农机购置补贴",
                "补贴政策",
                "补贴机具目录、补贴额、申请流程、受益对象信息",
                "《农机购置与应用补贴实施意见》",
                TWENTY,
                [W, S],
                "public",
                "county",
                "yearly",
            ),
        ],
    ),
    (
        "rural_housing",
        "农村危房改造",
        [
            (
                "01",
                "农村危房改造",
                "补助对象认定",
                "申请条件、补助标准、农户申请、村级评议、乡镇审核、县级审批结果",
                "《农村危房改造补助资金管理办法》；住房和城乡建设部有关规定",
                TWENTY,
                [W, B],
                "public",
                "township",
                "yearly",
            ),
            (
                "02",
                "农村危房改造",
                "补助资金发放",
                "补助对象、改造方式、补助金额、竣工验收结果",
                "《农村危房改造补助资金管理办法》",
                TWENTY,
                [B, W],
                "public",
                "township",
                "yearly",
            ),
        ],
    ),
    (
        "elderly_care",
        "养老服务",
        [
            (
                "01",
                "高龄津贴",
                "高龄津贴发放",
                "发放对象条件、发放标准、申领流程、发放名单（去标识化）",
                "江西省高龄老人津贴有关规定",
                TWENTY,
                [W, B, S],
                "public",
                "township",
                "quarterly",
            ),
            (
                "02",
                "养老服务机构",
                "乡镇敬老院信息",
                "机构名称、地址、床位数、服务项目、收费标准、联系电话",
                "《养老机构管理办法》",
                TWENTY,
                [W, B],
                "public",
                "township",
                "on_event",
            ),
        ],
    ),
    (
        "employment",
        "就业",
        [
            (
                "01",
                "就业创业政策",
                "政策法规及解读",
                "就业创业扶持政策、申请条件、办理流程",
                "《中华人民共和国就业促进法》",
                TWENTY,
                [W, B, N],
                "public",
                "township",
                "on_event",
            ),
            (
                "02",
                "招聘信息",
                "用工岗位信息",
                "用人单位、岗位、人数、条件、待遇、联系方式",
                "《就业服务与就业管理规定》",
                REAL_TIME,
                [W, N, B],
                "public",
                "township",
                "monthly",
            ),
            (
                "03",
                "公益性岗位",
                "岗位开发与人员公示",
                "岗位名称、数量、条件、拟聘人员名单（去标识化）",
                "《就业补助资金管理办法》",
                TWENTY,
                [W, B],
                "public",
                "township",
                "on_event",
            ),
        ],
    ),
    (
        "social_insurance",
        "社会保险",
        [
            (
                "01",
                "城乡居民基本养老保险",
                "参保与待遇",
                "参保范围、缴费档次、补贴标准、待遇领取条件、办理流程",
                "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
                TWENTY,
                [W, B, S],
                "public",
                "township",
                "yearly",
            ),
            (
                "02",
                "城乡居民基本医疗保险",
                "参保缴费",
                "缴费标准、缴费期限、缴费渠道、财政补助标准",
                "《中华人民共和国社会保险法》",
                TWENTY,
                [W, B, N, D],
                "public",
                "township",
                "yearly",
            ),
        ],
    ),
    (
        "public_culture",
        "公共文化服务",
        [
            (
                "01",
                "公共文化机构",
                "乡综合文化站",
                "开放时间、服务项目、联系方式",
                "《中华人民共和国公共文化服务保障法》",
                TWENTY,
                [W, B],
                "public",
                "township",
                "on_event",
            ),
            (
                "02",
                "文化活动",
                "群众文化活动",
                "活动名称、时间、地点、内容、参与方式",
                "《中华人民共和国公共文化服务保障法》",
                REAL_TIME,
                [W, N, B],
                "public",
                "township",
                "monthly",
            ),
        ],
    ),
    (
        "work_safety",
        "安全生产",
        [
            (
                "01",
                "安全生产监管",
                "隐患排查治理",
                "检查计划、检查时间、检查对象、发现的问题及整改情况",
                "《中华人民共和国安全生产法》第七十九条",
                TWENTY,
                [W, B],
                "public",
                "township",
                "quarterly",
            ),
            (
                "02",
                "安全生产宣传",
                "安全知识宣传",
                "安全生产、防溺水、消防、道路交通安全等宣传材料",
                "《中华人民共和国安全生产法》第十三条",
                TWENTY,
                [W, N, B, P],
                "public",
                "township",
                "monthly",
            ),
        ],
    ),
    (
        "disaster_relief",
        "救灾",
        [
            (
                "01",
                "灾害预警与救助",
                "防汛抗旱与地质灾害防治",
                "预警信息、避险转移安置点、救灾物资和资金发放情况",
                "《自然灾害救助条例》",
                REAL_TIME,
                [W, N, B, D],
                "public",
                "township",
                "on_event",
            ),
        ],
    ),
]

# Areas 双溪乡 does not cover, with the body that discloses instead (未涉及领域事项说明).
UNCOVERED = {
    "urban_planning": "本乡不承担城乡规划编制审批职能，乡村规划由县自然资源局组织编制和公开，本乡协助张贴公示。",
    "major_projects": "本乡无审批、核准重大建设项目的职能，相关信息由县发展改革委公开。",
    "public_resources": "公共资源交易统一进入县公共资源交易中心，由其公开交易信息。",
    "tax": "税收征管由国家税务总局上犹县税务局负责公开。",
    "land_compensation": "征地补偿方案由县人民政府及县自然资源局公告，本乡在被征地村组张贴公告。",
    "house_expropriation": "本乡辖区内无国有土地上房屋征收事项，该事项由县住房城乡建设局负责。",
    "environment": "环境保护执法和环境质量信息由赣州市上犹生态环境局公开。",
    "public_legal": "公共法律服务由县司法局及双溪司法所提供，相关信息在县司法局栏目公开。",
    "household_registration": "户籍管理由上犹县公安局及辖区派出所负责公开。",
    "compulsory_education": "义务教育招生、学校信息由县教育科技体育局及各学校公开。",
    "health": "医疗卫生信息由县卫生健康委和双溪乡卫生院公开。",
    "food_drugs": "食品药品监管由县市场监督管理局负责公开。",
    "urban_enforcement": "本乡未设城市管理综合执法机构，该事项由县城市管理局负责。",
    "municipal_services": "供水、供电等市政服务信息由县住房城乡建设局及相关企业公开。",
    "subsidised_housing": "保障性住房由县住房城乡建设局统一受理和公开。",
}

# The county template every township adopts: (code, name, column kind, description, obligations).
# Obligations: (code, 一级事项, 二级事项, 公开内容, 公开依据, 时限, 渠道, 对象, 层级, 频率).
BASIC_OBLIGATIONS = {
    "机构概况": [
        (
            "01",
            "机构职能",
            "主要职责",
            "机构名称、主要职责、办公地址、办公时间、联系电话",
            REGULATION + "第二十条第（二）项",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        ),
        (
            "02",
            "领导信息",
            "领导姓名及分工",
            "领导姓名、职务、分工",
            REGULATION + "第二十条第（二）项",
            TWENTY,
            [W],
            "public",
            "township",
            "on_event",
        ),
        (
            "03",
            "内设机构",
            "内设机构及站所",
            "内设机构和站所名称、职责、联系电话",
            REGULATION + "第二十条第（二）项",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        ),
    ],
    "政策文件": [
        (
            "01",
            "规范性文件",
            "乡政府规范性文件",
            "文件标题、文号、成文日期、全文及有效性",
            REGULATION + "第二十条第（一）项",
            TWENTY,
            [W, B, R],
            "public",
            "township",
            "on_event",
        ),
    ],
    "政策解读": [
        (
            "01",
            "政策解读",
            "文件解读材料",
            "政策背景、主要内容、适用对象、办理方式；与文件同步发布",
            "《国务院办公厅关于全面推进政务公开工作的意见》",
            REAL_TIME,
            [W, N],
            "public",
            "township",
            "on_event",
        ),
    ],
    "规划计划": [
        (
            "01",
            "规划计划",
            "发展规划和年度计划",
            "国民经济和社会发展规划、年度工作计划及完成情况",
            REGULATION + "第二十条第（三）项",
            TWENTY,
            [W],
            "public",
            "township",
            "yearly",
        ),
    ],
    "人事信息": [
        (
            "01",
            "人事任免",
            "干部任免",
            "任免人员姓名、职务、任免时间",
            REGULATION + "第二十条第（二）项",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        ),
        (
            "02",
            "公开招聘",
            "招聘公告与拟聘人员公示",
            "招聘岗位、条件、程序、考试成绩、拟聘人员名单",
            "《事业单位公开招聘人员暂行规定》",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        ),
    ],
    "通知公告": [
        (
            "01",
            "通知公告",
            "通知公告",
            "需要社会公众知晓的通知、公告、公示",
            REGULATION + "第十九条",
            REAL_TIME,
            [W, B, N],
            "public",
            "township",
            "monthly",
        ),
    ],
    "工作动态": [
        (
            "01",
            "工作动态",
            "乡镇工作动态",
            "重要会议、重要活动、重点工作进展",
            REGULATION + "第十九条",
            TWENTY,
            [W, N],
            "public",
            "township",
            "monthly",
        ),
    ],
    "政务公开制度": [
        (
            "01",
            "政务公开制度",
            "工作制度",
            "政府信息公开工作制度、保密审查制度、依申请公开办理制度",
            REGULATION + "第九条",
            TWENTY,
            [W],
            "public",
            "township",
            "on_event",
        ),
    ],
    "公开指南": [
        (
            "01",
            "公开指南",
            "政府信息公开指南",
            "信息分类和编排体系、获取方式、工作机构名称、地址、办公时间、联系电话、传真、电子邮箱",
            REGULATION + "第十二条",
            TWENTY,
            [W, R],
            "public",
            "township",
            "on_event",
        ),
    ],
    "年度报告": [
        (
            "01",
            "年度报告",
            "政府信息公开工作年度报告",
            "主动公开、依申请公开、复议诉讼、存在的主要问题及改进情况（按国办公开办函〔2021〕30号格式）",
            REGULATION + "第四十九条、第五十条",
            _yearly(20),
            [W, R],
            "public",
            "township",
            "yearly",
        ),
    ],
}

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
SHUANGXI_TREE = [
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
            [a for a in AREAS if a[0] not in ("poverty", "social_assistance")], start=1
        )
    ],
]

# Which 双溪乡 office takes which area (the rest fall to the township itself).
SHUANGXI_OFFICE_OF = {"social_assistance": "minzheng", "elderly_care": "minzheng", "budget": "caizheng"}
SEED_OBLIGATIONS = {
    "01": [
        (
            "01",
            "法律法规",
            "法律法规和条例",
            "与群众生产生活密切相关的法律、法规、规章和条例全文或摘要",
            REGULATION + "第十九条",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        )
    ],
    "04": [
        (
            "01",
            "县级部门材料",
            "县级部门下发需公开材料",
            "县级部门要求乡镇转发、张贴公开的通知、政策和名单",
            REGULATION + "第十九条",
            TWENTY,
            [W, B],
            "public",
            "township",
            "on_event",
        )
    ],
    "08": [
        (
            "01",
            "其他信息",
            "其他需要公开的材料",
            "上述类别以外、依法应当主动公开的信息",
            REGULATION + "第十九条",
            TWENTY,
            [W],
            "public",
            "township",
            "on_event",
        )
    ],
}


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
        _upsert_obligations(county, category, BASIC_OBLIGATIONS.get(name, []), body=county)
    parent = by_key["重点领域信息"]
    for order, (area, name, specs) in enumerate(AREAS, start=1):
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
    specs_by_key = {**BASIC_OBLIGATIONS, **{area: specs for area, _, specs in AREAS}}
    for order, (code, name, kind, parent_code, key, description) in enumerate(SHUANGXI_TREE, start=1):
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
        elif code in SEED_OBLIGATIONS:
            _upsert_obligations(township, category, SEED_OBLIGATIONS[code], body=township)
    for area, explanation in UNCOVERED.items():
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
