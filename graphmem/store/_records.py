"""Typed records the repository returns instead of raw rows.

Each record is built from a query's columns in one place (its ``from_row``), so a renamed
column fails there, and callers get attributes that mypy checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphmem._temporal import from_ms

__all__ = [
    "EntityName",
    "FactEntity",
    "RecentEpisode",
    "ScopeRelation",
    "SimilarEntity",
    "StoredEntity",
]


@dataclass(frozen=True)
class StoredEntity:
    """An entity as entity resolution sees it (``entities/by_keys``)."""

    id: str
    key: str
    name: str
    type: str | None
    aliases: tuple[str, ...] = ()
    alias_keys: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StoredEntity:
        """From an ``entity`` map."""
        return cls(
            id=row["id"],
            key=row["key"],
            name=row["name"],
            type=row.get("type"),
            aliases=tuple(row.get("aliases") or ()),
            alias_keys=tuple(row.get("alias_keys") or ()),
        )


@dataclass(frozen=True)
class SimilarEntity:
    """An entity whose name embedding is close to a vector (cosine ``similarity``)."""

    id: str
    key: str
    name: str
    type: str | None
    similarity: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SimilarEntity:
        """From ``search/vector_entities_exact`` columns."""
        return cls(
            id=row["id"],
            key=row["key"],
            name=row["name"],
            type=row.get("type"),
            similarity=float(row["similarity"]),
        )


@dataclass(frozen=True)
class RecentEpisode:
    """An episode's raw messages (OpenAI-style dicts) and reference time."""

    messages: list[dict[str, Any]]
    occurred_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RecentEpisode:
        """From ``episodes/recent`` columns (deleted memories leave no message text)."""
        return cls(
            messages=list(json.loads(row.get("messages_json") or "[]")),
            occurred_at=from_ms(row.get("occurred_at")),
        )


@dataclass(frozen=True)
class FactEntity:
    """An entity a fact is about, and in which role (subject, object, about)."""

    fact_id: str
    entity_id: str
    name: str
    role: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FactEntity:
        """From ``search/fact_entities`` columns."""
        return cls(row["fact_id"], row["entity_id"], row["name"], row["role"])


@dataclass(frozen=True)
class EntityName:
    """An entity's id and display name."""

    id: str
    name: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EntityName:
        """From ``graph/entity_by_name`` columns."""
        return cls(row["id"], row["name"])


@dataclass(frozen=True)
class ScopeRelation:
    """A typed relationship with its endpoints, for graph views."""

    source_id: str
    source_name: str
    source_type: str | None
    rel_type: str
    fact_id: str
    text: str | None
    valid_from: datetime | None
    valid_to: datetime | None
    target_id: str
    target_name: str
    target_type: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ScopeRelation:
        """From ``graph/relations`` columns."""
        return cls(
            source_id=row["source_id"],
            source_name=row["source_name"],
            source_type=row.get("source_type"),
            rel_type=row["rel_type"],
            fact_id=row["fact_id"],
            text=row.get("text"),
            valid_from=from_ms(row.get("valid_from")),
            valid_to=from_ms(row.get("valid_to")),
            target_id=row["target_id"],
            target_name=row["target_name"],
            target_type=row.get("target_type"),
        )
