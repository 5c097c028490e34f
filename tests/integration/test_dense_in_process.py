"""The in-process dense leg ranks exactly as the store's exact scoped cosine, and stays exact.

Real FalkorDB, real MiniLM. ``DenseTable.top`` is compared with ``search/vector_facts_exact``
(the store's ranking) on the same scope: the same facts at every as-of time, with history and
with filters; then the table follows adds, edits and deletes, loads large scopes in the
background (searches meanwhile rank in the store), and never holds another scope's facts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pytest

from graphmem import Memory
from graphmem.search import _catalogue
from graphmem.search._dense import DenseTable
from graphmem.store._repository import TimeFilter
from graphmem.types import Scope

MakeMemory = Callable[..., Memory]
USER = "dana"
TEXTS = [
    f"{who} {verb} {what}."
    for who in ("Dana", "Calvin", "Pixel the cat", "The quartet")
    for verb in ("likes", "visited", "talked about", "dreams of")
    for what in ("Lisbon", "the aquarium", "cello practice", "hiking in August", "jellyfish")
]
QUERIES = ["Where did Dana travel?", "Who plays music?", "cat", "When was the hike?"]


def _at(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=timezone.utc)


def _same_ranking(inproc: list[tuple[str, float]], store: list[tuple[str, float]]) -> None:
    """Same similarities position by position; ids equal wherever no near-tie can swap them
    (FalkorDB's float32 distance and numpy's product differ in the last bits)."""
    assert len(inproc) == len(store)
    assert np.allclose([s for _, s in inproc], [s for _, s in store], atol=1e-5)
    sims = [s for _, s in store]
    for i, ((a, _), (b, _)) in enumerate(zip(inproc, store)):
        near = [abs(sims[i] - sims[j]) < 1e-5 for j in (i - 1, i + 1) if 0 <= j < len(sims)]
        if not any(near):
            assert a == b, (i, inproc[i], store[i])


@pytest.fixture
def memory(memory_factory: MakeMemory) -> Memory:
    m = memory_factory()
    for year, chunk in zip(range(2019, 2024), range(0, len(TEXTS), 20)):
        m.add(
            [{"role": "user", "content": t} for t in TEXTS[chunk : chunk + 20]],
            user_id=USER,
            occurred_at=_at(year),
            infer=False,
        )
    return m


def _table(m: Memory, scope: Scope) -> DenseTable:
    searcher = m._searcher
    catalogue = searcher._catalogue.get(scope)
    table = searcher._catalogue.dense(scope, catalogue)
    deadline = time.monotonic() + 30  # scopes above BACKGROUND_LOAD_ABOVE load in a thread
    while not table.ready and time.monotonic() < deadline:
        time.sleep(0.02)
    assert table.ready
    return table


def test_matches_the_stores_exact_ranking(memory: Memory) -> None:
    scope = Scope(user_id=USER)
    some = [f.id for f in memory.get_all(user_id=USER, limit=1000)][::3]
    # retire a few facts so as-of and history differ
    for fact in memory.get_all(user_id=USER, limit=5):
        memory.update(fact.id, fact.text.replace(".", " again."), user_id=USER)
    table = _table(memory, scope)
    vectors = memory._embedder.embed(QUERIES)
    for vector in vectors:
        for when in (TimeFilter(_at(2030)), TimeFilter(_at(2021)), TimeFilter(_at(2030), True)):
            params = when.params()
            for only in (None, some):
                inproc = table.top(
                    vector,
                    30,
                    as_of=int(params["as_of"]),
                    include_history=bool(params["include_history"]),
                    only=only,
                )
                store = memory._repository.exact_vector_facts(scope, vector, 30, when, only)
                _same_ranking(inproc, store)


def test_follows_adds_edits_and_deletes(memory: Memory) -> None:
    scope = Scope(user_id=USER)
    _table(memory, scope)
    memory.add("Dana bought a red kayak for the lake.", user_id=USER, infer=False)
    hits = memory.search("kayak", user_id=USER, limit=3).hits
    assert hits[0].fact.text == "Dana bought a red kayak for the lake."
    kayak = hits[0].fact
    memory.update(kayak.id, "Dana sold her snowboard at the flea market.", user_id=USER)
    vector = memory._embedder.embed(["snowboard flea market"])[0]
    table = _table(memory, scope)
    best = table.top(vector, 1, as_of=2**62, include_history=False)
    assert best[0][0] == kayak.id and best[0][1] > 0.5
    memory.delete(kayak.id, user_id=USER)
    table = _table(memory, scope)
    assert kayak.id not in [i for i, _ in table.top(vector, 100, as_of=2**62, include_history=True)]


def test_large_scopes_load_in_the_background_and_rank_the_same(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_catalogue, "BACKGROUND_LOAD_ABOVE", 0)
    m = memory_factory()
    m.add([{"role": "user", "content": t} for t in TEXTS], user_id=USER, infer=False)
    fetches: list[float] = []
    fetch = m._repository.scope_vectors

    def slow(scope: Scope, ids: object = None, **options: object) -> object:
        time.sleep(0.5)  # the load is still running when the first search returns
        fetches.append(time.monotonic())
        return fetch(scope, ids, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(m._repository, "scope_vectors", slow)
    started = time.monotonic()
    first = [(h.fact.id, h.score) for h in m.search("cello", user_id=USER).hits]
    assert time.monotonic() - started < 0.5 or not fetches  # answered by the store meanwhile
    scope = Scope(user_id=USER)
    table = m._searcher._catalogue.dense(scope, m._searcher._catalogue.get(scope))
    deadline = time.monotonic() + 30
    while not table.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert table.ready
    assert [(h.fact.id, h.score) for h in m.search("cello", user_id=USER).hits] == first


def test_a_write_during_a_load_discards_it() -> None:
    table = DenseTable()
    release = threading.Event()

    def fetch(ids: object) -> tuple[list[str], np.ndarray]:
        release.wait(10)
        return ["a"], np.ones((1, 4), dtype=np.float32)

    table.load(fetch, lambda: {"a": (None, None)}, background=True)
    table.update(fetch, {"b": (None, None)})  # a fact written while the load reads
    release.set()
    deadline = time.monotonic() + 10
    while table._loading and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not table.ready  # the next search loads again, this time with "b"
    table.load(lambda ids: (["a", "b"], np.ones((2, 4), np.float32)), dict, background=False)
    assert table.ready
    assert [i for i, _ in table.top([1.0, 0, 0, 0], 5, as_of=0, include_history=True)] == ["a", "b"]


def test_holds_only_its_scope(memory: Memory) -> None:
    memory.add("Calvin's secret: the jellyfish tank leaks.", user_id="calvin", infer=False)
    table = _table(memory, Scope(user_id=USER))
    vector = memory._embedder.embed(["secret jellyfish tank"])[0]
    mine = {f.id for f in memory.get_all(user_id=USER, limit=1000, include_expired=True)}
    found = table.top(vector, 1000, as_of=2**62, include_history=True)
    assert {i for i, _ in found} == mine


def test_scope_vectors_are_dropped_beyond_the_memory_budget(memory_factory: MakeMemory) -> None:
    """With no room, the least recently searched scope's vectors go; the searched one stays."""
    m = memory_factory(search={"dense_cache_mb": 0})
    for user in ("ann", "bob"):
        m.add([{"role": "user", "content": t} for t in TEXTS[:10]], user_id=user, infer=False)
    catalogue = m._searcher._catalogue
    m.search("cello", user_id="ann")
    assert set(catalogue._dense) == {"user_id=ann"}
    m.search("cello", user_id="bob")
    m.search("lake", user_id="bob")  # the budget is checked when a scope is refreshed
    assert set(catalogue._dense) == {"user_id=bob"}
    assert [h.fact.user_id for h in m.search("cello", user_id="ann").hits] == ["ann"] * 10


def test_graph_text_similarity_from_the_table_equals_the_stores(memory: Memory) -> None:
    scope = Scope(user_id=USER)
    table = _table(memory, scope)
    ids = [f.id for f in memory.get_all(user_id=USER, limit=1000)][:40]
    vector = memory._embedder.embed(["Who plays music?"])[0]
    known = table.similarities(vector, [*ids, "no-such-fact"])
    store = memory._repository.score_facts(scope, ids, vector)
    assert set(known) == set(ids)
    assert all(abs(known[i] - store[i]) < 1e-5 for i in ids)


def test_hops_0_reads_no_graph_seeds(memory: Memory, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    spied = [
        (memory._repository, "fulltext_entities"),
        (memory._repository, "vector_entities"),
        (memory._repository, "fact_entities"),
        (memory._repository, "expand"),
        (memory._searcher._graph, "_seeds"),  # in-process seeds (search/_entities) too
        (memory._searcher._catalogue, "graph"),  # the scope's links and entities
    ]
    for owner, name in spied:
        original = getattr(owner, name)

        def spy(*args: object, _name: str = name, _original: object = original) -> object:
            calls.append(_name)
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(owner, name, spy)
    assert memory.search("Who plays music?", user_id=USER, hops=0).hits
    assert calls == []
    memory.search("Who plays music?", user_id=USER)
    assert "_seeds" in calls and "graph" in calls


def test_a_background_load_after_close_never_restarts_the_server(
    memory_factory: MakeMemory, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = memory_factory()
    m.add([{"role": "user", "content": t} for t in TEXTS], user_id=USER, infer=False)
    m._repository.vector_log = None  # the load must read the store (a log would serve it all)
    store = m._store
    fetch = m._repository.scope_vectors
    closed = threading.Event()
    restarts: list[str] = []

    def after_close(scope: Scope, ids: object = None, **options: object) -> object:
        closed.wait(10)  # the load reads only once the store is closed
        return fetch(scope, ids, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(m._repository, "scope_vectors", after_close)
    embedded = store._embedded  # type: ignore[attr-defined]
    if embedded is not None:
        monkeypatch.setattr(embedded, "ensure_running", lambda: restarts.append("restart"))
    m.search("cello", user_id=USER)  # 80 facts: the table loads in the background
    table = m._searcher._catalogue._dense["user_id=" + USER]
    store._closed = True  # type: ignore[attr-defined]  # as close() marks it (lease kept for the fixture)
    closed.set()
    deadline = time.monotonic() + 10
    while table._loading and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not table.ready and not table._loading  # gave up quietly
    assert restarts == []
    store._closed = False  # type: ignore[attr-defined]  # the fixture resets and closes it
