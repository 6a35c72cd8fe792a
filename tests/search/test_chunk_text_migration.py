"""Migration 0005 gives PostgreSQL's existing chunks their text back from their pair tokens."""

import importlib

from township_portal.lib import search as textsearch

migration = importlib.import_module("search.migrations.0005_chunk_text_and_pair_index")


def _terms(text: str, longest: int = 6) -> set[str]:
    """Every term of 2..longest characters a search could match in the text (none spans a field)."""
    return {
        text[start : start + length]
        for length in range(2, longest + 1)
        for start in range(len(text) - length + 1)
        if "\n" not in text[start : start + length]
    }


def test_text_rebuilt_from_the_tokens_matches_every_term_the_tokens_matched():
    chunk = textsearch.document_text(["低保名单公示", "扶", "2017年第一季度 救助 abc", "𠀀𠀁字", "低保"])
    rebuilt = migration.text_of(migration.tsvector_of(chunk))
    assert rebuilt != chunk  # the one-character field between separators is not kept...
    assert _terms(rebuilt) == _terms(chunk)  # ...and no term of two or more characters can tell
    assert "扶" not in rebuilt and "𠀀𠀁字" in rebuilt and "第一季度 救" in rebuilt


def test_repeated_pairs_keep_all_their_positions():
    chunk = "扶贫" * 300 + "工作"
    assert migration.text_of(migration.tsvector_of(chunk)) == chunk
    assert migration.text_of("") == ""
