"""A write plan: everything one ``add()``/``update()`` writes, built without I/O, applied at once.

The plan collects rows per write fragment (``cypher/write/*.cypher``) and turns them into
segments that the store composes into a single statement (one transaction).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphmem._temporal import to_ms
from graphmem.ingest._names import name_key
from graphmem.store._queries import Segment
from graphmem.types import EventType, MemoryEvent, Message, Relation, Scope

__all__ = ["NewEntity", "NewFact", "WritePlan", "content_hash", "new_id", "text_hash"]


def new_id() -> str:
    """A fresh memory id (UUID4 string, as mem0 uses)."""
    return str(uuid.uuid4())


def text_hash(text: str) -> str:
    """The md5 of a memory's text (mem0's ``hash`` field)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def content_hash(messages: list[Message], occurred_at: datetime) -> str:
    """Identity of an episode: its messages and its reference time."""
    payload = json.dumps(
        [[m.role, m.name, m.content] for m in messages] + [to_ms(occurred_at)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class NewEntity:
    """An entity the plan creates (or refreshes, if a concurrent add created it first)."""

    key: str
    name: str
    type: str
    aliases: list[str]
    embedding: list[float] | None = None
    id: str = field(default_factory=new_id)


@dataclass
class NewFact:
    """A fact the plan creates."""

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


class WritePlan:
    """Rows for each write fragment of one operation, plus the events it reports."""

    def __init__(self, scope: Scope, now: datetime, actor: str | None = None) -> None:
        self.scope = scope
        self.now = now
        self.actor = actor
        self.events: list[MemoryEvent] = []
        self.relations: list[Relation] = []
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        self._history_seq = 0

    # -- building --------------------------------------------------------------------------
    def guard(self, version: int) -> None:
        """Apply only if the scope's write clock still reads ``version`` (read before deciding).

        The write then fails with ``WriteConflictError`` if another write to the scope committed
        in between (and when the same plan is applied twice, e.g. retried after a lost
        connection), so a decision is never written on stale reads.
        """
        self._rows["write/scope_guard"] = [{"key": self.scope.key(), "version": version}]

    def add_episode(
        self,
        episode_id: str,
        messages: list[Message],
        occurred_at: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
    ) -> None:
        """The episode node (raw messages and provenance)."""
        self._rows["write/episode_create"].append(
            {
                "id": episode_id,
                **self._scope_props(),
                "scope_key": self.scope.key(),
                "messages_json": json.dumps(
                    [m.model_dump(exclude_none=True) for m in messages], ensure_ascii=False
                ),
                "content_hash": digest,
                "occurred_at": to_ms(occurred_at),
                "recorded_at": to_ms(self.now),
                "metadata_json": json.dumps(metadata or {}, ensure_ascii=False),
            }
        )

    def upsert_entity(self, entity: NewEntity, *, label: str) -> None:
        """Create an entity (``label`` must already be a validated PascalCase type)."""
        props = {
            "id": entity.id,
            "name": entity.name,
            "type": entity.type,
            "aliases": entity.aliases,
            "alias_keys": sorted({name_key(a) for a in entity.aliases}),
            "alias_text": " ".join(entity.aliases),
            "created_at": to_ms(self.now),
            "updated_at": to_ms(self.now),
            **self._entity_scope_props(),
        }
        self._grouped[("write/entity_upsert", "label", label)].append(
            {
                "scope_key": self.scope.entity_key(),
                "key": entity.key,
                "aliases": entity.aliases,
                "updated_at": to_ms(self.now),
                "props": props,
            }
        )
        if entity.embedding is not None:
            self._rows["write/entity_embedding"].append(
                {
                    "scope_key": self.scope.entity_key(),
                    "key": entity.key,
                    "embedding": entity.embedding,
                }
            )

    def set_entity_aliases(self, key: str, aliases: list[str], alias_keys: list[str]) -> None:
        """Record new aliases of an existing entity."""
        self._rows["write/entity_aliases"].append(
            {
                "scope_key": self.scope.entity_key(),
                "key": key,
                "aliases": aliases,
                "alias_keys": alias_keys,
                "alias_text": " ".join(aliases),
                "updated_at": to_ms(self.now),
            }
        )

    def create_fact(self, fact: NewFact, episode_id: str, *, rel_type: str | None = None) -> None:
        """A new fact, its ABOUT links, and its typed relationship when ``rel_type`` is given."""
        props = {
            "id": fact.id,
            "text": fact.text,
            "predicate": fact.predicate,
            "subject": fact.subject,
            "object": fact.object,
            "valid_from": to_ms(fact.valid_from),
            "valid_to": to_ms(fact.valid_to),
            "recorded_at": to_ms(self.now),
            "updated_at": to_ms(self.now),
            "confidence": 1.0,
            "mentions": 1,
            "hash": text_hash(fact.text),
            "metadata_json": json.dumps(fact.metadata, ensure_ascii=False),
            "scope_key": self.scope.key(),
            **self._scope_props(),
        }
        self._rows["write/fact_create"].append({"episode_id": episode_id, "props": props})
        self._rows["write/fact_embedding"].append({"id": fact.id, "embedding": fact.embedding})
        entity_scope = self.scope.entity_key()
        roles = [("subject", fact.subject_key), ("object", fact.object_key)]
        roles += [("about", key) for key in fact.about_keys]
        for role, key in roles:
            if key is not None:
                self._rows["write/fact_about"].append(
                    {"fact_id": fact.id, "scope_key": entity_scope, "key": key, "role": role}
                )
        if rel_type and fact.subject_key and fact.object_key:
            self._grouped[("write/relation_create", "rel_type", rel_type)].append(
                {
                    "scope_key": entity_scope,
                    "subject_key": fact.subject_key,
                    "object_key": fact.object_key,
                    "props": {
                        "fact_id": fact.id,
                        "text": fact.text,
                        "valid_from": to_ms(fact.valid_from),
                        "valid_to": to_ms(fact.valid_to),
                        "recorded_at": to_ms(self.now),
                        **self._scope_props(),
                    },
                }
            )
            self.relations.append(
                Relation(
                    source=fact.subject or "",
                    relationship=rel_type,
                    destination=fact.object or "",
                    fact_id=fact.id,
                    valid_from=fact.valid_from,
                    valid_to=fact.valid_to,
                )
            )
        self.record("ADD", fact.id, new=fact.text)

    def supersede(
        self, old_id: str, old_text: str, new_id_: str | None, valid_to: datetime
    ) -> None:
        """Retire a fact: close its validity at ``valid_to`` and link it to its replacement."""
        self._rows["write/fact_supersede"].append(
            {
                "old_id": old_id,
                "new_id": new_id_,
                "valid_to": to_ms(valid_to),
                "expired_at": to_ms(self.now),
            }
        )
        self.record("INVALIDATE", old_id, old=old_text, new=old_text)

    def merge(
        self,
        fact_id: str,
        text: str,
        episode_id: str,
        valid_from: datetime | None,
        valid_to: datetime | None,
    ) -> None:
        """A repeated fact: one more mention, widened validity, more provenance."""
        self._rows["write/fact_merge"].append(
            {
                "id": fact_id,
                "episode_id": episode_id,
                "valid_from": to_ms(valid_from),
                "valid_to": to_ms(valid_to),
                "updated_at": to_ms(self.now),
            }
        )
        self.record("MERGE", fact_id, old=text, new=text)

    def update_text(
        self, fact_id: str, old_text: str, new_text: str, embedding: list[float]
    ) -> None:
        """A user edit of a fact's text."""
        self._rows["write/fact_update"].append(
            {
                "id": fact_id,
                "text": new_text,
                "hash": text_hash(new_text),
                "updated_at": to_ms(self.now),
            }
        )
        self._rows["write/fact_embedding"].append({"id": fact_id, "embedding": embedding})
        self.record("UPDATE", fact_id, old=old_text, new=new_text)

    def delete_fact(self, fact_id: str) -> None:
        """Really delete a fact; its history records keep that it changed, not what it said."""
        self._rows["write/fact_delete"].append({"id": fact_id})
        self._rows["write/history_scrub"].append({"memory_id": fact_id})
        self.record("DELETE", fact_id)

    def record(
        self, event: EventType, memory_id: str, *, old: str | None = None, new: str | None = None
    ) -> None:
        """An event for the caller and, unless NOOP, a history record."""
        self.events.append(
            MemoryEvent(id=memory_id, memory=new or old or "", event=event, previous_memory=old)
        )
        if event == "NOOP":
            return
        self._history_seq += 1
        self._rows["write/history_create"].append(
            {
                "id": new_id(),
                "memory_id": memory_id,
                "event": event,
                "old_memory": old,
                "new_memory": new if event != "DELETE" else None,
                "actor": self.actor,
                "created_at": to_ms(self.now),
                "seq": self._history_seq,
                "is_deleted": event == "DELETE",
                **self._scope_props(),
            }
        )

    # -- output ----------------------------------------------------------------------------
    def segments(self) -> list[Segment]:
        """Fragments in dependency order: episode, entities, facts, links, retirements, history."""
        order = [
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
        ]
        segments: list[Segment] = []
        for name in order:
            if self._rows.get(name):
                segments.append(Segment(name, self._rows[name]))
            for (group, slot, value), rows in sorted(self._grouped.items()):
                if group == name:
                    segments.append(Segment(name, rows, {slot: value}))
        return segments

    def is_empty(self) -> bool:
        """True if nothing would be written."""
        return not self._rows and not self._grouped

    def _scope_props(self) -> dict[str, str | None]:
        return self.scope.params()

    def _entity_scope_props(self) -> dict[str, str | None]:
        """Entities are shared by a user's (or agent's) runs: no run owns them."""
        props = self.scope.params()
        if self.scope.user_id is not None or self.scope.agent_id is not None:
            props["run_id"] = None
        return props
