"""PostgreSQL's chunk index keeps a hash of each character pair (migration 0007)."""

import re

import pytest
from django.db import connection

from search.backends import entries_containing
from tests.postgres import requires_postgres
from tests.search import factories
from township_portal.lib import search as textsearch

pytestmark = [pytest.mark.postgres_only, requires_postgres("its GIN index of hashed pairs; SQLite keeps FTS5 tokens")]


def _one(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_a_chunk_is_keyed_by_every_pair_within_a_field_and_by_no_other(db):
    chunk = textsearch.document_text(["低保名单公示", "扶", "2017年 救助 abc", "𠀀𠀁字"])
    within_fields = {chunk[i : i + 2] for i in range(len(chunk) - 1) if "\n" not in chunk[i : i + 2]}
    keys = _one("SELECT search_pair_keys(%s)", [chunk])
    wanted = _one("SELECT search_term_keys(%s::text[])", [sorted(within_fields)])
    assert set(keys) == set(wanted) and len(set(wanted)) == len(within_fields)
    # A pair across a field separator ("示\n", "\n扶", "扶\n") is no key, so no term spans two fields.
    assert _one("SELECT search_term_keys(ARRAY['示扶'])", [])[0] not in keys


def test_searches_read_the_hashed_pair_index(shuangxi):
    column = factories.category(shuangxi)
    factories.published_item(shuangxi, column, title="森林防火工作通知")
    term = "森林防火"
    with connection.cursor() as cursor:
        # The statement inside search_chunk_entries, read from the database and planned as it
        # runs there (sequential scans off, its two arguments as parameters).
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'search_chunk_entries'")
        body = cursor.fetchone()[0]
        assert "search_pair_keys(folded) @> search_term_keys(pairs)" in body
        statement = re.sub(r"\bterm\b", "$2", re.sub(r"\bpairs\b", "$1", body))
        cursor.execute(f"PREPARE chunk_entries(text[], text) AS {statement}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN EXECUTE chunk_entries(%s::text[], %s)", [textsearch.term_pairs(term), term])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE chunk_entries")
    assert "search_chunk_pairs_gin" in plan
    containing = entries_containing(term)
    with connection.cursor() as cursor:
        cursor.execute(containing.sql, containing.params)
        assert len(cursor.fetchall()) == 1
