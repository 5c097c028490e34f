"""The vector log through ``Memory`` on the embedded FalkorDB, with real MiniLM vectors.

A reopened memory loads its search table from the log without reading a vector back from the
store, and ranks exactly as a memory without the log; edits, deletes, resets and a log written by
nobody (an older store) keep it honest; a log that cannot be written never fails a write.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphmem import Memory, MemoryConfig
from graphmem.embed import SentenceTransformerEmbedder
from graphmem.errors import NotFoundError
from graphmem.search import _catalogue
from graphmem.search._dense import DenseTable
from graphmem.store import FalkorDBStore
from graphmem.store._vector_log import VectorLog
from graphmem.types import Scope

ALICE, BOB = "alice", "bob"
TOPICS = ("Lisbon", "the aquarium", "cello practice", "a red kayak", "jellyfish", "sourdough")
QUERIES = ("Who went to the aquarium?", "kayak on the lake", "music lessons", "bread")


def _turns(who: str) -> list[dict[str, str]]:
    return [
        {"role": "user", "content": f"{who.title()} {verb} {topic} in week {week}."}
        for verb in ("talked about", "dreams of", "visited")
        for topic in TOPICS
        for week in range(3)
    ]


OpenMemory = Callable[..., Memory]


@pytest.fixture
def open_memory(data_dir: Path, embedder: SentenceTransformerEmbedder) -> Iterator[OpenMemory]:
    """Open memories on one graph (as separate processes would); closed and dropped after."""
    graph = f"t_{uuid.uuid4().hex}"
    opened: list[Memory] = []

    def open_(*, vector_log: bool = True) -> Memory:
        store = {"data_dir": str(data_dir), "graph": graph, "vector_log": vector_log}
        memory = Memory(MemoryConfig.from_dict({"graph_store": store}), embedder=embedder)
        opened.append(memory)
        return memory

    yield open_
    for memory in opened:
        memory.close()
    store = FalkorDBStore(data_dir=data_dir, graph=graph)
    store.drop()
    store.close()
    assert not list(data_dir.glob(f"{graph}.*")), "dropping the graph removes its log"


@pytest.fixture(autouse=True)
def _foreground_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_catalogue, "BACKGROUND_LOAD_ABOVE", 10_000)


def _store_vector_reads(memory: Memory, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    reads: list[Any] = []
    read = memory._store.vectors

    def counted(name: str, params: Any = None, **options: Any) -> Any:
        if name == "search/scope_vectors":  # fact vectors (entity name vectors are not logged)
            reads.append(None if params is None else params.get("ids"))
        return read(name, params, **options)

    monkeypatch.setattr(memory._store, "vectors", counted)
    return reads


def _table(memory: Memory, user: str) -> DenseTable:
    scope = Scope(user_id=user)
    catalogue = memory._searcher._catalogue
    table = catalogue.dense(scope, catalogue.get(scope))
    assert table.ready
    return table


def _rankings(memory: Memory, user: str) -> list[list[tuple[str, float]]]:
    return [
        [(h.fact.id, round(h.score, 6)) for h in memory.search(q, user_id=user).hits]
        for q in QUERIES
    ]


def _log(memory: Memory) -> VectorLog:
    log = memory._repository.vector_log
    assert log is not None
    return log


def test_a_reopened_memory_reads_no_vector_from_the_store_and_ranks_the_same(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = open_memory()
    for user in (ALICE, BOB):
        writer.add(_turns(user), user_id=user, infer=False)
    reopened = open_memory()
    reads = _store_vector_reads(reopened, monkeypatch)
    with_log = {user: _rankings(reopened, user) for user in (ALICE, BOB)}
    assert reads == []
    assert len(_table(reopened, ALICE)._ids) == len(_turns(ALICE))
    without = open_memory(vector_log=False)
    assert with_log == {user: _rankings(without, user) for user in (ALICE, BOB)}
    for user, other in ((ALICE, BOB), (BOB, ALICE)):  # the log holds both: no leak across
        texts = {
            h.fact.text for ranking in QUERIES for h in reopened.search(ranking, user_id=user).hits
        }
        assert not any(other.title() in text for text in texts)


def test_facts_written_without_the_log_are_read_once_then_logged(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_memory(vector_log=False).add(_turns(ALICE), user_id=ALICE, infer=False)
    first = open_memory()
    first_reads = _store_vector_reads(first, monkeypatch)
    expected = _rankings(first, ALICE)
    assert first_reads == [None]  # the whole scope, once
    second = open_memory()
    second_reads = _store_vector_reads(second, monkeypatch)
    assert _rankings(second, ALICE) == expected
    assert second_reads == []


def test_an_edit_is_served_with_its_new_vector(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = open_memory()
    writer.add(_turns(ALICE), user_id=ALICE, infer=False)
    fact = writer.search("kayak", user_id=ALICE, limit=1).hits[0].fact
    writer.update(fact.id, "Alice sold her snowboard at the flea market.", user_id=ALICE)
    reopened = open_memory()
    reopened._ensure_ready()  # as its first call would (the log is opened then)
    reads = _store_vector_reads(reopened, monkeypatch)
    vector = reopened._embedder.embed(["snowboard flea market"])[0]
    best = _table(reopened, ALICE).top(vector, 1, as_of=2**62, include_history=False)
    assert reads == []
    assert best[0][0] == fact.id
    expected = reopened._embedder.embed(["Alice sold her snowboard at the flea market."])[0]
    assert best[0][1] == pytest.approx(float(np.dot(vector, expected)), abs=1e-5)


def test_deleted_facts_vectors_leave_the_disk(open_memory: OpenMemory) -> None:
    memory = open_memory()
    memory.add(_turns(ALICE), user_id=ALICE, infer=False)
    memory.add(_turns(BOB), user_id=BOB, infer=False)
    log = _log(memory)
    alice = {f.id: f.text for f in memory.get_all(user_id=ALICE, limit=1000)}
    ids, vectors = log.get(alice)
    assert len(ids) == len(alice)
    gone = ids[0]
    memory.delete(gone, user_id=ALICE)
    content = log.path.read_bytes()
    assert vectors[0].tobytes() not in content and gone.encode() not in content
    memory.delete_all(user_id=ALICE)
    content = log.path.read_bytes()
    assert not any(vector.tobytes() in content for vector in vectors)
    bob = {f.id: f.text for f in memory.get_all(user_id=BOB, limit=1000)}
    assert len(log.get(bob)[0]) == len(bob)  # another tenant's records stay
    memory.reset()
    assert not log.path.exists()


def test_a_failed_scrub_removes_the_whole_log(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = open_memory()
    memory.add(_turns(ALICE), user_id=ALICE, infer=False)
    log = _log(memory)

    def broken(ids: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(log, "forget", broken)
    fact = memory.get_all(user_id=ALICE, limit=1)[0]
    memory.delete(fact.id, user_id=ALICE)
    assert not log.path.exists()
    with pytest.raises(NotFoundError):  # the delete itself went through
        memory.get(fact.id)


def test_an_unwritable_log_never_fails_a_write_or_a_search(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = open_memory()
    memory.add("warm up", user_id=BOB, infer=False)
    log = _log(memory)
    log.path.unlink()
    log.path.mkdir()  # opening it for writing now fails with an OSError
    try:
        memory.add(_turns(ALICE), user_id=ALICE, infer=False)
        started = time.monotonic()
        hits = memory.search("aquarium", user_id=ALICE).hits
        assert hits and "aquarium" in hits[0].fact.text
        assert time.monotonic() - started < 30
        without = open_memory(vector_log=False)
        assert _rankings(memory, ALICE) == _rankings(without, ALICE)
    finally:
        log.path.rmdir()


def test_deleting_one_run_scrubs_that_runs_vectors_only(
    open_memory: OpenMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several runs per user: delete_all of one run zeroes its records; the other run's search
    still loads from the log alone and ranks as without it."""
    memory = open_memory()
    for run in ("r1", "r2"):
        memory.add(_turns(f"{ALICE} {run}"), user_id=ALICE, run_id=run, infer=False)
    log = _log(memory)
    r1 = {f.id: f.text for f in memory.get_all(user_id=ALICE, run_id="r1", limit=1000)}
    _, r1_vectors = log.get(r1)
    memory.delete_all(user_id=ALICE, run_id="r1")
    content = log.path.read_bytes()
    assert len(r1_vectors) == len(r1)
    assert not any(vector.tobytes() in content for vector in r1_vectors)
    reopened = open_memory()
    reads = _store_vector_reads(reopened, monkeypatch)
    hits = [
        [
            (h.fact.id, round(h.score, 6))
            for h in reopened.search(q, user_id=ALICE, run_id="r2").hits
        ]
        for q in QUERIES
    ]
    assert reads == [] and all(hits)
    assert all(
        h.fact.run_id == "r2"
        for q in QUERIES
        for h in reopened.search(q, user_id=ALICE, run_id="r2").hits
    )
    without = open_memory(vector_log=False)
    assert hits == [
        [(h.fact.id, round(h.score, 6)) for h in without.search(q, user_id=ALICE, run_id="r2").hits]
        for q in QUERIES
    ]
