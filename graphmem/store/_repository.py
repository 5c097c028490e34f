"""Typed operations over any :class:`GraphStore`: rows in and out, models back.

This is the only layer that knows statement names and row shapes; ingest and search call it and
never see a backend.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple

import numpy as np

from graphmem._temporal import from_ms, to_ms
from graphmem.store._base import GraphStore, Row, Vectors
from graphmem.store._records import (
    EntityName,
    FactEntity,
    RecentEpisode,
    ScopeRelation,
    SimilarEntity,
    StoredEntity,
)
from graphmem.store._vector_log import VectorLog
from graphmem.store._writes import Changes, FactDelete, FactTextUpdate, FactWrite, write_segments
from graphmem.types import Entity, Fact, HistoryEvent, Scope

__all__ = ["ExpansionEdge", "MemoryRepository", "TimeFilter", "fact_from_row"]

logger = logging.getLogger("graphmem")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# The vector index is over-fetched by this factor before the scope filter; if fewer than `limit`
# rows survive, an exact scan of the scope runs instead (never "top-k then filter").
OVERSAMPLE = 8
MAX_INDEX_K = 2_000
ENTITY_RETRY_K = 400
LINK_BATCH = 2_000
"""Fact ids per ``search/fact_links`` read."""
MISSING_BY_ID = 0.5
"""A table load reads the vectors the log lacks by id below this share of the scope, else the
whole scope (one scan: no id list to match)."""


@dataclass(frozen=True)
class TimeFilter:
    """Which facts a read sees: those valid at ``as_of`` (world time), or all of history."""

    as_of: datetime
    include_history: bool = False

    def params(self) -> dict[str, Any]:
        """Query parameters of the filter."""
        return {"as_of": to_ms(self.as_of), "include_history": self.include_history}


class ExpansionEdge(NamedTuple):
    """One typed relationship met during graph expansion (a tuple: a search makes hundreds)."""

    from_id: str
    fact_id: str
    rel_type: str
    outgoing: bool
    to_id: str
    to_name: str


def fact_from_row(row: Mapping[str, Any], episode_ids: Sequence[str] = ()) -> Fact:
    """Build a :class:`Fact` from a ``fact`` map returned by a query."""
    metadata = row.get("metadata_json")
    return Fact(
        id=row["id"],
        text=row.get("text") or "",
        predicate=row.get("predicate"),
        subject=row.get("subject"),
        object=row.get("object"),
        valid_from=from_ms(row.get("valid_from")),
        valid_to=from_ms(row.get("valid_to")),
        recorded_at=from_ms(row.get("recorded_at") or 0) or _EPOCH,
        expired_at=from_ms(row.get("expired_at")),
        updated_at=from_ms(row.get("updated_at")),
        confidence=float(row.get("confidence") or 1.0),
        mentions=int(row.get("mentions") or 1),
        hash=row.get("hash") or "",
        metadata=json.loads(metadata) if metadata else {},
        user_id=row.get("user_id"),
        agent_id=row.get("agent_id"),
        run_id=row.get("run_id"),
        episode_ids=list(episode_ids),
    )


def _entity_from_row(row: Mapping[str, Any]) -> Entity:
    return Entity(
        id=row["id"],
        name=row["name"],
        type=row.get("type") or "Entity",
        aliases=list(row.get("aliases") or []),
        user_id=row.get("user_id"),
        agent_id=row.get("agent_id"),
        run_id=row.get("run_id"),
        created_at=from_ms(row.get("created_at")),
        updated_at=from_ms(row.get("updated_at")),
    )


SCOPE_FIELDS = ("user_id", "agent_id", "run_id")


def _scope_fields(scope: Scope) -> tuple[str, ...]:
    return tuple(name for name, value in scope.params().items() if value is not None)


def _scope_params(scope: Scope) -> dict[str, Any]:
    return {name: value for name, value in scope.params().items() if value is not None}


class MemoryRepository:
    """graphmem's reads and writes, in terms of models, over one :class:`GraphStore`."""

    def __init__(self, store: GraphStore, vector_log: VectorLog | None = None) -> None:
        self.store = store
        self.vector_log = vector_log
        """A local mirror of the fact vectors (``store/_vector_log``), or None."""

    def _scoped(self, name: str, scope: Scope, **params: Any) -> list[Row]:
        return self.store.run(
            name, {**params, **_scope_params(scope)}, scope_fields=_scope_fields(scope)
        )

    def _scoped_scalars(self, name: str, scope: Scope, **params: Any) -> list[Row]:
        """As :meth:`_scoped`, for big reads of string, integer and null columns only."""
        return self.store.scalar_rows(
            name, {**params, **_scope_params(scope)}, scope_fields=_scope_fields(scope)
        )

    # -- writes ----------------------------------------------------------------------------
    def apply(self, changes: Changes) -> None:
        """Apply one operation's changes (a write plan) in one transaction."""
        self.store.apply(write_segments(changes))
        if self.vector_log is not None:
            self._mirror(changes)

    def _mirror(self, changes: Changes) -> None:
        """Copy the committed fact vectors to the vector log, and zero deleted facts' records.

        The log is a cache: failing to write it loses nothing (the store has the vectors), but
        a deleted fact's vector must not stay on disk, so a failed scrub drops the whole file.
        """
        assert self.vector_log is not None
        written: list[tuple[str, str, list[float]]] = []
        deleted: list[str] = []
        for write in changes.writes:
            if isinstance(write, FactWrite):
                written.append((write.fact.id, write.fact.text, write.fact.embedding))
            elif isinstance(write, FactTextUpdate):
                written.append((write.fact_id, write.text, write.embedding))
            elif isinstance(write, FactDelete):
                deleted.append(write.fact_id)
        try:
            self.vector_log.forget(deleted)
        except Exception:
            logger.warning("could not scrub the vector log; removing it", exc_info=True)
            try:
                self.vector_log.clear()
            except OSError:
                logger.error(
                    "could not remove %s: deleted facts' vectors remain in it",
                    self.vector_log.path,
                    exc_info=True,
                )
        self._log_vectors(written)

    def _log_vectors(self, entries: Iterable[tuple[str, str, Sequence[float]]]) -> None:
        """Append (fact id, text, vector) to the vector log; a failure only logs a warning
        (the log is a cache, and the store write it follows has committed)."""
        if self.vector_log is None:
            return
        try:
            self.vector_log.append(entries)
        except Exception:
            logger.warning("could not append to the vector log", exc_info=True)

    def scope_version(self, scope: Scope) -> int:
        """The write clock of the exact scope (read it before deciding; see ``WritePlan.guard``)."""
        rows = self.store.run("scope/clock", {"key": scope.key()})
        return int(rows[0]["version"]) if rows else 0

    def scope_clocks(self, scope: Scope) -> tuple[tuple[str, int], ...]:
        """(key, version) of every exact scope's write clock under ``scope``, by key."""
        rows = self._scoped("search/scope_clocks", scope)
        return tuple((str(row["key"]), int(row["version"] or 0)) for row in rows)

    def bump_scope_clocks(self, scope: Scope) -> None:
        """Move every write clock under ``scope`` (after writes that bypass the guard)."""
        self._scoped("scope/bump_clocks", scope)

    def label_scope_clocks(self) -> int:
        """Give clocks written by older versions their scope's ids (parsed from the key, as
        ``Scope.key()`` writes it: ``user_id=alice\\x1frun_id=r1``)."""
        rows = []
        for row in self.store.run("admin/unlabelled_clocks"):
            ids = dict(part.partition("=")[::2] for part in str(row["key"]).split("\x1f"))
            rows.append({"key": row["key"], **{k: ids.get(k) for k in SCOPE_FIELDS}})
        if rows:
            self.store.run("admin/label_clocks", {"rows": rows})
        return len(rows)

    def scope_fact_ids(self, scope: Scope) -> list[str]:
        """Ids of every fact of the scope (current or not)."""
        return [row["id"] for row in self._scoped("facts/scope_ids", scope)]

    def delete_scope_leftovers(self, scope: Scope) -> None:
        """Delete the scope's remaining episodes and entities (after its facts are gone)."""
        self._scoped("facts/delete_scope", scope)

    def reset(self) -> None:
        """Delete everything in the graph."""
        self.store.run("admin/reset")
        if self.vector_log is not None:
            self.vector_log.clear()

    # -- facts -----------------------------------------------------------------------------
    def get_fact(self, fact_id: str, scope: Scope | None = None) -> Fact | None:
        """One fact by id (only if it is in ``scope``, when given, filtered in the query)."""
        if scope is None:
            rows = self.store.run("facts/get", {"id": fact_id})
        else:
            rows = self._scoped("facts/get_scoped", scope, id=fact_id)
        if not rows or rows[0].get("fact") is None:
            return None
        return fact_from_row(rows[0]["fact"], rows[0].get("episode_ids") or [])

    def facts_by_ids(self, ids: Sequence[str], scope: Scope) -> dict[str, tuple[Fact, str | None]]:
        """Facts of the scope by id, each with the id of the fact that superseded it."""
        if not ids:
            return {}
        rows = self._scoped("facts/by_ids", scope, ids=list(ids))
        return {
            row["fact"]["id"]: (
                fact_from_row(row["fact"], row.get("episode_ids") or []),
                row.get("superseded_by"),
            )
            for row in rows
        }

    def list_facts(
        self, scope: Scope, *, limit: int, include_expired: bool = False, skip: int = 0
    ) -> list[Fact]:
        """The scope's facts, newest first (ties by id), after the first ``skip``."""
        rows = self._scoped(
            "facts/list",
            scope,
            skip=skip,
            limit=limit,
            include_expired=include_expired,
            now=to_ms(datetime.now(timezone.utc)),
        )
        return [fact_from_row(row["fact"]) for row in rows]

    def facts_by_hash(self, scope: Scope, hashes: Sequence[str]) -> list[Fact]:
        """Current facts of the scope whose text hash is one of ``hashes``."""
        if not hashes:
            return []
        rows = self._scoped("facts/by_hash", scope, hashes=list(hashes), fact_scope_key=scope.key())
        return [fact_from_row(row["fact"]) for row in rows]

    def candidate_facts(
        self,
        scope: Scope,
        entity_keys: Sequence[str],
        *,
        hashes: Sequence[str] = (),
        slot_predicates: Sequence[str] = (),
        predicates: Sequence[str] = (),
        limit: int = 200,
    ) -> list[tuple[Fact, list[str], list[str]]]:
        """Current facts of the exact scope about any of the entities: (fact, entity keys,
        roles). Repeats (``hashes``) and values of ``slot_predicates`` come first, so they are
        found whatever the entities' degree."""
        if not entity_keys:
            return []
        rows = self.store.run(
            "facts/candidates",
            {
                "keys": list(entity_keys),
                "scope_key": scope.entity_key(),
                "fact_scope_key": scope.key(),
                "hashes": list(hashes),
                "slot_predicates": list(slot_predicates),
                "predicates": list(predicates),
                "limit": limit,
            },
        )
        return [
            (fact_from_row(row["fact"]), list(row["entity_keys"]), list(row["roles"]))
            for row in rows
        ]

    # -- episodes, entities, history -------------------------------------------------------
    def find_episode(self, scope: Scope, content_hash: str) -> str | None:
        """The id of an episode already stored with this content in this exact scope."""
        rows = self.store.run(
            "episodes/by_hash", {"scope_key": scope.key(), "content_hash": content_hash}
        )
        return rows[0]["id"] if rows else None

    def recent_episodes(self, scope: Scope, before: datetime, limit: int) -> list[RecentEpisode]:
        """The scope's latest episodes up to ``before``, newest first."""
        if limit <= 0:
            return []
        rows = self._scoped("episodes/recent", scope, before=to_ms(before), limit=limit)
        return [RecentEpisode.from_row(row) for row in rows]

    def entities_by_keys(self, scope: Scope, keys: Sequence[str]) -> list[StoredEntity]:
        """Entities in the scope's entity space whose key or alias key is in ``keys``."""
        if not keys:
            return []
        rows = self.store.run(
            "entities/by_keys", {"scope_key": scope.entity_key(), "keys": list(keys)}
        )
        return [StoredEntity.from_row(row["entity"]) for row in rows]

    def list_entities(self, scope: Scope, *, limit: int = 1_000) -> list[Entity]:
        """The scope's entities."""
        return [
            _entity_from_row(row["entity"])
            for row in self._scoped("entities/list", scope, limit=limit)
        ]

    def history(self, memory_id: str, scope: Scope | None = None) -> list[HistoryEvent]:
        """Every recorded change of one memory, oldest first (only the scope's, if given)."""
        if scope is None:
            rows = self.store.run("history/list", {"memory_id": memory_id})
        else:
            rows = self._scoped("history/list_scoped", scope, memory_id=memory_id)
        return [
            HistoryEvent(
                id=row["event"]["id"],
                memory_id=row["event"]["memory_id"],
                event=row["event"]["event"],
                old_memory=row["event"].get("old_memory"),
                new_memory=row["event"].get("new_memory"),
                actor=row["event"].get("actor"),
                created_at=from_ms(row["event"]["created_at"]) or _EPOCH,
                is_deleted=bool(row["event"].get("is_deleted")),
            )
            for row in rows
        ]

    # -- retrieval -------------------------------------------------------------------------
    def vector_facts(
        self, scope: Scope, vector: Sequence[float], limit: int, when: TimeFilter
    ) -> list[tuple[str, float]]:
        """The scope's ``limit`` facts most similar to ``vector``: (id, cosine similarity)."""
        if not self.store.dialect.vector_index:
            return self.exact_vector_facts(scope, vector, limit, when)
        params = {"vector": list(vector), "limit": limit, "ids": None, **when.params()}
        k = min(max(limit * OVERSAMPLE, 50), MAX_INDEX_K)
        rows = self._scoped("search/vector_facts", scope, k=k, **params)
        if len(rows) < limit:
            rows = self._scoped("search/vector_facts_exact", scope, **params)
        return [(row["id"], float(row["similarity"])) for row in rows]

    def exact_vector_facts(
        self,
        scope: Scope,
        vector: Sequence[float],
        limit: int,
        when: TimeFilter,
        ids: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Exact cosine over the scope's facts (only ``ids`` if given): (id, similarity), best
        first. Independent of other scopes, unlike the store-wide approximate index."""
        rows = self._scoped(
            "search/vector_facts_exact",
            scope,
            vector=list(vector),
            limit=limit,
            ids=None if ids is None else list(ids),
            **when.params(),
        )
        return [(row["id"], float(row["similarity"])) for row in rows]

    def scope_vectors(
        self,
        scope: Scope,
        ids: Sequence[str] | None = None,
        *,
        texts: Mapping[str, str] | None = None,
    ) -> Vectors:
        """The embeddings of the scope's facts (only ``ids`` if given) as one matrix.

        ``texts`` (fact id -> current text, e.g. from the search catalogue) lets the vector log
        serve the facts it holds; only the rest are read from the store (and logged).
        """
        if self.vector_log is None or not texts:
            return self._store_vectors(scope, ids)
        wanted = texts if ids is None else {i: texts[i] for i in ids if i in texts}
        try:
            logged_ids, logged = self.vector_log.get(wanted)
        except Exception:  # a cache: read everything from the store instead
            logger.warning("could not read the vector log", exc_info=True)
            return self._store_vectors(scope, ids)
        have = set(logged_ids)
        missing = [i for i in (wanted if ids is None else ids) if i not in have]
        if not missing:
            return logged_ids, logged
        by_id = ids is not None or len(missing) < MISSING_BY_ID * len(wanted)
        read_ids, read = self._store_vectors(scope, missing if by_id else None)
        fresh = [(row, i) for row, i in enumerate(read_ids) if i not in have]
        self._log_vectors((i, texts[i], read[row]) for row, i in fresh if i in texts)
        if not logged_ids:
            return [i for _, i in fresh], read[[row for row, _ in fresh]]
        if not fresh:
            return logged_ids, logged
        return (
            logged_ids + [i for _, i in fresh],
            np.concatenate([logged, read[[row for row, _ in fresh]]]),
        )

    def _store_vectors(self, scope: Scope, ids: Sequence[str] | None) -> Vectors:
        return self.store.vectors(
            "search/scope_vectors",
            {"ids": None if ids is None else list(ids), **_scope_params(scope)},
            scope_fields=_scope_fields(scope),
        )

    def scope_entities(self, scope: Scope, *, since: int) -> list[Row]:
        """The scope's entities written or touched at or after ``since`` (ms): id, name,
        aliases, updated_at."""
        return self._scoped("search/scope_entities", scope, since=since)

    def entity_vectors(self, scope: Scope, ids: Sequence[str] | None = None) -> Vectors:
        """The name embeddings of the scope's entities (only ``ids`` if given)."""
        return self.store.vectors(
            "search/entity_vectors",
            {"ids": None if ids is None else list(ids), **_scope_params(scope)},
            scope_fields=_scope_fields(scope),
        )

    def scope_signature(self, scope: Scope) -> tuple[int, int | None, int | None]:
        """A fingerprint of the scope's facts: (count, newest recorded_at, newest updated_at)."""
        rows = self._scoped("search/scope_signature", scope)
        if not rows:
            return (0, None, None)
        row = rows[0]
        return (int(row["n"]), row.get("recorded"), row.get("updated"))

    def scope_documents(self, scope: Scope, *, since: int) -> list[Row]:
        """The scope's facts recorded or updated at or after ``since`` (ms), for search."""
        return self._scoped_scalars("search/scope_documents", scope, since=since)

    def scope_links(self, scope: Scope, fact_ids: Sequence[str] | None = None) -> list[Row]:
        """The entity links of the scope's facts (``None``: all; else the given ones): one row
        per ABOUT link, with the typed relationship's type and object on a subject link."""
        if fact_ids is None:
            links = self._scoped_scalars("search/scope_about_links", scope)
            typed = {
                row["fact_id"]: row
                for row in self._scoped_scalars("search/scope_typed_links", scope)
            }
            for link in links:
                relation = typed.get(link["fact_id"]) if link["role"] == "subject" else None
                link["rel_type"] = relation["rel_type"] if relation else None
                link["object_id"] = relation["object_id"] if relation else None
            return links
        rows: list[Row] = []
        for start in range(0, len(fact_ids), LINK_BATCH):
            batch = list(fact_ids[start : start + LINK_BATCH])
            rows.extend(self._scoped_scalars("search/fact_links", scope, ids=batch))
        return rows

    def turn_episodes(self, scope: Scope, fact_ids: Sequence[str]) -> list[Row]:
        """(fact_id, messages_json) of the episodes the given raw turns came from."""
        if not fact_ids:
            return []
        return self._scoped("search/turn_episodes", scope, ids=list(fact_ids))

    def fulltext_facts(
        self, scope: Scope, text: str, limit: int, when: TimeFilter
    ) -> list[tuple[str, float]]:
        """The scope's best keyword matches: (id, full-text score)."""
        query = self.store.dialect.fulltext_query(text)
        if query is None:
            return []
        rows = self._scoped(
            "search/fulltext_facts", scope, query=query, limit=limit, **when.params()
        )
        return [(row["id"], float(row["score"])) for row in rows]

    def vector_entities(
        self, scope: Scope, vector: Sequence[float], limit: int
    ) -> list[tuple[str, str, float]]:
        """Entities whose name is close to ``vector``: (id, name, similarity)."""
        rows: list[Row] = []
        if not self.store.dialect.vector_index:
            similar = self.similar_entities(scope, vector, limit)
            return [(entity.id, entity.name, entity.similarity) for entity in similar]
        # Names such as cities exist in every scope, so a small index pass can come back with
        # few in-scope entities; a wider pass is still far cheaper than the exact scan.
        for k in (min(max(limit * OVERSAMPLE, 50), MAX_INDEX_K), ENTITY_RETRY_K):
            rows = self._scoped(
                "search/vector_entities", scope, vector=list(vector), k=k, limit=limit
            )
            if len(rows) >= limit:
                break
        if len(rows) < limit:
            rows = self._scoped(
                "search/vector_entities_exact", scope, vector=list(vector), limit=limit
            )
        return [(row["id"], row["name"], float(row["similarity"])) for row in rows]

    def similar_entities(
        self, scope: Scope, vector: Sequence[float], limit: int
    ) -> list[SimilarEntity]:
        """Exact nearest entities in the scope (for entity resolution), most similar first."""
        rows = self._scoped("search/vector_entities_exact", scope, vector=list(vector), limit=limit)
        return [SimilarEntity.from_row(row) for row in rows]

    def fulltext_entities(
        self, scope: Scope, text: str, limit: int
    ) -> list[tuple[str, str, list[str], float]]:
        """Entities whose name or alias matches words of ``text``: (id, name, aliases, score)."""
        query = self.store.dialect.fulltext_query(text)
        if query is None:
            return []
        rows = self._scoped("search/fulltext_entities", scope, query=query, limit=limit)
        return [
            (row["id"], row["name"], list(row.get("aliases") or []), float(row["score"]))
            for row in rows
        ]

    def scope_relations(self, scope: Scope, when: TimeFilter, limit: int) -> list[ScopeRelation]:
        """The scope's typed relationships valid at ``when`` (for graph views)."""
        rows = self._scoped("graph/relations", scope, limit=limit, **when.params())
        return [ScopeRelation.from_row(row) for row in rows]

    def entities_named(self, scope: Scope, key: str) -> list[EntityName]:
        """Entities of the scope whose name or alias normalizes to ``key``."""
        return [
            EntityName.from_row(row) for row in self._scoped("graph/entity_by_name", scope, key=key)
        ]

    def relationship_types(self) -> list[str]:
        """Every relationship type in the graph but the episode order (NEXT)."""
        rows = self.store.run("schema/relationship_types")
        return [row["type"] for row in rows if row["type"] != "NEXT"]

    def expand(
        self,
        scope: Scope,
        entity_ids: Sequence[str],
        when: TimeFilter,
        fanout: int,
        weights: Mapping[str, float] | None = None,
    ) -> list[ExpansionEdge]:
        """One hop of typed relationships from ``entity_ids``, at most ``fanout`` per entity,
        preferring the types with the highest ``weights``."""
        if not entity_ids:
            return []
        rows = self._scoped(
            "search/expand",
            scope,
            ids=list(entity_ids),
            fanout=fanout,
            weights=dict(weights or {}),
            **when.params(),
        )
        return [ExpansionEdge(**row) for row in rows]

    def score_facts(
        self, scope: Scope, fact_ids: Sequence[str], vector: Sequence[float]
    ) -> dict[str, float]:
        """Cosine similarity of the given facts of the scope to ``vector``."""
        if not fact_ids:
            return {}
        rows = self._scoped("search/score_facts", scope, ids=list(fact_ids), vector=list(vector))
        return {row["id"]: float(row["similarity"]) for row in rows}

    def fact_entities(self, scope: Scope, fact_ids: Sequence[str]) -> list[FactEntity]:
        """The entities the facts are about, with their roles."""
        if not fact_ids:
            return []
        rows = self._scoped("search/fact_entities", scope, ids=list(fact_ids))
        return [FactEntity.from_row(row) for row in rows]

    def entity_facts(
        self, scope: Scope, entity_ids: Sequence[str], when: TimeFilter, fanout: int
    ) -> list[tuple[str, str]]:
        """Facts about the entities: (entity id, fact id), at most ``fanout`` per entity."""
        if not entity_ids:
            return []
        rows = self._scoped(
            "search/entity_facts", scope, ids=list(entity_ids), fanout=fanout, **when.params()
        )
        return [(row["entity_id"], row["fact_id"]) for row in rows]
