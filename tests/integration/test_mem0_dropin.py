"""mem0's documented open-source snippets, run unchanged against graphmem (only the import differs).

Each test is one snippet from mem0's docs (quickstart, add, search, get_all, get, update, delete,
history, v2 filters), with the result shape mem0 documents; the typed graphmem objects stay
available on the same results. Real FalkorDB, real MiniLM; ``infer=False`` (no LLM).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from graphmem import ConfigError, FactList, InputError, Memory, ScopeError, SearchResult
from graphmem._mem0 import mem0_config

MakeMemory = Callable[..., Memory]

MEM0_ITEM_KEYS = {"id", "memory", "hash", "metadata", "created_at", "updated_at"}


def _seed(m: Memory) -> dict[str, str]:
    """Alice's and Bob's memories with mem0-style metadata; text -> id."""
    ids: dict[str, str] = {}
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("alice", "I love Italian food, especially pizza.", {"category": "food", "rating": 5}),
        ("alice", "I am allergic to peanuts.", {"category": "health", "rating": 3}),
        ("alice", "I play tennis on weekends.", {"category": "hobbies", "rating": 4}),
        ("bob", "I love sushi.", {"category": "food", "rating": 5}),
    ]
    for user, text, metadata in rows:
        added = m.add(text, user_id=user, metadata=metadata, infer=False)
        ids[text] = added["results"][0]["id"]
    return ids


def test_quickstart_add_then_search_reads_results_key(memory_factory: MakeMemory) -> None:
    # mem0 quickstart: add a conversation, search, read results["results"]
    m = memory_factory()
    messages = [
        {"role": "user", "content": "I'm planning to watch a movie tonight. Any recommendations?"},
        {"role": "assistant", "content": "How about thriller movies?"},
        {"role": "user", "content": "I'm not a big fan of thriller movies but I love sci-fi."},
    ]
    added = m.add(messages, user_id="alice", metadata={"category": "movies"}, infer=False)
    assert isinstance(added["results"], list) and len(added["results"]) == 3
    assert {r["event"] for r in added["results"]} == {"ADD"}
    assert set(added["results"][0]) == {"id", "memory", "event"}

    results = m.search("What kind of movies does alice like?", user_id="alice")
    memories = results["results"]
    assert memories and "sci-fi" in " ".join(r["memory"] for r in memories)
    for entry in results["results"]:
        assert MEM0_ITEM_KEYS | {"score", "user_id"} <= set(entry)
        assert entry["user_id"] == "alice" and entry["metadata"]["category"] == "movies"
        assert isinstance(entry["score"], float)
    # the typed object is the same value
    assert isinstance(results, SearchResult) and results.hits[0].fact.id == memories[0]["id"]
    assert "relations" in results and results.get("missing") is None
    json.dumps(results.to_dict())


def test_get_all_is_mem0_dict_and_typed_list(memory_factory: MakeMemory) -> None:
    m = memory_factory()
    ids = _seed(m)
    all_memories = m.get_all(user_id="alice")
    assert isinstance(all_memories, FactList) and len(all_memories) == 3
    assert set(all_memories.keys()) == {"results"}
    texts = {item["memory"] for item in all_memories["results"]}
    assert texts == {t for t in ids if "sushi" not in t}
    assert all(set(item) >= MEM0_ITEM_KEYS for item in all_memories["results"])
    assert all_memories[0].text in texts  # integer index: the typed Fact


def test_get_update_history_delete_shapes(memory_factory: MakeMemory) -> None:
    m = memory_factory()
    memory_id = _seed(m)["I play tennis on weekends."]

    specific = m.get(memory_id)
    assert specific["id"] == memory_id and specific["memory"] == "I play tennis on weekends."
    assert specific["user_id"] == "alice" and specific["hash"]

    updated = m.update(memory_id=memory_id, data="I play padel on weekends.")
    assert updated["message"] == "Memory updated successfully!"
    assert m.get(memory_id)["memory"] == "I play padel on weekends."

    history = m.history(memory_id=memory_id)
    assert [h["event"] for h in history] == ["ADD", "UPDATE"]
    assert history[1]["old_memory"] == "I play tennis on weekends."
    assert history[1]["new_memory"] == "I play padel on weekends."
    assert {"id", "memory_id", "created_at", "is_deleted"} <= set(history[0])

    deleted = m.delete(memory_id=memory_id)
    assert deleted["message"] == "Memory deleted successfully!"
    assert [h["event"] for h in m.history(memory_id=memory_id)][-1] == "DELETE"
    assert memory_id not in {r["id"] for r in m.get_all(user_id="alice")["results"]}


def test_v1_metadata_filter_and_limit_threshold(memory_factory: MakeMemory) -> None:
    m = memory_factory()
    _seed(m)
    food = m.search("what do I like?", user_id="alice", filters={"category": "food"}, limit=5)
    assert [r["memory"] for r in food["results"]] == ["I love Italian food, especially pizza."]
    strict = m.search("pizza", user_id="alice", threshold=0.99)
    assert strict["results"] == []


def test_v2_filters_carry_the_scope(memory_factory: MakeMemory) -> None:
    m = memory_factory()
    _seed(m)
    results = m.search("food", filters={"user_id": "alice"}, top_k=2)
    assert 1 <= len(results["results"]) <= 2
    assert {r["user_id"] for r in results["results"]} == {"alice"}
    anded = m.search(
        "food", filters={"AND": [{"user_id": "bob"}, {"category": {"in": ["food", "x"]}}]}
    )
    assert [r["memory"] for r in anded["results"]] == ["I love sushi."]
    every = m.get_all(filters={"user_id": "alice"})
    assert len(every["results"]) == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"rating": {"gte": 4}}, {"pizza", "tennis"}),
        ({"rating": {"lt": 4}}, {"peanuts"}),
        ({"category": {"ne": "food"}}, {"peanuts", "tennis"}),
        ({"category": {"nin": ["food", "health"]}}, {"tennis"}),
        ({"OR": [{"category": "health"}, {"rating": 4}]}, {"peanuts", "tennis"}),
        ({"NOT": [{"category": "food"}]}, {"peanuts", "tennis"}),
        ({"memory": {"icontains": "PIZZA"}}, {"pizza"}),
        ({"category": "*"}, {"pizza", "peanuts", "tennis"}),
        ({"created_at": {"gte": "2000-01-01"}}, {"pizza", "peanuts", "tennis"}),
        ({"created_at": {"lt": "2000-01-01"}}, set()),
    ],
)
def test_v2_operators(
    memory_factory: MakeMemory, filters: dict[str, Any], expected: set[str]
) -> None:
    m = memory_factory()
    _seed(m)
    keys = {"pizza": "pizza", "peanuts": "peanuts", "tennis": "tennis"}

    def found(rows: list[dict[str, Any]]) -> set[str]:
        return {k for k in keys if any(k in r["memory"] for r in rows)}

    full = {"AND": [{"user_id": "alice"}, filters]}
    assert found(m.get_all(filters=full)["results"]) == expected
    assert found(m.search("what about me?", filters=full, top_k=10)["results"]) == expected


def test_filters_never_widen_the_scope(memory_factory: MakeMemory) -> None:
    m = memory_factory()
    _seed(m)
    with pytest.raises(ScopeError):
        m.search("food", user_id="alice", filters={"user_id": "bob"})
    with pytest.raises(ScopeError):  # no scope id at all: OR cannot select users
        m.search("food", filters={"OR": [{"user_id": "alice"}, {"user_id": "bob"}]})
    with pytest.raises(InputError, match="unknown filter operator"):
        m.search("food", user_id="alice", filters={"rating": {"between": [1, 2]}})
    with pytest.raises(InputError):
        m.add("x", user_id="alice", memory_type="procedural_memory", infer=False)


def test_from_config_accepts_mem0_keys(caplog: pytest.LogCaptureFixture) -> None:
    mem0_style = {
        "vector_store": {"provider": "qdrant", "config": {"host": "localhost", "port": 6333}},
        "graph_store": {
            "provider": "neo4j",
            "config": {"url": "neo4j://localhost:7687", "username": "neo4j", "password": "pw"},
        },
        "llm": {"provider": "openai", "config": {"model": "gpt-4.1-nano-2025-04-14"}},
        "history_db_path": "/tmp/history.db",
        "version": "v1.1",
    }
    with caplog.at_level(logging.WARNING, logger="graphmem"):
        mapped = mem0_config(mem0_style)
    assert "vector_store" not in mapped and "vector_store" in caplog.text
    store = mapped["graph_store"]["config"]
    assert store == {"uri": "neo4j://localhost:7687", "user": "neo4j", "password": "pw"}
    with pytest.raises(ConfigError, match="prompt"):
        Memory.from_config({"custom_fact_extraction_prompt": "Extract facts"})
    with pytest.raises(ConfigError):
        Memory.from_config({"embedder": {"provider": "openai", "config": {}}})


def test_import_a_mem0_export(memory_factory: MakeMemory) -> None:
    from graphmem.migrate import import_mem0

    exported = {  # what mem0's m.get_all(user_id="alice") returns
        "results": [
            {
                "id": "892db2ae-06d9-49e5-8b3e-585ef9b85b8e",
                "memory": "Likes to play cricket on weekends",
                "hash": "75d4e7d1e0ff1e4ad2b8fdcb4c5c3a5b",
                "metadata": {"category": "hobbies"},
                "created_at": "2024-07-26T10:29:36.630547-07:00",
                "updated_at": None,
                "user_id": "alice",
            },
            {
                "id": "a1b2",
                "memory": "Is vegetarian",
                "metadata": None,
                "created_at": "2024-08-01T09:00:00Z",
                "user_id": "alice",
            },
            {"id": "broken", "text": "no memory key", "user_id": "alice"},
            {"id": "noscope", "memory": "Has no owner"},
        ]
    }
    m = memory_factory()
    report = import_mem0(m, exported)
    assert (report.imported, report.duplicates) == (2, 0)
    assert [i for i, _ in report.errors] == [2, 3]
    facts = {f.text: f for f in m.get_all(user_id="alice")}
    cricket = facts["Likes to play cricket on weekends"]
    assert cricket.metadata["category"] == "hobbies"
    assert cricket.metadata["mem0_id"] == "892db2ae-06d9-49e5-8b3e-585ef9b85b8e"
    assert cricket.valid_from is not None and cricket.valid_from.isoformat().startswith(
        "2024-07-26T17:29:36"
    )
    assert report.ids["a1b2"] == facts["Is vegetarian"].id
    again = import_mem0(m, exported)
    assert (again.imported, again.duplicates) == (0, 2)
    assert len(m.get_all(user_id="alice")) == 2
    hits = m.search("sport", user_id="alice", filters={"mem0_id": {"ne": "a1b2"}})
    assert [r["memory"] for r in hits["results"]] == ["Likes to play cricket on weekends"]


def test_async_memory_speaks_mem0_too(memory_factory: MakeMemory) -> None:
    import asyncio

    from graphmem import AsyncMemory

    sync = memory_factory()

    async def scenario() -> None:
        m = AsyncMemory(sync.config, embedder=sync._embedder)
        added = await m.add("I love hiking.", user_id="zoe", metadata={"k": 1}, infer=False)
        memory_id = added["results"][0]["id"]
        found = await m.search("outdoors", filters={"AND": [{"user_id": "zoe"}, {"k": 1}]}, top_k=3)
        assert [r["id"] for r in found["results"]] == [memory_id]
        assert (await m.get_all(filters={"user_id": "zoe"}))["results"][0]["id"] == memory_id
        assert (await m.delete(memory_id=memory_id))["message"] == "Memory deleted successfully!"
        await m.close()

    asyncio.run(scenario())


def test_filtered_get_all_reads_past_the_first_page(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A selective condition finds matches however deep they lie: pages are read until ``limit``
    facts pass (here pages of 4 over 12 facts, the two matches being the oldest)."""
    import graphmem._memory_base as base

    monkeypatch.setattr(base, "LIST_PAGE", 4)
    m = memory_factory()
    for i in range(12):
        tag = "rare" if i < 2 else "common"
        m.add(f"Note number {i} about the garden.", user_id="u", metadata={"tag": tag}, infer=False)
    rare = m.get_all(filters={"AND": [{"user_id": "u"}, {"tag": "rare"}]}, limit=10)
    assert sorted(r["memory"] for r in rare["results"]) == [
        "Note number 0 about the garden.",
        "Note number 1 about the garden.",
    ]
    every = m.get_all(filters={"AND": [{"user_id": "u"}, {"tag": {"ne": "x"}}]}, limit=10)
    texts = [r["memory"] for r in every["results"]]
    assert len(texts) == len(set(texts)) == 10  # pages neither repeat nor skip a fact
    assert texts == [r["memory"] for r in m.get_all(user_id="u", limit=10)["results"]]


def test_filtered_get_all_pages_through_facts_of_one_add(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facts of one add share their recorded_at: the id breaks the tie, so pages stay disjoint."""
    import graphmem._memory_base as base

    monkeypatch.setattr(base, "LIST_PAGE", 4)
    m = memory_factory()
    texts = [f"Tie note {i}: the {word} is blooming." for i, word in enumerate("abcdefghijkl")]
    m.add([{"role": "user", "content": t} for t in texts], user_id="u", infer=False)
    found = m.get_all(filters={"AND": [{"user_id": "u"}, {"memory": {"icontains": "tie"}}]})
    assert sorted(r["memory"] for r in found["results"]) == sorted(texts)


def test_a_selective_condition_is_not_starved_by_the_search_depth(
    memory_factory: MakeMemory,
) -> None:
    """The two memories a condition selects rank last for the query (past the first
    limit*5 hits): search widens until they are found."""
    m = memory_factory()
    notes = [
        {"role": "user", "content": f"Gardening note {i}: water the tomatoes."} for i in range(58)
    ]
    m.add(notes, user_id="u", metadata={"tag": "garden"}, infer=False)
    m.add(
        [
            {"role": "user", "content": "The invoice number is 4471."},
            {"role": "user", "content": "Quarterly tax forms are due in April."},
        ],
        user_id="u",
        metadata={"tag": "finance"},
        infer=False,
    )
    found = m.search(
        "gardening tomatoes", filters={"AND": [{"user_id": "u"}, {"tag": "finance"}]}, limit=5
    )
    assert sorted(r["memory"] for r in found["results"]) == [
        "Quarterly tax forms are due in April.",
        "The invoice number is 4471.",
    ]
