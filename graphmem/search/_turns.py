"""Neighbouring turns of raw conversation hits, read from the episode they came from and, across
``add()`` calls, from the scope's previous and next episodes (``write/episode_create`` links them
by NEXT) when those belong to the same conversation (within :data:`SESSION_GAP_MS`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from graphmem.store._base import Row

__all__ = ["SESSION_GAP_MS", "neighbouring_turns", "replies"]

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


def _spoken_around(row: Row, text: str) -> tuple[list[dict[str, Any]], int] | None:
    """The messages of a hit's episode, with the previous/next episode's of the same
    conversation on either side, and the index of the hit's own message (None: not there)."""
    own = _messages(row.get("messages_json"))
    contents = [str(m.get("content", "")).strip() for m in own]
    text = text.strip()
    if text not in contents:
        return None
    at = row.get("occurred_at")
    before = _messages(row.get("before_json")) if _same_session(at, row.get("before_at")) else []
    after = _messages(row.get("after_json")) if _same_session(at, row.get("after_at")) else []
    return [*before, *own, *after], len(before) + contents.index(text)


def _speaker(message: Mapping[str, Any]) -> str:
    return str(message.get("name") or message.get("role", "?"))


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
        located = _spoken_around(row, texts[fact_id])
        if located is None:
            continue
        spoken, here = located
        around = [
            *range(max(0, here - turns), here),
            *range(here + 1, min(len(spoken), here + 1 + turns)),
        ]
        found[fact_id] = [
            f"{_speaker(spoken[i])}: {str(spoken[i].get('content', '')).strip()}" for i in around
        ]
    return found


def replies(rows: Sequence[Row], texts: Mapping[str, str]) -> dict[str, str]:
    """For each fact id whose turn asks something (its text has a ``?``), the text of the next
    turn of the same conversation when another speaker says it: the reply to the question."""
    found: dict[str, str] = {}
    for row in rows:
        fact_id = row["fact_id"]
        if fact_id in found or "?" not in texts.get(fact_id, ""):
            continue
        located = _spoken_around(row, texts[fact_id])
        if located is None:
            continue
        spoken, here = located
        if here + 1 < len(spoken) and _speaker(spoken[here + 1]) != _speaker(spoken[here]):
            found[fact_id] = str(spoken[here + 1].get("content", "")).strip()
    return found
