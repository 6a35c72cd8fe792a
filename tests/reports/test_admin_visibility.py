from datetime import date

from django.urls import reverse

from reports.models import MonthlyReport
from tests.conftest import PASSWORD


def test_only_the_county_office_and_the_township_read_its_reports_in_the_admin(
    client, make_staff, county, shuangxi, county_office, author
):
    county_author = make_staff("county_author", county, "author")
    MonthlyReport.objects.create(
        organisation=shuangxi, month=date(2026, 10, 1), work_done="十月工作：主动公开信息", created_by=author
    )
    url = reverse("admin:reports_monthlyreport_changelist")
    visible = {}
    for user in (county_office, author, county_author):
        assert client.login(username=user.username, password=PASSWORD)
        visible[user.username] = "双溪乡" in client.get(url).content.decode()
        client.logout()
    assert visible == {"county_office": True, "sx_author": True, "county_author": False}
