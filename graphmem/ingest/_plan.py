"""A write plan: everything one ``add()``/``update()``/``delete()`` changes, built without I/O.

The plan records typed writes (:mod:`graphmem.store._writes`) and the events the caller is
told about; the store alone turns the writes into statements, applied in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphmem._keys import name_key
from graphmem.store._writes import (
    Changes,
    EntityAliases,
    EntityWrite,
    EpisodeWrite,
    FactDelete,
    FactMerge,
    FactSupersede,
    FactTextUpdate,
    FactWrite,
    HistoryWrite,
    NewEntity,
    NewFact,
    ScopeGuard,
)
from graphmem.types import EventType, MemoryEvent, Message, Relation, Scope

__all__ = ["WritePlan"]


class WritePlan:
    """The typed writes of one operation, plus the events and relations it reports."""

    def __init__(self, scope: Scope, now: datetime, actor: str | None = None) -> None:
        self.scope = scope
        self.now = now
        self.changes = Changes(scope, now, actor)
        """What the store applies (``MemoryRepository.apply``)."""
        self.events: list[MemoryEvent] = []
        self.relations: list[Relation] = []

    def guard(self, version: int) -> None:
        """Apply only if the scope's write clock still reads ``version`` (read before deciding).

        The write then fails with ``WriteConflictError`` if another write to the scope committed
        in between (and when the same plan is applied twice, e.g. retried after a lost
        connection), so a decision is never written on stale reads.
        """
        self.changes.writes.append(ScopeGuard(version))

    def add_episode(
        self,
        episode_id: str,
        messages: list[Message],
        occurred_at: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
    ) -> None:
        """The episode node (raw messages and provenance)."""
        self.changes.writes.append(
            EpisodeWrite(episode_id, messages, occurred_at, digest, metadata)
        )

    def upsert_entity(self, entity: NewEntity, *, label: str) -> None:
        """Create an entity (``label`` must already be a validated PascalCase type)."""
        alias_keys = sorted({name_key(a) for a in entity.aliases})
        self.changes.writes.append(EntityWrite(entity, label, alias_keys))

    def set_entity_aliases(self, key: str, aliases: list[str], alias_keys: list[str]) -> None:
        """Record new aliases of an existing entity."""
        self.changes.writes.append(EntityAliases(key, aliases, alias_keys))

    def create_fact(self, fact: NewFact, episode_id: str, *, rel_type: str | None = None) -> None:
        """A new fact, its ABOUT links, and its typed relationship when ``rel_type`` is given."""
        self.changes.writes.append(FactWrite(fact, episode_id, rel_type))
        if rel_type and fact.subject_key and fact.object_key:
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
        self.changes.writes.append(FactSupersede(old_id, new_id_, valid_to))
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
        self.changes.writes.append(FactMerge(fact_id, episode_id, valid_from, valid_to))
        self.record("MERGE", fact_id, old=text, new=text)

    def update_text(
        self, fact_id: str, old_text: str, new_text: str, embedding: list[float]
    ) -> None:
        """A user edit of a fact's text."""
        self.changes.writes.append(FactTextUpdate(fact_id, new_text, embedding))
        self.record("UPDATE", fact_id, old=old_text, new=new_text)

    def delete_fact(self, fact_id: str) -> None:
        """Really delete a fact; its history records keep that it changed, not what it said."""
        self.changes.writes.append(FactDelete(fact_id))
        self.record("DELETE", fact_id)

    def record(
        self, event: EventType, memory_id: str, *, old: str | None = None, new: str | None = None
    ) -> None:
        """An event for the caller and, unless NOOP, a history record."""
        self.events.append(
            MemoryEvent(id=memory_id, memory=new or old or "", event=event, previous_memory=old)
        )
        if event != "NOOP":
            self.changes.writes.append(HistoryWrite(memory_id, event, old, new))
