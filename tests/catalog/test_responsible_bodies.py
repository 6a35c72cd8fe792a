from catalog.demo import demo_code
from catalog.models import Organisation
from catalog.services import responsible_body_candidates


def test_an_office_may_name_its_township_the_county_and_county_departments(county, shuangxi, shuangxi_office):
    department = Organisation.objects.create(
        kind="department",
        parent=county,
        name="上犹县民政局",
        short_name="县民政局",
        slug="minzhengju",
        code=demo_code("0201"),
    )
    other_county = Organisation.objects.create(
        kind="county", name="崇义县人民政府", short_name="崇义县", slug="chongyi", code=demo_code("0301")
    )
    for organisation in (shuangxi, shuangxi_office):
        candidates = set(responsible_body_candidates(organisation))
        assert {county, department, shuangxi, shuangxi_office} <= candidates, organisation
        assert other_county not in candidates
