"""Neighbouring turns of raw conversation hits, read from the episode they came from."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from graphmem.store._base import Row

__all__ = ["neighbouring_turns"]


def neighbouring_turns(
    rows: Sequence[Row], texts: Mapping[str, str], turns: int
) -> dict[str, list[str]]:
    """For each fact id, the ``turns`` messages before and after its own message in its first
    episode, rendered ``"Speaker: text"`` in conversation order (the hit's own turn excluded)."""
    found: dict[str, list[str]] = {}
    for row in rows:
        fact_id = row["fact_id"]
        if fact_id in found or fact_id not in texts:
            continue
        try:
            messages = json.loads(row.get("messages_json") or "[]")
        except ValueError:
            continue
        contents = [str(m.get("content", "")).strip() for m in messages if isinstance(m, dict)]
        spoken = [m for m in messages if isinstance(m, dict)]
        if texts[fact_id] not in contents:
            continue
        at = contents.index(texts[fact_id])
        around = [*range(max(0, at - turns), at), *range(at + 1, min(len(spoken), at + 1 + turns))]
        found[fact_id] = [
            f"{spoken[i].get('name') or spoken[i].get('role', '?')}: {contents[i]}"
            for i in around
            if spoken[i].get("role") != "system" and contents[i]
        ]
    return found
