"""The audit trail and frozen reports refuse changes in the database itself, also from plain SQL."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record
from reports.models import ReportFile, ReportVersion
from tests.ops.operations import perform
from tests.postgres import requires_postgres


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


@pytest.fixture
def event(shuangxi, org_admin):
    return audit_record(actor=org_admin, action="item.publish", obj=shuangxi, organisation=shuangxi, note="原始记录")


def test_plain_sql_cannot_change_or_delete_an_audit_event(event):
    assert refused("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["改过", event.pk])
    assert refused("UPDATE audit_auditevent SET actor_id = NULL")
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert refused("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).note == "原始记录"
    # Appending still works.
    audit_record(actor=None, action="item.withdraw", obj=event, note="追加")
    assert AuditEvent.objects.count() == 2


@requires_postgres("a trigger on TRUNCATE")
def test_plain_sql_cannot_truncate_the_audit_trail_on_postgresql(transactional_db, event):
    assert refused("TRUNCATE audit_auditevent")
    assert refused("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_plain_sql_cannot_change_a_submitted_report_version_or_its_files(transactional_db, write_spec):
    version = perform("report", write_spec("report"))
    stored = version.files.get(format="pdf")
    assert refused("UPDATE reports_reportversion SET narrative = '{}' WHERE id = %s", [version.pk])
    assert refused("UPDATE reports_reportfile SET sha256 = 'x' WHERE id = %s", [stored.pk])
    assert refused("DELETE FROM reports_reportfile")
    assert refused("DELETE FROM reports_reportversion")
    if connection.vendor == "postgresql":
        assert refused("TRUNCATE reports_reportfile, reports_reportversion CASCADE")
    assert ReportVersion.objects.get(pk=version.pk).narrative["work_done"] == "按目录公开。"
    assert ReportFile.objects.get(pk=stored.pk).sha256 == stored.sha256


def test_flush_still_empties_the_database_for_development_and_tests_and_the_guard_comes_back(
    transactional_db, shuangxi, org_admin
):
    audit_record(actor=org_admin, action="item.publish", obj=shuangxi, organisation=shuangxi)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()

    event = AuditEvent.objects.create(action="item.publish", object_type="disclosure.item", object_id="1")
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        assert refused("TRUNCATE audit_auditevent")
