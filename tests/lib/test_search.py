from township_portal.lib import search as textsearch


def test_folding_makes_full_width_case_and_spaces_alike():
    assert textsearch.fold("２０１７年\u3000ＡＢＣ  低保\n名单") == "2017年 abc 低保 名单"


def test_chunks_overlap_so_every_short_substring_lies_in_one_chunk():
    text = "".join(chr(0x4E00 + (n * 7) % 300) for n in range(3 * textsearch.MAX_CHUNK_CHARS))
    chunks = textsearch.split_chunks(text)
    assert len(chunks) >= 3
    for start in range(0, len(text) - textsearch.MAX_QUERY_CHARS, 997):
        needle = text[start : start + textsearch.MAX_QUERY_CHARS]
        assert any(needle in chunk for chunk in chunks)


def test_no_chunk_holds_a_pair_more_often_than_postgresql_keeps_positions():
    chunks = textsearch.split_chunks("扶贫" * 2000)
    assert len(chunks) > 1
    for chunk in chunks:
        tokens = textsearch.chunk_tokens(chunk)
        assert max(tokens.count(token) for token in set(tokens)) < 256


def test_pairs_across_fields_never_match():
    tokens = textsearch.chunk_tokens(textsearch.document_chunks(["标题", "正文"])[0])
    assert textsearch.pair_token("题正") not in tokens
    assert None in tokens  # the separator keeps positions apart


def test_queries_are_split_into_terms_and_limited():
    assert textsearch.parse_query(" 低保  ２０１７年 ").terms == ["低保", "2017年"]
    assert "太长" in textsearch.parse_query("字" * 51).error
    assert textsearch.parse_query("扶").title_terms == ["扶"]


def test_highlighting_escapes_html_and_marks_folded_matches():
    assert textsearch.highlight("<b>２０１７年</b>低保", ["2017年"]) == "&lt;b&gt;<mark>２０１７年</mark>&lt;/b&gt;低保"
    snippet = textsearch.snippet("前" * 200 + "低保" + "后" * 200, ["低保"], width=20)
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>低保</mark>" in snippet


def test_highlighting_marks_the_typed_characters_whether_folding_keeps_their_number_or_not():
    # Most texts fold one character to one (their offsets are their positions); a ligature
    # folds to two, a zero-width space to none, a run of spaces to one.
    highlight = textsearch.highlight
    assert highlight("城乡最低生活保障", ["生活"]) == "城乡最低<mark>生活</mark>保障"
    assert highlight("ﬁ工作计划", ["工作"]) == "ﬁ<mark>工作</mark>计划"
    assert highlight("ﬁle工作", ["fil"]) == "<mark>ﬁl</mark>e工作"
    assert highlight("工\u200b作计划", ["工作"]) == "<mark>工\u200b作</mark>计划"
    assert highlight("年度   计划", ["度 计"]) == "年<mark>度   计</mark>划"
    assert highlight("年度 计划", ["度 计"]) == "年<mark>度 计</mark>划"


def test_identifier_keys_ignore_spaces_width_and_bracket_style():
    assert textsearch.identifier_key("双府字〔２０１７〕 12号") == textsearch.identifier_key("双府字[2017]12号")


def test_snippets_look_for_a_match_only_near_the_start_of_a_long_text():
    near = "前" * 100 + "低保" + "后" * (3 * textsearch.SNIPPET_SCAN_CHARS)
    assert "<mark>低保</mark>" in textsearch.snippet(near, ["低保"])
    assert textsearch.snippet("前" * textsearch.SNIPPET_SCAN_CHARS + "低保", ["低保"]) == ""
