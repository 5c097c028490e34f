"""The one seam between graphmem and a graph database.

A backend runs named statements from :mod:`graphmem.store._queries` and applies composed write
plans in one transaction. Everything above it (repository, ingest, search) is backend-agnostic;
the differences live in dialect ``.cypher`` files and in :class:`Dialect`.

Scores: every vector similarity leaving a store is cosine similarity in [-1, 1] (the dialect
files convert Neo4j's ``(1 + cos) / 2`` and FalkorDB's ``1 - cos`` distance).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from graphmem.store._queries import Segment

__all__ = ["Dialect", "GraphStore", "Row", "keyword_terms"]

Row = dict[str, Any]

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


@dataclass(frozen=True)
class Dialect:
    """What differs between backends beyond the ``.cypher`` overrides."""

    name: str
    keyword_operator: str
    """How full-text terms are OR-ed: ``|`` for RediSearch, `` OR `` for Lucene."""
    vector_index: bool
    """Whether the store keeps approximate (HNSW) indexes on fact and entity vectors. FalkorDB
    does not: it rebuilds them on every start, so its vector lookups are exact scoped scans."""

    def fulltext_query(self, text: str) -> str | None:
        """A safe full-text query (words only, OR-ed), or ``None`` if no word is left."""
        terms = keyword_terms(text)
        return self.keyword_operator.join(terms) if terms else None


FALKORDB_DIALECT = Dialect(name="falkordb", keyword_operator="|", vector_index=False)
NEO4J_DIALECT = Dialect(name="neo4j", keyword_operator=" OR ", vector_index=True)


@runtime_checkable
class GraphStore(Protocol):
    """A graph database graphmem can use."""

    dialect: Dialect

    def bootstrap(self, dimension: int) -> None:
        """Create constraints and indexes if missing (idempotent).

        Raises:
            SchemaError: an existing vector index has another dimension.
        """
        ...

    def run(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        scope_fields: Sequence[str] = (),
    ) -> list[Row]:
        """Run one named statement and return its rows as dicts."""
        ...

    def apply(self, segments: Sequence[Segment]) -> None:
        """Apply write fragments as one transaction: all or nothing."""
        ...

    def close(self) -> None:
        """Release connections (and the embedded server lease)."""
        ...
