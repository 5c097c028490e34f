"""Match keys of text, shared by ingest, search and the store.

* :func:`name_key`: the normalized entity name that entity resolution and lookups match on.
* :func:`keyword_terms`: the content words of a text, for full-text and keyword matching.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["keyword_terms", "name_key"]

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def name_key(name: str) -> str:
    """Case-, width- and spacing-insensitive key of a name ("  Dr. ALICE " -> "dr. alice")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _EDGE_PUNCT.sub("", text) or text


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that match nearly every fact and only slow full-text search down.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


def keyword_terms(text: str, *, max_terms: int = 16) -> list[str]:
    """The distinct, lower-cased content words of ``text`` (no operators survive)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in _STOPWORDS and len(word) <= 64:
            seen.setdefault(word, None)
    return list(seen)[:max_terms]
