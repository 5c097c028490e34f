"""``Memory.add_many``: batched raw imports, errors collected, resumable, LLM limit shared."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from graphmem import AsyncMemory, BulkResult, Memory
from graphmem.llm import ScriptedLLM, ToolRequest, global_limiter

WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)


def _items(n: int) -> list[dict[str, Any]]:
    return [
        {"messages": f"Note number {i}: the sky was colour {i}.", "occurred_at": WHEN}
        for i in range(n)
    ]


class _CountingEmbedder:
    """The real embedder, counting calls."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dimension = inner.dimension
        self.calls = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return self.inner.embed(texts)


def test_raw_import_batches_embeddings_and_resumes(
    memory_factory: Callable[..., Memory],
) -> None:
    memory = memory_factory()
    counting = _CountingEmbedder(memory._embedder)
    memory._embedder = counting
    items = _items(10)
    first = memory.add_many(items[:6], user_id="u", infer=False, batch_size=100, progress=False)
    assert isinstance(first, BulkResult) and first.ok
    assert sorted(first.added) == list(range(6)) and counting.calls == 1
    # "Interrupted" after 6: re-running the whole list adds only the 4 missing ones.
    second = memory.add_many(items, user_id="u", infer=False, batch_size=100, progress=False)
    assert second.skipped == list(range(6)) and sorted(second.added) == [6, 7, 8, 9]
    assert counting.calls == 2
    assert len(memory.get_all(user_id="u")) == 10
    assert second.summary() == "10 items: 4 added, 6 already stored, 0 failed"


def test_bad_items_are_reported_not_fatal(memory_factory: Callable[..., Memory]) -> None:
    memory = memory_factory()
    items: list[Any] = [
        {"messages": "Alice likes tea.", "occurred_at": WHEN},
        {"messages": "", "occurred_at": WHEN},  # empty: InputError
        {"messages": "Bob likes coffee.", "user_id": None, "agent_id": "a", "occurred_at": WHEN},
        {"messages": "x", "occurred_at": "not a time"},
        {"messages": "Carol likes water.", "bogus": 1},
    ]
    result = memory.add_many(items, user_id="u", infer=False, progress=False)
    assert sorted(result.added) == [0, 2]
    assert [(f.index, f.error) for f in result.failed] == [
        (1, "InputError"),
        (3, "InputError"),
        (4, "InputError"),
    ]
    # An item's keys override the defaults (None keeps them): Bob's note is user u + agent a.
    assert sorted(f.memory for f in memory.get_all(user_id="u")) == [
        "Alice likes tea.",
        "Bob likes coffee.",
    ]
    assert [f.memory for f in memory.get_all(agent_id="a")] == ["Bob likes coffee."]


def _empty_answer(_: ToolRequest) -> dict[str, Any]:
    return {"entities": [], "relations": [], "facts": []}


def test_inferred_import_runs_scopes_in_parallel_within_the_global_llm_limit(
    memory_factory: Callable[..., Memory],
) -> None:
    limiter = global_limiter()
    old_size = limiter.size
    limiter.resize(2)
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    release = threading.Event()

    def answer(request: ToolRequest) -> dict[str, Any]:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if peak >= 2:
                release.set()
        release.wait(2)
        with lock:
            in_flight -= 1
        return _empty_answer(request)

    try:
        memory = memory_factory()
        memory._llm = ScriptedLLM(answer)
        items = [
            {"messages": f"Hello from user {i}.", "user_id": f"user{i}", "occurred_at": WHEN}
            for i in range(6)
        ]
        errors: list[int] = []
        result = memory.add_many(
            items,
            concurrency=8,
            progress=False,
            on_item=lambda i, added, error: errors.append(i) if error else None,
        )
    finally:
        limiter.resize(old_size)
    assert result.ok and sorted(result.added) == list(range(6)) and not errors
    assert peak == 2  # parallel, but never beyond the process-wide LLM limit


def test_llm_failure_of_one_item_is_collected(memory_factory: Callable[..., Memory]) -> None:
    memory = memory_factory()

    def answer(request: ToolRequest) -> Any:
        said = " ".join(m["content"] for m in request.messages)
        return "not json" if "Turn 1." in said else _empty_answer(request)

    memory._llm = ScriptedLLM(answer)
    items = [{"messages": f"Turn {i}.", "occurred_at": WHEN} for i in range(3)]
    result = memory.add_many(items, user_id="u", progress=False)
    assert sorted(result.added) == [0, 2]
    assert [(f.index, f.error) for f in result.failed] == [(1, "ExtractionError")]


def test_async_add_many(memory_factory: Callable[..., Memory]) -> None:
    memory = memory_factory()
    amemory = AsyncMemory.__new__(AsyncMemory)
    amemory._sync = memory
    result = asyncio.run(amemory.add_many(_items(3), user_id="u", infer=False, progress=False))
    assert sorted(result.added) == [0, 1, 2]


def test_one_scope_is_added_in_order(memory_factory: Callable[..., Memory]) -> None:
    seen: list[str] = []
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def answer(request: ToolRequest) -> dict[str, Any]:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            seen.append(request.messages[-1]["content"])
        threading.Event().wait(0.05)
        with lock:
            in_flight -= 1
        return _empty_answer(request)

    memory = memory_factory()
    memory._llm = ScriptedLLM(answer)
    items = [{"messages": f"Step {i}.", "occurred_at": WHEN} for i in range(4)]
    result = memory.add_many(items, user_id="same", concurrency=4, progress=False)
    assert result.ok and peak == 1
    assert [said.rsplit("same: ", 1)[1] for said in seen] == [f"Step {i}." for i in range(4)]


def test_racing_imports_store_each_text_once(memory_factory: Callable[..., Memory]) -> None:
    """add_many writes through add()'s guarded decide-and-write: two imports of the same
    items racing each other (and a plain add of one of them) still store every text once."""
    memory = memory_factory()
    items = _items(12)
    barrier = threading.Barrier(3)

    def bulk() -> None:
        barrier.wait()
        memory.add_many(items, user_id="racer", infer=False, progress=False)

    def single() -> None:
        barrier.wait()
        memory.add(items[5]["messages"], user_id="racer", occurred_at=WHEN, infer=False)

    threads = [threading.Thread(target=f) for f in (bulk, bulk, single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [f.text for f in memory.get_all(user_id="racer", limit=100)]
    assert sorted(texts) == sorted(item["messages"] for item in items)
