"""Words as search matches them: stemmed tokens of text, content terms of a query, BM25's
constants. Shared by the fact catalogue and the entity table."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from graphmem._keys import keyword_terms

__all__ = ["BM25_B", "BM25_K1", "query_terms", "tokenize"]

BM25_K1 = 1.2
BM25_B = 0.75
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens (Snowball English), as the stores' full-text indexes
    stem: "lives" matches "live"."""
    return [_stem(word) for word in _TOKEN.findall(text.casefold())]


def query_terms(text: str) -> set[str]:
    """The query's distinct content terms (question words and other stopwords dropped)."""
    return {_stem(word) for word in keyword_terms(text.casefold(), max_terms=64)}
