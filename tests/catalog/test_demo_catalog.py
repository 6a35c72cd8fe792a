"""The demo catalog follows the seed: 双溪乡's eight kinds, the standard areas, the usual columns."""

from catalog import demo
from catalog.models import Category, GuideVersion, Obligation, StandardArea, UncoveredArea

SEED_KINDS = [
    "法律法规、条例",
    "政府文件",
    "工作动态",
    "县级部门下发需公开材料",
    "人事信息",
    "工作计划",
    "精准扶贫脱贫和社会救助信息",
    "其他需要公开的材料",
]
REQUIRED_AREAS = ["财政预决算", "社会救助", "扶贫/乡村振兴", "涉农补贴", "农村危房改造", "养老服务", "就业", "社会保险"]
REQUIRED_AREAS += ["公共文化服务", "安全生产"]
USUAL_COLUMNS = ["机构概况", "政策文件", "规划计划", "人事信息", "通知公告", "工作动态", "政务公开制度", "公开指南"]
USUAL_COLUMNS += ["年度报告"]


def test_shuangxi_catalog_starts_with_the_seeds_eight_kinds(demo_catalog):
    top = list(
        Category.objects.filter(organisation=demo_catalog["shuangxi"], parent=None)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert top[:8] == SEED_KINDS


def test_shuangxi_covers_the_standard_areas_and_usual_columns_with_obligations(demo_catalog):
    shuangxi = demo_catalog["shuangxi"]
    names = set(Category.objects.filter(organisation=shuangxi).values_list("name", flat=True))
    assert set(REQUIRED_AREAS) <= names and set(USUAL_COLUMNS) <= names
    for area in REQUIRED_AREAS:
        assert Obligation.objects.filter(organisation=shuangxi, category__name=area).count() >= 1, area
    assert Category.objects.get(organisation=shuangxi, name="社会救助").parent.name == "精准扶贫脱贫和社会救助信息"


def test_shuangxi_explains_every_standard_area_it_does_not_cover(demo_catalog):
    shuangxi = demo_catalog["shuangxi"]
    covered = set(Category.objects.filter(organisation=shuangxi).values_list("name", flat=True))
    explained = {u.get_area_display() for u in UncoveredArea.objects.filter(organisation=shuangxi)}
    assert not covered & explained
    assert {str(label) for label in StandardArea.labels} == (covered & set(map(str, StandardArea.labels))) | explained


def test_social_assistance_is_the_civil_affairs_offices_and_has_realistic_fields(demo_catalog):
    low = Obligation.objects.get(organisation=demo_catalog["shuangxi"], second_level="低保对象审核确认结果")
    assert low.responsible_body.short_name == "民政所"
    assert "身份证号" in low.content_elements  # states what must NOT be published
    assert "bulletin_board" in low.channels and low.expected_frequency == "monthly"
    assert low.source is not None and low.source.organisation == demo_catalog["shangyou"]


def test_other_townships_adopted_the_county_template(demo_catalog):
    county = demo_catalog["shangyou"]
    template_size = Obligation.objects.filter(organisation=county).count()
    for slug in ("yingqian", "shexi", "doushui"):
        copies = Obligation.objects.filter(organisation=demo_catalog[slug])
        assert copies.count() == template_size
        assert not copies.filter(source__isnull=True).exists()


def test_shuangxi_guide_names_the_publicity_office_and_the_townships_contact(demo_catalog):
    shuangxi = demo_catalog["shuangxi"]
    guide = GuideVersion.objects.current_for(shuangxi)
    assert "宣传办" in guide.office_name
    assert (guide.phone, guide.office_hours, guide.address) == (shuangxi.phone, shuangxi.office_hours, shuangxi.address)


def test_loading_the_demo_twice_changes_nothing(demo_catalog):
    counts = (Category.objects.count(), Obligation.objects.count(), GuideVersion.objects.count())
    demo.load_catalog()
    assert (Category.objects.count(), Obligation.objects.count(), GuideVersion.objects.count()) == counts
