"""Per-scope search catalogue: exact dense and BM25 ranking over one scope's facts only.

Why in-process: the stores' full-text (RediSearch, Lucene) and vector indexes rank over the
whole store, so scores and even which in-scope documents survive depended on other tenants (a
ranking leak and a recall bug). Here every statistic (document frequency, average length) and
every candidate comes from the scope's own facts, so a scope's results are identical whatever
else is stored.

The catalogue is read from the store with a scoped query, cached per scope in this process and
kept exact by a scoped fingerprint read on every search (count and newest recorded/updated
stamps): new or changed facts are fetched incrementally, a delete triggers a rebuild. Several
processes sharing one store therefore stay correct.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer

from graphmem.store._base import keyword_terms
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import Scope

__all__ = ["BM25_B", "BM25_K1", "Catalogue", "ScopeCatalogue", "tokenize"]

BM25_K1 = 1.2
BM25_B = 0.75
MAX_CACHED_SCOPES = 64
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


@dataclass
class _Doc:
    id: str
    terms: Counter[str]
    length: int
    predicate: str | None
    subject: str | None
    object: str | None
    valid_from: int | None
    valid_to: int | None
    metadata: dict[str, Any]
    turn: bool = False  # a raw conversation turn (add(..., infer=False))
    distinct: int = 0  # distinct words of its own text
    row: int = -1  # index into the embedding matrix, -1 without an embedding


@dataclass
class ScopeCatalogue:
    """The facts of one scope with their BM25 statistics and embedding matrix."""

    docs: dict[str, _Doc] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    total_length: int = 0
    signature: tuple[Any, ...] = ()
    since: int = 0
    _ids: list[str] = field(default_factory=list)
    _vectors: list[Sequence[float]] = field(default_factory=list)
    _matrix: np.ndarray | None = None

    def upsert(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add or replace documents from ``search/scope_documents`` rows."""
        for row in rows:
            old = self.docs.pop(row["id"], None)
            if old is not None:
                self.df.subtract(old.terms.keys())
                self.total_length -= old.length
            metadata = json.loads(row["metadata_json"]) if row.get("metadata_json") else {}
            if not isinstance(metadata, dict):
                metadata = {}
            # A raw turn's speaker is searchable ("what did Calvin say about ..."): the message
            # name is indexed with the text.
            speaker = metadata.get("name") if "role" in metadata else None
            text = row.get("text") or ""
            own = Counter(tokenize(text))
            terms = own + Counter(tokenize(speaker)) if isinstance(speaker, str) else own
            doc = _Doc(
                id=row["id"],
                terms=terms,
                length=sum(terms.values()),
                predicate=row.get("predicate"),
                subject=row.get("subject"),
                object=row.get("object"),
                valid_from=row.get("valid_from"),
                valid_to=row.get("valid_to"),
                metadata=metadata,
                turn="role" in metadata,
                distinct=len(own),
            )
            embedding = row.get("embedding")
            if embedding is not None and len(embedding):
                doc.row = len(self._ids)
                self._ids.append(doc.id)
                self._vectors.append(embedding)
                self._matrix = None
            self.docs[doc.id] = doc
            self.df.update(terms.keys())
            self.total_length += doc.length
        self.df = +self.df  # drop zero counts so the statistics depend on live documents only

    def select(self, when: TimeFilter, allowed: Callable[[_Doc], bool] | None) -> list[_Doc]:
        """The documents visible at ``when`` that pass ``allowed``."""
        at = when.params()["as_of"]
        out = []
        for doc in self.docs.values():
            if not when.include_history and (
                (doc.valid_from is not None and doc.valid_from > at)
                or (doc.valid_to is not None and doc.valid_to <= at)
            ):
                continue
            if allowed is None or allowed(doc):
                out.append(doc)
        return out

    def bm25(self, query: str, docs: Sequence[_Doc], limit: int) -> list[tuple[str, float]]:
        """Okapi BM25 of ``query`` over ``docs``, statistics from the whole scope."""
        n = len(self.docs)
        if not n or not docs:
            return []
        avgdl = self.total_length / n or 1.0
        terms = query_terms(query)
        idf = {
            t: math.log(1.0 + (n - self.df[t] + 0.5) / (self.df[t] + 0.5))
            for t in terms
            if self.df[t]
        }
        if not idf:
            return []
        scored: list[tuple[str, float]] = []
        for doc in docs:
            score = 0.0
            norm = BM25_K1 * (1 - BM25_B + BM25_B * doc.length / avgdl)
            for term, weight in idf.items():
                tf = doc.terms.get(term)
                if tf:
                    score += weight * tf * (BM25_K1 + 1) / (tf + norm)
            if score > 0:
                scored.append((doc.id, score))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]

    def dense(
        self, vector: Sequence[float], docs: Sequence[_Doc], limit: int
    ) -> list[tuple[str, float]]:
        """Exact cosine similarity of ``vector`` to ``docs`` (those with an embedding)."""
        rows = [doc.row for doc in docs if doc.row >= 0 and self._ids[doc.row] == doc.id]
        if not rows:
            return []
        if self._matrix is None:
            matrix = np.asarray(self._vectors, dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            self._matrix = matrix / np.where(norms == 0, 1.0, norms)
        query = np.asarray(vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        picked = np.asarray(rows)
        sims = self._matrix[picked] @ query
        order = np.lexsort((np.asarray([self._ids[r] for r in rows]), -sims))[:limit]
        return [(self._ids[rows[i]], round(float(sims[i]), 6)) for i in order]


class Catalogue:
    """Per-scope catalogues cached in this process, checked against the store on each use."""

    def __init__(self, repository: MemoryRepository, *, max_scopes: int = MAX_CACHED_SCOPES):
        self._repository = repository
        self._max_scopes = max_scopes
        self._scopes: OrderedDict[str, ScopeCatalogue] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, scope: Scope) -> ScopeCatalogue:
        """The scope's catalogue, brought up to date with the store."""
        key = "\x1e".join(f"{k}={v}" for k, v in scope.params().items() if v is not None)
        signature = self._repository.scope_signature(scope)
        with self._lock:
            cached = self._scopes.get(key)
            if cached is not None:
                self._scopes.move_to_end(key)
                if cached.signature == signature:
                    return cached
        if cached is not None and signature[0] >= len(cached.docs):
            # Adds and edits only: fetch what changed since the newest stamp we have.
            fresh = ScopeCatalogue(
                docs=dict(cached.docs),
                df=Counter(cached.df),
                total_length=cached.total_length,
                _ids=list(cached._ids),
                _vectors=list(cached._vectors),
            )
            fresh.upsert(self._repository.scope_documents(scope, since=cached.since))
            if len(fresh.docs) != signature[0]:
                fresh = self._build(scope)
        else:
            fresh = self._build(scope)
        fresh.signature = signature
        fresh.since = max(int(signature[1] or 0), int(signature[2] or 0))
        with self._lock:
            self._scopes[key] = fresh
            self._scopes.move_to_end(key)
            while len(self._scopes) > self._max_scopes:
                self._scopes.popitem(last=False)
        return fresh

    def _build(self, scope: Scope) -> ScopeCatalogue:
        catalogue = ScopeCatalogue()
        catalogue.upsert(self._repository.scope_documents(scope, since=0))
        return catalogue

    def clear(self) -> None:
        """Forget every cached scope (after a reset)."""
        with self._lock:
            self._scopes.clear()
