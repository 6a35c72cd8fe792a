"""Chinese full-text search without a dictionary: folding, bigram tokens, chunks, queries.

Pure functions, no Django. The search app stores what ``document_chunks`` returns and
turns a resident's query into what ``parse_query`` returns.

Why bigrams: a query of n >= 2 characters occurs in a text exactly when its n-1
overlapping character pairs occur at consecutive positions, so a phrase query over
pair tokens finds the same set of documents as a plain substring match (recall 100%),
whatever the characters are: Chinese, digits, Latin letters or punctuation. Dictionary
segmentation (jieba) cannot promise that.

Every text is folded the same way before anything else (``fold``): NFKC per character
(full-width digits and letters become ASCII), case-folded, runs of whitespace become
one space. "Substring match" below always means a match between folded texts.

For FTS5, pairs are encoded as ASCII tokens (the hex code points, ``x`` before the rare
ones above U+FFFF), so its tokenizer cannot split, stem or drop them, and punctuation is
kept.

Long texts are cut into overlapping chunks, which bound what one index row holds; a chunk
never holds more than ``MAX_PAIR_REPEATS`` copies of one pair nor ``MAX_CHUNK_CHARS``
characters, and consecutive chunks overlap by ``MAX_QUERY_CHARS - 1`` characters, so every
occurrence of a query of up to ``MAX_QUERY_CHARS`` characters lies whole inside one chunk.

The databases index the chunks differently (``search.backends``): SQLite's FTS5 keeps the
pair tokens of each chunk (``chunk_tokens``) and matches a term as a phrase of them;
PostgreSQL keeps the folded chunk text itself, with a GIN index of its pairs' hashes, finds
the chunks holding every pair of a term (``term_pairs``) and checks the term as a substring.
"""

import html
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 50
MAX_TERMS = 5
MAX_CHUNK_CHARS = 8000
MAX_PAIR_REPEATS = 250
OVERLAP = MAX_QUERY_CHARS - 1
# Snippets look for the first match only this far into a text: attachments may hold
# millions of characters, and folding them all for every result made one page of
# results take seconds. A match further in still lists the item, with another passage.
SNIPPET_SCAN_CHARS = 20_000
# Separates fields (title, summary, body, each attachment) inside one document so
# that no match spans two of them. Folding turns every newline into a space, so a
# folded query can never contain it.
FIELD_SEPARATOR = "\n"
# FTS5 counts token positions itself: a pair that must not match is written as this
# filler so that the pairs on either side of it are not adjacent.
FILLER = "z"

_WHITESPACE = re.compile(r"\s+")
_WHITESPACE_RUN = re.compile(r"\s\s")
_fold_cache: dict[str, str] = {}
# Characters whose folded form is not exactly one character (recorded as they are first folded).
_not_one_to_one: set[str] = set()


def _fold_char(char: str) -> str:
    folded = _fold_cache.get(char)
    if folded is None:
        folded = unicodedata.normalize("NFKC", char).casefold()
        # Control and format characters (zero-width spaces, BOMs) carry no meaning
        # a resident could type; dropping them keeps both sides equal.
        folded = "".join(c for c in folded if unicodedata.category(c) not in ("Cc", "Cf") or c.isspace())
        if len(folded) != 1:
            _not_one_to_one.add(char)
        if len(_fold_cache) < 50_000:
            _fold_cache[char] = folded
    return folded


class _FoldTable(dict):
    """``str.translate`` table folding each character on first sight (code point -> folded text)."""

    def __missing__(self, point: int) -> str:
        folded = _fold_char(chr(point))
        if len(self) < 50_000:
            self[point] = folded
        return folded


_fold_table = _FoldTable()


def fold(text: str) -> str:
    """The searchable form of a text: NFKC per character, case-folded, whitespace runs as one space."""
    return _WHITESPACE.sub(" ", (text or "").translate(_fold_table))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of the original character it came from."""
    text = text or ""
    translated = text.translate(_fold_table)  # folds (and so records) every character first
    if _not_one_to_one.isdisjoint(text) and not _WHITESPACE_RUN.search(translated):
        # Each character folds to one and no whitespace run shrinks: the offsets are the
        # positions themselves (most texts), without the loop below.
        return _WHITESPACE.sub(" ", translated), list(range(len(text)))
    chars: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            if folded.isspace():
                if previous_space:
                    continue
                folded, previous_space = " ", True
            else:
                previous_space = False
            chars.append(folded)
            offsets.append(index)
    return "".join(chars), offsets


def _encode_char(char: str) -> str:
    point = ord(char)
    return f"{point:04x}" if point < 0x10000 else f"x{point:06x}"


class _CodeTable(dict):
    def __missing__(self, char: str) -> str:
        code = _encode_char(char)
        if len(self) < 50_000:
            self[char] = code
        return code


_codes = _CodeTable()


def pair_token(pair: str) -> str:
    """The ASCII token stored for two adjacent folded characters."""
    return _codes[pair[0]] + _codes[pair[1]]


def _is_searchable_pair(pair: str) -> bool:
    return FIELD_SEPARATOR not in pair


# --- Documents ------------------------------------------------------------


def document_text(fields: list[str]) -> str:
    """The folded fields of one document, kept apart by the field separator."""
    folded = (fold(value).strip() for value in fields)
    return FIELD_SEPARATOR.join(value for value in folded if value)


def split_chunks(text: str) -> list[str]:
    """Cut a folded document into overlapping chunks (see the module docstring)."""
    if len(text) <= 1:
        return [text] if text else []
    if (
        len(text) <= MAX_CHUNK_CHARS
        and (
            len(text) <= MAX_PAIR_REPEATS + 1
            # A pair occurs no more often than its first character: counting characters is cheaper.
            or max(Counter(text).values()) <= MAX_PAIR_REPEATS
            or max(Counter(map(operator.add, text, text[1:])).values()) <= MAX_PAIR_REPEATS
        )
    ):
        # The common case, counted in C: no pair repeats often enough to end the chunk.
        return [text]
    chunks = []
    start = 0
    while True:
        counts: dict[str, int] = {}
        end = start + 1
        limit = min(len(text), start + MAX_CHUNK_CHARS)
        while end < limit:
            pair = text[end - 1 : end + 1]
            if _is_searchable_pair(pair):
                seen = counts.get(pair, 0)
                if seen >= MAX_PAIR_REPEATS:
                    break
                counts[pair] = seen + 1
            end += 1
        chunks.append(text[start:end])
        if end >= len(text):
            return chunks
        # end - start > MAX_PAIR_REPEATS > OVERLAP, so every chunk moves forward.
        start = end - OVERLAP


def chunk_tokens(chunk: str) -> list[str | None]:
    """The pair token at each position of a chunk (position i = characters i and i+1), None where nothing may match."""
    codes = [_codes[char] for char in chunk]
    tokens: list[str | None] = list(map(operator.add, codes, codes[1:]))
    position = chunk.find(FIELD_SEPARATOR)
    while position != -1:
        if position > 0:
            tokens[position - 1] = None
        if position < len(tokens):
            tokens[position] = None
        position = chunk.find(FIELD_SEPARATOR, position + 1)
    return tokens


def fts5_document(tokens: list[str | None]) -> str:
    """Tokens as an FTS5 column value: space-separated, fillers keep positions apart."""
    return " ".join(token or FILLER for token in tokens)


def document_chunks(fields: list[str]) -> list[str]:
    """The folded chunks of a document made of the given raw text fields (those holding a pair)."""
    return [chunk for chunk in split_chunks(document_text(fields)) if len(chunk) >= 2]


# --- Queries --------------------------------------------------------------

# Index numbers (113708280043326001/2024-02411) and document numbers (双府字〔2017〕12号)
# are matched as whole keys: folded, without spaces, with every bracket style alike.
_BRACKETS = str.maketrans({"〔": "[", "〕": "]", "［": "[", "］": "]", "【": "[", "】": "]", "(": "[", ")": "]"})


def identifier_key(value: str) -> str:
    """The form in which index and document numbers are stored and looked up."""
    return fold(value).replace(" ", "").translate(_BRACKETS)


@dataclass
class ParsedQuery:
    text: str = ""
    terms: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def phrase_terms(self) -> list[str]:
        """Terms of two or more characters, searched in every field through the index."""
        return [term for term in self.terms if len(term) >= 2]

    @property
    def title_terms(self) -> list[str]:
        """One-character terms, searched in titles only."""
        return [term for term in self.terms if len(term) == 1]


def parse_query(raw: str) -> ParsedQuery:
    """Fold a resident's query and split it on spaces into terms that must all match."""
    text = fold(raw or "").strip()
    if not text:
        return ParsedQuery()
    if len(text) > MAX_QUERY_CHARS:
        return ParsedQuery(text=text, error=f"检索词太长，请不要超过{MAX_QUERY_CHARS}个字。")
    terms = list(dict.fromkeys(text.split(" ")))
    if len(terms) > MAX_TERMS:
        return ParsedQuery(text=text, error=f"检索词最多{MAX_TERMS}个（以空格分隔），请精简后再试。")
    return ParsedQuery(text=text, terms=terms)


def term_tokens(term: str) -> list[str]:
    """The consecutive pair tokens a document must contain for a term of two or more characters."""
    return [pair_token(term[i : i + 2]) for i in range(len(term) - 1)]


def fts5_phrase(term: str) -> str:
    """An FTS5 MATCH expression for the term: a phrase of its pair tokens (ASCII only, nothing to escape)."""
    return '"' + " ".join(term_tokens(term)) + '"'


def term_pairs(term: str) -> list[str]:
    """The distinct character pairs of a term of two or more characters (each must be in a matching chunk)."""
    return list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))


# --- Highlighting ---------------------------------------------------------


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Original-text spans where any term occurs, merged, in order."""
    folded, offsets = fold_with_offsets(text)
    found = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            found.append((offsets[start], offsets[end - 1] + 1))
            start = folded.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str]) -> str:
    """Escaped HTML of the text with every occurrence of the terms in <mark>."""
    out, cursor = [], 0
    for start, end in _spans(text, terms):
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def snippet(text: str, terms: list[str], *, width: int = 120) -> str:
    """Escaped, highlighted HTML of about ``width`` characters around the first match; '' when none.

    Only the first ``SNIPPET_SCAN_CHARS`` characters are searched.
    """
    spans = _spans(text[:SNIPPET_SCAN_CHARS], terms)
    if not spans:
        return ""
    first = spans[0][0]
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + highlight(text[start:end], terms) + suffix
