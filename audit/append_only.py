"""Append-only tables enforced by the database itself, not only by the ORM.

A model that sets ``append_only_in_database = True`` (the audit trail, frozen report
versions, their files and decisions) gets triggers that refuse every ``UPDATE`` and
``DELETE`` — also a plain SQL statement typed into psql — and, on PostgreSQL, ``TRUNCATE``.
The one exception is ``manage.py flush`` (development and the test suite's transactional
tests), which declares itself for its own session (`flush_permitted`): on PostgreSQL it may
then ``TRUNCATE`` (never ``UPDATE`` or ``DELETE``), on SQLite (which flushes with ``DELETE``)
it may delete. Changing a trigger needs the owner of the schema, which the application's
database role should not be in production (README: "Audit trail").

Installed by the audit, reports and annual migrations and checked again after every ``migrate``
(SQLite drops a table's triggers when a migration rebuilds it).
"""

from contextlib import contextmanager

from django.apps import apps

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION township_portal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('township_portal.flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% on % refused: this table is append-only (audit trail, frozen reports)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
SQLITE_PERMIT_TABLE = "township_portal_flush_permit"


def append_only_tables() -> list[str]:
    """The tables of the installed models that declare ``append_only_in_database``."""
    return sorted(
        model._meta.db_table for model in apps.get_models() if getattr(model, "append_only_in_database", False)
    )


def install(connection, tables: list[str]) -> None:
    """Create (or replace) the triggers on ``tables``; safe to run again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in tables:
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {quoted}"
                    " FOR EACH ROW EXECUTE FUNCTION township_portal_append_only()"
                )
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {quoted}"
                    " FOR EACH STATEMENT EXECUTE FUNCTION township_portal_append_only()"
                )
        elif connection.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_PERMIT_TABLE} (permit integer NOT NULL)")
            for table in tables:
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {quoted}"
                    f" BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} refused: this table is append-only'); END"
                )
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {quoted}"
                    f" WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_PERMIT_TABLE})"
                    f" BEGIN SELECT RAISE(ABORT, 'DELETE on {table} refused: this table is append-only'); END"
                )


def ensure(connection) -> None:
    """Install what is missing on every append-only table (after ``migrate``; cheap when nothing is)."""
    tables = append_only_tables()
    if connection.vendor == "postgresql":
        wanted = {f"{table}_{suffix}" for table in tables for suffix in ("append_only", "no_truncate")}
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [sorted(wanted)])
            present = {name for (name,) in cursor.fetchall()}
        if wanted - present:
            install(connection, tables)
    else:
        install(connection, tables)


def uninstall(connection, tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {quoted}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {quoted}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def migration_operation(tables: list[str]):
    """A migration operation installing the triggers on ``tables`` (removing them when migrated back)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda _apps, schema_editor: install(schema_editor.connection, tables),
        lambda _apps, schema_editor: uninstall(schema_editor.connection, tables),
        elidable=False,
    )


@contextmanager
def flush_permitted(connection):
    """Let this session empty the append-only tables (``manage.py flush`` only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('township_portal.flush', 'on', false)")
        elif connection.vendor == "sqlite":
            install(connection, [])  # the permit table, on a database migrated before it existed
            cursor.execute(f"INSERT INTO {SQLITE_PERMIT_TABLE} (permit) VALUES (1)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('township_portal.flush', '', false)")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {SQLITE_PERMIT_TABLE}")
