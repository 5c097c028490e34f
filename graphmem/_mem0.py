"""mem0's filter language on graphmem: scope ids out of ``filters``, the rest as a condition.

mem0 1.x passes the scope as keywords (``user_id="alice"``) and metadata filters as
``filters={"category": "food"}``; mem0 2.x puts the scope into ``filters`` too and adds logic:
``{"AND": [{"user_id": "alice"}, {"created_at": {"gte": "2024-07-01"}}]}`` with ``OR``/``NOT``
and the operators eq, ne, gt, gte, lt, lte, in, nin, contains, icontains and ``"*"``.

Scope ids given as plain equalities (at the top level or in a top-level ``AND``) become the
query's scope, so isolation is still enforced inside the database; everything else is a
condition evaluated on each memory (its metadata keys and its mem0 fields).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphmem._temporal import parse_time
from graphmem.errors import InputError, ScopeError
from graphmem.types import Fact

__all__ = ["Mem0Filters", "mem0_config", "merge_scope", "split_filters"]

logger = logging.getLogger("graphmem")

SCOPE_KEYS = ("user_id", "agent_id", "run_id")
NATIVE_KEYS = frozenset({"predicate", "entity", "metadata", "valid_after", "valid_before"})
OPERATORS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "icontains"})
LOGIC = ("AND", "OR", "NOT")
_TIME_FIELDS = frozenset({"created_at", "updated_at", "valid_from", "valid_to"})


@dataclass(frozen=True)
class Mem0Filters:
    """``filters`` split into the scope, graphmem's own post-filters and a mem0 condition."""

    scope: dict[str, str] = field(default_factory=dict)
    native: dict[str, Any] = field(default_factory=dict)
    condition: dict[str, Any] | None = None

    def matches(self, fact: Fact) -> bool:
        """True if the fact satisfies the condition (always, without one)."""
        return self.condition is None or _holds(self.condition, _record(fact))


def split_filters(filters: object) -> Mem0Filters:
    """Split mem0-style ``filters``; raises InputError on a malformed tree or operator."""
    if filters is None:
        return Mem0Filters()
    if not isinstance(filters, Mapping):
        raise InputError(f"filters must be a dict, not {type(filters).__name__}")
    scope: dict[str, str] = {}
    native: dict[str, Any] = {}
    rest: list[dict[str, Any]] = []
    clauses: list[tuple[str, Any]] = []
    for key, value in filters.items():
        if key == "AND" and isinstance(value, list):
            for item in value:
                if not isinstance(item, Mapping):
                    raise InputError(f"each AND clause must be a dict, got {item!r}")
                clauses.extend(item.items())
        elif key in NATIVE_KEYS:
            native[key] = value
        else:
            clauses.append((key, value))
    for key, value in clauses:
        if key in SCOPE_KEYS and isinstance(value, str) and value != "*":
            if scope.get(key, value) != value:
                raise ScopeError(f"filters ask for two different {key} values")
            scope[key] = value
        else:
            _check(key, value)
            rest.append({key: value})
    condition = {"AND": rest} if rest else None
    return Mem0Filters(scope=scope, native=native, condition=condition)


def merge_scope(explicit: Mapping[str, str | None], given: Mapping[str, str]) -> dict[str, Any]:
    """Keyword scope ids plus those from filters; a contradiction is a ScopeError."""
    merged: dict[str, Any] = dict(explicit)
    for key, value in given.items():
        if merged.get(key) not in (None, value):
            raise ScopeError(f"{key}={merged[key]!r} conflicts with filters {key}={value!r}")
        merged[key] = value
    return merged


def _check(key: str, value: Any) -> None:
    """Validate a clause up front, so a typo fails even when nothing matches."""
    if key in LOGIC:
        items = [value] if key == "NOT" and isinstance(value, Mapping) else value
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            raise InputError(f"{key} takes a list of filter dicts, got {value!r}")
        for item in items:
            for sub_key, sub_value in item.items():
                _check(sub_key, sub_value)
        return
    if isinstance(value, Mapping):
        unknown = set(value) - OPERATORS
        if unknown or not value:
            raise InputError(
                f"unknown filter operator(s) {sorted(unknown)} on {key!r}; "
                f"use one of {sorted(OPERATORS)}"
            )
        for op in ("in", "nin"):
            if op in value and not isinstance(value[op], list):
                raise InputError(f"{key!r}: {op!r} takes a list, got {value[op]!r}")


def _record(fact: Fact) -> dict[str, Any]:
    record: dict[str, Any] = dict(fact.metadata or {})
    record.update(
        id=fact.id,
        memory=fact.text,
        hash=fact.hash,
        predicate=fact.predicate,
        created_at=fact.recorded_at,
        updated_at=fact.updated_at,
        valid_from=fact.valid_from,
        valid_to=fact.valid_to,
        user_id=fact.user_id,
        agent_id=fact.agent_id,
        run_id=fact.run_id,
    )
    return record


_MISSING = object()


def _holds(node: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
    for key, value in node.items():
        if key == "AND":
            ok = all(_holds(item, record) for item in value)
        elif key == "OR":
            ok = any(_holds(item, record) for item in value)
        elif key == "NOT":
            items = [value] if isinstance(value, Mapping) else value
            ok = not any(_holds(item, record) for item in items)
        else:
            ok = _field(key, record.get(key, _MISSING), value)
        if not ok:
            return False
    return True


def _field(key: str, actual: Any, spec: Any) -> bool:
    if spec == "*":
        return actual is not _MISSING and actual is not None
    ops = spec if isinstance(spec, Mapping) else {"eq": spec}
    if actual is _MISSING:
        return all(op in ("ne", "nin") for op in ops)
    return all(_compare(key, op, actual, want) for op, want in ops.items())


def _compare(key: str, op: str, actual: Any, want: Any) -> bool:
    if isinstance(actual, datetime) or (key in _TIME_FIELDS and actual is not None):
        want = _as_time(key, want)
    if op == "eq":
        return bool(actual == want)
    if op == "ne":
        return bool(actual != want)
    if op == "in":
        return actual in want
    if op == "nin":
        return actual not in want
    if op in ("contains", "icontains"):
        if not isinstance(actual, str) or not isinstance(want, str):
            return isinstance(actual, list) and want in actual
        return want.lower() in actual.lower() if op == "icontains" else want in actual
    if actual is None:
        return False
    try:
        if op == "gt":
            return bool(actual > want)
        if op == "gte":
            return bool(actual >= want)
        if op == "lt":
            return bool(actual < want)
        return bool(actual <= want)
    except TypeError as exc:
        raise InputError(f"cannot compare {key}={actual!r} with {want!r} ({op})") from exc


def _as_time(key: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_as_time(key, v) for v in value]
    if isinstance(value, (str, datetime)):
        try:
            return parse_time(value)
        except ValueError as exc:
            raise InputError(f"{key} filter is not an ISO-8601 time: {value!r}") from exc
    return value


_IGNORED_SECTIONS = {
    "vector_store": "graphmem keeps embeddings in the graph store",
    "history_db_path": "graphmem keeps history in the graph store",
    "version": "graphmem has one API version",
}
_UNSUPPORTED_SECTIONS = ("custom_fact_extraction_prompt", "custom_update_memory_prompt")


def mem0_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """Map the keys of a mem0 config dict onto graphmem's (see ``Memory.from_config``).

    ``vector_store``, ``history_db_path`` and ``version`` are dropped with a warning (graphmem
    keeps vectors and history in its graph store); mem0's Neo4j ``url``/``username`` become
    ``uri``/``user``; custom mem0 prompts are a ConfigError (graphmem's extraction contract
    differs). Anything else goes to :meth:`MemoryConfig.from_dict` unchanged.
    """
    from graphmem.errors import ConfigError

    if not isinstance(data, Mapping):
        raise ConfigError(f"config must be a dict, not {type(data).__name__}")
    mapped: dict[str, Any] = {}
    for key, value in data.items():
        if key in _IGNORED_SECTIONS:
            logger.warning("ignoring mem0 config %r: %s", key, _IGNORED_SECTIONS[key])
        elif key in _UNSUPPORTED_SECTIONS:
            raise ConfigError(
                f"{key} is a mem0 prompt; graphmem extracts with its own contract "
                "(customize the ontology instead: Memory(ontology=...))"
            )
        elif key == "graph_store" and isinstance(value, Mapping):
            mapped[key] = _graph_store(value)
        else:
            mapped[key] = value
    return mapped


def _graph_store(section: Mapping[str, Any]) -> dict[str, Any]:
    inner = dict(section.get("config") or {})
    if section.get("provider") == "neo4j":
        if "url" in inner and "uri" not in inner:
            inner["uri"] = inner.pop("url")
        if "username" in inner and "user" not in inner:
            inner["user"] = inner.pop("username")
    out = {k: v for k, v in section.items() if k != "config"}
    out["config"] = inner
    return out
