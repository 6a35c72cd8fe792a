"""Changing a colleague's roles in the admin leaves an audit record with the roles before and after."""

from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import Staff
from tests.conftest import PASSWORD


def test_role_change_is_recorded_with_before_and_after(client, org_admin, author):
    staff = Staff.objects.get(user=author)
    client.login(username=org_admin.username, password=PASSWORD)
    response = client.post(
        reverse("admin:catalog_staff_change", args=[staff.pk]),
        {"title": "宣传办信息员", "is_author": "on", "is_reviewer": "on"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_reviewer
    event = AuditEvent.objects.get(action="staff.roles", object_id=str(staff.pk))
    assert event.actor == org_admin
    assert event.before["is_reviewer"] is False and event.after["is_reviewer"] is True
    assert event.organisation == staff.organisation


def test_saving_without_a_role_change_records_nothing(client, org_admin, author):
    staff = Staff.objects.get(user=author)
    client.login(username=org_admin.username, password=PASSWORD)
    client.post(reverse("admin:catalog_staff_change", args=[staff.pk]), {"title": "新职务", "is_author": "on"})
    assert not AuditEvent.objects.filter(action="staff.roles").exists()
