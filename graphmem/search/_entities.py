"""Seed entities in process: one scope's entity names, aliases and name vectors.

Graph expansion starts from the entities a query names or resembles. In the store that took two
queries per search (``search/fulltext_entities``, and an exact scan of the scope's entity
vectors on FalkorDB: 3.8 ms at 10k facts, growing with the scope), and the full-text scores
came from the whole store's statistics, so which five entities seeded a search could depend on
other tenants. Here names are matched with BM25 over the scope's own entities (an entity named
in full in the query always comes first), and name vectors are ranked with numpy
(``search/_dense.DenseTable``, loaded in the background for large scopes; the store answers
until it is ready).

Entities change only by being written (``updated_at`` moves) or deleted with their last fact
(which rebuilds the search catalogue and this table). The table re-reads what was written since
its newest stamp minus :data:`SKEW_MS`, so a writer that committed late with an older clock is
still seen; vectors are read only for entities new to the table (a name's vector never changes).
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graphmem.search._dense import BACKGROUND_LOAD_ABOVE, DenseTable
from graphmem.search._terms import BM25_B, BM25_K1, query_terms, tokenize
from graphmem.store._base import Row, Vectors

__all__ = ["SKEW_MS", "EntityTable", "named_in"]

SKEW_MS = 10_000
"""How far before its newest stamp the table re-reads entities (late commits of slow writers)."""

_WORDS = re.compile(r"[^\w]+")


def named_in(query: str, names: Iterable[str]) -> bool:
    """Whether the query names one of ``names`` in full ("Jamal Foster's partner" names
    Jamal Foster; Kenji Foster only shares a word)."""
    lowered = f" {_WORDS.sub(' ', query.lower())} "
    return any(f" {_WORDS.sub(' ', name.lower()).strip()} " in lowered for name in names)


@dataclass(frozen=True)
class _Entity:
    id: str
    name: str
    aliases: tuple[str, ...]
    terms: Counter[str]
    length: int


class EntityTable:
    """The entities of one scope: names to match, vectors to rank."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entities: dict[str, _Entity] = {}
        self._postings: dict[str, frozenset[str]] = {}
        self._df: Counter[str] = Counter()
        self._total_length = 0
        self._since = 0
        self._loaded = False
        self._synced: weakref.ref[object] | None = None
        self.vectors = DenseTable()

    def sync(
        self,
        rows_since: Callable[[int], list[Row]],
        vectors: Callable[[Sequence[str] | None], Vectors],
        snapshot: object,
    ) -> None:
        """Bring the table up to date once per catalogue snapshot (a snapshot changes only
        after a write under the scope): names now, vectors in the background when large."""
        with self._lock:
            if self._synced is not None and self._synced() is snapshot:
                return
            since = 0 if not self._loaded else max(0, self._since - SKEW_MS)
            rows = rows_since(since)
            new = [str(row["id"]) for row in rows if str(row["id"]) not in self._entities]
            self._upsert(rows)
            first = not self._loaded
            self._loaded = True
            self._synced = weakref.ref(snapshot)
            size = len(self._entities)
        if first or not self.vectors.ready:
            self.vectors.load(
                vectors,
                lambda: dict.fromkeys(self._entities, (None, None)),
                background=size > BACKGROUND_LOAD_ABOVE,
            )
        elif new:
            self.vectors.update(vectors, dict.fromkeys(new, (None, None)))

    def _upsert(self, rows: Iterable[Row]) -> None:
        entities = dict(self._entities)
        postings = {term: set(ids) for term, ids in self._postings.items()}
        df = Counter(self._df)
        for row in rows:
            entity_id = str(row["id"])
            old = entities.get(entity_id)
            if old is not None:
                df.subtract(old.terms.keys())
                self._total_length -= old.length
                for term in old.terms:
                    postings[term].discard(entity_id)
            aliases = tuple(str(a) for a in (row.get("aliases") or []))
            name = str(row.get("name") or "")
            terms = Counter(tokenize(" ".join((name, *aliases))))
            entities[entity_id] = _Entity(entity_id, name, aliases, terms, sum(terms.values()))
            df.update(terms.keys())
            self._total_length += entities[entity_id].length
            for term in terms:
                postings.setdefault(term, set()).add(entity_id)
            self._since = max(self._since, int(row.get("updated_at") or 0))
        self._df = +df
        # readers use the published dicts without the lock: replace, never mutate them
        self._postings = {term: frozenset(ids) for term, ids in postings.items() if ids}
        self._entities = entities

    def named(self, query: str, limit: int) -> list[tuple[str, str, list[str], bool]]:
        """Entities whose name or alias shares words with ``query``: (id, name, aliases,
        named in full), those named in full first, then by BM25 over the scope's entities."""
        entities, postings = self._entities, self._postings
        n = len(entities)
        terms = sorted(t for t in query_terms(query) if t in postings)  # a fixed sum order
        if not n or not terms or limit <= 0:
            return []
        df, avgdl = self._df, (self._total_length / n) or 1.0
        scores: dict[str, float] = {}
        for term in terms:
            idf = math.log(1.0 + (n - df[term] + 0.5) / (df[term] + 0.5))
            for entity_id in postings[term]:
                entity = entities[entity_id]
                tf = entity.terms[term]
                norm = BM25_K1 * (1 - BM25_B + BM25_B * entity.length / avgdl)
                gain = idf * tf * (BM25_K1 + 1) / (tf + norm)
                scores[entity_id] = scores.get(entity_id, 0.0) + gain
        ranked = []
        for entity_id, score in scores.items():
            entity = entities[entity_id]
            full = named_in(query, (entity.name, *entity.aliases))
            ranked.append((not full, -score, entity.name, entity_id, full))
        ranked.sort()
        return [
            (entity_id, entities[entity_id].name, list(entities[entity_id].aliases), full)
            for *_, entity_id, full in ranked[:limit]
        ]

    def similar(self, vector: Sequence[float], limit: int) -> list[tuple[str, str, float]] | None:
        """The entities whose name vector is closest to ``vector``: (id, name, cosine); ``None``
        while the vectors are loading (ask the store)."""
        if not self.vectors.ready:
            return None
        entities = self._entities
        top = self.vectors.top(vector, limit, as_of=0, include_history=True)
        return [(i, entities[i].name, score) for i, score in top if i in entities]
