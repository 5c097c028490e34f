"""Neighbouring turns of raw conversation hits, read from the episode they came from and, across
``add()`` calls, from the scope's previous and next episodes (``write/episode_create`` links them
by NEXT) when those belong to the same conversation (within :data:`SESSION_GAP_MS`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graphmem.store._base import Row

__all__ = ["SESSION_GAP_MS", "neighbouring_turns"]

SESSION_GAP_MS = 60 * 60 * 1000
"""Two consecutive episodes of a scope are one conversation when their times (``occurred_at``)
are at most this far apart; neighbouring turns never cross a longer gap."""


def _messages(raw: Any) -> list[dict[str, Any]]:
    try:
        messages = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return []
    return [
        m
        for m in messages
        if isinstance(m, dict) and m.get("role") != "system" and str(m.get("content", "")).strip()
    ]


def _same_session(at: Any, other: Any) -> bool:
    if not isinstance(at, (int, float)) or not isinstance(other, (int, float)):
        return False
    return abs(at - other) <= SESSION_GAP_MS


def neighbouring_turns(
    rows: Sequence[Row], texts: Mapping[str, str], turns: int
) -> dict[str, list[str]]:
    """For each fact id, the ``turns`` messages before and after its own message in its first
    episode, continued into the previous/next episode of the same conversation when the hit is
    at its episode's edge; rendered ``"Speaker: text"`` in order (the hit's own turn excluded).
    """
    found: dict[str, list[str]] = {}
    for row in rows:
        fact_id = row["fact_id"]
        if fact_id in found or fact_id not in texts:
            continue
        own = _messages(row.get("messages_json"))
        contents = [str(m.get("content", "")).strip() for m in own]
        if texts[fact_id] not in contents:
            continue
        at = row.get("occurred_at")
        before = (
            _messages(row.get("before_json")) if _same_session(at, row.get("before_at")) else []
        )
        after = _messages(row.get("after_json")) if _same_session(at, row.get("after_at")) else []
        spoken = [*before, *own, *after]
        here = len(before) + contents.index(texts[fact_id])
        around = [
            *range(max(0, here - turns), here),
            *range(here + 1, min(len(spoken), here + 1 + turns)),
        ]
        found[fact_id] = [
            f"{spoken[i].get('name') or spoken[i].get('role', '?')}: "
            f"{str(spoken[i].get('content', '')).strip()}"
            for i in around
        ]
    return found
