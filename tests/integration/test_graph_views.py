"""Memory.graph() and Memory.neighbors(): the scope as a networkx graph, and walks."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone

import networkx as nx
import pytest

from graphmem import AsyncMemory, InputError, Memory, MemoryConfig
from graphmem._demo import STORY, USER
from graphmem.llm import ScriptedLLM


@pytest.fixture(scope="module")
def memory(data_dir, embedder):
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    llm = ScriptedLLM([answer for _, _, answer in STORY] * 2)
    memory = Memory(config, embedder=embedder, llm=llm)
    for when, text, _ in STORY:
        memory.add(text, user_id=USER, occurred_at=when)
    # the same story for another user: same names, other nodes
    for when, text, _ in STORY[:2]:
        memory.add(text, user_id="someone-else", occurred_at=when)
    yield memory
    memory.reset()
    memory.close()


def triples(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {
        (graph.nodes[u]["name"], data["type"], graph.nodes[v]["name"])
        for u, v, data in graph.edges(data=True)
    }


def test_graph_is_the_current_world_of_the_scope(memory: Memory) -> None:
    graph = memory.graph(user_id=USER)
    assert triples(graph) == {
        ("Alice", "LIVES_IN", "Lisbon"),
        ("Alice", "WORKS_AT", "Feedzai"),
        ("Alice", "MANAGED_BY", "Carla Sousa"),
        ("Carla Sousa", "LIVES_IN", "Cascais"),
        ("Bob Meyer", "LIVES_IN", "Potsdam"),
    }
    assert all(graph.nodes[n]["type"] for n in graph.nodes)
    key_fact = next(
        k for _, _, k, d in graph.edges(keys=True, data=True) if d["type"] == "WORKS_AT"
    )
    assert memory.get(key_fact).text == "Alice works at Feedzai."


def test_graph_as_of_and_with_history(memory: Memory) -> None:
    then = memory.graph(user_id=USER, as_of=datetime(2022, 1, 1, tzinfo=timezone.utc))
    assert ("Alice", "LIVES_IN", "Berlin") in triples(then)
    assert ("Alice", "LIVES_IN", "Lisbon") not in triples(then)
    history = memory.graph(user_id=USER, include_history=True)
    assert {("Alice", "LIVES_IN", "Berlin"), ("Alice", "LIVES_IN", "Lisbon")} <= triples(history)
    assert history.number_of_edges() == 8


def test_graph_never_shows_another_scope(memory: Memory) -> None:
    mine = memory.graph(user_id=USER)
    theirs = memory.graph(user_id="someone-else")
    assert set(mine.nodes).isdisjoint(theirs.nodes)
    assert ("Alice", "LIVES_IN", "Berlin") in triples(theirs)
    assert memory.graph(user_id="nobody").number_of_nodes() == 0


def test_neighbors_walks_from_a_name_or_alias(memory: Memory) -> None:
    one_hop = memory.neighbors("Ali", user_id=USER)
    assert {(r.source, r.relationship, r.destination) for r in one_hop} == {
        ("Alice", "LIVES_IN", "Lisbon"),
        ("Alice", "WORKS_AT", "Feedzai"),
        ("Alice", "MANAGED_BY", "Carla Sousa"),
    }
    two_hops = memory.neighbors("Alice", user_id=USER, hops=2)
    assert ("Carla Sousa", "LIVES_IN", "Cascais") in {
        (r.source, r.relationship, r.destination) for r in two_hops
    }
    assert memory.neighbors("Alice", user_id="nobody") == []
    assert memory.neighbors("Nobody At All", user_id=USER) == []
    with pytest.raises(InputError):
        memory.neighbors("", user_id=USER)
    with pytest.raises(InputError):
        memory.neighbors("Alice", user_id=USER, hops=9)


def test_async_twins(memory: Memory) -> None:
    async_memory = AsyncMemory.__new__(AsyncMemory)
    async_memory._sync = memory
    graph = asyncio.run(async_memory.graph(user_id=USER))
    assert graph.number_of_edges() == 5
    assert len(asyncio.run(async_memory.neighbors("Alice", user_id=USER))) == 3
