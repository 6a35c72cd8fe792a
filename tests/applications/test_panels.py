"""The staff home and the county board list applications due soon and overdue; Art. 44 proposals."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.demo import _back
from applications.models import ProactiveProposal
from catalog.calendar import work_calendar
from catalog.models import Category
from disclosure.models import Item
from tests.applications.conftest import OTHER_ID
from township_portal.lib.panels import panels_for

pytestmark = pytest.mark.django_db


def test_staff_home_lists_overdue_and_due_soon_applications_of_the_own_township_only(
    client, registered, author, outsider
):
    today = timezone.localdate()
    overdue = registered(received_on=date(2025, 3, 3))
    soon = registered(received_on=_back(work_calendar(), today, 17))  # 3 working days left
    panels = {panel.title: panel for panel in panels_for("staff_home", author, today)}
    assert [row.text.split()[0] for row in panels["已超过答复期限的申请"].rows] == [overdue.number]
    assert [row.text.split()[0] for row in panels["5 个工作日内到期的申请"].rows] == [soon.number]
    assert "还剩 3 个工作日" in panels["5 个工作日内到期的申请"].rows[0].detail
    assert not [panel for panel in panels_for("staff_home", outsider, today) if "申请" in panel.title]
    client.force_login(author)
    home = client.get(reverse("admin:index")).content.decode()
    assert overdue.number in home and "已超过答复期限的申请" in home


def test_the_county_board_counts_every_townships_open_due_soon_and_overdue(registered, county_office, yingqian):
    registered(received_on=date(2025, 3, 3))
    registered(received_on=_back(work_calendar(), timezone.localdate(), 17))
    (panel,) = [p for p in panels_for("county_board", county_office, timezone.localdate()) if "依申请公开" in p.title]
    assert [row.text for row in panel.rows] == ["双溪乡"]
    assert panel.rows[0].detail == "办理中 2 件，5 个工作日内到期 1 件，已超期 1 件"
    assert panel.warning


def test_two_applicants_asking_the_same_information_are_proposed_for_proactive_disclosure(
    client, registered, author, shuangxi
):
    first = registered(received_on=date(2025, 3, 3), document_number="双府字〔2025〕12号")
    second = registered(received_on=date(2025, 3, 4), document_number="双府字〔2025〕12号", id_number=OTHER_ID)
    registered(received_on=date(2025, 3, 5), document_number="双府字〔2025〕12号")  # same applicant as the first
    today = timezone.localdate()
    titles = [panel.title for panel in panels_for("staff_home", author, today)]
    assert not any("第四十四条" in title for title in titles), "received more than a year ago"

    # Recent ones are proposed:
    first.received_on = second.received_on = today
    first.save()
    second.save()
    (panel,) = [p for p in panels_for("staff_home", author, today) if "第四十四条" in p.title]
    assert {first.number, second.number} <= set(panel.rows[0].detail.split("、"))
    category = Category.objects.create(organisation=shuangxi, code="09", name="其他")
    client.force_login(author)
    response = client.post(panel.rows[0].url, {"category": category.pk})
    proposal = ProactiveProposal.objects.get()
    assert response.status_code == 302
    assert proposal.item.status == Item.Status.DRAFT and first in proposal.applications.all()
    assert not [p for p in panels_for("staff_home", author, today) if "第四十四条" in p.title]


def test_a_correction_period_that_has_ended_is_listed_until_staff_close_it(client, registered, author):
    from applications import services

    calendar, today = work_calendar(), timezone.localdate()
    ended = registered(received_on=_back(calendar, today, 10))
    running = registered(received_on=_back(calendar, today, 10))
    for application, until in [(ended, _back(calendar, today, 3)), (running, today)]:
        services.correction_send(
            application=application,
            by=author,
            missing="请写明所需信息的年份。",
            until=until,
            on=_back(calendar, today, 8),
        )
    panel = {p.title: p for p in panels_for("staff_home", author, today)}["补正、缴费期限已届满的申请"]
    assert [row.text.split()[0] for row in panel.rows] == [ended.number] and panel.total == 1
    assert "待补正" in panel.rows[0].detail and panel.warning
    client.force_login(author)
    listing = client.get(panel.link).content.decode()
    assert ended.number in listing and running.number not in listing

    services.correction_lapse(application=ended, by=author)
    assert "补正、缴费期限已届满的申请" not in {p.title for p in panels_for("staff_home", author, today)}
