"""Episodes keep their order within a scope (``seq`` and NEXT, written under the scope guard),
and search brings a raw hit's neighbouring turns along across ``add()`` calls."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graphmem import Memory, MemoryConfig

WHEN = datetime(2024, 3, 5, 18, 0, tzinfo=timezone.utc)


@pytest.fixture
def memory(data_dir: Path, embedder: Any) -> Iterator[Memory]:
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    made = Memory(config, embedder=embedder)
    yield made
    made.reset()
    made.close()


def _rows(memory: Memory, query: str, **params: Any) -> list[list[Any]]:
    graph = memory._store._connect()  # type: ignore[attr-defined]
    return [list(row) for row in graph.query(query, params).result_set]


def _chain(memory: Memory, **scope: str) -> list[tuple[int, str]]:
    """(seq, first message) of the scope's episodes, by seq, checking the NEXT links."""
    where = " AND ".join(f"e.{k} = ${k}" for k in scope)
    fields = ("user_id", "agent_id", "run_id")
    absent = " AND ".join(f"e.{f} IS NULL" for f in fields if f not in scope)
    rows = _rows(
        memory,
        f"MATCH (e:Episode) WHERE {where}{' AND ' + absent if absent else ''} "
        "OPTIONAL MATCH (e)-[:NEXT]->(n:Episode) "
        "RETURN e.seq, e.messages_json, n.seq ORDER BY e.seq",
        **scope,
    )
    seqs = [row[0] for row in rows]
    assert seqs == list(range(1, len(rows) + 1)), seqs
    assert [row[2] for row in rows] == [*seqs[1:], None]  # one chain, no link out of the scope
    return [(row[0], row[1]) for row in rows]


def test_adds_are_numbered_and_linked_in_order(memory: Memory) -> None:
    for i in range(4):
        memory.add(
            f"turn number {i}", user_id="u", occurred_at=WHEN + timedelta(minutes=i), infer=False
        )
    chain = _chain(memory, user_id="u")
    assert [("turn number " + str(i)) in text for i, (_, text) in enumerate(chain)] == [True] * 4


def test_runs_of_one_user_are_separate_sequences(memory: Memory) -> None:
    for i in range(3):  # interleaved: r1, r2, user-wide, r1, r2, user-wide, ...
        at = WHEN + timedelta(minutes=i)
        memory.add(f"run one {i}", user_id="u", run_id="r1", occurred_at=at, infer=False)
        memory.add(f"run two {i}", user_id="u", run_id="r2", occurred_at=at, infer=False)
        memory.add(f"no run {i}", user_id="u", occurred_at=at, infer=False)
    for run, prefix in (("r1", "run one"), ("r2", "run two")):
        chain = _chain(memory, user_id="u", run_id=run)
        assert len(chain) == 3 and all(prefix in text for _, text in chain)
    assert all("no run" in text for _, text in _chain(memory, user_id="u"))


def test_concurrent_adds_never_share_a_seq(memory: Memory) -> None:
    memory._ensure_ready()
    workers = 8
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            barrier.wait()
            memory.add(f"parallel turn {i}", user_id="u", occurred_at=WHEN, infer=False)
        except BaseException as exc:  # asserted below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(_chain(memory, user_id="u")) == workers  # seq 1..8, one NEXT chain


def _conversation(memory: Memory) -> None:
    memory.add(
        [{"role": "user", "name": "Ana", "content": "Where did you go last weekend?"}],
        user_id="u",
        occurred_at=WHEN,
        infer=False,
    )
    memory.add(
        [
            {"role": "user", "name": "Ben", "content": "We hiked up to the waterfall in Yosemite."},
            {"role": "user", "name": "Ana", "content": "Sounds lovely, was it crowded there?"},
        ],
        user_id="u",
        occurred_at=WHEN + timedelta(minutes=5),
        infer=False,
    )
    memory.add(  # another conversation, days later: never a neighbour
        [{"role": "user", "name": "Ben", "content": "My cousin is visiting from Porto."}],
        user_id="u",
        occurred_at=WHEN + timedelta(days=3),
        infer=False,
    )


def test_a_hit_brings_its_neighbours_from_the_previous_add(memory: Memory) -> None:
    _conversation(memory)
    hits = memory.search("hiking to a waterfall in Yosemite", user_id="u").hits
    top = hits[0]
    assert top.fact.text == "We hiked up to the waterfall in Yosemite."
    assert top.context == [
        "Ana: Where did you go last weekend?",
        "Ana: Sounds lovely, was it crowded there?",
    ]
    crowded = next(h for h in hits if h.fact.text.startswith("Sounds lovely"))
    assert crowded.context == ["Ben: We hiked up to the waterfall in Yosemite."]  # not Porto


def test_to_context_shows_the_neighbouring_turns(memory: Memory) -> None:
    _conversation(memory)
    result = memory.search("Yosemite waterfall hike", user_id="u", limit=1)
    lines = result.to_context().splitlines()
    assert lines == [
        "- Ben: We hiked up to the waterfall in Yosemite. (said 2024-03-05)",
        "  | Ana: Where did you go last weekend?",
        "  | Ana: Sounds lovely, was it crowded there?",
    ]
