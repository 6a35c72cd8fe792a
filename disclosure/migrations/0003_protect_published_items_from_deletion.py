"""On PostgreSQL, refuse at the database to delete an item that was ever published.

The application never deletes such items (the admin cannot, the model refuses, every
foreign key to an item PROTECTs it); the trigger also stops a hand-written DELETE.
TRUNCATE, which test databases use to empty tables, does not fire row triggers.
SQLite empties tables with DELETE, so there the model guard and PROTECT must do.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION disclosure_item_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF OLD.index_number IS NOT NULL THEN
        RAISE EXCEPTION 'item %% (%%) was published and cannot be deleted; withdraw or repeal it', OLD.id, OLD.index_number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disclosure_item_refuse_delete BEFORE DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION disclosure_item_refuse_delete();
"""
DROP = """
DROP TRIGGER IF EXISTS disclosure_item_refuse_delete ON disclosure_item;
DROP FUNCTION IF EXISTS disclosure_item_refuse_delete();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_review_workflow_revisions"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
