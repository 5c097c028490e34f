"""The prompts of the two tool calls. Users may replace them (``Ingestor(prompts=...)``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphmem._ontology import Ontology
from graphmem.types import Message

__all__ = [
    "EXTRACT_DESCRIPTION",
    "RESOLVE_DESCRIPTION",
    "Prompts",
    "render_extraction",
    "render_resolution",
]

EXTRACT_DESCRIPTION = "Record the entities, relations and atomic facts worth remembering."
RESOLVE_DESCRIPTION = "Decide how each new fact relates to the existing facts it may conflict with."

EXTRACT_SYSTEM = """You maintain the long-term memory of an AI assistant as a knowledge graph.
Call the tool `extract_memory` with everything worth remembering from the NEW messages:
- entities: people, places, organizations, pets, activities, events, things. `type` is PascalCase
  (prefer: {entity_types}). `name` is the most complete proper name used; put nicknames and other
  names in `aliases`. The user is an entity named "{user_name}" (type Person){agent_clause}.
- relations: binary facts between two entities. `predicate` is UPPER_SNAKE_CASE (prefer:
  {relation_types}). `fact` is one self-contained sentence with full names (no pronouns).
- facts: other atomic facts (preferences, attributes, plans), each one self-contained sentence,
  `about` listing the entity names involved.
- Times: resolve relative expressions ("last week", "since 2019", "until March") against the
  reference time {reference_time} and give ISO-8601 UTC times; `valid_from` is when the fact
  started to hold, `valid_to` when it stopped; null when unknown. A past state ("I used to live in
  Lyon") gets a `valid_to`.
- Only what the messages state or clearly imply. Use the context only to resolve references.
  Every name in relations and facts must appear in entities. Arrays may be empty."""

RESOLVE_SYSTEM = """You keep a knowledge graph consistent. For each NEW fact, compare it with the
EXISTING facts listed with it and call `resolve_memory` with one decision per new fact:
- ADD: it is new information (unrelated facts about the same entity stay valid: ADD).
- MERGE: it says the same thing as existing fact `existing`.
- INVALIDATE: it makes existing fact `existing` no longer true (a changed state).
- NOOP: it adds nothing.
Use only the integer ids shown."""


@dataclass(frozen=True)
class Prompts:
    """System prompts of the extraction and resolution calls (format fields as above)."""

    extract_system: str = EXTRACT_SYSTEM
    resolve_system: str = RESOLVE_SYSTEM


def render_extraction(
    prompts: Prompts,
    messages: Sequence[Message],
    *,
    reference_time: datetime,
    ontology: Ontology,
    user_name: str,
    agent_name: str | None,
    context: Sequence[str],
) -> tuple[str, list[dict[str, str]]]:
    """System prompt and user message of the extraction call."""
    agent_clause = (
        f'; the assistant is an entity named "{agent_name}" (type Agent): facts about the '
        "assistant itself are about that entity"
        if agent_name
        else ""
    )
    system = prompts.extract_system.format(
        entity_types=", ".join(ontology.entity_type_names()) or "any",
        relation_types=", ".join(
            f"{r.name} ({'one at a time' if r.cardinality == 'single' else 'many'})"
            for r in ontology.relation_types
        )
        or "any",
        user_name=user_name,
        agent_clause=agent_clause,
        reference_time=reference_time.isoformat(),
    )
    lines = [f"Reference time: {reference_time.isoformat()}"]
    if context:
        lines.append("Context (earlier conversation, do not extract from it):")
        lines.extend(f"  {line}" for line in context)
    lines.append("NEW messages:")
    for message in messages:
        speaker = message.name or (user_name if message.role == "user" else message.role)
        lines.append(f"  [{message.role}] {speaker}: {message.content}")
    return system, [{"role": "user", "content": "\n".join(lines)}]


def render_resolution(
    prompts: Prompts, items: Sequence[dict[str, Any]]
) -> tuple[str, list[dict[str, str]]]:
    """System prompt and user message of the resolution call."""
    body = json.dumps(items, ensure_ascii=False, indent=1)
    return prompts.resolve_system, [{"role": "user", "content": body}]
