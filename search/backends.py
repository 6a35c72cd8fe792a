"""The two places where SQLite and PostgreSQL differ: storing chunk tokens and matching a term.

Both take values as query parameters only; no text a resident typed is ever put into SQL.
"""

import functools

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import Expression, RawSQL

from search.models import SearchChunk, SearchEntry
from township_portal.lib import search as textsearch

# The fields of an entry row as ``store_entries_bulk`` takes it, the key first.
ENTRY_COLUMNS = (
    "item",
    "organisation",
    "category",
    "publisher",
    "title",
    "title_folded",
    "index_number",
    "index_key",
    "document_number",
    "document_key",
    "published_at",
    "validity",
    "has_document_number",
    "has_attachments",
    "indexed_at",
)
BATCH_ROWS = 2000


def store_entries_bulk(rows: list[tuple]) -> None:
    """Insert the entries (rows of ``ENTRY_COLUMNS``), replacing those already stored for the same items.

    PostgreSQL takes each batch as one array a column (a statement the ORM would spend longer
    writing than the database spends running it); SQLite goes through ``bulk_create``.
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH_ROWS):
                columns = zip(*rows[start : start + BATCH_ROWS], strict=True)
                cursor.execute(_entries_upsert_sql(), [list(column) for column in columns])
        return
    fields = [field.attname for field in _entry_fields()]
    SearchEntry.objects.bulk_create(
        [SearchEntry(**dict(zip(fields, row, strict=True))) for row in rows],
        update_conflicts=True,
        update_fields=fields[1:],
        unique_fields=fields[:1],
        batch_size=BATCH_ROWS,
    )


def _entry_fields() -> list:
    return [SearchEntry._meta.get_field(name) for name in ENTRY_COLUMNS]


@functools.cache
def _entries_upsert_sql() -> str:
    """INSERT ... SELECT FROM unnest(one typed array a column) ON CONFLICT (item) DO UPDATE (PostgreSQL)."""
    fields = _entry_fields()
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    return (
        f"INSERT INTO {quote(SearchEntry._meta.db_table)} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
        f" ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}"
    )


def store_chunks_bulk(documents: list[tuple[int, list[str]]]) -> None:
    """Write the folded chunks of several entries in a few multi-row statements (old ones already gone)."""
    rows = [(entry_id, number, chunk) for entry_id, chunks in documents for number, chunk in enumerate(chunks)]
    if not rows:
        return
    if connection.vendor == "postgresql":
        # The GIN index computes the pairs' keys of each chunk itself (search_pair_keys, migration 0007).
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH_ROWS):
                part = rows[start : start + BATCH_ROWS]
                cursor.execute(
                    "INSERT INTO search_searchchunk (entry_id, number, folded)"
                    " SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::text[])",
                    [[row[0] for row in part], [row[1] for row in part], [row[2] for row in part]],
                )
        return
    created = SearchChunk.objects.bulk_create(
        [SearchChunk(entry_id=entry_id, number=number) for entry_id, number, _ in rows], batch_size=300
    )
    fts = [
        (chunk.pk, textsearch.fts5_document(textsearch.chunk_tokens(text)))
        for chunk, (_, _, text) in zip(created, rows, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO search_chunk_fts (rowid, tokens) VALUES (%s, %s)", fts)


def settle_index() -> int:
    """Merge the entries that bulk writes left pending into the index (PostgreSQL); pages merged.

    Every search reads the GIN index's pending list whole (migration 0006), so a rebuild or an
    import ends by merging it, as VACUUM would later. SQLite's FTS5 merges as it writes.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('search_chunk_pairs_gin'::regclass)")
        return cursor.fetchone()[0]


def entries_containing(term: str) -> RawSQL:
    """A subquery of the ids of entries whose text contains the folded term (two or more characters)."""
    if connection.vendor == "postgresql":
        # The function forces the GIN index (see migration 0005).
        return RawSQL("SELECT search_chunk_entries(%s::text[], %s)", [textsearch.term_pairs(term), term])
    return RawSQL(
        "SELECT search_searchchunk.entry_id FROM search_chunk_fts"
        " JOIN search_searchchunk ON search_searchchunk.id = search_chunk_fts.rowid"
        " WHERE search_chunk_fts MATCH %s",
        [textsearch.fts5_phrase(term)],
    )


def some_entries_sql(term: str, limit: int) -> tuple[str, list]:
    """A scalar subquery: the entry ids of at most ``limit`` chunks containing the term, as one value.

    It reads the index only until ``limit`` matches are found, so it costs the same for
    the commonest word as for a rare one; fewer than ``limit`` ids means these are all.
    PostgreSQL gives an array, SQLite a comma-separated text (``parse_ids`` reads both).
    """
    if connection.vendor == "postgresql":
        probe = "ARRAY(SELECT search_chunk_entries_limited(%s::text[], %s, %s))"
        params = [textsearch.term_pairs(term), term, limit]
        if len(term) > 2:
            return probe, params
        # One pair: the index gives every chunk holding it before the first comes out, ~80 ms
        # for a pair in nearly every item at 1,000,000. Such a term is found first among the
        # newest entries, where ``limit`` hits in a window a little larger than ``limit`` say
        # the same as the index would (at least ``limit`` chunks), in ~12 ms; a rarer pair
        # costs the window (~15 ms) and then the index.
        dense = (
            "(SELECT CASE WHEN count(*) >= %s THEN array_agg(item_id) END FROM"
            " (SELECT item_id FROM (SELECT item_id FROM search_searchentry"
            " ORDER BY published_at DESC, item_id DESC LIMIT %s) AS newest"
            " WHERE search_entry_matches(item_id, %s) LIMIT %s) AS hits)"
        )
        return f"COALESCE({dense}, {probe})", [limit, limit + limit // 4, term, limit, *params]
    return (
        "(SELECT group_concat(entry_id) FROM search_searchchunk WHERE id IN"
        " (SELECT rowid FROM search_chunk_fts WHERE search_chunk_fts MATCH %s LIMIT %s))",
        [textsearch.fts5_phrase(term), limit],
    )


def parse_ids(value) -> list[int]:
    if value is None:
        return []
    if isinstance(value, str):
        return [int(part) for part in value.split(",") if part]
    return list(value)


def among(ids: list[int]) -> RawSQL | list[int]:
    """The right-hand side of ``pk__in`` for a list of ids (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return list(ids)


class EntryContains(Expression):
    """True when the entry (an expression giving its id) contains the term: checked row by row.

    A listing walked newest first with this condition stops after a page of hits, where
    ``pk IN entries_containing(term)`` reads every hit before the first row comes out.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, entry, term: str):
        super().__init__(output_field=BooleanField())
        self.entry = entry
        self.term = term

    def get_source_expressions(self):
        return [self.entry]

    def set_source_expressions(self, exprs):
        (self.entry,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.entry = self.entry.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        entry_sql, entry_params = compiler.compile(self.entry)
        if connection.vendor == "postgresql":
            return f"search_entry_matches({entry_sql}, %s::text)", [*entry_params, self.term]
        # The MATCH subquery is not correlated: SQLite runs it once and probes its result.
        return (
            "EXISTS (SELECT 1 FROM search_searchchunk AS term_chunk"
            f" WHERE term_chunk.entry_id = {entry_sql} AND term_chunk.id IN"
            " (SELECT rowid FROM search_chunk_fts WHERE search_chunk_fts MATCH %s))",
            [*entry_params, textsearch.fts5_phrase(self.term)],
        )
