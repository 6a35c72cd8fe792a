"""The two places where SQLite and PostgreSQL differ: storing chunk tokens and matching a term.

Both take values as query parameters only; no text a resident typed is ever put into SQL.
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from search.models import SearchChunk
from township_portal.lib import search as textsearch


def store_chunks(entry_id: int, chunks: list[list[str | None]]) -> None:
    """Write an entry's chunks (its old ones must already be gone)."""
    if not chunks:
        return
    if connection.vendor == "postgresql":
        rows = [(entry_id, number, textsearch.tsvector_literal(tokens)) for number, tokens in enumerate(chunks)]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_searchchunk (entry_id, number, document) VALUES (%s, %s, %s::tsvector)", rows
            )
        return
    created = SearchChunk.objects.bulk_create(
        [SearchChunk(entry_id=entry_id, number=number) for number in range(len(chunks))]
    )
    rows = [(chunk.pk, textsearch.fts5_document(tokens)) for chunk, tokens in zip(created, chunks, strict=True)]
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO search_chunk_fts (rowid, tokens) VALUES (%s, %s)", rows)


def entries_containing(term: str) -> RawSQL:
    """A subquery of the ids of entries whose text contains the folded term (two or more characters)."""
    if connection.vendor == "postgresql":
        # The function forces the GIN index (see migration 0002).
        return RawSQL("SELECT search_chunk_entries(%s::tsquery)", [textsearch.tsquery_phrase(term)])
    return RawSQL(
        "SELECT search_searchchunk.entry_id FROM search_chunk_fts"
        " JOIN search_searchchunk ON search_searchchunk.id = search_chunk_fts.rowid"
        " WHERE search_chunk_fts MATCH %s",
        [textsearch.fts5_phrase(term)],
    )
