"""PostgreSQL functions for search that stops early (search.queries.ranked_search).

``search_chunk_entries_limited(query, n)``: at most n entry ids with a matching chunk, by
the GIN index (sequential scans off, as in 0002), to tell a rare term from a common one
without reading every hit. ``search_entry_matches(entry, query)``: whether one entry has
a matching chunk, through the (entry, number) index: walking the newest entries with it
stops after a page of hits instead of ranking all of them. SQLite needs neither (FTS5
streams its matches).
"""

from django.db import migrations

FORWARD = [
    """CREATE FUNCTION search_chunk_entries_limited(query tsquery, n integer) RETURNS SETOF bigint
       LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off
       AS $$ SELECT entry_id FROM search_searchchunk WHERE document @@ query LIMIT n $$""",
    """CREATE FUNCTION search_entry_matches(entry bigint, query tsquery) RETURNS boolean
       LANGUAGE sql STABLE
       AS $$ SELECT EXISTS (SELECT 1 FROM search_searchchunk WHERE entry_id = entry AND document @@ query) $$""",
]
BACKWARD = [
    "DROP FUNCTION IF EXISTS search_entry_matches(bigint, tsquery)",
    "DROP FUNCTION IF EXISTS search_chunk_entries_limited(tsquery, integer)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_create_chunk_fulltext_index")]

    operations = [migrations.RunPython(forward, backward)]
