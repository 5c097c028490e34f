"""Graph expansion in process: one scope's entity links, read once, walked with Python.

Graph expansion cost three store round trips per search (one per hop) plus one for the facts
about the seeds: ~29 ms of an 85 ms search at 10k facts in the scale benchmark, most of it
client, parsing and planning rather than the walk itself. Links never change once written:
a fact's ABOUT links and typed relationship are created with it, and only a delete removes them
(which rebuilds the search catalogue, and with it this index). Their validity is the fact's
(every write that moves a relationship's window moves its fact's the same way), and the
catalogue already keeps the scope's facts exact. So the index reads each fact's links once
(``search/scope_about_links`` and ``search/scope_typed_links``, then ``search/fact_links`` for
new facts), and a walk reads validity and scope membership from the catalogue snapshot it is
given: a fact outside the snapshot is not there, whatever the index holds.

The walk returns what ``search/expand`` and ``search/entity_facts`` return, with their order
(relevance of the type, then newest validity; newest recorded) and ties broken by text and id,
so that equal scores order the same in any store.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from graphmem.store._base import Row
from graphmem.store._repository import ExpansionEdge, TimeFilter

if TYPE_CHECKING:
    from graphmem.search._catalogue import ScopeCatalogue, _Doc
    from graphmem.search._entities import EntityTable
    from graphmem.store._repository import MemoryRepository
    from graphmem.types import Scope

__all__ = ["LinkIndex", "ScopeGraph"]

Fetch = Callable[[Sequence[str] | None], list[Row]]
"""Reads the links of the given fact ids (``None``: every fact of the scope)."""


class _Edge(NamedTuple):
    fact_id: str
    rel_type: str
    outgoing: bool
    other_id: str


_Pick = tuple[int, str, str, int, _Edge]
"""An edge's walk order within its type: (-valid_from, text, fact id, position, edge)."""
_ByType = dict[str, list[_Pick]]


@dataclass
class _Orders:
    """Cached walk orders of one snapshot's hubs (entities with many edges or facts)."""

    edges: dict[str, _ByType] = field(default_factory=dict)
    """Per entity, its edges grouped by type, each group in walk order (newest validity, then
    text, fact id, position)."""
    about: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    """Per entity, the facts about it: (-recorded_at, text, fact id), sorted."""


ORDERED_ABOVE = 64
"""Entities with more edges than this are walked from a cached per-type order (a hub); the
others sort their few edges per walk, which costs less than keeping an order."""


@dataclass
class LinkIndex:
    """Every known fact's entity links in one scope; grows only (a delete starts a new one)."""

    edges: dict[str, list[_Edge]] = field(default_factory=dict)
    about: dict[str, list[str]] = field(default_factory=dict)
    # Lists, not sets: walks read them without the lock while a load may append.
    names: dict[str, str] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    loaded: bool = False
    _synced: weakref.ref[object] | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _orders: tuple[weakref.ref[object], _Orders] | None = field(
        default=None, repr=False, compare=False
    )

    def orders(self, snapshot: ScopeCatalogue) -> _Orders:
        """The walk orders of hubs in this snapshot, filled as walks reach them; replaced (not
        mutated) when another snapshot asks, so a walk only sees its own snapshot's."""
        current = self._orders
        if current is not None and current[0]() is snapshot:
            return current[1]
        fresh = _Orders()
        self._orders = (weakref.ref(snapshot), fresh)
        return fresh

    def ensure(self, fetch: Fetch, snapshot: ScopeCatalogue) -> None:
        """Read the links of every fact the first time, then those of the snapshot's facts
        not seen yet (checked once per snapshot: a snapshot changes only after a write)."""
        with self._lock:
            if self._synced is not None and self._synced() is snapshot:
                return
            if not self.loaded:
                self._add(fetch(None))
                # the full read came after the snapshot, and a fact is written with its links
                # in one transaction: the snapshot's facts with no link have none (raw turns)
                self.known.update(snapshot.docs)
                self.loaded = True
            missing = [fact_id for fact_id in snapshot.docs if fact_id not in self.known]
            if missing:
                self._add(fetch(missing))
                self.known.update(missing)  # facts with no link at all are known too
            self._synced = weakref.ref(snapshot)

    def _add(self, rows: Iterable[Row]) -> None:
        for row in rows:
            fact_id, entity_id = str(row["fact_id"]), str(row["entity_id"])
            self.known.add(fact_id)
            self.names[entity_id] = str(row["name"])
            self.about.setdefault(entity_id, []).append(fact_id)
            rel_type, object_id = row.get("rel_type"), row.get("object_id")
            if rel_type and object_id is not None:
                target = str(object_id)
                self.edges.setdefault(entity_id, []).append(
                    _Edge(fact_id, str(rel_type), True, target)
                )
                self.edges.setdefault(target, []).append(
                    _Edge(fact_id, str(rel_type), False, entity_id)
                )


class ScopeGraph:
    """A walk over a :class:`LinkIndex`, seeing only the facts of one catalogue snapshot, with
    seed entities from the scope's :class:`~graphmem.search._entities.EntityTable`."""

    def __init__(
        self,
        index: LinkIndex,
        catalogue: ScopeCatalogue,
        entities: EntityTable,
        repository: MemoryRepository,
        scope: Scope,
    ) -> None:
        self._index = index
        self._docs = catalogue.docs
        self._orders = index.orders(catalogue)
        self._visibility = catalogue.visibility  # the catalogue's own validity test
        self._entities = entities
        self._repository = repository
        self._scope = scope

    def entities_named(self, query: str, limit: int) -> list[tuple[str, str, bool]]:
        """Entities sharing words with the query: (id, name, named in full), best first."""
        return [(i, name, full) for i, name, _, full in self._entities.named(query, limit)]

    def entities_similar(self, vector: Sequence[float], limit: int) -> list[tuple[str, str, float]]:
        """Entities whose name vector is nearest: (id, name, cosine), in process once the
        scope's entity vectors are loaded, else by the store's exact query."""
        found = self._entities.similar(vector, limit)
        if found is None:
            return self._repository.vector_entities(self._scope, vector, limit)
        return found

    def expand(
        self,
        entity_ids: Sequence[str],
        when: TimeFilter,
        fanout: int,
        weights: Mapping[str, float] | None = None,
    ) -> list[ExpansionEdge]:
        """One hop of typed relationships from ``entity_ids``, at most ``fanout`` per entity,
        preferring the types with the highest ``weights`` (as ``search/expand``)."""
        weights = weights or {}
        visible = self._visibility(when, None)
        names = self._index.names
        out: list[ExpansionEdge] = []
        for entity_id in dict.fromkeys(entity_ids):
            edges = self._index.edges.get(entity_id, ())
            if len(edges) <= ORDERED_ABOVE:
                picks = self._direct(edges, weights, visible, fanout)
            else:
                picks = self._from_ordered(entity_id, weights, visible, fanout)
            out.extend(
                ExpansionEdge(
                    from_id=entity_id,
                    fact_id=edge.fact_id,
                    rel_type=edge.rel_type,
                    outgoing=edge.outgoing,
                    to_id=edge.other_id,
                    to_name=names.get(edge.other_id, ""),
                )
                for edge in picks
            )
        return out

    def _direct(
        self,
        edges: Sequence[_Edge],
        weights: Mapping[str, float],
        visible: Callable[[_Doc], bool],
        fanout: int,
    ) -> list[_Edge]:
        """The ``fanout`` first visible edges in walk order, by sorting them all (cheapest for
        the few edges most entities have)."""
        docs = self._docs
        picks: list[tuple[float, int, str, str, int, _Edge]] = []
        for position, edge in enumerate(edges):
            doc = docs.get(edge.fact_id)
            if doc is not None and visible(doc):
                weight = -float(weights.get(edge.rel_type, 0.0))
                picks.append(
                    (weight, -(doc.valid_from or 0), doc.text, edge.fact_id, position, edge)
                )
        picks.sort()
        return [pick[-1] for pick in picks[:fanout]]

    def _from_ordered(
        self,
        entity_id: str,
        weights: Mapping[str, float],
        visible: Callable[[_Doc], bool],
        fanout: int,
    ) -> list[_Edge]:
        """The same edges as :meth:`_direct`, read from the entity's cached per-type order: a
        hub's thousands of edges of other types are never looked at."""
        docs = self._docs
        picks: list[_Edge] = []
        for _, group in groupby(
            sorted(self._ordered(entity_id).items(), key=lambda t: -weights.get(t[0], 0.0)),
            key=lambda t: -weights.get(t[0], 0.0),
        ):
            # types of equal weight interleave in walk order
            lists = [ordered for _, ordered in group]
            for *_, edge in lists[0] if len(lists) == 1 else heapq.merge(*lists):
                if visible(docs[edge.fact_id]):
                    picks.append(edge)
                    if len(picks) == fanout:
                        return picks
        return picks

    def _about_ordered(self, entity_id: str) -> list[tuple[int, str, str]]:
        """The facts about the entity in this snapshot, newest recorded first, ties by text
        and id (cached for the snapshot, as :meth:`_ordered`)."""
        found = self._orders.about.get(entity_id)
        if found is None:
            docs = self._docs
            found = sorted(
                (-doc.recorded_at, doc.text, fact_id)
                for fact_id in dict.fromkeys(self._index.about.get(entity_id, ()))
                if (doc := docs.get(fact_id)) is not None
            )
            self._orders.about[entity_id] = found
        return found

    def _ordered(self, entity_id: str) -> _ByType:
        """The entity's edges in this snapshot by type, each type in walk order (cached for
        the snapshot: built once per entity, not per search)."""
        found = self._orders.edges.get(entity_id)
        if found is None:
            docs = self._docs
            found = {}
            for position, edge in enumerate(self._index.edges.get(entity_id, ())):
                doc = docs.get(edge.fact_id)
                if doc is not None:
                    pick = (-(doc.valid_from or 0), doc.text, edge.fact_id, position, edge)
                    found.setdefault(edge.rel_type, []).append(pick)
            for ordered in found.values():
                ordered.sort()
            self._orders.edges[entity_id] = found
        return found

    def entity_facts(
        self, entity_ids: Sequence[str], when: TimeFilter, fanout: int
    ) -> list[tuple[str, str]]:
        """Facts about the entities, newest recorded first, at most ``fanout`` per entity
        (as ``search/entity_facts``)."""
        docs = self._docs
        visible = self._visibility(when, None)
        out: list[tuple[str, str]] = []
        for entity_id in dict.fromkeys(entity_ids):
            about = self._index.about.get(entity_id, ())
            if len(about) > ORDERED_ABOVE:  # a hub: its cached order, up to fanout visible
                picks: list[str] = []
                for *_, fact_id in self._about_ordered(entity_id):
                    if visible(docs[fact_id]):
                        picks.append(fact_id)
                        if len(picks) == fanout:
                            break
                out.extend((entity_id, fact_id) for fact_id in picks)
                continue
            found = []
            for fact_id in dict.fromkeys(about):
                doc = docs.get(fact_id)
                if doc is not None and visible(doc):
                    found.append((-doc.recorded_at, doc.text, fact_id))
            found.sort()
            out.extend((entity_id, fact_id) for *_, fact_id in found[:fanout])
        return out
