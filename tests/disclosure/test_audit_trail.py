"""The audit trail of publishing (issue 4, point 10): every step is an append-only event."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from disclosure import services
from tests.conftest import PASSWORD
from tests.disclosure.conftest import local


def events_of(item):
    return list(AuditEvent.objects.filter(object_type="disclosure.item", object_id=str(item.pk)).order_by("pk"))


def test_each_transition_edit_publication_and_withdrawal_is_an_event_with_actor_and_before_after(
    make_item, author, reviewer, secrecy_reviewer, approver
):
    item = make_item()
    services.item_update(item=item, by=author, title="改过的标题")
    services.item_submit(item=item, by=author)
    item.refresh_from_db()
    item = services.item_return(item=item, by=reviewer, comment="补充依据")
    services.item_submit(item=item, by=author)
    for person in (reviewer, secrecy_reviewer, approver):
        item.refresh_from_db()
        item = services.item_review(item=item, by=person, approve=True, at=local(2026, 3, 20, 9))
    services.channel_record(item=item, channel="paper", posted_on=date(2026, 3, 21), by=author)
    services.item_repeal(item=item, by=approver, repealed_on=date(2026, 3, 25))
    services.item_withdraw(item=item, by=approver, reason="错误发布")
    actions = [(e.action, e.actor.username) for e in events_of(item)]
    assert actions == [
        ("item.create", "sx_author"),
        ("item.update", "sx_author"),
        ("item.submit", "sx_author"),
        ("item.return", "sx_reviewer"),
        ("item.submit", "sx_author"),
        ("item.approve_step", "sx_reviewer"),
        ("item.approve_step", "sx_secrecy"),
        ("item.approve_step", "sx_approver"),
        ("item.publish", "sx_approver"),
        ("channel.record", "sx_author"),
        ("item.repeal", "sx_approver"),
        ("item.withdraw", "sx_approver"),
    ]
    update = events_of(item)[1]
    assert update.before == {"title": "双溪乡2026年春季森林防火工作部署"} and update.after == {"title": "改过的标题"}
    assert events_of(item)[3].note == "补充依据"
    assert events_of(item)[8].after["index_number"] == item.index_number
    assert all(e.organisation_id == item.organisation_id for e in events_of(item))


def test_overrides_and_emergency_publications_are_events(make_item, org_admin, approver):
    item = make_item(body="<p>内部</p>")
    services.finding_override(finding=item.findings.get(), by=approver, reason="“内部控制”是制度名称")
    services.item_emergency_publish(item=item, by=org_admin, reason="防汛紧急通知")
    services.item_emergency_confirm(item=item, by=approver)
    actions = [e.action for e in events_of(item)]
    assert actions[-4:] == ["finding.override", "item.emergency_publish", "item.publish", "item.emergency_confirm"]


def test_events_cannot_be_changed_or_deleted(make_item):
    event = events_of(make_item())[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(note="改")


def test_audit_list_is_filterable_and_read_only_in_the_admin(client, make_item, org_admin):
    item = make_item()
    assert client.login(username=org_admin.username, password=PASSWORD)
    response = client.get(reverse("admin:audit_auditevent_changelist"), {"action": "item.create"})
    assert response.status_code == 200 and item.title in response.content.decode()
    event = events_of(item)[0]
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"note": "改"})
    assert change.status_code in (302, 403)
    event.refresh_from_db()
    assert event.note == ""


def test_outsider_does_not_see_the_townships_events(client, make_item, outsider):
    item = make_item()
    assert client.login(username=outsider.username, password=PASSWORD)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert item.title not in response.content.decode()
