"""Search finds exactly what a substring match finds (recall and precision 100%).

A few hundred generated items over a small alphabet (so short strings recur), with
punctuation, digits, Latin letters, attachments, and a few long bodies that cross the
chunk limits; queries of 2 to 7 characters taken from the texts (many spanning
punctuation or mixing Chinese and digits) and made up at random.
"""

import random

import pytest

from disclosure.models import Attachment
from search.queries import search_entries
from tests.search import factories
from township_portal.lib import search as textsearch
from township_portal.lib.pdf import html_to_text

ALPHABET = list("扶贫脱低保救助社会精准工作村民委员乡镇政府公开信息通知年月日") + [
    "2017",
    "年",
    "，",
    "。",
    "、",
    "（",
    "）",
    "第",
    "A",
    "b",
]


def _text(rng, length):
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def _fields(item):
    texts = [item.title, item.summary, item.keywords, item.document_number, html_to_text(item.body)]
    for attachment in item.attachments.all():
        texts += [attachment.original_name, attachment.text]
    return texts


def _substring_match(items_fields, query):
    folded = textsearch.fold(query)
    return {pk for pk, texts in items_fields.items() if any(folded in textsearch.fold(text) for text in texts)}


@pytest.fixture
def corpus(shuangxi):
    rng = random.Random(20170301)
    column = factories.category(shuangxi)
    items = []
    for number in range(240):
        body = "".join(f"<p>{_text(rng, rng.randint(5, 80))}</p>" for _ in range(rng.randint(1, 4)))
        item = factories.published_item(
            shuangxi,
            column,
            title=_text(rng, rng.randint(4, 20)),
            summary=_text(rng, rng.randint(0, 40)),
            keywords=_text(rng, rng.randint(0, 6)),
            document_number=f"双府字〔2017〕{number}号" if number % 7 == 0 else "",
            body=body,
            index=False,
        )
        if number % 5 == 0:
            Attachment.objects.create(
                item=item,
                file=f"attachments/2017/03/{number}.pdf",
                original_name=f"附件{number}：{_text(rng, 6)}.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                text=_text(rng, rng.randint(10, 300)),
            )
        items.append(item)
    # Long bodies: more than one chunk by length, and one pair repeated past PostgreSQL's
    # 256 positions per lexeme, with distinctive strings planted across the cut points.
    long_bodies = [
        _text(rng, textsearch.MAX_CHUNK_CHARS - 3) + "界碑石狮子" + _text(rng, 3000),
        "扶贫" * 700 + "扶贫工作队进村" + "扶贫" * 300 + "。低保金发放",
        "<p>" + "2017年" * 400 + "</p><p>2017年第一季度救助</p>" + _text(rng, 20000),
    ]
    for number, body in enumerate(long_bodies):
        items.append(factories.published_item(shuangxi, column, title=f"长文{number}", body=body, index=False))
    for item in items:
        factories.index_item(item)
    return items


def _queries(rng, items_fields):
    texts = [text for fields in items_fields.values() for text in fields if len(text) >= 7]
    queries = {
        "2017年",
        "扶贫",
        "工作队进村",
        "石狮",
        "界碑石狮子",
        "扶贫工作队",
        "年第一季",
        "。低保",
        "〔2017〕",
        "（2017",
    }
    while len(queries) < 400:
        text = rng.choice(texts)
        length = rng.randint(2, 7)
        start = rng.randrange(0, len(text) - length + 1)
        queries.add(text[start : start + length])
    for _ in range(100):
        queries.add(_text(rng, rng.randint(2, 4)))
    # A query with a space is several terms; the substring comparison is about one.
    return [query for query in queries if not any(char.isspace() for char in query)]


def test_search_returns_exactly_the_items_a_substring_match_returns(corpus):
    items_fields = {item.pk: _fields(item) for item in corpus}
    rng = random.Random(7)
    queries = _queries(rng, items_fields)
    assert len(queries) >= 400
    mismatches = []
    nonempty = 0
    for query in queries:
        expected = _substring_match(items_fields, query)
        found = set(search_entries(textsearch.parse_query(query)).values_list("pk", flat=True))
        nonempty += bool(expected)
        if found != expected:
            mismatches.append((query, len(expected), sorted(found - expected)[:3], sorted(expected - found)[:3]))
    assert not mismatches, mismatches[:10]
    assert nonempty > 300  # the comparison is about real matches, not empty sets


def test_matches_past_the_chunk_limits_are_found(corpus):
    long_ones = {item.title: item.pk for item in corpus if item.title.startswith("长文")}
    for query, title in [("界碑石狮子", "长文0"), ("扶贫工作队进村", "长文1"), ("2017年第一季度救助", "长文2")]:
        assert long_ones[title] in set(search_entries(textsearch.parse_query(query)).values_list("pk", flat=True))
