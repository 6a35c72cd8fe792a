from django.db import migrations

from audit.append_only import migration_operation


class Migration(migrations.Migration):
    """Triggers refuse UPDATE, DELETE and TRUNCATE on submitted versions, their files and decisions."""

    dependencies = [("reports", "0001_initial"), ("audit", "0002_audit_trail_append_only_in_the_database")]

    operations = [migration_operation(["reports_reportversion", "reports_reportfile", "reports_reportdecision"])]
