"""Property: random interleavings of API calls over users, agents and runs sharing names and
texts never return, change or delete data outside the call's scope (runs included)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmem import Memory, MemoryConfig
from graphmem.errors import NotFoundError, ScopeError

SNAPSHOT = (
    "MATCH (f:Fact) OPTIONAL MATCH (f)-[a:ABOUT]->(n:Entity) "
    "RETURN f.id, f.text, f.user_id, f.agent_id, f.run_id, f.valid_to, f.expired_at, "
    "f.mentions, count(n) ORDER BY f.id"
)
SCOPES = st.fixed_dictionaries(
    {
        "user_id": st.sampled_from(["ann", "bob"]),
        "agent_id": st.sampled_from([None, "bot"]),
        "run_id": st.sampled_from([None, "r1", "r2"]),
    }
)
TEXTS = st.sampled_from(["I live in Rome.", "I like tea.", "Ann likes tea.", "I live in Oslo."])
OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "get_all", "search", "update", "delete", "delete_all", "get"]),
        SCOPES,
        TEXTS,
        st.integers(0, 50),
    ),
    min_size=2,
    max_size=8,
)


@pytest.fixture(scope="module")
def memory(data_dir: Path, embedder: Any):
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    made = Memory(config, embedder=embedder)
    made._ensure_ready()
    yield made
    made.reset()
    made.close()


def _snapshot(memory: Memory) -> dict[str, tuple[Any, ...]]:
    rows = memory._store._connect().query(SNAPSHOT).result_set  # type: ignore[attr-defined]
    return {row[0]: tuple(row) for row in rows}


def _inside(row: tuple[Any, ...], scope: dict[str, str | None]) -> bool:
    values = {"user_id": row[2], "agent_id": row[3], "run_id": row[4]}
    return all(v is None or values[k] == v for k, v in scope.items())


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
def test_no_call_reaches_outside_its_scope(memory: Memory, ops: list[Any]) -> None:
    memory.reset()
    for op, scope, text, pick in ops:
        before = _snapshot(memory)
        ids = sorted(before)
        target = ids[pick % len(ids)] if ids else "missing"
        if op == "add":
            memory.add(text, infer=False, **scope)
        elif op == "get_all":
            assert all(_inside(before[f.id], scope) for f in memory.get_all(**scope))
        elif op == "search":
            hits = memory.search(text, **scope).hits
            assert all(_inside(before[h.fact.id], scope) for h in hits)
        elif op == "get":
            try:
                assert _inside(before[memory.get(target, **scope).id], scope)
            except NotFoundError:
                assert target not in before or not _inside(before[target], scope)
        elif op in ("update", "delete"):
            try:
                if op == "update":
                    memory.update(target, text + " (edited)", **scope)
                else:
                    memory.delete(target, **scope)
            except NotFoundError:
                assert target not in before or not _inside(before[target], scope)
        else:
            memory.delete_all(**scope)
        after = _snapshot(memory)
        outside = {k: v for k, v in before.items() if not _inside(v, scope)}
        assert {k: after.get(k) for k in outside} == outside, (op, scope)


def test_edge_whitespace_scope_ids_cannot_alias_another_user(
    memory_factory: Callable[..., Memory],
) -> None:
    """FalkorDB's range index trims edge whitespace from indexed strings, so a stored "bob "
    would be found by user_id="bob". Such ids are refused before anything is written."""
    memory = memory_factory()
    memory.add("bob's secret is the blue key", user_id="bob", infer=False)
    for alias in ("bob ", " bob", "bob\t"):
        with pytest.raises(ScopeError):
            memory.add("an impostor's note", user_id=alias, infer=False)
        with pytest.raises(ScopeError):
            memory.search("secret", user_id=alias)
    assert [f.text for f in memory.get_all(user_id="bob")] == ["bob's secret is the blue key"]
