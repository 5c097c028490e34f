"""How a write becomes statements: typed changes in, ``write/*`` fragments and rows out.

Ingest decides *what* one operation changes (:class:`Changes`, a list of typed writes, built
without I/O by ``graphmem.ingest.WritePlan``); this module alone knows the ``write/*`` fragment
names (``cypher/common/write/`` and the dialect folders), their row shapes, how values are
encoded (UTC milliseconds, JSON text) and the order the fragments run in: one statement and one
transaction per :class:`Changes`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphmem._ids import new_id, text_hash
from graphmem._temporal import to_ms
from graphmem.store._queries import Segment
from graphmem.types import EventType, Message, Scope

__all__ = [
    "Changes",
    "EntityAliases",
    "EpisodeWrite",
    "FactDelete",
    "FactMerge",
    "FactSupersede",
    "FactTextUpdate",
    "FactWrite",
    "HistoryWrite",
    "NewEntity",
    "NewFact",
    "ScopeGuard",
    "Write",
    "write_segments",
]


@dataclass
class NewEntity:
    """An entity to create (or refresh, if a concurrent add created it first)."""

    key: str
    name: str
    type: str
    aliases: list[str]
    embedding: list[float] | None = None
    id: str = field(default_factory=new_id)


@dataclass
class NewFact:
    """A fact to create."""

    text: str
    embedding: list[float]
    valid_from: datetime | None
    valid_to: datetime | None
    predicate: str | None = None
    subject: str | None = None
    object: str | None = None
    subject_key: str | None = None
    object_key: str | None = None
    about_keys: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class ScopeGuard:
    """Apply only if the scope's write clock still reads ``version``."""

    version: int


@dataclass(frozen=True)
class EpisodeWrite:
    """The episode node: raw messages and provenance."""

    id: str
    messages: Sequence[Message]
    occurred_at: datetime
    content_hash: str
    metadata: Mapping[str, Any] | None


@dataclass(frozen=True)
class EntityWrite:
    """Create an entity; ``label`` is already a validated PascalCase type."""

    entity: NewEntity
    label: str
    alias_keys: Sequence[str]


@dataclass(frozen=True)
class EntityAliases:
    """New aliases of an existing entity."""

    key: str
    aliases: Sequence[str]
    alias_keys: Sequence[str]


@dataclass(frozen=True)
class FactWrite:
    """A new fact, its ABOUT links and, with ``rel_type``, its typed relationship."""

    fact: NewFact
    episode_id: str
    rel_type: str | None = None


@dataclass(frozen=True)
class FactSupersede:
    """Close a fact's validity at ``valid_to`` and link it to its replacement."""

    old_id: str
    new_id: str | None
    valid_to: datetime


@dataclass(frozen=True)
class FactMerge:
    """One more mention of a fact: widened validity, more provenance."""

    fact_id: str
    episode_id: str
    valid_from: datetime | None
    valid_to: datetime | None


@dataclass(frozen=True)
class FactTextUpdate:
    """A user edit of a fact's text, with its new embedding."""

    fact_id: str
    text: str
    embedding: list[float]


@dataclass(frozen=True)
class FactDelete:
    """Really delete a fact, and the content of its history records."""

    fact_id: str


@dataclass(frozen=True)
class HistoryWrite:
    """One audit record of a change (never written for NOOP)."""

    memory_id: str
    event: EventType
    old: str | None
    new: str | None


Write = (
    ScopeGuard
    | EpisodeWrite
    | EntityWrite
    | EntityAliases
    | FactWrite
    | FactSupersede
    | FactMerge
    | FactTextUpdate
    | FactDelete
    | HistoryWrite
)


@dataclass
class Changes:
    """Everything one operation writes in one scope at system time ``now``."""

    scope: Scope
    now: datetime
    actor: str | None = None
    writes: list[Write] = field(default_factory=list)


# Fragments in dependency order: episode, entities, facts, links, retirements, history.
_ORDER = (
    "write/scope_guard",
    "write/episode_create",
    "write/entity_upsert",
    "write/entity_embedding",
    "write/entity_aliases",
    "write/fact_create",
    "write/fact_embedding",
    "write/fact_update",
    "write/fact_about",
    "write/relation_create",
    "write/fact_supersede",
    "write/fact_merge",
    "write/fact_delete",
    "write/history_scrub",
    "write/history_create",
)


class _Rows:
    """Rows per fragment (and per label or type, for the fragments that take one)."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.now = to_ms(changes.now)
        self.scope = changes.scope.params()
        self.entity_scope_key = changes.scope.entity_key()
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        self.history_seq = 0

    def segments(self) -> list[Segment]:
        segments: list[Segment] = []
        for name in _ORDER:
            if self.rows.get(name):
                segments.append(Segment(name, self.rows[name]))
            for (group, slot, value), rows in sorted(self.grouped.items()):
                if group == name:
                    segments.append(Segment(name, rows, {slot: value}))
        return segments

    def add(self, write: Write) -> None:
        if isinstance(write, ScopeGuard):
            self.rows["write/scope_guard"] = [
                {
                    "key": self.changes.scope.key(),
                    "version": write.version,
                    **self.changes.scope.params(),
                }
            ]
        elif isinstance(write, EpisodeWrite):
            self.episode(write)
        elif isinstance(write, EntityWrite):
            self.entity(write)
        elif isinstance(write, EntityAliases):
            self.rows["write/entity_aliases"].append(
                {
                    "scope_key": self.entity_scope_key,
                    "key": write.key,
                    "aliases": list(write.aliases),
                    "alias_keys": list(write.alias_keys),
                    "alias_text": " ".join(write.aliases),
                    "updated_at": self.now,
                }
            )
        elif isinstance(write, FactWrite):
            self.fact(write)
        else:
            self.fact_change(write)

    def episode(self, write: EpisodeWrite) -> None:
        self.rows["write/episode_create"].append(
            {
                "id": write.id,
                **self.scope,
                "scope_key": self.changes.scope.key(),
                "messages_json": json.dumps(
                    [m.model_dump(exclude_none=True) for m in write.messages], ensure_ascii=False
                ),
                "content_hash": write.content_hash,
                "occurred_at": to_ms(write.occurred_at),
                "recorded_at": self.now,
                "metadata_json": json.dumps(write.metadata or {}, ensure_ascii=False),
            }
        )

    def entity(self, write: EntityWrite) -> None:
        entity = write.entity
        props = {
            "id": entity.id,
            "name": entity.name,
            "type": entity.type,
            "aliases": entity.aliases,
            "alias_keys": list(write.alias_keys),
            "alias_text": " ".join(entity.aliases),
            "created_at": self.now,
            "updated_at": self.now,
            **_entity_scope_props(self.changes.scope),
        }
        self.grouped[("write/entity_upsert", "label", write.label)].append(
            {
                "scope_key": self.entity_scope_key,
                "key": entity.key,
                "aliases": entity.aliases,
                "updated_at": self.now,
                "props": props,
            }
        )
        if entity.embedding is not None:
            self.rows["write/entity_embedding"].append(
                {
                    "scope_key": self.entity_scope_key,
                    "key": entity.key,
                    "embedding": entity.embedding,
                }
            )

    def fact(self, write: FactWrite) -> None:
        fact = write.fact
        props = {
            "id": fact.id,
            "text": fact.text,
            "predicate": fact.predicate,
            "subject": fact.subject,
            "object": fact.object,
            "valid_from": to_ms(fact.valid_from),
            "valid_to": to_ms(fact.valid_to),
            "recorded_at": self.now,
            "updated_at": self.now,
            "confidence": 1.0,
            "mentions": 1,
            "hash": text_hash(fact.text),
            "metadata_json": json.dumps(fact.metadata, ensure_ascii=False),
            "scope_key": self.changes.scope.key(),
            **self.scope,
        }
        self.rows["write/fact_create"].append({"episode_id": write.episode_id, "props": props})
        self.rows["write/fact_embedding"].append({"id": fact.id, "embedding": fact.embedding})
        roles = [("subject", fact.subject_key), ("object", fact.object_key)]
        roles += [("about", key) for key in fact.about_keys]
        for role, key in roles:
            if key is not None:
                self.rows["write/fact_about"].append(
                    {
                        "fact_id": fact.id,
                        "scope_key": self.entity_scope_key,
                        "key": key,
                        "role": role,
                    }
                )
        if write.rel_type and fact.subject_key and fact.object_key:
            self.grouped[("write/relation_create", "rel_type", write.rel_type)].append(
                {
                    "scope_key": self.entity_scope_key,
                    "subject_key": fact.subject_key,
                    "object_key": fact.object_key,
                    "props": {
                        "fact_id": fact.id,
                        "text": fact.text,
                        "valid_from": to_ms(fact.valid_from),
                        "valid_to": to_ms(fact.valid_to),
                        "recorded_at": self.now,
                        **self.scope,
                    },
                }
            )

    def fact_change(
        self, write: FactSupersede | FactMerge | FactTextUpdate | FactDelete | HistoryWrite
    ) -> None:
        if isinstance(write, FactSupersede):
            self.rows["write/fact_supersede"].append(
                {
                    "old_id": write.old_id,
                    "new_id": write.new_id,
                    "valid_to": to_ms(write.valid_to),
                    "expired_at": self.now,
                }
            )
        elif isinstance(write, FactMerge):
            self.rows["write/fact_merge"].append(
                {
                    "id": write.fact_id,
                    "episode_id": write.episode_id,
                    "valid_from": to_ms(write.valid_from),
                    "valid_to": to_ms(write.valid_to),
                    "updated_at": self.now,
                }
            )
        elif isinstance(write, FactTextUpdate):
            self.rows["write/fact_update"].append(
                {
                    "id": write.fact_id,
                    "text": write.text,
                    "hash": text_hash(write.text),
                    "updated_at": self.now,
                }
            )
            self.rows["write/fact_embedding"].append(
                {"id": write.fact_id, "embedding": write.embedding}
            )
        elif isinstance(write, FactDelete):
            self.rows["write/fact_delete"].append({"id": write.fact_id})
            self.rows["write/history_scrub"].append({"memory_id": write.fact_id})
        else:
            self.history(write)

    def history(self, write: HistoryWrite) -> None:
        self.history_seq += 1
        self.rows["write/history_create"].append(
            {
                "id": new_id(),
                "memory_id": write.memory_id,
                "event": write.event,
                "old_memory": write.old,
                "new_memory": write.new if write.event != "DELETE" else None,
                "actor": self.changes.actor,
                "created_at": self.now,
                "seq": self.history_seq,
                "is_deleted": write.event == "DELETE",
                **self.scope,
            }
        )


def write_segments(changes: Changes) -> list[Segment]:
    """The ``write/*`` fragments and rows that apply ``changes``, in dependency order."""
    rows = _Rows(changes)
    for write in changes.writes:
        rows.add(write)
    return rows.segments()


def _entity_scope_props(scope: Scope) -> dict[str, str | None]:
    """Entities are shared by a user's (or agent's) runs: no run owns them."""
    props = scope.params()
    if scope.user_id is not None or scope.agent_id is not None:
        props["run_id"] = None
    return props
