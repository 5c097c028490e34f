"""One conformance suite for every backend (see ``conftest.py``: FalkorDB always, Neo4j if any).

Everything goes through :class:`MemoryRepository` and :class:`Memory` over a real database, real
Cypher and real MiniLM embeddings; data is written with real :class:`WritePlan` objects.
Scope isolation is treated as a security property: a read for one scope never sees another
scope's data, and a small scope inside a crowded graph is never starved by "top-k then filter".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from graphmem import Memory, MemoryConfig, NotFoundError, SchemaError, StoreError
from graphmem._ids import new_id, text_hash
from graphmem._keys import name_key
from graphmem.embed import Embedder
from graphmem.ingest._plan import WritePlan
from graphmem.store import GraphStore
from graphmem.store._queries import Segment
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.store._writes import NewEntity, NewFact, write_segments
from graphmem.types import Message, Scope

T0 = datetime(2024, 1, 10, 12, 0, tzinfo=timezone.utc)  # system time of the first write
T1 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)  # system time of the second write
PARIS_FROM = datetime(2019, 5, 1, tzinfo=timezone.utc)
BERLIN_FROM = datetime(2024, 3, 1, tzinfo=timezone.utc)
NOW = TimeFilter(datetime(2025, 1, 1, tzinfo=timezone.utc))
HISTORY = TimeFilter(NOW.as_of, include_history=True)
IN_2020 = TimeFilter(datetime(2020, 1, 1, tzinfo=timezone.utc))

PARIS_TEXT = "Alice lives in Paris."
VEG_TEXT = "Alice is vegetarian."
BERLIN_TEXT = "Alice lives in Berlin."
NESTED_MAP = {"a": {"b": 1}}  # not a valid property value on any backend


# -- seeding ---------------------------------------------------------------------------------
@dataclass
class Seeded:
    """A small graph in one scope: Alice moved from Paris to Berlin; she is vegetarian."""

    scope: Scope
    alice: str
    paris: str
    berlin: str
    f_paris: str
    f_veg: str
    f_berlin: str
    e1: str
    e2: str
    digest1: str
    digest2: str
    vectors: dict[str, list[float]] = field(repr=False)


def seed(repo: MemoryRepository, embedder: Embedder, scope: Scope) -> Seeded:
    """Write two plans: the first creates Paris and vegetarian facts, the second supersedes."""
    names = [PARIS_TEXT, VEG_TEXT, BERLIN_TEXT, "Alice", "Paris", "Berlin"]
    vectors = dict(zip(names, embedder.embed(names)))
    digest1, digest2 = f"d1-{new_id()}", f"d2-{new_id()}"

    first = WritePlan(scope, T0, actor="tester")
    e1 = new_id()
    first.add_episode(
        e1, [Message(role="user", content="Alice moved to Paris in 2019.")], T0, digest1, None
    )
    alice = NewEntity(name_key("Alice"), "Alice", "Person", ["Ali"], vectors["Alice"])
    paris = NewEntity(name_key("Paris"), "Paris", "Place", [], vectors["Paris"])
    first.upsert_entity(alice, label="Person")
    first.upsert_entity(paris, label="Place")
    f_paris = NewFact(
        PARIS_TEXT,
        vectors[PARIS_TEXT],
        valid_from=PARIS_FROM,
        valid_to=None,
        predicate="LIVES_IN",
        subject="Alice",
        object="Paris",
        subject_key=alice.key,
        object_key=paris.key,
    )
    f_veg = NewFact(
        VEG_TEXT, vectors[VEG_TEXT], valid_from=None, valid_to=None, about_keys=[alice.key]
    )
    first.create_fact(f_paris, e1, rel_type="LIVES_IN")
    first.create_fact(f_veg, e1)
    repo.apply(first.changes)

    second = WritePlan(scope, T1, actor="tester")
    e2 = new_id()
    second.add_episode(
        e2, [Message(role="user", content="Alice moved to Berlin in March.")], T1, digest2, None
    )
    berlin = NewEntity(name_key("Berlin"), "Berlin", "Place", [], vectors["Berlin"])
    second.upsert_entity(berlin, label="Place")
    f_berlin = NewFact(
        BERLIN_TEXT,
        vectors[BERLIN_TEXT],
        valid_from=BERLIN_FROM,
        valid_to=None,
        predicate="LIVES_IN",
        subject="Alice",
        object="Berlin",
        subject_key=alice.key,
        object_key=berlin.key,
    )
    second.create_fact(f_berlin, e2, rel_type="LIVES_IN")
    second.supersede(f_paris.id, PARIS_TEXT, f_berlin.id, BERLIN_FROM)
    repo.apply(second.changes)
    return Seeded(
        scope=scope,
        alice=_entity_id(repo, scope, "alice"),
        paris=_entity_id(repo, scope, "paris"),
        berlin=_entity_id(repo, scope, "berlin"),
        f_paris=f_paris.id,
        f_veg=f_veg.id,
        f_berlin=f_berlin.id,
        e1=e1,
        e2=e2,
        digest1=digest1,
        digest2=digest2,
        vectors=vectors,
    )


def _entity_id(repo: MemoryRepository, scope: Scope, key: str) -> str:
    rows = repo.entities_by_keys(scope, [key])
    assert len(rows) == 1, rows
    return rows[0].id


@pytest.fixture
def repo(store: GraphStore, embedder: Embedder) -> MemoryRepository:
    store.bootstrap(embedder.dimension)
    return MemoryRepository(store)


@pytest.fixture
def seeded(repo: MemoryRepository, embedder: Embedder) -> Seeded:
    return seed(repo, embedder, Scope(user_id="alice-owner"))


def memory_on(store: GraphStore, embedder: Embedder) -> Memory:
    """A Memory over the fixture's store (the fixture closes the store, not the test)."""
    return Memory(MemoryConfig(), store=store, embedder=embedder)


def ids(pairs: Sequence[tuple[str, float]]) -> list[str]:
    return [fact_id for fact_id, _ in pairs]


# -- schema ----------------------------------------------------------------------------------
def test_bootstrap_is_idempotent(store: GraphStore, embedder: Embedder) -> None:
    store.bootstrap(embedder.dimension)
    store.bootstrap(embedder.dimension)
    repo = MemoryRepository(store)
    seeded = seed(repo, embedder, Scope(user_id="u"))
    store.bootstrap(embedder.dimension)  # again, on a graph that holds data
    assert repo.get_fact(seeded.f_veg) is not None


def test_dimension_mismatch_is_a_schema_error_naming_both(store: GraphStore) -> None:
    store.bootstrap(384)
    with pytest.raises(SchemaError) as caught:
        store.bootstrap(512)
    assert "384" in str(caught.value)
    assert "512" in str(caught.value)


# -- facts -----------------------------------------------------------------------------------
def test_get_fact(repo: MemoryRepository, seeded: Seeded) -> None:
    fact = repo.get_fact(seeded.f_berlin)
    assert fact is not None
    assert fact.text == BERLIN_TEXT
    assert (fact.predicate, fact.subject, fact.object) == ("LIVES_IN", "Alice", "Berlin")
    assert fact.valid_from == BERLIN_FROM
    assert fact.valid_to is None
    assert fact.recorded_at == T1
    assert fact.expired_at is None
    assert fact.hash == text_hash(BERLIN_TEXT)
    assert fact.user_id == "alice-owner"
    assert fact.agent_id is None
    assert fact.episode_ids == [seeded.e2]
    old = repo.get_fact(seeded.f_paris)
    assert old is not None
    assert (old.valid_to, old.expired_at) == (BERLIN_FROM, T1)
    assert repo.get_fact("no-such-id") is None


def test_reads_never_return_embeddings(repo: MemoryRepository, seeded: Seeded) -> None:
    row = repo.store.run("facts/get", {"id": seeded.f_veg})[0]
    assert "embedding" not in row["fact"]
    [entity] = repo.store.run(
        "entities/by_keys", {"scope_key": seeded.scope.entity_key(), "keys": ["alice"]}
    )
    assert "embedding" not in entity["entity"]


def test_facts_by_ids(repo: MemoryRepository, seeded: Seeded) -> None:
    found = repo.facts_by_ids([seeded.f_paris, seeded.f_berlin, "missing"], seeded.scope)
    assert set(found) == {seeded.f_paris, seeded.f_berlin}
    assert found[seeded.f_paris][1] == seeded.f_berlin
    assert found[seeded.f_berlin][1] is None
    assert found[seeded.f_berlin][0].episode_ids == [seeded.e2]
    assert repo.facts_by_ids([], seeded.scope) == {}
    assert repo.facts_by_ids([seeded.f_berlin], Scope(user_id="someone-else")) == {}


def test_list_facts(repo: MemoryRepository, seeded: Seeded) -> None:
    current = repo.list_facts(seeded.scope, limit=100)
    assert [f.id for f in current] == [seeded.f_berlin, seeded.f_veg]  # newest first
    everything = repo.list_facts(seeded.scope, limit=100, include_expired=True)
    assert {f.id for f in everything} == {seeded.f_paris, seeded.f_veg, seeded.f_berlin}
    assert len(repo.list_facts(seeded.scope, limit=1)) == 1
    assert repo.list_facts(Scope(user_id="someone-else"), limit=100) == []
    assert repo.list_facts(Scope(user_id="alice-owner", run_id="other-run"), limit=100) == []


def test_facts_by_hash(repo: MemoryRepository, seeded: Seeded) -> None:
    found = repo.facts_by_hash(seeded.scope, [text_hash(BERLIN_TEXT), text_hash("unknown")])
    assert [f.id for f in found] == [seeded.f_berlin]
    assert repo.facts_by_hash(seeded.scope, [text_hash(PARIS_TEXT)]) == []  # expired
    assert repo.facts_by_hash(Scope(user_id="x"), [text_hash(BERLIN_TEXT)]) == []
    assert repo.facts_by_hash(seeded.scope, []) == []


# -- episodes, entities, history -----------------------------------------------------------
def test_find_episode(repo: MemoryRepository, seeded: Seeded) -> None:
    assert repo.find_episode(seeded.scope, seeded.digest1) == seeded.e1
    assert repo.find_episode(seeded.scope, seeded.digest2) == seeded.e2
    assert repo.find_episode(seeded.scope, "unknown") is None
    assert repo.find_episode(Scope(user_id="someone-else"), seeded.digest1) is None
    # the exact scope: a run inside the same user is another scope for idempotency
    assert repo.find_episode(Scope(user_id="alice-owner", run_id="r"), seeded.digest1) is None


def test_recent_episodes(repo: MemoryRepository, seeded: Seeded) -> None:
    rows = repo.recent_episodes(seeded.scope, T1, 10)
    assert [row.occurred_at for row in rows] == [T1, T0]
    assert rows[0].messages == [{"role": "user", "content": "Alice moved to Berlin in March."}]
    between = datetime(2024, 3, 1, tzinfo=timezone.utc)
    assert len(repo.recent_episodes(seeded.scope, between, 10)) == 1
    assert len(repo.recent_episodes(seeded.scope, T1, 1)) == 1
    assert repo.recent_episodes(seeded.scope, T1, 0) == []
    assert repo.recent_episodes(Scope(user_id="someone-else"), T1, 10) == []


def test_entities_by_keys(repo: MemoryRepository, seeded: Seeded) -> None:
    [alice] = repo.entities_by_keys(seeded.scope, ["alice"])
    assert (alice.id, alice.name, alice.type) == (seeded.alice, "Alice", "Person")
    assert alice.aliases == ("Ali",)
    assert alice.alias_keys == ("ali",)
    assert [e.id for e in repo.entities_by_keys(seeded.scope, ["ali"])] == [seeded.alice]
    both = repo.entities_by_keys(seeded.scope, ["paris", "berlin"])
    assert {e.id for e in both} == {seeded.paris, seeded.berlin}
    assert repo.entities_by_keys(seeded.scope, ["nobody"]) == []
    assert repo.entities_by_keys(seeded.scope, []) == []
    # a run of the same user shares the user's entities (entities live in the user scope)
    run_scope = Scope(user_id="alice-owner", run_id="session-9")
    assert [e.id for e in repo.entities_by_keys(run_scope, ["alice"])] == [seeded.alice]


def test_list_entities(repo: MemoryRepository, seeded: Seeded) -> None:
    entities = {e.name: e for e in repo.list_entities(seeded.scope)}
    assert set(entities) == {"Alice", "Paris", "Berlin"}
    assert (entities["Alice"].id, entities["Alice"].type) == (seeded.alice, "Person")
    assert entities["Alice"].aliases == ["Ali"]
    assert (entities["Berlin"].type, entities["Berlin"].created_at) == ("Place", T1)
    assert len(repo.list_entities(seeded.scope, limit=1)) == 1
    assert repo.list_entities(Scope(user_id="someone-else")) == []


def test_candidate_facts(repo: MemoryRepository, seeded: Seeded) -> None:
    found = {
        fact.id: (keys, roles)
        for fact, keys, roles in repo.candidate_facts(seeded.scope, ["alice"])
    }
    assert set(found) == {seeded.f_berlin, seeded.f_veg}  # current facts only
    keys, roles = found[seeded.f_berlin]
    assert sorted(zip(keys, roles)) == [("alice", "subject"), ("berlin", "object")]
    assert list(zip(*found[seeded.f_veg])) == [("alice", "about")]
    assert [f.id for f, _, _ in repo.candidate_facts(seeded.scope, ["berlin"])] == [seeded.f_berlin]
    assert repo.candidate_facts(seeded.scope, []) == []
    assert repo.candidate_facts(Scope(user_id="someone-else"), ["alice"]) == []


def test_history_and_scrub(
    repo: MemoryRepository, seeded: Seeded, store: GraphStore, embedder: Embedder
) -> None:
    events = repo.history(seeded.f_paris)
    assert [e.event for e in events] == ["ADD", "INVALIDATE"]
    assert [e.created_at for e in events] == [T0, T1]
    assert events[0].new_memory == PARIS_TEXT
    assert events[0].old_memory is None
    assert events[1].old_memory == PARIS_TEXT
    assert all(e.actor == "tester" and not e.is_deleted for e in events)
    assert repo.history("unknown") == []

    # the production delete path (Memory.delete: one WritePlan) scrubs what it said
    memory_on(store, embedder).delete(seeded.f_paris, **seeded.scope.params())
    scrubbed = repo.history(seeded.f_paris)
    assert [e.event for e in scrubbed] == ["ADD", "INVALIDATE", "DELETE"]
    assert all(e.old_memory is None and e.new_memory is None and e.is_deleted for e in scrubbed)
    untouched = repo.history(seeded.f_berlin)
    assert [(e.event, e.new_memory) for e in untouched] == [("ADD", BERLIN_TEXT)]


# -- retrieval and score scale -------------------------------------------------------------
def test_vector_facts_time_travel(repo: MemoryRepository, seeded: Seeded) -> None:
    query = seeded.vectors[BERLIN_TEXT]
    now = repo.vector_facts(seeded.scope, query, 10, NOW)
    assert ids(now)[0] == seeded.f_berlin
    assert set(ids(now)) == {seeded.f_berlin, seeded.f_veg}  # Paris ended before NOW
    assert set(ids(repo.vector_facts(seeded.scope, query, 10, HISTORY))) == {
        seeded.f_paris,
        seeded.f_veg,
        seeded.f_berlin,
    }
    # In 2020 Alice lived in Paris; the Berlin fact did not hold yet.
    assert set(ids(repo.vector_facts(seeded.scope, query, 10, IN_2020))) == {
        seeded.f_paris,
        seeded.f_veg,
    }
    assert ids(repo.vector_facts(seeded.scope, query, 1, NOW)) == [seeded.f_berlin]


def test_score_scale_is_cosine_similarity(
    repo: MemoryRepository, seeded: Seeded, embedder: Embedder
) -> None:
    own = repo.vector_facts(seeded.scope, seeded.vectors[VEG_TEXT], 10, HISTORY)
    assert own[0][0] == seeded.f_veg
    assert own[0][1] == pytest.approx(1.0, abs=1e-3)
    assert all(-1.0 <= score <= 1.0 + 1e-6 for _, score in own)
    assert all(score < 0.99 for fact_id, score in own if fact_id != seeded.f_veg)

    [unrelated] = embedder.embed(["Quarterly revenue of the semiconductor division fell."])
    far = repo.vector_facts(seeded.scope, unrelated, 10, HISTORY)
    assert len(far) == 3
    assert all(-1.0 <= score < 0.5 for _, score in far)

    # the exact re-scoring path speaks the same scale as the index path
    exact = repo.score_facts(seeded.scope, ids(own), seeded.vectors[VEG_TEXT])
    for fact_id, score in own:
        assert exact[fact_id] == pytest.approx(score, abs=1e-3)

    entities = repo.vector_entities(seeded.scope, seeded.vectors["Berlin"], 5)
    assert entities[0][:2] == (seeded.berlin, "Berlin")
    assert entities[0][2] == pytest.approx(1.0, abs=1e-3)
    assert all(-1.0 <= score <= 1.0 + 1e-6 for *_, score in entities)


def test_fulltext_facts(repo: MemoryRepository, seeded: Seeded) -> None:
    assert ids(repo.fulltext_facts(seeded.scope, "vegetarian", 10, NOW)) == [seeded.f_veg]
    assert ids(repo.fulltext_facts(seeded.scope, "Where does she live?", 10, NOW)) == [
        seeded.f_berlin
    ]
    assert set(ids(repo.fulltext_facts(seeded.scope, "lives", 10, HISTORY))) == {
        seeded.f_paris,
        seeded.f_berlin,
    }
    assert repo.fulltext_facts(seeded.scope, "the and of is", 10, NOW) == []
    hostile = "vegetarian* | -@text:{x} \"') RETURN 1 //"
    assert seeded.f_veg in ids(repo.fulltext_facts(seeded.scope, hostile, 10, NOW))
    assert repo.fulltext_facts(Scope(user_id="someone-else"), "vegetarian", 10, NOW) == []


def test_entity_retrieval(repo: MemoryRepository, seeded: Seeded) -> None:
    by_name = repo.fulltext_entities(seeded.scope, "Berlin", 5)
    assert [(i, n) for i, n, _, _ in by_name] == [(seeded.berlin, "Berlin")]
    by_alias = repo.fulltext_entities(seeded.scope, "Ali", 5)
    assert seeded.alice in [i for i, _, _, _ in by_alias]
    assert repo.fulltext_entities(seeded.scope, "of the", 5) == []
    similar = repo.similar_entities(seeded.scope, seeded.vectors["Paris"], 3)
    assert similar[0].id == seeded.paris
    assert similar[0].key == "paris"
    assert similar[0].similarity == pytest.approx(1.0, abs=1e-3)


def test_expand(repo: MemoryRepository, seeded: Seeded) -> None:
    [edge] = repo.expand(seeded.scope, [seeded.alice], NOW, fanout=10)
    assert (edge.from_id, edge.fact_id, edge.rel_type) == (
        seeded.alice,
        seeded.f_berlin,
        "LIVES_IN",
    )
    assert edge.outgoing is True
    assert (edge.to_id, edge.to_name) == (seeded.berlin, "Berlin")

    history = repo.expand(seeded.scope, [seeded.alice], HISTORY, fanout=10)
    assert {e.to_name for e in history} == {"Paris", "Berlin"}
    assert [e.to_name for e in repo.expand(seeded.scope, [seeded.alice], IN_2020, 10)] == ["Paris"]
    assert len(repo.expand(seeded.scope, [seeded.alice], HISTORY, fanout=1)) == 1

    [back] = repo.expand(seeded.scope, [seeded.berlin], NOW, fanout=10)
    assert (back.to_id, back.outgoing) == (seeded.alice, False)
    assert repo.expand(seeded.scope, [], NOW, 10) == []


def test_entity_facts(repo: MemoryRepository, seeded: Seeded) -> None:
    pairs = repo.entity_facts(seeded.scope, [seeded.alice, seeded.berlin], NOW, fanout=10)
    assert set(pairs) == {
        (seeded.alice, seeded.f_berlin),
        (seeded.alice, seeded.f_veg),
        (seeded.berlin, seeded.f_berlin),
    }
    history = repo.entity_facts(seeded.scope, [seeded.alice], HISTORY, fanout=10)
    assert {fact for _, fact in history} == {seeded.f_paris, seeded.f_veg, seeded.f_berlin}
    assert repo.entity_facts(seeded.scope, [seeded.alice], HISTORY, fanout=1) == [
        (seeded.alice, seeded.f_berlin)  # newest recorded first
    ]
    assert repo.entity_facts(seeded.scope, [], NOW, 10) == []


def test_score_facts(repo: MemoryRepository, seeded: Seeded) -> None:
    scores = repo.score_facts(
        seeded.scope, [seeded.f_berlin, seeded.f_veg, "missing"], seeded.vectors[BERLIN_TEXT]
    )
    assert set(scores) == {seeded.f_berlin, seeded.f_veg}
    assert scores[seeded.f_berlin] == pytest.approx(1.0, abs=1e-3)
    assert scores[seeded.f_veg] < scores[seeded.f_berlin]
    assert repo.score_facts(seeded.scope, [], seeded.vectors[BERLIN_TEXT]) == {}


def test_fact_entities(repo: MemoryRepository, seeded: Seeded) -> None:
    rows = repo.fact_entities(seeded.scope, [seeded.f_berlin, seeded.f_veg])
    assert {(r.fact_id, r.entity_id, r.name, r.role) for r in rows} == {
        (seeded.f_berlin, seeded.alice, "Alice", "subject"),
        (seeded.f_berlin, seeded.berlin, "Berlin", "object"),
        (seeded.f_veg, seeded.alice, "Alice", "about"),
    }
    assert repo.fact_entities(seeded.scope, []) == []


# -- deletes ---------------------------------------------------------------------------------
def test_delete_fact_removes_relation_and_orphans(
    repo: MemoryRepository, seeded: Seeded, store: GraphStore, embedder: Embedder
) -> None:
    memory = memory_on(store, embedder)  # the production delete path: one WritePlan
    memory.delete(seeded.f_berlin, **seeded.scope.params())
    assert repo.get_fact(seeded.f_berlin) is None
    assert [e.to_name for e in repo.expand(seeded.scope, [seeded.alice], HISTORY, 10)] == ["Paris"]
    assert repo.entities_by_keys(seeded.scope, ["berlin"]) == []  # orphaned entity removed
    assert repo.find_episode(seeded.scope, seeded.digest2) is None  # orphaned episode removed
    assert repo.facts_by_ids([seeded.f_paris], seeded.scope)[seeded.f_paris][1] is None
    assert {e.id for e in repo.entities_by_keys(seeded.scope, ["alice", "paris"])} == {
        seeded.alice,
        seeded.paris,
    }

    memory.delete(seeded.f_veg, **seeded.scope.params())  # a fact with no typed relationship
    assert repo.get_fact(seeded.f_veg) is None
    assert repo.find_episode(seeded.scope, seeded.digest1) == seeded.e1  # Paris still cites it
    assert [f.id for f in repo.list_facts(seeded.scope, limit=10, include_expired=True)] == [
        seeded.f_paris
    ]
    with pytest.raises(NotFoundError):
        memory.delete("no-such-id", **seeded.scope.params())
    assert repo.get_fact(seeded.f_paris) is not None


def test_delete_scope(
    repo: MemoryRepository, seeded: Seeded, store: GraphStore, embedder: Embedder
) -> None:
    other = seed(repo, embedder, Scope(user_id="bystander"))
    memory = memory_on(store, embedder)  # the production path: Memory.delete_all
    assert memory.delete_all(**seeded.scope.params()) == 3
    for fact_id in (seeded.f_paris, seeded.f_veg, seeded.f_berlin):
        assert repo.get_fact(fact_id) is None
        assert all(e.is_deleted and e.new_memory is None for e in repo.history(fact_id))
    assert repo.list_facts(seeded.scope, limit=10, include_expired=True) == []
    assert repo.entities_by_keys(seeded.scope, ["alice", "paris", "berlin"]) == []
    assert repo.find_episode(seeded.scope, seeded.digest1) is None
    assert len(repo.list_facts(other.scope, limit=10, include_expired=True)) == 3
    assert len(repo.entities_by_keys(other.scope, ["alice", "paris", "berlin"])) == 3
    assert repo.find_episode(other.scope, other.digest2) == other.e2
    assert memory.delete_all(**seeded.scope.params()) == 0


def test_reset(repo: MemoryRepository, seeded: Seeded, embedder: Embedder) -> None:
    other = seed(repo, embedder, Scope(agent_id="bot"))
    repo.reset()
    for scope in (seeded.scope, other.scope):
        assert repo.list_facts(scope, limit=10, include_expired=True) == []
        assert repo.entities_by_keys(scope, ["alice"]) == []
    assert repo.history(seeded.f_paris) == []
    repo.store.bootstrap(embedder.dimension)
    again = seed(repo, embedder, seeded.scope)  # indexes still serve reads after a reset
    hits = repo.vector_facts(again.scope, again.vectors[VEG_TEXT], 1, NOW)
    assert ids(hits) == [again.f_veg]
    assert ids(repo.fulltext_facts(again.scope, "vegetarian", 5, NOW)) == [again.f_veg]


# -- atomic write plans ----------------------------------------------------------------------
def _plan_with_failure(scope: Scope, embedder: Embedder, where: str) -> tuple[list[Segment], str]:
    plan = WritePlan(scope, T0, actor="tester")
    episode = new_id()
    plan.add_episode(episode, [Message(role="user", content="hello")], T0, "atomic", None)
    plan.upsert_entity(NewEntity("bob", "Bob", "Person", []), label="Person")
    fact = NewFact("Bob likes tea.", embedder.embed(["Bob likes tea."])[0], None, None)
    fact.about_keys = ["bob"]
    plan.create_fact(fact, episode)
    segments = write_segments(plan.changes)
    if where == "middle":  # a fact_create row whose props hold a nested map
        segments = [
            Segment(
                s.name,
                [{**row, "props": {**row["props"], "nested": NESTED_MAP}} for row in s.rows],
                s.identifiers,
            )
            if s.name == "write/fact_create"
            else s
            for s in segments
        ]
    else:  # one more segment at the very end that the database rejects
        bad = {"id": new_id(), "memory_id": fact.id, "event": "ADD", "nested": NESTED_MAP}
        segments.append(Segment("write/history_create", [bad]))
    return segments, fact.id


@pytest.mark.parametrize("where", ["middle", "last"])
def test_write_plan_is_all_or_nothing(
    repo: MemoryRepository, embedder: Embedder, where: str
) -> None:
    scope = Scope(user_id="atomic")
    segments, fact_id = _plan_with_failure(scope, embedder, where)
    assert segments[0].name == "write/episode_create"
    with pytest.raises(StoreError):
        repo.store.apply(segments)
    assert repo.find_episode(scope, "atomic") is None
    assert repo.entities_by_keys(scope, ["bob"]) == []
    assert repo.get_fact(fact_id) is None
    assert repo.list_facts(scope, limit=10, include_expired=True) == []
    assert repo.history(fact_id) == []


# -- Memory over every backend ---------------------------------------------------------------
MESSY_TEXTS = [
    'She said "hi" \\ then left; it\'s 100% true.',
    "Ünïcödé, emoji 🎉, tabs\tand\nnew lines",
    "MATCH (n) DETACH DELETE n // not a query, a memory",
    "[1, 2, 3] looks like a list, {a: 1} like a map, null like null",
    "12345",
    "true",
]


def test_scalar_rows_read_what_run_reads(store: GraphStore, embedder: Embedder) -> None:
    """The fast scalar read (FalkorDB's verbose reply) returns exactly the rows, values and
    types that the parsed read does, on hostile text, metadata, nulls and large integers."""
    memory = memory_on(store, embedder)
    memory.add(
        [{"role": "user", "content": text, "name": "Zoë"} for text in MESSY_TEXTS],
        user_id="messy",
        infer=False,
        metadata={"source": 'quote " and \\ backslash', "n": 2**40},
    )
    repo = MemoryRepository(store)
    seed(repo, embedder, Scope(user_id="linked"))  # entities, ABOUT links, typed relations
    scope = Scope(user_id="messy")
    fields = ("user_id",)
    for name, user in (
        ("search/scope_documents", "messy"),
        ("search/scope_documents", "linked"),
        ("search/scope_about_links", "linked"),
        ("search/scope_typed_links", "linked"),
    ):
        params = {"since": 0, "user_id": user}
        parsed = sorted(store.run(name, params, scope_fields=fields), key=repr)
        fast = sorted(store.scalar_rows(name, params, scope_fields=fields), key=repr)
        assert parsed and fast == parsed
        assert [[type(v) for v in row.values()] for row in fast] == [
            [type(v) for v in row.values()] for row in parsed
        ]
    documents = repo.scope_documents(scope, since=0)
    assert sorted(row["text"] for row in documents) == sorted(MESSY_TEXTS)
    assert (
        store.scalar_rows(
            "search/scope_documents", {**params, "user_id": "nobody"}, scope_fields=fields
        )
        == []
    )


def test_a_scopes_links_read_whole_equal_its_links_read_by_fact(
    repo: MemoryRepository, seeded: Seeded, embedder: Embedder
) -> None:
    """The first read of a scope's links (ABOUT links, then typed relationships, joined in
    Python) returns what the per-fact read returns, typed relationships on subject links only;
    another scope's links never appear."""
    seed(repo, embedder, Scope(user_id="someone-else"))
    whole = repo.scope_links(seeded.scope)
    ids = [seeded.f_paris, seeded.f_veg, seeded.f_berlin]
    by_fact = repo.scope_links(seeded.scope, ids)
    assert sorted(map(repr, whole)) == sorted(map(repr, by_fact))
    typed = [row for row in whole if row["rel_type"] is not None]
    assert typed and all(row["role"] == "subject" for row in typed)
    assert {row["fact_id"] for row in whole} <= set(ids)


def test_memory_round_trip(store: GraphStore, embedder: Embedder) -> None:
    memory = memory_on(store, embedder)
    added = memory.add(
        [
            {"role": "user", "content": "I am allergic to peanuts."},
            {"role": "assistant", "content": "Noted, no peanuts."},
        ],
        user_id="m",
        infer=False,
    )
    assert [e.event for e in added.events] == ["ADD", "ADD"]
    allergy = added.events[0].id
    result = memory.search("Which food allergy do I have?", user_id="m", limit=1)
    assert [hit.fact.id for hit in result.hits] == [allergy]
    assert memory.update(allergy, "I am allergic to shellfish.", user_id="m").event == "UPDATE"
    found = memory.search("shellfish allergy", user_id="m", limit=1)
    assert [hit.fact.text for hit in found.hits] == ["I am allergic to shellfish."]
    memory.delete(allergy, user_id="m")
    with pytest.raises(NotFoundError):
        memory.get(allergy)
    assert memory.delete_all(user_id="m") == 1
    assert memory.get_all(user_id="m") == []


# -- scope isolation (a security property) --------------------------------------------------
QUERY = "Where is the spare house key hidden?"
NEAR = [f"The spare house key is hidden under the doormat, copy {j}." for j in range(10)]
FAR = [
    "Opera house tickets for the Baroque festival in Venice sold out.",
    "The violin concerto is written in the key of D minor.",
]
TINY = "user_17"
SCOPES = [f"user_{i}" for i in range(50)]


@dataclass
class Crowded:
    """50 scopes in one graph; 49 hold near-duplicates of QUERY, TINY holds 2 far facts."""

    repo: MemoryRepository
    fact_ids: dict[str, list[str]]
    query: list[float]


@pytest.fixture
def crowded(repo: MemoryRepository, embedder: Embedder) -> Crowded:
    vectors = dict(zip(NEAR + FAR, embedder.embed(NEAR + FAR)))
    fact_ids: dict[str, list[str]] = {}
    merged: dict[str, list[dict[str, object]]] = {}  # one transaction for all 50 scopes
    for index, user in enumerate(SCOPES):
        plan = WritePlan(Scope(user_id=user), T0)
        episode = new_id()
        plan.add_episode(episode, [Message(role="user", content="seed")], T0, f"d{index}", None)
        fact_ids[user] = []
        for text in FAR if user == TINY else NEAR:
            fact = NewFact(text, vectors[text], valid_from=None, valid_to=None)
            plan.create_fact(fact, episode)
            fact_ids[user].append(fact.id)
        for segment in write_segments(plan.changes):
            merged.setdefault(segment.name, []).extend(segment.rows)
    repo.store.apply([Segment(name, rows) for name, rows in merged.items()])
    return Crowded(repo, fact_ids, embedder.embed([QUERY])[0])


def test_small_scope_vector_search_is_not_starved(crowded: Crowded) -> None:
    tiny = Scope(user_id=TINY)
    if crowded.repo.store.dialect.vector_index:  # FalkorDB has none: its lookups are exact
        # Precondition: the index's global top-k is all other scopes' near-duplicates, so a
        # "top-k then filter" search would return nothing for the tiny scope.
        index_only = crowded.repo.store.run(
            "search/vector_facts",
            {"vector": crowded.query, "k": 80, "limit": 10, **NOW.params(), "user_id": TINY},
            scope_fields=("user_id",),
        )
        assert index_only == []
    for limit in (1, 2, 10, 50):
        hits = crowded.repo.vector_facts(tiny, crowded.query, limit, NOW)
        assert len(hits) == min(limit, 2)
        assert set(ids(hits)) <= set(crowded.fact_ids[TINY])
    assert sorted(ids(crowded.repo.vector_facts(tiny, crowded.query, 10, NOW))) == sorted(
        crowded.fact_ids[TINY]
    )


def test_small_scope_fulltext_search_is_not_starved(crowded: Crowded) -> None:
    hits = crowded.repo.fulltext_facts(Scope(user_id=TINY), QUERY, 10, NOW)
    assert sorted(ids(hits)) == sorted(crowded.fact_ids[TINY])


def test_large_scope_search_stays_in_scope(crowded: Crowded) -> None:
    own = set(crowded.fact_ids["user_3"])
    vector = crowded.repo.vector_facts(Scope(user_id="user_3"), crowded.query, 10, NOW)
    assert set(ids(vector)) == own
    keyword = crowded.repo.fulltext_facts(Scope(user_id="user_3"), QUERY, 10, NOW)
    assert set(ids(keyword)) == own


def test_memory_search_small_scope(crowded: Crowded, store: GraphStore, embedder: Embedder) -> None:
    memory = memory_on(store, embedder)
    result = memory.search(QUERY, user_id=TINY, limit=10)
    assert sorted(hit.fact.id for hit in result.hits) == sorted(crowded.fact_ids[TINY])
    assert {hit.fact.user_id for hit in result.hits} == {TINY}
    big = memory.search(QUERY, user_id="user_42", limit=5)
    assert len(big) == 5
    assert {hit.fact.id for hit in big.hits} <= set(crowded.fact_ids["user_42"])


def test_other_scopes_ids_are_not_found(
    crowded: Crowded, store: GraphStore, embedder: Embedder
) -> None:
    memory = memory_on(store, embedder)
    victim = crowded.fact_ids["user_3"][0]
    for attempt in (
        lambda: memory.get(victim, user_id=TINY),
        lambda: memory.get(victim, user_id="user_3", agent_id="intruder"),
        lambda: memory.update(victim, "The key is gone.", user_id=TINY),
        lambda: memory.delete(victim, user_id=TINY),
        lambda: memory.delete(victim, run_id="someone-elses-run"),
    ):
        with pytest.raises(NotFoundError):
            attempt()
    fact = memory.get(victim, user_id="user_3")
    assert fact.text == NEAR[0]
    assert [e.event for e in memory.history(victim)] == ["ADD"]
    assert len(memory.get_all(user_id="user_3")) == 10
    assert memory.delete_all(user_id=TINY) == 2
    assert len(memory.get_all(user_id="user_3")) == 10


def test_agent_only_search_never_crosses_agents(store: GraphStore, embedder: Embedder) -> None:
    memory = memory_on(store, embedder)
    memory.add("I prefer window seats on flights.", user_id="u", agent_id="a1", infer=False)
    memory.add("I prefer aisle seats on flights.", user_id="u", agent_id="a2", infer=False)
    memory.add("Seats by the window are my favourite.", user_id="v", agent_id="a2", infer=False)
    memory.add("Book me a window seat, always.", agent_id="a3", infer=False)
    for agent in ("a1", "a2", "a3"):
        result = memory.search("seat preference on flights", agent_id=agent, limit=10)
        assert result.hits
        assert {hit.fact.agent_id for hit in result.hits} == {agent}
        assert {f.agent_id for f in memory.get_all(agent_id=agent)} == {agent}
    both = memory.search("seat preference", user_id="u", agent_id="a2", limit=10)
    assert [hit.fact.text for hit in both.hits] == ["I prefer aisle seats on flights."]
    user_wide = memory.search("seat preference", user_id="u", limit=10)
    assert {hit.fact.agent_id for hit in user_wide.hits} == {"a1", "a2"}


def test_same_entity_name_in_two_scopes_is_two_nodes(
    repo: MemoryRepository, embedder: Embedder
) -> None:
    a = seed(repo, embedder, Scope(user_id="ua"))
    b = seed(repo, embedder, Scope(user_id="ub"))
    assert a.alice != b.alice
    assert a.berlin != b.berlin
    alice_vector = a.vectors["Alice"]
    assert {i for i, _, _ in repo.vector_entities(a.scope, alice_vector, 10)} <= {
        a.alice,
        a.paris,
        a.berlin,
    }
    assert [i for i, _, _, _ in repo.fulltext_entities(b.scope, "Alice", 10)] == [b.alice]
    # ids of scope A are invisible through scope B
    assert repo.expand(b.scope, [a.alice], HISTORY, 10) == []
    assert repo.entity_facts(b.scope, [a.alice], HISTORY, 10) == []
    assert repo.fact_entities(b.scope, [a.f_berlin]) == []
    assert repo.score_facts(b.scope, [a.f_berlin], alice_vector) == {}
    assert repo.facts_by_ids([a.f_berlin], b.scope) == {}
    memory_on(repo.store, embedder).delete_all(**a.scope.params())
    assert [e.id for e in repo.entities_by_keys(b.scope, ["alice"])] == [b.alice]
    assert len(repo.list_facts(b.scope, limit=10, include_expired=True)) == 3
