"""PostgreSQL: the chunks' GIN index keeps a 4-byte hash of each character pair, not the pair's text.

Writing a chunk into the index cost more than everything else a rebuild does: ~250 text keys
a chunk, each compared with the index's through the collation (this database's ``C.UTF-8`` is
not PostgreSQL 15's fast "C" path). An integer key compares in one instruction; on 20,000 items
of the scale benchmark the chunks' insert went from 0.26-0.31 to 0.17-0.19 ms an item and the
whole indexing from 0.49-0.57 to 0.35-0.37 ms.

``search_pair_keys`` hashes the pairs ``search_pairs`` cuts (``hashtext``, PostgreSQL's own
text hash, immutable; the same pairs in the same order), leaving out the single characters
beside a field separator, which no query's pair is; ``search_term_keys`` hashes a term's pairs
the same way. Two pairs that share a hash only make a chunk a candidate that ``strpos`` then
rules out, so what a search finds is still exactly the substring match. The query functions
keep their arguments.

Building the index takes ~18 s per 100,000 chunks on a 2-core machine (1 min 53 s at a
million); the migration lifts the statement timeout for itself, as 0005 did.
"""

from django.db import migrations

CHUNK_ENTRIES = """CREATE OR REPLACE FUNCTION search_chunk_entries(pairs text[], term text) RETURNS SETOF bigint
   LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off SET work_mem = '64MB'
   AS $$ SELECT entry_id FROM search_searchchunk
         WHERE {keys} @> {wanted} AND strpos(folded, term) > 0 $$"""
CHUNK_ENTRIES_LIMITED = """CREATE OR REPLACE FUNCTION search_chunk_entries_limited(pairs text[], term text, n integer)
   RETURNS SETOF bigint
   LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off SET work_mem = '64MB'
   AS $$ SELECT entry_id FROM search_searchchunk
         WHERE {keys} @> {wanted} AND strpos(folded, term) > 0 LIMIT n $$"""


def _functions(*, keys: str, wanted: str) -> list[str]:
    return [sql.format(keys=keys, wanted=wanted) for sql in (CHUNK_ENTRIES, CHUNK_ENTRIES_LIMITED)]


def _index(expression: str) -> list[str]:
    return [
        "SET LOCAL statement_timeout = 0",
        "SET LOCAL maintenance_work_mem = '256MB'",
        "DROP INDEX IF EXISTS search_chunk_pairs_gin",
        f"CREATE INDEX search_chunk_pairs_gin ON search_searchchunk USING gin ({expression})"
        " WITH (gin_pending_list_limit = 1024)",
    ]


FORWARD = [
    # The pairs at even and at odd offsets, each followed by a newline, split once (one array
    # less than search_pairs builds: a fifth quicker).
    r"""CREATE FUNCTION search_pair_keys(chunk text) RETURNS integer[]
       LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $$ SELECT ARRAY(SELECT hashtext(pair) FROM unnest(string_to_array(
                 regexp_replace(chunk, '(..)', E'\\1\n', 'g') || E'\n'
                 || regexp_replace(substr(chunk, 2), '(..)', E'\\1\n', 'g'), E'\n')) AS pair
             WHERE length(pair) = 2) $$""",
    """CREATE FUNCTION search_term_keys(pairs text[]) RETURNS integer[]
       LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $$ SELECT ARRAY(SELECT hashtext(pair) FROM unnest(pairs) AS pair) $$""",
    *_index("search_pair_keys(folded)"),
    *_functions(keys="search_pair_keys(folded)", wanted="search_term_keys(pairs)"),
]

BACKWARD = [
    *_index("search_pairs(folded)"),
    *_functions(keys="search_pairs(folded)", wanted="pairs"),
    "DROP FUNCTION search_term_keys(text[])",
    "DROP FUNCTION search_pair_keys(text)",
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
    dependencies = [("search", "0006_small_gin_pending_list")]

    operations = [migrations.RunPython(forward, backward)]
