"""Reading conversation files for ``add``/``import``, and the checkpoint that makes them
resumable.

A file is JSON (a list of items, one ``{"messages": [...]}`` conversation, or mem0's
``{"results": [...]}``) or JSONL (one item per line). An item is a string, a list of messages,
one message ``{"role", "content"}``, ``{"messages": ..., "user_id": ..., "occurred_at": ...,
"metadata": ...}``, or a mem0 memory ``{"memory": ..., "user_id": ..., "created_at": ...}``.

Resuming: an episode's identity is its messages plus ``occurred_at``. Items without a time get
``started_at + i ms``, where ``started_at`` is kept in a checkpoint file next to the input, so
a second run of the same file computes the same identities and skips what is stored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from graphmem.cli._common import CliError, read_json

_ITEM_KEYS = ("user_id", "agent_id", "run_id", "metadata", "occurred_at")


def load_items(path: Path) -> list[Any]:
    """The items of a JSON or JSONL file, normalized to ``{"messages": ..., ...}`` dicts."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        raw: list[Any] = []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    raw.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise CliError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
    else:
        data = read_json(path)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]  # mem0's get_all() shape
        raw = data if isinstance(data, list) else [data]
    return [_item(value) for value in raw]


def _item(value: Any) -> Any:
    if isinstance(value, dict) and "messages" in value:
        return value
    if isinstance(value, dict) and ("memory" in value or "text" in value) and "role" not in value:
        item: dict[str, Any] = {"messages": value.get("memory", value.get("text"))}
        item.update({k: value[k] for k in _ITEM_KEYS if value.get(k) is not None})
        if "occurred_at" not in item and value.get("created_at"):
            item["occurred_at"] = value["created_at"]
        return item
    return {"messages": value}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stable_times(
    items: list[Any], path: Path, checkpoint: Path | None, restart: bool
) -> tuple[list[Any], bool, Path]:
    """Give untimed items a time that survives a re-run; returns (items, resuming, checkpoint)."""
    checkpoint = checkpoint or path.with_name(path.name + ".graphmem-checkpoint.json")
    digest = file_digest(path)
    started: datetime | None = None
    if checkpoint.is_file() and not restart:
        try:
            saved = json.loads(checkpoint.read_text(encoding="utf-8"))
            if saved.get("file_sha256") == digest:
                started = datetime.fromisoformat(saved["started_at"])
        except (ValueError, KeyError, TypeError, OSError):
            started = None
    resuming = started is not None
    if started is None:
        started = datetime.now(timezone.utc)
        try:
            checkpoint.write_text(
                json.dumps({"file_sha256": digest, "started_at": started.isoformat()}) + "\n",
                encoding="utf-8",
            )
        except OSError as exc:
            raise CliError(f"cannot write the checkpoint {checkpoint}: {exc}") from exc
    timed = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and not item.get("occurred_at"):
            item = {**item, "occurred_at": started + timedelta(milliseconds=index)}
        timed.append(item)
    return timed, resuming, checkpoint
