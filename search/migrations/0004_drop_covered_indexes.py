"""Drop indexes that other indexes cover, and compress the PostgreSQL token column with lz4.

The entries' organisation and category columns each start several listing indexes, and
the chunks' entry column starts the unique (entry, number) index: their own single-column
indexes only cost space and writes. Only the indexes are dropped (``DROP INDEX``), so
SQLite does not rebuild the tables (which would lose the chunk delete trigger of 0002).

lz4 makes the chunks' tsvectors a little smaller than the default pglz and compresses
them about twice as fast (bench/README.md); a server built without lz4 keeps pglz. Rows
already stored keep their compression until they are written again (``search_rebuild``).
"""

from django.db import migrations, models

COVERED = [
    ("search_searchentry", "organisation_id"),
    ("search_searchentry", "category_id"),
    ("search_searchchunk", "entry_id"),
]


def _single_column_indexes(schema_editor, table, column):
    constraints = schema_editor.connection.introspection.get_constraints(schema_editor.connection.cursor(), table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
        and info.get("type") != "gin"
    ]


def forward(apps, schema_editor):
    for table, column in COVERED:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
            )
            if cursor.fetchone():
                schema_editor.execute("ALTER TABLE search_searchchunk ALTER COLUMN document SET COMPRESSION lz4")


def backward(apps, schema_editor):
    for table, column in COVERED:
        if not _single_column_indexes(schema_editor, table, column):
            name = schema_editor.quote_name(f"{table}_{column}_idx")
            schema_editor.execute(f"CREATE INDEX {name} ON {table} ({column})")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchchunk ALTER COLUMN document SET COMPRESSION default")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_catalog_template_uncovered_areas_guide"),
        ("search", "0003_search_bounded_functions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="searchchunk",
                    name="entry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="chunks",
                        to="search.searchentry",
                        verbose_name="检索条目",
                    ),
                ),
                migrations.AlterField(
                    model_name="searchentry",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.category",
                        verbose_name="目录分类",
                    ),
                ),
                migrations.AlterField(
                    model_name="searchentry",
                    name="organisation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.organisation",
                        verbose_name="公开主体",
                    ),
                ),
            ],
        )
    ]
