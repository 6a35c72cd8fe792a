"""Demo organisations and staff for 上犹县, built from the 双溪乡 2017 work summary.

Idempotent: running it again updates the same rows. Passwords are set only in demo mode.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from catalog.models import Organisation, Staff
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
    for username, full_name, title, org_slug, roles in PEOPLE:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
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
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    return orgs


def demo_logins() -> list[tuple[str, str]]:
    return [("admin", "系统管理员（超级用户）")] + [
        (username, f"{name}，{title}") for username, name, title, _, _ in PEOPLE
    ]
