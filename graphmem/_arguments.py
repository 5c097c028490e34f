"""Checks of the public API's arguments: pure functions, no I/O, one typed error each.

Bad input raises :class:`~graphmem.errors.InputError` (or ``ScopeError`` for scope ids) before
anything is read or written.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from graphmem._messages import check_storable
from graphmem._temporal import parse_time
from graphmem.errors import InputError
from graphmem.types import Fact, Scope

__all__ = [
    "MAX_HOPS",
    "MAX_LIMIT",
    "actor",
    "check_filters",
    "check_flag",
    "check_hops",
    "check_limit",
    "check_memory_id",
    "check_metadata",
    "check_threshold",
    "check_time",
    "in_scope",
    "optional_scope",
    "reject_unsupported",
]

MAX_LIMIT = 1_000
MAX_HOPS = 4  # as SearchConfig.hops
MAX_METADATA_BYTES = 64 * 1024  # as UTF-8 JSON; stored on the episode and on each fact
MAX_METADATA_DEPTH = 32


def check_limit(limit: object) -> int:
    """A result count from 1 to :data:`MAX_LIMIT`."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be an integer from 1 to {MAX_LIMIT}, got {limit!r}")
    return limit


def check_memory_id(memory_id: object) -> str:
    """A memory id: a non-empty string of at most 128 characters."""
    if not isinstance(memory_id, str) or not memory_id.strip() or len(memory_id) > 128:
        raise InputError(f"memory_id must be a non-empty string, got {memory_id!r}")
    return memory_id


def check_time(value: object, what: str) -> datetime | None:
    """A datetime or an ISO-8601 string (``Z`` allowed), as UTC; ``None`` stays ``None``."""
    if value is None or isinstance(value, (datetime, str)):
        try:
            return parse_time(value)
        except ValueError as exc:
            raise InputError(f"{what} is not an ISO-8601 time in years 1-9999: {value!r}") from exc
    raise InputError(f"{what} must be a datetime or an ISO-8601 string, not {value!r}")


def check_metadata(metadata: object) -> dict[str, Any] | None:
    """A JSON-serializable dict of bounded size and depth, or ``None``."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise InputError("metadata must be a dict")
    _check_metadata_shape(metadata)
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise InputError(f"metadata must be JSON-serializable: {exc}") from exc
    if size > MAX_METADATA_BYTES:
        raise InputError(f"metadata is {size} bytes as JSON; the limit is {MAX_METADATA_BYTES}")
    return metadata


def check_flag(value: object, what: str) -> bool:
    """A real ``bool`` (not a truthy value)."""
    if not isinstance(value, bool):
        raise InputError(f"{what} must be True or False, got {value!r}")
    return value


def check_hops(hops: object) -> int:
    """A graph expansion depth from 0 to :data:`MAX_HOPS`."""
    if not isinstance(hops, int) or isinstance(hops, bool) or not 0 <= hops <= MAX_HOPS:
        raise InputError(f"hops must be an integer from 0 to {MAX_HOPS}, got {hops!r}")
    return hops


def check_threshold(threshold: object) -> float | None:
    """A minimum similarity (any number), or ``None``."""
    if threshold is None:
        return None
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
        raise InputError(f"threshold must be a number, got {threshold!r}")
    return float(threshold)


def check_filters(filters: object) -> dict[str, Any]:
    """graphmem's own search filters, as a new dict (``entity`` must be a name)."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise InputError(f"filters must be a dict, not {type(filters).__name__}")
    entity = filters.get("entity")
    if entity is not None and not isinstance(entity, str):
        raise InputError(f"filters['entity'] must be an entity name, not {entity!r}")
    return dict(filters)


def reject_unsupported(**options: object) -> None:
    """Refuse mem0 options graphmem accepts for binding but does not support."""
    given = [name for name, value in options.items() if value is not None]
    if given:
        raise InputError(f"graphmem does not support mem0's {', '.join(given)} option(s)")


def optional_scope(user_id: str | None, agent_id: str | None, run_id: str | None) -> Scope | None:
    """The scope of the ids given, or ``None`` when none is (a lookup by id alone)."""
    if user_id is None and agent_id is None and run_id is None:
        return None
    return Scope(user_id=user_id, agent_id=agent_id, run_id=run_id)


def in_scope(fact: Fact, user_id: str | None, agent_id: str | None, run_id: str | None) -> bool:
    """True if the fact carries every scope id given."""
    wanted = {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}
    return all(value is None or getattr(fact, name) == value for name, value in wanted.items())


def actor(scope: Scope) -> str | None:
    """Who a change is recorded as made by, in the history."""
    return scope.agent_id or scope.user_id or scope.run_id


def _check_metadata_shape(metadata: dict[str, Any]) -> None:
    """Depth and text of metadata, walked without recursion (no RecursionError on deep input)."""
    stack: list[tuple[object, int]] = [(metadata, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_METADATA_DEPTH:
            raise InputError(f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels")
        if isinstance(value, str):
            check_storable(value, "a metadata value")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    check_storable(key, "a metadata key")
                stack.append((item, depth + 1))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)
