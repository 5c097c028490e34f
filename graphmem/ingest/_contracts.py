"""The two LLM tool contracts, as Pydantic models (the tool JSON schemas come from these).

``extract_memory`` (one call per ``add()``) and ``resolve_memory`` (at most one more, only when a
new fact has candidates no rule settles). They are public: users write custom prompts, route the
calls to their own models and replay them in tests. See README "Tool contracts".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "EXTRACT_TOOL_NAME",
    "RESOLVE_TOOL_NAME",
    "ExtractedEntity",
    "ExtractedFact",
    "ExtractedRelation",
    "ExtractMemory",
    "ResolutionDecision",
    "ResolveMemory",
]

EXTRACT_TOOL_NAME = "extract_memory"
RESOLVE_TOOL_NAME = "resolve_memory"

_MAX_NAME = 200
_MAX_TEXT = 2_000


class _Contract(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ExtractedEntity(_Contract):
    """An entity mentioned in the messages."""

    name: str = Field(min_length=1, max_length=_MAX_NAME, description="Canonical name.")
    type: str = Field(
        min_length=1, max_length=64, description="PascalCase type, e.g. Person, Place."
    )
    aliases: list[str] = Field(default_factory=list, description="Other names used for it.")


class ExtractedRelation(_Contract):
    """A binary fact between two entities, stated as a typed relationship."""

    subject: str = Field(min_length=1, max_length=_MAX_NAME, description="An entity name.")
    predicate: str = Field(
        min_length=1, max_length=64, description="UPPER_SNAKE_CASE, e.g. LIVES_IN."
    )
    object: str = Field(min_length=1, max_length=_MAX_NAME, description="An entity name.")
    fact: str = Field(
        min_length=1, max_length=_MAX_TEXT, description="The fact as one self-contained sentence."
    )
    valid_from: str | None = Field(
        default=None, description="ISO-8601 time the fact started to hold, or null."
    )
    valid_to: str | None = Field(
        default=None, description="ISO-8601 time the fact stopped holding, or null."
    )


class ExtractedFact(_Contract):
    """A fact about one or more entities that is not a binary relation."""

    text: str = Field(
        min_length=1, max_length=_MAX_TEXT, description="One self-contained sentence."
    )
    about: list[str] = Field(default_factory=list, description="Names of the entities involved.")
    valid_from: str | None = Field(default=None, description="ISO-8601 or null.")
    valid_to: str | None = Field(default=None, description="ISO-8601 or null.")


class ExtractMemory(_Contract):
    """Arguments of the ``extract_memory`` tool: everything worth remembering in the messages."""

    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)
    facts: list[ExtractedFact] = Field(default_factory=list)


class ResolutionDecision(_Contract):
    """What to do with one new fact, relative to one existing candidate (by small integer id)."""

    new: int = Field(ge=0, description="Index of the new fact in the request.")
    existing: int | None = Field(
        default=None, description="Small integer id of an existing fact, or null."
    )
    action: Literal["ADD", "MERGE", "INVALIDATE", "NOOP"]


class ResolveMemory(_Contract):
    """Arguments of the ``resolve_memory`` tool."""

    decisions: list[ResolutionDecision] = Field(default_factory=list)
