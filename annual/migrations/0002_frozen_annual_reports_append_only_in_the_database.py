from django.db import migrations

from audit.append_only import migration_operation


class Migration(migrations.Migration):
    """Triggers refuse UPDATE, DELETE and TRUNCATE on submitted annual versions, their files and decisions."""

    dependencies = [("annual", "0001_annual_reports"), ("audit", "0002_audit_trail_append_only_in_the_database")]

    operations = [migration_operation(["annual_annualversion", "annual_annualfile", "annual_annualdecision"])]
