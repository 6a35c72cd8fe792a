from django.db import migrations

from audit.append_only import migration_operation


class Migration(migrations.Migration):
    """Triggers refuse UPDATE, DELETE and TRUNCATE on the audit trail, also from plain SQL (等保 level 2)."""

    dependencies = [("audit", "0001_initial")]

    operations = [migration_operation(["audit_auditevent"])]
