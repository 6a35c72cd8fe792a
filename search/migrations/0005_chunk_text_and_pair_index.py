"""PostgreSQL: chunks keep their folded text, indexed by its character pairs, instead of a tsvector.

A tsvector of pair tokens held each pair's 8-character token and its positions: 2.5 KB a
chunk of ~200 characters, a search index 2.5 times the size of the items table. The text
itself is ~600 bytes; a GIN index over ``search_pairs(folded)`` (an expression, not a
stored column) finds the chunks holding every pair of a term, and ``strpos`` checks the
term itself, which is exactly the substring match of the folded texts that the phrase of
tokens was. ``search_pairs`` cuts the text into pairs at even and at odd offsets with
``regexp_replace``, a newline after each, and splits on newlines: a pair that holds the
field separator (a newline) falls apart, so no match spans two fields; the single
characters and empty strings left over are never a query's pair.

The functions run their one query with sequential scans off (see 0002) and enough
``work_mem`` that the bitmap of a common pair stays exact (a lossy one would compute the
pairs of each row again).

Existing chunks get their text back from their tokens: the characters at each position,
a newline where no pair was kept (beside a separator), which matches every term of two or
more characters exactly as the tokens did. SQLite keeps its FTS5 table of tokens.
"""

import re

from django.db import migrations

SEARCH_PAIRS = r"""CREATE FUNCTION search_pairs(chunk text) RETURNS text[]
   LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
   AS $$ SELECT array_remove(
            string_to_array(regexp_replace(chunk, '(..)', E'\\1\n', 'g'), E'\n')
            || string_to_array(regexp_replace(substr(chunk, 2), '(..)', E'\\1\n', 'g'), E'\n'),
            '') $$"""

FORWARD = [
    "DROP FUNCTION IF EXISTS search_entry_matches(bigint, tsquery)",
    "DROP FUNCTION IF EXISTS search_chunk_entries_limited(tsquery, integer)",
    "DROP FUNCTION IF EXISTS search_chunk_entries(tsquery)",
    "DROP INDEX IF EXISTS search_chunk_document_gin",
    "ALTER TABLE search_searchchunk DROP COLUMN document",
    SEARCH_PAIRS,
    "CREATE INDEX search_chunk_pairs_gin ON search_searchchunk USING gin (search_pairs(folded))",
    """CREATE FUNCTION search_chunk_entries(pairs text[], term text) RETURNS SETOF bigint
       LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off SET work_mem = '64MB'
       AS $$ SELECT entry_id FROM search_searchchunk
             WHERE search_pairs(folded) @> pairs AND strpos(folded, term) > 0 $$""",
    """CREATE FUNCTION search_chunk_entries_limited(pairs text[], term text, n integer) RETURNS SETOF bigint
       LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off SET work_mem = '64MB'
       AS $$ SELECT entry_id FROM search_searchchunk
             WHERE search_pairs(folded) @> pairs AND strpos(folded, term) > 0 LIMIT n $$""",
    """CREATE FUNCTION search_entry_matches(entry bigint, term text) RETURNS boolean
       LANGUAGE sql STABLE
       AS $$ SELECT EXISTS (SELECT 1 FROM search_searchchunk WHERE entry_id = entry AND strpos(folded, term) > 0) $$""",
]

BACKWARD = [
    "DROP FUNCTION IF EXISTS search_entry_matches(bigint, text)",
    "DROP FUNCTION IF EXISTS search_chunk_entries_limited(text[], text, integer)",
    "DROP FUNCTION IF EXISTS search_chunk_entries(text[], text)",
    "DROP INDEX IF EXISTS search_chunk_pairs_gin",
    "DROP FUNCTION IF EXISTS search_pairs(text)",
    "ALTER TABLE search_searchchunk DROP COLUMN folded",
    "CREATE INDEX search_chunk_document_gin ON search_searchchunk USING gin (document)",
    """CREATE FUNCTION search_chunk_entries(query tsquery) RETURNS SETOF bigint
       LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off
       AS $$ SELECT entry_id FROM search_searchchunk WHERE document @@ query $$""",
    """CREATE FUNCTION search_chunk_entries_limited(query tsquery, n integer) RETURNS SETOF bigint
       LANGUAGE sql STABLE ROWS 200 SET enable_seqscan = off
       AS $$ SELECT entry_id FROM search_searchchunk WHERE document @@ query LIMIT n $$""",
    """CREATE FUNCTION search_entry_matches(entry bigint, query tsquery) RETURNS boolean
       LANGUAGE sql STABLE
       AS $$ SELECT EXISTS (SELECT 1 FROM search_searchchunk WHERE entry_id = entry AND document @@ query) $$""",
]

BATCH = 5000
_LEXEME = re.compile(r"'([0-9a-fx]+)':([0-9,]+)")


def _code(token: str) -> tuple[str, str]:
    """The first character of a token (4 hex digits, or x and 6 for those above U+FFFF) and the rest."""
    if token.startswith("x"):
        return chr(int(token[1:7], 16)), token[7:]
    return chr(int(token[:4], 16)), token[4:]


def text_of(tsvector: str) -> str:
    """A chunk's folded text from its tsvector: position p holds characters p and p+1."""
    chars: dict[int, str] = {}
    for token, positions in _LEXEME.findall(tsvector):
        first, rest = _code(token)
        second, _ = _code(rest)
        for position in map(int, positions.split(",")):
            chars[position], chars[position + 1] = first, second
    return "".join(chars.get(index, "\n") for index in range(1, max(chars, default=0) + 1))


def _code_of(char: str) -> str:
    point = ord(char)
    return f"{point:04x}" if point < 0x10000 else f"x{point:06x}"


def tsvector_of(text: str) -> str:
    """The tsvector of pair tokens for a chunk's text (what migration 0002's column held)."""
    positions: dict[str, list[str]] = {}
    for index in range(len(text) - 1):
        pair = text[index : index + 2]
        if "\n" not in pair:
            positions.setdefault(_code_of(pair[0]) + _code_of(pair[1]), []).append(str(index + 1))
    return " ".join(f"'{token}':{','.join(where)}" for token, where in positions.items())


def _rewrite(schema_editor, *, new: str, new_type: str, old: str, convert, then: list[str]) -> None:
    """Add column ``new``, fill it from column ``old`` chunk by chunk through ``convert``, run ``then``."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Rewriting every chunk and building the index take minutes at a million items: longer than
        # the portal's statement timeout (settings.DB_STATEMENT_TIMEOUT_MS), for this transaction only.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(f"ALTER TABLE search_searchchunk ADD COLUMN {new} {new_type} NOT NULL DEFAULT ''::{new_type}")
        last = 0
        while True:
            cursor.execute(
                f"SELECT id, {old}::text FROM search_searchchunk WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH]
            )
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.execute(
                f"UPDATE search_searchchunk AS chunk SET {new} = v.value::{new_type}"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(id, value) WHERE chunk.id = v.id",
                [[row[0] for row in rows], [convert(row[1]) for row in rows]],
            )
            last = rows[-1][0]
        for statement in then:
            cursor.execute(statement)


def forward(apps, schema_editor):
    _rewrite(schema_editor, new="folded", new_type="text", old="document", convert=text_of, then=FORWARD)


def backward(apps, schema_editor):
    _rewrite(schema_editor, new="document", new_type="tsvector", old="folded", convert=tsvector_of, then=BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_drop_covered_indexes")]

    operations = [migrations.RunPython(forward, backward)]
