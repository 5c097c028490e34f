"""Per-scope search catalogue: BM25 ranking and search filters over one scope's facts only.

Why in-process: the stores' full-text indexes (RediSearch, Lucene) compute IDF and lengths over
the whole store, so keyword scores depended on other tenants (a ranking leak and a recall bug).
Here every statistic (document frequency, average length) and every candidate comes from the
scope's own facts, so a scope's results are identical whatever else is stored. (The dense leg
is an exact scoped cosine query in the store; see ``MemoryRepository.exact_vector_facts``.)

The catalogue is read from the store with a scoped query, cached per scope in this process and
kept exact by a scoped fingerprint read on every search (count and newest recorded/updated
stamps): new or changed facts are fetched incrementally, a delete triggers a rebuild. Several
processes sharing one store therefore stay correct.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from graphmem.search._dates import date_words
from graphmem.search._dense import BACKGROUND_LOAD_ABOVE, DenseTable
from graphmem.search._entities import EntityTable
from graphmem.search._links import LinkIndex, ScopeGraph
from graphmem.search._terms import BM25_B, BM25_K1, query_terms, tokenize
from graphmem.store._base import Row, Vectors
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import Scope

__all__ = ["BM25_B", "BM25_K1", "Catalogue", "ScopeCatalogue", "query_terms", "tokenize"]

MAX_CACHED_SCOPES = 64


@dataclass(slots=True)
class _Doc:
    id: str
    terms: Counter[str]
    length: int
    predicate: str | None
    subject: str | None
    object: str | None
    valid_from: int | None
    valid_to: int | None
    metadata: Mapping[str, Any]
    turn: bool = False  # a raw conversation turn (add(..., infer=False))
    distinct: int = 0  # distinct words of its own text
    text: str = ""  # breaks score ties by content, so equal scores order the same in any store
    recorded_at: int = 0


@dataclass
class ScopeCatalogue:
    """The facts of one scope with their BM25 statistics and filterable fields."""

    docs: dict[str, _Doc] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    postings: dict[str, set[str]] = field(default_factory=dict)
    total_length: int = 0
    signature: tuple[Any, ...] = ()
    clocks: tuple[tuple[str, int], ...] | None = None
    since: int = 0
    _cached_arrays: _Arrays | None = field(default=None, repr=False, compare=False)
    _cached_speakers: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _cached_turn_texts: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    def upsert(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add or replace documents from ``search/scope_documents`` rows."""
        self._cached_arrays = None
        self._cached_speakers = None
        self._cached_turn_texts = None
        for row in rows:
            old = self.docs.pop(row["id"], None)
            if old is not None:
                self.df.subtract(old.terms.keys())
                self.total_length -= old.length
                for term in old.terms:
                    self.postings[term].discard(old.id)
            metadata, speaker = _metadata(row.get("metadata_json") or "")
            text = row.get("text") or ""
            words = tokenize(text)
            turn = "role" in metadata
            if turn:
                # A raw turn's speaker is searchable ("what did Calvin say about ..."): the
                # message name is indexed with the text, and so are its session's month and
                # year (search/_dates).
                terms = Counter([*words, *speaker, *_date_terms(row.get("valid_from"))])
                distinct = len(set(words))
            else:
                terms = Counter(words)
                distinct = len(terms)
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
                turn=turn,
                distinct=distinct,
                text=text,
                recorded_at=int(row.get("recorded_at") or 0),
            )
            self.docs[doc.id] = doc
            df, postings = self.df, self.postings
            for term in terms:
                df[term] = df.get(term, 0) + 1
                ids = postings.get(term)
                if ids is None:
                    postings[term] = {doc.id}
                else:
                    ids.add(doc.id)
            self.total_length += doc.length
        self.df = +self.df  # drop zero counts so the statistics depend on live documents only

    def speaker_terms(self) -> frozenset[str]:
        """The search terms of every raw turn's speaker (message ``name``) in the scope."""
        if self._cached_speakers is None:
            self._cached_speakers = frozenset(
                term
                for doc in self.docs.values()
                if doc.turn and isinstance(doc.metadata.get("name"), str)
                for term in tokenize(doc.metadata["name"])
            )
        return self._cached_speakers

    def turns_by_text(self) -> dict[str, list[str]]:
        """Raw turns by their stripped text: the ids saying it, in document order (built once
        per snapshot; the reply and neighbour legs look turns up by text on every search)."""
        if self._cached_turn_texts is None:
            found: dict[str, list[str]] = {}
            for doc in self.docs.values():
                if doc.turn:
                    found.setdefault(doc.text.strip(), []).append(doc.id)
            self._cached_turn_texts = found
        return self._cached_turn_texts

    def select(self, when: TimeFilter, allowed: Callable[[_Doc], bool] | None) -> list[_Doc]:
        """The documents visible at ``when`` that pass ``allowed``."""
        test = self.visibility(when, allowed)
        return [doc for doc in self.docs.values() if test(doc)]

    @staticmethod
    def visibility(
        when: TimeFilter, allowed: Callable[[_Doc], bool] | None
    ) -> Callable[[_Doc], bool]:
        """A test: is the document valid at ``when`` (or history asked) and allowed."""
        at = int(when.params()["as_of"])
        history = when.include_history

        def visible(doc: _Doc) -> bool:
            if not history and (
                (doc.valid_from is not None and doc.valid_from > at)
                or (doc.valid_to is not None and doc.valid_to <= at)
            ):
                return False
            return allowed is None or allowed(doc)

        return visible

    def bm25(
        self, query: str, visible: Callable[[_Doc], bool], limit: int
    ) -> list[tuple[str, float]]:
        """Okapi BM25 of ``query`` over the visible documents containing a query term;
        statistics (document frequency, average length) from the whole scope.

        Scores are computed with numpy over the query terms' postings (arrays built once per
        catalogue snapshot and term); ``visible`` is then asked best-first only until ``limit``
        documents pass, so a common word matching every turn costs one array pass, not a
        Python loop over thousands of documents.
        """
        n = len(self.docs)
        if not n or limit <= 0:
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
        arrays = self._arrays()
        norm = BM25_K1 * (1 - BM25_B + BM25_B * arrays.lengths / avgdl)
        scores = np.zeros(len(arrays.ids), dtype=np.float64)
        for term, weight in sorted(idf.items()):
            rows, tfs = self._postings(term, arrays)
            scores[rows] += weight * tfs * (BM25_K1 + 1) / (tfs + norm[rows])
        candidates = np.flatnonzero(scores > 0)
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        kept: list[tuple[str, float]] = []
        last = math.inf
        for row in order.tolist():
            score = float(scores[row])
            if len(kept) >= limit and score < last:
                break  # past the limit and its ties
            doc = self.docs[arrays.ids[row]]
            if visible(doc):
                kept.append((doc.id, score))
                last = score
        # ties by text, not by id: ids are random, so id order would differ between two stores
        # holding the same memories (and between a tenant alone and among others)
        kept.sort(key=lambda item: (-item[1], self.docs[item[0]].text, item[0]))
        return kept[:limit]

    def _arrays(self) -> _Arrays:
        if self._cached_arrays is None:
            ids = list(self.docs)
            self._cached_arrays = _Arrays(
                ids=ids,
                rows={doc_id: row for row, doc_id in enumerate(ids)},
                lengths=np.fromiter(
                    (self.docs[i].length for i in ids), dtype=np.float64, count=len(ids)
                ),
            )
        return self._cached_arrays

    def _postings(self, term: str, arrays: _Arrays) -> tuple[npt.NDArray[np.intp], Any]:
        cached = arrays.postings.get(term)
        if cached is None:
            holders = sorted(self.postings.get(term, ()), key=arrays.rows.__getitem__)
            rows = np.fromiter((arrays.rows[i] for i in holders), dtype=np.intp, count=len(holders))
            tfs = np.fromiter(
                (self.docs[i].terms[term] for i in holders), dtype=np.float64, count=len(holders)
            )
            cached = arrays.postings[term] = (rows, tfs)
        return cached


@dataclass
class _Arrays:
    """A catalogue snapshot's documents as arrays (row order = ``ids``), built on first use."""

    ids: list[str]
    rows: dict[str, int]
    lengths: npt.NDArray[np.float64]
    postings: dict[str, tuple[npt.NDArray[np.intp], Any]] = field(default_factory=dict)


class Catalogue:
    """Per-scope catalogues cached in this process, checked against the store on each use."""

    def __init__(
        self,
        repository: MemoryRepository,
        *,
        max_scopes: int = MAX_CACHED_SCOPES,
        max_dense_bytes: int = 1 << 30,
    ):
        self._repository = repository
        self._max_scopes = max_scopes
        self._max_dense_bytes = max_dense_bytes
        self._scopes: OrderedDict[str, ScopeCatalogue] = OrderedDict()
        self._dense: dict[str, DenseTable] = {}
        self._links: dict[str, LinkIndex] = {}
        self._entities: dict[str, EntityTable] = {}
        self._lock = threading.Lock()

    def get(self, scope: Scope) -> ScopeCatalogue:
        """The scope's catalogue, brought up to date with the store (and its dense table)."""
        key = _key(scope)
        # Every write to a fact moves the write clock of its exact scope (in the same
        # transaction), so unchanged clocks under this scope mean unchanged facts: one indexed
        # read of a few clocks instead of the full fingerprint (which reads every fact).
        clocks = self._repository.scope_clocks(scope)
        with self._lock:
            cached = self._scopes.get(key)
            table = self._dense.setdefault(key, DenseTable())
            if cached is not None:
                self._scopes.move_to_end(key)
                if cached.clocks == clocks:
                    return cached
        signature = self._repository.scope_signature(scope)
        with self._lock:
            if cached is not None and cached.signature == signature:
                cached.clocks = clocks
                return cached
        changed: list[Row] | None = None
        if cached is not None and signature[0] >= len(cached.docs):
            # Adds and edits only: fetch what changed since the newest stamp we have.
            fresh = ScopeCatalogue(
                docs=dict(cached.docs),
                df=Counter(cached.df),
                postings={term: set(ids) for term, ids in cached.postings.items()},
                total_length=cached.total_length,
            )
            rows = self._repository.scope_documents(scope, since=cached.since)
            fresh.upsert(rows)
            changed = rows
            if len(fresh.docs) != signature[0]:
                fresh, changed = self._build(scope), None
        else:
            fresh = self._build(scope)
        fresh.signature = signature
        fresh.clocks = clocks
        fresh.since = max(int(signature[1] or 0), int(signature[2] or 0))
        with self._lock:
            self._scopes[key] = fresh
            self._scopes.move_to_end(key)
            while len(self._scopes) > 1 and (
                len(self._scopes) > self._max_scopes
                or sum(t.nbytes for t in self._dense.values()) > self._max_dense_bytes
            ):
                evicted, _ = self._scopes.popitem(last=False)
                self._dense.pop(evicted, None)
                self._links.pop(evicted, None)
                self._entities.pop(evicted, None)
            if changed is None:  # links and entities of deleted facts must go: start anew
                self._links[key] = LinkIndex()
                self._entities[key] = EntityTable()
        if changed is None:
            table.reset()  # built from scratch (first use, or a delete): reload on demand
        else:
            texts = {row["id"]: row.get("text") or "" for row in changed}
            table.update(
                lambda ids: self._repository.scope_vectors(scope, ids, texts=texts),
                {row["id"]: (row.get("valid_from"), row.get("valid_to")) for row in changed},
            )
        return fresh

    def dense(self, scope: Scope, catalogue: ScopeCatalogue) -> DenseTable:
        """The scope's in-process dense table; starts loading it if it is not ready (in the
        background above ``BACKGROUND_LOAD_ABOVE`` facts: search meanwhile ranks in the store)."""
        key = _key(scope)
        with self._lock:
            table = self._dense.setdefault(key, DenseTable())
        if not table.ready:

            def latest() -> ScopeCatalogue:
                with self._lock:
                    return self._scopes.get(key, catalogue)

            def windows() -> dict[str, tuple[int | None, int | None]]:
                return {d.id: (d.valid_from, d.valid_to) for d in latest().docs.values()}

            def vectors(ids: Sequence[str] | None) -> Vectors:
                texts = {d.id: d.text for d in latest().docs.values()}
                return self._repository.scope_vectors(scope, ids, texts=texts)

            table.load(
                vectors,
                windows,
                background=len(catalogue.docs) > BACKGROUND_LOAD_ABOVE,
            )
        return table

    def graph(self, scope: Scope, catalogue: ScopeCatalogue) -> ScopeGraph:
        """The scope's entity links in process, seen through ``catalogue`` (read on first use,
        then only the links of facts that arrived since)."""
        key = _key(scope)
        with self._lock:
            links = self._links.setdefault(key, LinkIndex())
            entities = self._entities.setdefault(key, EntityTable())
        links.ensure(lambda ids: self._repository.scope_links(scope, ids), catalogue)
        entities.sync(
            lambda since: self._repository.scope_entities(scope, since=since),
            lambda ids: self._repository.entity_vectors(scope, ids),
            catalogue,
        )
        return ScopeGraph(links, catalogue, entities, self._repository, scope)

    def _build(self, scope: Scope) -> ScopeCatalogue:
        catalogue = ScopeCatalogue()
        catalogue.upsert(self._repository.scope_documents(scope, since=0))
        return catalogue

    def clear(self) -> None:
        """Forget every cached scope (after a reset)."""
        with self._lock:
            self._scopes.clear()
            self._dense.clear()
            self._links.clear()
            self._entities.clear()


_DAY_MS = 86_400_000


@lru_cache(maxsize=4096)
def _metadata(raw: str) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """A fact's metadata (read-only: documents share it) and its speaker's search terms.
    Cached: the turns of a chat repeat a few metadata strings ({"role": "user", "name": ...})."""
    parsed = json.loads(raw) if raw else {}
    metadata: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
    speaker = metadata.get("name") if "role" in metadata else None
    return MappingProxyType(metadata), tuple(tokenize(speaker)) if isinstance(speaker, str) else ()


def _date_terms(valid_from: object) -> list[str]:
    """The search terms of a turn's month and year (cached per day: a catalogue build meets
    the same few session days 100k times)."""
    if not isinstance(valid_from, (int, float)) or isinstance(valid_from, bool):
        return []
    return list(_day_terms(int(valid_from) // _DAY_MS))


@lru_cache(maxsize=4096)
def _day_terms(day: int) -> tuple[str, ...]:
    return tuple(tokenize(date_words(day * _DAY_MS)))


def _key(scope: Scope) -> str:
    return "\x1e".join(f"{k}={v}" for k, v in scope.params().items() if v is not None)
