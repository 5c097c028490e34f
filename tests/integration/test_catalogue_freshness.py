"""A cached search catalogue notices every write made by another client, and costs one clock
read when nothing changed.

Two ``Memory`` objects on one graph stand for two processes (separate catalogues, one store).
Each kind of write made through the second must be visible to the first's next search, also
when the first searches a wider scope (a user's runs) than the one written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graphmem import Memory

MakeMemory = Callable[..., Memory]


@pytest.fixture
def pair(memory_factory: MakeMemory) -> tuple[Memory, Memory]:
    reader = memory_factory()
    writer = memory_factory(graph_store=_same_graph(reader))
    reader._ensure_ready()
    writer._ensure_ready()  # opened before any write: nothing is left for it to label
    reader.add("Dana plays the cello in a quartet.", user_id="dana", infer=False)
    reader.add("Dana keeps bees on the roof.", user_id="dana", run_id="r1", infer=False)
    assert _texts(reader, "cello") and _texts(reader, "bees")  # catalogue cached
    return reader, writer


def _same_graph(memory: Memory) -> dict[str, Any]:
    store = memory.config.graph_store
    return {"data_dir": str(store.data_dir), "graph": store.graph}


def _texts(memory: Memory, query: str, **scope: Any) -> list[str]:
    scope = scope or {"user_id": "dana"}
    return [hit.fact.text for hit in memory.search(query, limit=10, **scope).hits]


def test_an_add_in_a_run_is_seen_by_a_search_of_the_user(pair: tuple[Memory, Memory]) -> None:
    reader, writer = pair
    writer.add("Dana bought a red kayak.", user_id="dana", run_id="r2", infer=False)
    assert "Dana bought a red kayak." in _texts(reader, "kayak")


def test_an_update_is_seen(pair: tuple[Memory, Memory]) -> None:
    reader, writer = pair
    fact = next(f for f in writer.get_all(user_id="dana") if "bees" in f.text)
    writer.update(fact.id, "Dana keeps pigeons on the roof.", user_id="dana")
    found = _texts(reader, "pigeons")
    assert "Dana keeps pigeons on the roof." in found
    assert "Dana keeps bees on the roof." not in found


def test_a_delete_is_seen(pair: tuple[Memory, Memory]) -> None:
    reader, writer = pair
    fact = next(f for f in writer.get_all(user_id="dana") if "cello" in f.text)
    writer.delete(fact.id, user_id="dana")
    catalogue = reader._searcher._catalogue.get(reader._scope("dana", None, None))
    assert fact.id not in catalogue.docs


def test_delete_all_of_a_run_is_seen(pair: tuple[Memory, Memory]) -> None:
    reader, writer = pair
    writer.delete_all(user_id="dana", run_id="r1")
    catalogue = reader._searcher._catalogue.get(reader._scope("dana", None, None))
    assert [d.text for d in catalogue.docs.values()] == ["Dana plays the cello in a quartet."]


def test_no_write_costs_no_fingerprint(
    pair: tuple[Memory, Memory], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, writer = pair
    calls: list[int] = []
    fingerprint = reader._repository.scope_signature

    def counted(*args: Any) -> Any:
        calls.append(1)
        return fingerprint(*args)

    monkeypatch.setattr(reader._repository, "scope_signature", counted)
    for _ in range(3):
        _texts(reader, "cello")
    assert calls == []
    writer.add("Dana visited Lisbon.", user_id="dana", infer=False)
    assert "Dana visited Lisbon." in _texts(reader, "Lisbon")
    assert calls == [1]


def test_clocks_of_older_versions_get_their_scope_ids(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    memory.add("Dana plays the cello.", user_id="dana", run_id="r1", infer=False)
    graph = memory._store._connect()  # type: ignore[attr-defined]
    graph.query("MATCH (c:ScopeClock) REMOVE c.user_id, c.run_id")  # as older versions wrote
    again = memory_factory(graph_store=_same_graph(memory))
    again._ensure_ready()
    rows = graph.query("MATCH (c:ScopeClock) RETURN c.user_id, c.agent_id, c.run_id").result_set
    assert rows == [["dana", None, "r1"]]


def test_relationship_types_are_read_again_only_after_a_write(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphmem._demo import STORY, USER
    from graphmem.llm import ScriptedLLM

    memory = memory_factory()
    memory._llm = ScriptedLLM([answer for _, _, answer in STORY[:2]])  # type: ignore[attr-defined]
    memory.add(STORY[0][1], user_id=USER, occurred_at=STORY[0][0])
    calls: list[int] = []
    read = memory._repository.relationship_types

    def counted() -> list[str]:
        calls.append(1)
        return read()

    monkeypatch.setattr(memory._repository, "relationship_types", counted)
    for _ in range(3):
        assert memory.search("Where does Alice live?", user_id=USER).hits
    assert calls == [1]
    memory.add(STORY[1][1], user_id=USER, occurred_at=STORY[1][0])  # MANAGED_BY is new
    memory.search("Who is Alice's manager?", user_id=USER)
    assert calls == [1, 1]
