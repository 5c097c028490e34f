"""Hostile input through the API and through the model's answers: stored literally or a typed
``GraphMemError`` with nothing written, never another exception."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmem import Memory, MemoryConfig
from graphmem.errors import GraphMemError, InputError
from graphmem.llm import ScriptedLLM

HOSTILE = [
    "\ud800",
    "a\x00b",
    "\x1b[31m\x07",
    "Аlice",  # Cyrillic A
    "') DETACH DELETE n //",
    "MATCH (n) DETACH DELETE n",
    "`Person`",
    "{{scope f}}",
    "$user_id",
    "\u202eevil",
    "x" * 5000,
]

DEEP: dict[str, Any] = {}
_cursor = DEEP
for _ in range(5_000):
    _cursor["a"] = {}
    _cursor = _cursor["a"]


@pytest.fixture
def memory(data_dir: Path, embedder: Any):
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    made = Memory(config, embedder=embedder)
    yield made
    made.reset()
    made.close()


CASES: dict[str, Callable[[Memory], Any]] = {
    "surrogate text": lambda m: m.add("hi \ud800", user_id="u", infer=False),
    "surrogate name": lambda m: m.add(
        [{"role": "user", "content": "hi", "name": "\udc00"}], user_id="u", infer=False
    ),
    "surrogate scope": lambda m: m.add("hi", user_id="u\ud800", infer=False),
    "surrogate metadata": lambda m: m.add("hi", user_id="u", metadata={"k": "\ud800"}),
    "surrogate metadata key": lambda m: m.add("hi", user_id="u", metadata={"\ud800": 1}),
    "deep metadata": lambda m: m.add("hi", user_id="u", metadata=DEEP, infer=False),
    "huge metadata": lambda m: m.add("hi", user_id="u", metadata={"k": "x" * 70_000}),
    "year 1 with offset": lambda m: m.add(
        "hi", user_id="u", occurred_at="0001-01-01T00:00:00+05:00", infer=False
    ),
    "year 9999 with offset": lambda m: m.add(
        "hi",
        user_id="u",
        occurred_at=datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
        infer=False,
    ),
    "as_of year 9999": lambda m: m.search("hi", user_id="u", as_of="9999-12-31T23:00:00-05:00"),
    "NUL text": lambda m: m.add("a\x00b", user_id="u", infer=False),
    "NUL query": lambda m: m.search("a\x00b", user_id="u"),
    "entity filter not a name": lambda m: m.search("hi", user_id="u", filters={"entity": 5}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_an_input_error_and_writes_nothing(memory: Memory, case: str) -> None:
    with pytest.raises(InputError):
        CASES[case](memory)
    memory._ensure_ready()
    assert memory.get_all(user_id="u") == []


def test_metadata_within_the_limit_is_stored(memory: Memory) -> None:
    memory.add("hi", user_id="u", metadata={"k": "x" * 60_000}, infer=False)
    assert memory.get_all(user_id="u")[0].metadata["k"] == "x" * 60_000


def _extraction(text: str, name: str, day: str | None) -> dict[str, Any]:
    return {
        "entities": [{"name": name, "type": "Person", "aliases": [name]}],
        "relations": [],
        "facts": [{"text": text, "about": [name], "valid_from": day, "valid_to": day}],
    }


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_model_answers_are_stored_or_typed(
    data_dir: Path, embedder: Any, hostile: str
) -> None:
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    llm = ScriptedLLM([_extraction(f"Bob said {hostile}", hostile, "0001-01-01T00:00:00+05:00")])
    with Memory(config, embedder=embedder, llm=llm) as memory:
        try:
            memory.add("Bob talked.", user_id="u")
            texts = [f.text for f in memory.get_all(user_id="u")]
            assert len(texts) == 1 and texts[0].startswith("Bob said")
            if hostile.isprintable():  # control characters are cleaned from model text
                assert texts == [f"Bob said {hostile}"[: len(texts[0])]]
        except GraphMemError:
            pass  # the contract: stored literally (checked above) or a typed error
        finally:
            memory.reset()


text_chars = st.characters(codec=None, exclude_categories=())


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(st.sampled_from(HOSTILE), st.text(text_chars, min_size=0, max_size=40)),
    user=st.one_of(st.sampled_from(HOSTILE), st.text(text_chars, min_size=0, max_size=10)),
    key=st.text(text_chars, max_size=5),
)
def test_any_string_anywhere_is_stored_or_typed(
    memory: Memory, text: str, user: str, key: str
) -> None:
    try:
        memory.add(text, user_id=user, metadata={key: text}, infer=False)
        hits = memory.search(text, user_id=user)
        assert all(h.fact.user_id == user for h in hits.hits)
        stored = [f.text for f in memory.get_all(user_id=user)]
        assert text.strip() in stored
    except GraphMemError:
        pass  # the contract: stored literally (checked above) or a typed error
