"""``add(infer=False)``: each non-system message becomes a fact, with no LLM call.

The raw twin of :mod:`graphmem.ingest._pipeline`: it decides what one episode writes (new facts,
merges of repeats) into a :class:`WritePlan`; the caller reads the repeats and applies it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphmem._ids import new_id, text_hash
from graphmem.ingest._plan import WritePlan
from graphmem.store._writes import NewFact
from graphmem.types import Fact, Message

__all__ = ["raw_plan"]


def raw_plan(
    plan: WritePlan,
    messages: list[Message],
    occurred_at: datetime,
    digest: str,
    metadata: dict[str, Any] | None,
    existing: dict[str, Fact],
    embeddings: list[list[float]],
) -> str:
    """Fill ``plan`` with one episode of raw messages; returns the episode id.

    Args:
        plan: an empty plan of the scope (its system time and actor set).
        messages: the episode; system messages are kept on the episode, not stored as facts.
        occurred_at: the episode's reference time (each fact's ``valid_from``).
        digest: the episode's content hash.
        metadata: stored on the episode and on each fact (with the message's role and name).
        existing: current facts of the scope by text hash: a repeat merges into them.
        embeddings: one vector per stored (non-system) message, in order.
    """
    episode_id = new_id()
    plan.add_episode(episode_id, messages, occurred_at, digest, metadata)
    stored = [m for m in messages if m.role != "system"]
    seen: set[str] = set()
    for message, vector in zip(stored, embeddings):
        text = message.content.strip()
        digest_text = text_hash(text)
        if digest_text in existing:
            fact = existing[digest_text]
            plan.merge(fact.id, fact.text, episode_id, fact.valid_from, fact.valid_to)
            continue
        if digest_text in seen:
            continue
        seen.add(digest_text)
        fact_metadata = {**(metadata or {}), "role": message.role}
        if message.name:
            fact_metadata["name"] = message.name
        plan.create_fact(
            NewFact(
                text=text,
                embedding=vector,
                valid_from=occurred_at,
                valid_to=None,
                metadata=fact_metadata,
            ),
            episode_id,
        )
    return episode_id
