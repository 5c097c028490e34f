"""Decide and write are atomic per scope: concurrent adds (threads and processes) end in the
graph the same adds make one after the other (no duplicate; one current value per slot)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from graphmem import Memory, MemoryConfig
from graphmem.errors import WriteConflictError
from graphmem.ingest._plan import WritePlan
from graphmem.llm import ScriptedLLM
from graphmem.llm._base import ToolRequest
from graphmem.types import Scope

WRITER = Path(__file__).with_name("_racing_writer.py")
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
WHEN = datetime(2024, 5, 1, tzinfo=timezone.utc)


def _race(workers: int, call: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except BaseException as exc:  # asserted by the caller
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, BaseException)], results
    return results


@pytest.fixture
def make_memory(data_dir: Path, embedder: Any):
    made: list[Memory] = []

    def make(llm: Any = None, graph: str | None = None) -> Memory:
        name = graph or f"t_{uuid.uuid4().hex}"
        config = MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir), "graph": name}})
        memory = Memory(config, embedder=embedder, llm=llm)
        made.append(memory)
        return memory

    yield make
    for memory in made:
        memory.reset()
        memory.close()


def _count(memory: Memory, query: str, **params: Any) -> int:
    graph = memory._store._connect()  # type: ignore[attr-defined]
    return int(graph.query(query, params).result_set[0][0])


def test_identical_raw_adds_at_once_store_one_fact_and_one_episode(make_memory) -> None:
    memory = make_memory()
    results = _race(
        WORKERS,
        lambda i: memory.add("I like green tea.", user_id="u", occurred_at=WHEN, infer=False),
    )
    assert sum(not r.duplicate for r in results) == 1
    assert len({r.episode_id for r in results}) == 1
    assert _count(memory, "MATCH (e:Episode {user_id: 'u'}) RETURN count(e)") == 1
    facts = memory.get_all(user_id="u")
    assert [f.text for f in facts] == ["I like green tea."]


def _moves_llm() -> ScriptedLLM:
    def answer(request: ToolRequest) -> dict[str, Any]:
        if request.tool_name != "extract_memory":
            return {"decisions": []}
        text = " ".join(str(m["content"]) for m in request.messages)
        city = re.findall(r"MOVE-(\w+)-(\d+)", text)[-1]
        name, day = city[0], int(city[1])
        return {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": []},
                {"name": name, "type": "Place", "aliases": []},
            ],
            "relations": [
                {
                    "subject": "Alice",
                    "predicate": "LIVES_IN",
                    "object": name,
                    "fact": f"Alice lives in {name}.",
                    "valid_from": f"2024-01-{day:02d}T00:00:00Z",
                    "valid_to": None,
                }
            ],
            "facts": [],
        }

    return ScriptedLLM(answer)


CITIES = ["Berlin", "Paris", "Lisbon", "Oslo", "Madrid", "Vienna", "Prague", "Dublin"]


def _homes(memory: Memory) -> tuple[list[str], int]:
    current = [f.text for f in memory.get_all(user_id="u") if f.predicate == "LIVES_IN"]
    relations = _count(
        memory,
        "MATCH (:Entity)-[r:LIVES_IN]->(:Entity) WHERE r.valid_to IS NULL AND r.user_id = 'u' "
        "RETURN count(r)",
    )
    return current, relations


def test_concurrent_moves_leave_exactly_one_current_home(make_memory) -> None:
    memory = make_memory(_moves_llm())
    _race(
        WORKERS,
        lambda i: memory.add(
            f"Alice: I moved. MOVE-{CITIES[i]}-{i + 1}",
            user_id="u",
            occurred_at=datetime(2024, 2, 1 + i, tzinfo=timezone.utc),
        ),
    )
    current, relations = _homes(memory)
    assert current == ["Alice lives in Dublin."]  # the latest start wins, whatever the order
    assert relations == 1


def test_concurrent_restatements_of_one_inferred_fact_store_it_once(make_memory) -> None:
    memory = make_memory(_moves_llm())
    _race(
        WORKERS,
        lambda i: memory.add(
            f"Alice again ({i}): MOVE-Berlin-3",
            user_id="u",
            occurred_at=datetime(2024, 3, 1 + i, tzinfo=timezone.utc),
        ),
    )
    facts = memory.get_all(user_id="u")
    assert [f.text for f in facts] == ["Alice lives in Berlin."]
    assert facts[0].mentions == WORKERS


def test_a_plan_applied_twice_is_rejected_the_second_time(make_memory) -> None:
    """A write retried after a lost connection (it did commit) must not apply twice."""
    memory = make_memory()
    memory._ensure_ready()
    scope = Scope(user_id="u")
    plan = WritePlan(scope, WHEN)
    plan.guard(memory._repository.scope_version(scope))
    plan.record("ADD", "m1", new="x")
    memory._repository.apply(plan.changes)
    with pytest.raises(WriteConflictError):
        memory._repository.apply(plan.changes)
    assert _count(memory, "MATCH (h:History {memory_id: 'm1'}) RETURN count(h)") == 1


def _spawn_writers(data_dir: Path, graph: str, start: Path, texts: list[list[str]]) -> list[Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(data_dir), graph, str(start), *batch],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for batch in texts
    ]
    for proc in procs:  # every process is connected before the race starts
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert json.loads(line) == {"ready": True}, proc.stderr.read() if proc.stderr else ""
    return procs


def test_processes_sharing_a_data_dir_store_identical_texts_once(
    data_dir: Path, tmp_path: Path, make_memory
) -> None:
    graph = f"t_{uuid.uuid4().hex}"
    start = tmp_path / "start"
    texts = [f"shared text {n}" for n in range(6)]
    procs = _spawn_writers(data_dir, graph, start, [texts] * 4)
    start.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    memory = make_memory(graph=graph)
    stored = sorted(f.text for f in memory.get_all(user_id="u"))
    episodes = _count(memory, "MATCH (e:Episode) RETURN count(e)")
    assert stored == sorted(texts)
    assert episodes == len(texts)


def test_sigkill_during_concurrent_adds_leaves_no_duplicate(
    data_dir: Path, tmp_path: Path, make_memory
) -> None:
    graph = f"t_{uuid.uuid4().hex}"
    start = tmp_path / "start"
    texts = [f"kill text {n}" for n in range(40)]
    procs = _spawn_writers(data_dir, graph, start, [texts] * 3)
    start.touch()
    time.sleep(0.3)
    os.kill(procs[0].pid, signal.SIGKILL)
    for proc in procs[1:]:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    procs[0].communicate(timeout=30)
    memory = make_memory(graph=graph)
    stored = sorted(f.text for f in memory.get_all(user_id="u", limit=1000))
    episodes = _count(memory, "MATCH (e:Episode) RETURN count(e)")
    assert stored == sorted(texts)
    assert episodes == len(texts)


def test_writes_resent_after_a_lost_connection_apply_once(
    make_memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store resends a statement when the connection drops; the first send may have
    committed. Simulated by sending every write plan twice: add and update apply once."""
    memory = make_memory()
    memory._ensure_ready()
    store = memory._store
    send = store._query  # type: ignore[attr-defined]

    def twice(text: str, params: Any, name: str) -> Any:
        if name != "write-plan":
            return send(text, params, name)
        send(text, params, name)
        return send(text, params, name)

    monkeypatch.setattr(store, "_query", twice)
    memory.add("I like green tea.", user_id="u", occurred_at=WHEN, infer=False)
    (fact,) = memory.get_all(user_id="u")
    event = memory.update(fact.id, "I like black tea.", user_id="u")
    assert event.event == "UPDATE"
    assert [f.text for f in memory.get_all(user_id="u")] == ["I like black tea."]
    assert [h.event for h in memory.history(fact.id)] == ["ADD", "UPDATE"]
    assert _count(memory, "MATCH (e:Episode) RETURN count(e)") == 1


def test_a_delete_between_an_adds_read_and_write_makes_the_add_redecide(
    make_memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restatement read the fact it repeats; another client deletes that fact before the add
    writes. The delete moves the scope's clock, so the add re-reads and stores the text anew
    (without the guard the add counted a mention on a deleted fact and the text was lost)."""
    memory = make_memory()
    memory.add("I like green tea.", user_id="u", occurred_at=WHEN, infer=False)
    (fact,) = memory.get_all(user_id="u")
    other = make_memory(graph=memory.config.graph_store.graph)  # another client, same graph
    read = memory._repository.facts_by_hash
    deleted: list[str] = []

    def read_then_lose_the_race(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        if not deleted:
            deleted.append(other.delete(fact.id, user_id="u").id)
        return found

    monkeypatch.setattr(memory._repository, "facts_by_hash", read_then_lose_the_race)
    memory.add(
        "I like green tea.",
        user_id="u",
        occurred_at=datetime(2024, 6, 1, tzinfo=timezone.utc),
        infer=False,
    )
    assert deleted == [fact.id]
    assert [f.text for f in memory.get_all(user_id="u")] == ["I like green tea."]
    assert memory.get_all(user_id="u")[0].id != fact.id


class _FailingOn:
    """The real embedder, failing for one text (as a dead model server would)."""

    def __init__(self, inner: Any, text: str) -> None:
        self.inner, self.text, self.dimension = inner, text, inner.dimension

    def embed(self, texts: list[str]) -> list[list[float]]:
        if self.text in texts:
            from graphmem.errors import EmbeddingError

            raise EmbeddingError("embedding model unavailable")
        return self.inner.embed(texts)


def test_a_failing_fact_embedding_writes_nothing(make_memory, embedder) -> None:
    # The facts are embedded on a worker thread while entities resolve: its error still
    # reaches the caller, before anything is written.
    from graphmem.errors import EmbeddingError

    memory = make_memory(_moves_llm())
    memory.add("Alice: MOVE-Berlin-2", user_id="u", occurred_at=WHEN)
    memory._embedder = _FailingOn(embedder, "Alice lives in Oslo.")
    memory._ingest()._embedder = memory._embedder
    with pytest.raises(EmbeddingError, match="unavailable"):
        memory.add("Alice: MOVE-Oslo-3", user_id="u", occurred_at=WHEN)
    assert [f.text for f in memory.get_all(user_id="u")] == ["Alice lives in Berlin."]
    assert _count(memory, "MATCH (e:Episode {user_id: 'u'}) RETURN count(e)") == 1
    assert _count(memory, "MATCH (n:Entity {user_id: 'u'}) RETURN count(n)") == 2
