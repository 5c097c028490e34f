"""Every public method of ``Memory`` end to end on the embedded FalkorDB with real MiniLM.

``add(infer=True)`` needs an LLM and is covered elsewhere with scripted models; here it is only
checked that, with no LLM configured, it fails with a typed error and writes nothing.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graphmem import (
    AddResult,
    AsyncMemory,
    Fact,
    GraphMemError,
    InputError,
    LLMError,
    Memory,
    MemoryConfig,
    NotFoundError,
    Scope,
    ScopeError,
    SearchResult,
    StoreUnavailableError,
)
from graphmem.embed import Embedder
from graphmem.store import FalkorDBStore

MakeMemory = Callable[..., Memory]
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
MAX_CHARS = 200


# -- add -------------------------------------------------------------------------------------
def test_add_string_dict_and_list(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    from_string = memory.add("I love hiking in the Alps.", user_id="alice", infer=False)
    assert isinstance(from_string, AddResult)
    assert [(e.event, e.memory) for e in from_string.events] == [
        ("ADD", "I love hiking in the Alps.")
    ]
    assert from_string.duplicate is False
    assert from_string.episode_id

    from_dict = memory.add(
        {"role": "assistant", "content": "You mentioned a peanut allergy."},
        user_id="alice",
        infer=False,
    )
    assert [e.event for e in from_dict.events] == ["ADD"]

    from_list = memory.add(
        [
            {"role": "system", "content": "You are a travel agent."},
            {"role": "user", "content": "My passport expires in 2027.", "name": "alice"},
            {"role": "assistant", "content": "Noted your passport expiry."},
        ],
        user_id="alice",
        metadata={"source": "chat"},
        infer=False,
    )
    assert [e.event for e in from_list.events] == ["ADD", "ADD"]  # system turns are not facts
    assert from_list.to_dict()["results"][0] == {
        "id": from_list.events[0].id,
        "memory": "My passport expires in 2027.",
        "event": "ADD",
    }

    facts = memory.get_all(user_id="alice")
    assert len(facts) == 4
    passport = memory.get(from_list.events[0].id)
    assert passport.metadata == {"source": "chat", "role": "user", "name": "alice"}
    assert passport.episode_ids == [from_list.episode_id]
    assert passport.user_id == "alice"
    assert passport.mentions == 1


def test_re_adding_the_same_episode_is_idempotent(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    messages = [{"role": "user", "content": "I moved to Lisbon."}]
    first = memory.add(messages, user_id="bob", occurred_at=T0, infer=False)
    again = memory.add(messages, user_id="bob", occurred_at=T0, infer=False)
    assert again.duplicate is True
    assert again.episode_id == first.episode_id
    assert again.events == []
    [fact] = memory.get_all(user_id="bob")
    assert fact.mentions == 1
    assert [e.event for e in memory.history(fact.id)] == ["ADD"]
    # the same text in another scope is another memory, not a duplicate
    assert memory.add(messages, user_id="carol", occurred_at=T0, infer=False).duplicate is False


def test_repeated_fact_in_a_later_add_merges(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    first = memory.add("I drink oat milk.", user_id="dan", occurred_at=T0, infer=False)
    later = memory.add(
        "I drink oat milk.", user_id="dan", occurred_at=T0 + timedelta(days=3), infer=False
    )
    assert later.duplicate is False
    [event] = later.events
    assert (event.event, event.id) == ("MERGE", first.events[0].id)
    [fact] = memory.get_all(user_id="dan")
    assert fact.mentions == 2
    assert sorted(memory.get(fact.id).episode_ids) == sorted([first.episode_id, later.episode_id])
    assert [e.event for e in memory.history(fact.id)] == ["ADD", "MERGE"]


# -- search ----------------------------------------------------------------------------------
def test_search_shape_and_mem0_dict(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    memory.add(
        [
            {"role": "user", "content": "My sister Emma lives in Oslo."},
            {"role": "user", "content": "I collect vintage fountain pens."},
            {"role": "user", "content": "I am training for a marathon."},
        ],
        user_id="erin",
        infer=False,
    )
    result = memory.search("Which city does my sister live in?", user_id="erin", limit=2)
    assert isinstance(result, SearchResult)
    assert len(result) == 2
    top = result.hits[0]
    assert top.fact.text == "My sister Emma lives in Oslo."
    assert top.is_current is True
    assert "vector" in top.sources
    assert result.hits[0].score >= result.hits[1].score

    view = result.to_dict()
    assert set(view) == {"results", "relations"}
    assert view["relations"] == []
    item = view["results"][0]
    assert item["id"] == top.fact.id
    assert item["memory"] == "My sister Emma lives in Oslo."
    assert item["user_id"] == "erin"
    assert isinstance(item["score"], float)
    assert {"hash", "metadata", "created_at", "updated_at"} <= set(item)
    assert "Oslo" in result.to_context(max_tokens=50)
    assert memory.search("sister", user_id="nobody").hits == []


# -- get, get_all ----------------------------------------------------------------------------
def test_get_and_get_all(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    ids = []
    for day, text in enumerate(["I own a cat.", "I own a dog.", "I own a parrot."]):
        added = memory.add(text, user_id="fay", occurred_at=T0 + timedelta(days=day), infer=False)
        ids.append(added.events[0].id)
    memory.add("Unrelated memory.", agent_id="support-bot", infer=False)

    fact = memory.get(ids[0], user_id="fay")
    assert isinstance(fact, Fact)
    assert (fact.text, fact.memory, fact.valid_from) == ("I own a cat.", "I own a cat.", T0)
    assert fact.recorded_at.tzinfo == timezone.utc

    every = memory.get_all(user_id="fay")
    assert [f.id for f in every] == list(reversed(ids))  # newest first
    assert [f.id for f in memory.get_all(user_id="fay", limit=2)] == list(reversed(ids))[:2]
    assert [f.text for f in memory.get_all(agent_id="support-bot")] == ["Unrelated memory."]
    assert memory.get_all(user_id="fay", run_id="another-run") == []


# -- update, delete, delete_all, history ------------------------------------------------------
def test_update_keeps_history(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    fact_id = memory.add("I work at Initech.", user_id="gus", infer=False).events[0].id
    event = memory.update(fact_id, "I work at Globex.", user_id="gus")
    assert (event.event, event.id, event.memory, event.previous_memory) == (
        "UPDATE",
        fact_id,
        "I work at Globex.",
        "I work at Initech.",
    )
    updated = memory.get(fact_id)
    assert updated.text == "I work at Globex."
    assert updated.updated_at is not None
    history = memory.history(fact_id)
    assert [(h.event, h.old_memory, h.new_memory) for h in history] == [
        ("ADD", None, "I work at Initech."),
        ("UPDATE", "I work at Initech.", "I work at Globex."),
    ]
    assert all(h.memory_id == fact_id and h.actor == "gus" for h in history)


def test_update_stores_the_new_texts_vector(memory_factory: MakeMemory) -> None:
    """The edited fact is found by its new meaning: its stored vector is the new text's
    (FalkorDB 4.16 kept an existing vector when SET over it; the write removes it first)."""
    memory = memory_factory()
    fact_id = memory.add("I work at Initech.", user_id="gus", infer=False).events[0].id
    memory.add("My sister plays the cello.", user_id="gus", infer=False)
    new_text = "I sold my kayak at the flea market."
    memory.update(fact_id, new_text, user_id="gus")
    vector = memory._embedder.embed([new_text])[0]
    scores = memory._repository.score_facts(Scope(user_id="gus"), [fact_id], vector)
    assert scores[fact_id] > 0.999
    assert memory.search("kayak flea market", user_id="gus", limit=1).hits[0].fact.id == fact_id
    # re-embedded: the new text is what search finds
    found = memory.search("Globex employer", user_id="gus", limit=1)
    assert [hit.fact.id for hit in found.hits] == [fact_id]


def test_delete_scrubs_history(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    added = memory.add(
        [
            {"role": "user", "content": "My PIN is 4321."},
            {"role": "user", "content": "I like jazz."},
        ],
        user_id="hal",
        infer=False,
    )
    secret, keep = (e.id for e in added.events)
    assert memory.delete(secret, user_id="hal").event == "DELETE"
    with pytest.raises(NotFoundError):
        memory.get(secret)
    assert [f.id for f in memory.get_all(user_id="hal")] == [keep]
    history = memory.history(secret)
    assert [h.event for h in history] == ["ADD", "DELETE"]
    assert all(h.is_deleted and h.old_memory is None and h.new_memory is None for h in history)
    assert "4321" not in str([h.model_dump() for h in history])
    assert memory.search("PIN code", user_id="hal").hits[0].fact.id == keep
    with pytest.raises(NotFoundError):
        memory.delete(secret)


def test_delete_forgets_the_raw_episode_text(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    added = memory.add(
        [
            {"role": "user", "content": "My PIN is 4321."},
            {"role": "user", "content": "I like jazz."},
        ],
        user_id="hal",
        infer=False,
    )
    memory.delete(added.events[0].id, user_id="hal")
    later = datetime.now(timezone.utc) + timedelta(days=1)
    episodes = memory._repository.recent_episodes(Scope(user_id="hal"), later, 10)
    assert episodes
    assert all("4321" not in str(episode.messages) for episode in episodes)


def test_delete_all_counts_and_spares_other_scopes(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    mine = memory.add(
        [{"role": "user", "content": f"Fact {i} about ivy."} for i in range(3)],
        user_id="ivy",
        infer=False,
    )
    memory.add("A fact about jack.", user_id="jack", infer=False)
    memory.add("Ivy's agent note.", user_id="ivy-not", agent_id="ivy", infer=False)
    assert memory.delete_all(user_id="ivy") == 3
    assert memory.get_all(user_id="ivy") == []
    assert [f.text for f in memory.get_all(user_id="jack")] == ["A fact about jack."]
    assert [f.text for f in memory.get_all(agent_id="ivy")] == ["Ivy's agent note."]
    assert [h.event for h in memory.history(mine.events[0].id)] == ["ADD", "DELETE"]
    assert memory.delete_all(user_id="ivy") == 0
    # the same episode can be stored again after delete_all: nothing of it is left
    again = memory.add(
        [{"role": "user", "content": f"Fact {i} about ivy."} for i in range(3)],
        user_id="ivy",
        infer=False,
    )
    assert again.duplicate is False


def test_reset_empties_every_scope_and_stays_usable(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    memory.add("Kim likes kites.", user_id="kim", infer=False)
    memory.add("Lee likes lemons.", agent_id="lee", infer=False)
    memory.reset()
    assert memory.get_all(user_id="kim") == []
    assert memory.get_all(agent_id="lee") == []
    added = memory.add("Kim likes kites.", user_id="kim", infer=False)
    assert [e.event for e in added.events] == ["ADD"]
    assert memory.search("kites", user_id="kim").hits[0].fact.text == "Kim likes kites."


def test_context_manager_closes(memory_factory: MakeMemory) -> None:
    with memory_factory() as memory:
        memory.add("Context managers close things.", user_id="mo", infer=False)
    with pytest.raises(StoreUnavailableError):
        memory.get_all(user_id="mo")
    memory.close()  # idempotent


# -- infer=True without an LLM ---------------------------------------------------------------
def test_infer_without_llm_is_a_typed_error_and_writes_nothing(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GRAPHMEM_LLM_PROVIDER"):
        monkeypatch.delenv(variable, raising=False)
    memory = memory_factory()
    messages = [{"role": "user", "content": "Nora moved to Rome last year."}]
    with pytest.raises(LLMError):
        memory.add(messages, user_id="nora", occurred_at=T0)
    assert memory.get_all(user_id="nora", include_expired=True) == []
    # no episode was stored either: the same episode is not a duplicate afterwards
    assert memory.add(messages, user_id="nora", occurred_at=T0, infer=False).duplicate is False


# -- bad inputs --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def populated(module_memory_factory: MakeMemory) -> tuple[Memory, str]:
    memory = module_memory_factory(max_text_chars=MAX_CHARS)
    added = memory.add("Olive owns a red bicycle.", user_id="olive", infer=False)
    return memory, added.events[0].id


OK = {"user_id": "olive"}
BAD_CALLS: list[tuple[str, str, tuple[Any, ...], dict[str, Any], type[Exception]]] = [
    # add
    ("add empty string", "add", ("",), {**OK, "infer": False}, InputError),
    ("add blank string", "add", ("   ",), {**OK, "infer": False}, InputError),
    ("add empty list", "add", ([],), {**OK, "infer": False}, InputError),
    ("add empty content", "add", ([{"role": "user", "content": ""}],), OK, InputError),
    ("add wrong role", "add", ([{"role": "robot", "content": "x"}],), OK, InputError),
    ("add int content", "add", ([{"role": "user", "content": 7}],), OK, InputError),
    ("add None content", "add", ([{"role": "user", "content": None}],), OK, InputError),
    ("add non-dict item", "add", (["hello"],), OK, InputError),
    ("add int", "add", (42,), OK, InputError),
    ("add None", "add", (None,), OK, InputError),
    ("add oversize", "add", ("x" * (MAX_CHARS + 1),), {**OK, "infer": False}, InputError),
    ("add no scope", "add", ("hello",), {"infer": False}, ScopeError),
    ("add blank scope", "add", ("hello",), {"user_id": " ", "infer": False}, ScopeError),
    ("add control scope", "add", ("hi",), {"user_id": "o\n", "infer": False}, ScopeError),
    ("add bad metadata", "add", ("hi",), {**OK, "metadata": "x", "infer": False}, InputError),
    (
        "add unserializable metadata",
        "add",
        ("hi",),
        {**OK, "metadata": {"x": object()}, "infer": False},
        InputError,
    ),
    ("add bad time", "add", ("hi",), {**OK, "occurred_at": "soon", "infer": False}, InputError),
    ("add int time", "add", ("hi",), {**OK, "occurred_at": 5, "infer": False}, InputError),
    # search
    ("search empty", "search", ("",), OK, InputError),
    ("search None", "search", (None,), OK, InputError),
    ("search int", "search", (5,), OK, InputError),
    ("search oversize", "search", ("q" * (MAX_CHARS + 1),), OK, InputError),
    ("search no scope", "search", ("bicycle",), {}, ScopeError),
    ("search limit 0", "search", ("bicycle",), {**OK, "limit": 0}, InputError),
    ("search limit 10_001", "search", ("bicycle",), {**OK, "limit": 10_001}, InputError),
    ("search limit str", "search", ("bicycle",), {**OK, "limit": "5"}, InputError),
    ("search limit bool", "search", ("bicycle",), {**OK, "limit": True}, InputError),
    ("search limit float", "search", ("bicycle",), {**OK, "limit": 2.0}, InputError),
    ("search bad as_of", "search", ("bicycle",), {**OK, "as_of": "yesterday"}, InputError),
    ("search bad filters", "search", ("bicycle",), {**OK, "filters": [1]}, InputError),
    ("search bad hops", "search", ("bicycle",), {**OK, "hops": 99}, InputError),
    ("search bad threshold", "search", ("bicycle",), {**OK, "threshold": "hi"}, InputError),
    ("search bad history", "search", ("bike",), {**OK, "include_history": "y"}, InputError),
    # get / get_all
    ("get empty id", "get", ("",), {}, InputError),
    ("get None id", "get", (None,), {}, InputError),
    ("get int id", "get", (5,), {}, InputError),
    ("get unknown id", "get", ("0e0e0e0e-unknown",), {}, NotFoundError),
    ("get_all no scope", "get_all", (), {}, ScopeError),
    ("get_all limit 0", "get_all", (), {**OK, "limit": 0}, InputError),
    ("get_all limit 10_001", "get_all", (), {**OK, "limit": 10_001}, InputError),
    ("get_all limit str", "get_all", (), {**OK, "limit": "5"}, InputError),
    ("get_all bad flag", "get_all", (), {**OK, "include_expired": "yes"}, InputError),
    # update / delete / delete_all / history
    ("update unknown id", "update", ("unknown-id", "new text"), {}, NotFoundError),
    ("update empty id", "update", ("", "new text"), {}, InputError),
    ("delete unknown id", "delete", ("unknown-id",), {}, NotFoundError),
    ("delete empty id", "delete", ("",), {}, InputError),
    ("delete None id", "delete", (None,), {}, InputError),
    ("delete_all no scope", "delete_all", (), {}, ScopeError),
    ("delete_all blank scope", "delete_all", (), {"user_id": ""}, ScopeError),
    ("history empty id", "history", ("",), {}, InputError),
    ("history None id", "history", (None,), {}, InputError),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "error"),
    [case[1:] for case in BAD_CALLS],
    ids=[case[0] for case in BAD_CALLS],
)
def test_bad_input_is_a_typed_error_and_writes_nothing(
    populated: tuple[Memory, str],
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    memory, fact_id = populated
    before = memory.get_all(user_id="olive", include_expired=True)
    with pytest.raises(error) as caught:
        getattr(memory, method)(*args, **kwargs)
    assert isinstance(caught.value, GraphMemError)
    assert memory.get_all(user_id="olive", include_expired=True) == before
    assert [e.event for e in memory.history(fact_id)] == ["ADD"]


@pytest.mark.parametrize(
    ("data", "scope", "error"),
    [
        ("", {"user_id": "olive"}, InputError),
        ("   ", {"user_id": "olive"}, InputError),
        (None, {"user_id": "olive"}, InputError),
        (5, {"user_id": "olive"}, InputError),
        ("x" * (MAX_CHARS + 1), {"user_id": "olive"}, InputError),
        ("Olive owns a blue bicycle.", {"user_id": "mallory"}, NotFoundError),
        ("Olive owns a blue bicycle.", {"agent_id": "olive"}, NotFoundError),
    ],
)
def test_bad_update_of_an_existing_memory_changes_nothing(
    populated: tuple[Memory, str], data: object, scope: dict[str, str], error: type[Exception]
) -> None:
    memory, fact_id = populated
    with pytest.raises(error):
        memory.update(fact_id, data, **scope)  # type: ignore[arg-type]
    assert memory.get(fact_id).text == "Olive owns a red bicycle."
    assert [e.event for e in memory.history(fact_id)] == ["ADD"]


def test_delete_in_another_scope_changes_nothing(populated: tuple[Memory, str]) -> None:
    memory, fact_id = populated
    with pytest.raises(NotFoundError):
        memory.delete(fact_id, user_id="mallory")
    assert memory.get(fact_id, user_id="olive").text == "Olive owns a red bicycle."


def test_limit_bounds_are_inclusive(populated: tuple[Memory, str]) -> None:
    memory, _ = populated
    assert len(memory.get_all(user_id="olive", limit=1)) == 1
    assert len(memory.get_all(user_id="olive", limit=1_000)) == 1
    assert len(memory.search("bicycle", user_id="olive", limit=1_000)) == 1
    assert memory.add("q" * MAX_CHARS, user_id="edge", infer=False).events[0].event == "ADD"


# -- AsyncMemory -----------------------------------------------------------------------------
def _public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def test_async_memory_mirrors_memory() -> None:
    sync_names, async_names = _public_methods(Memory), _public_methods(AsyncMemory)
    assert sync_names == async_names
    assert {"add", "search", "get", "get_all", "update", "delete", "delete_all"} <= sync_names
    assert {"history", "reset", "close", "from_config"} <= sync_names
    for name in sorted(sync_names - {"from_config"}):
        sync_method, async_method = getattr(Memory, name), getattr(AsyncMemory, name)
        assert inspect.iscoroutinefunction(async_method), name
        assert not inspect.iscoroutinefunction(sync_method), name
        assert inspect.signature(async_method) == inspect.signature(sync_method), name
    sync_from, async_from = (
        inspect.signature(Memory.from_config),
        inspect.signature(AsyncMemory.from_config),
    )
    assert list(sync_from.parameters.values()) == list(async_from.parameters.values())
    assert "__aenter__" in vars(AsyncMemory)
    assert "__aexit__" in vars(AsyncMemory)


def test_async_round_trip(data_dir: Path, embedder: Embedder) -> None:
    graph = f"t_{uuid.uuid4().hex}"
    config = MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir), "graph": graph}})

    async def scenario() -> None:
        async with AsyncMemory(config, embedder=embedder) as memory:
            added = await memory.add("Pia plays the cello.", user_id="pia", infer=False)
            fact_id = added.events[0].id
            found = await memory.search("Which instrument?", user_id="pia")
            assert [hit.fact.id for hit in found.hits] == [fact_id]
            assert (await memory.get(fact_id, user_id="pia")).text == "Pia plays the cello."
            assert len(await memory.get_all(user_id="pia")) == 1
            event = await memory.update(fact_id, "Pia plays the viola.", user_id="pia")
            assert event.event == "UPDATE"
            assert [h.event for h in await memory.history(fact_id)] == ["ADD", "UPDATE"]
            await memory.delete(fact_id, user_id="pia")
            with pytest.raises(NotFoundError):
                await memory.get(fact_id)
            await memory.add("Pia sings.", user_id="pia", infer=False)
            assert await memory.delete_all(user_id="pia") == 1
            await memory.reset()
        with pytest.raises(StoreUnavailableError):
            await memory.get_all(user_id="pia")

    try:
        asyncio.run(scenario())
    finally:
        store = FalkorDBStore(data_dir=data_dir, graph=graph)
        store.drop()
        store.close()
