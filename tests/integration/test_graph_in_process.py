"""Graph expansion in process (``search/_links``) walks what the store's queries walk.

The recorded family story, a hub company, another user, an agent and two runs of one user are
ingested (real FalkorDB, real MiniLM, scripted extraction); for every scope, several instants,
history on and off and several fan-outs, the in-process walk must return what
``search/expand`` and ``search/entity_facts`` return. Where a fan-out cuts through equal keys
the store's pick among them is arbitrary, so those cases compare the keys picked.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from graphmem import Memory
from graphmem.llm import ScriptedLLM
from graphmem.search._catalogue import ScopeCatalogue, _key
from graphmem.search._links import ScopeGraph
from graphmem.store._repository import TimeFilter
from graphmem.types import Scope
from tests.integration.search_story import (
    AGENT_EPISODES,
    AGENT_ID,
    EPISODES,
    OTHER_USER,
    OTHER_USER_EPISODES,
    USER,
    at,
    hub_episodes,
    ingest,
    open_memory,
)

HUB_USER = "hub-owner"
RUN_USER = "runner"
SCOPES = [
    Scope(user_id=USER),
    Scope(user_id=OTHER_USER),
    Scope(agent_id=AGENT_ID),
    Scope(user_id=HUB_USER),
    Scope(user_id=RUN_USER),
    Scope(user_id=RUN_USER, run_id="r1"),
    Scope(user_id=RUN_USER, run_id="r2"),
]
INSTANTS = [
    TimeFilter(at(2020, 6, 1)),
    TimeFilter(at(2023, 1, 1)),
    TimeFilter(datetime.now(timezone.utc)),
    TimeFilter(datetime.now(timezone.utc), include_history=True),
]


@dataclass
class World:
    memory: Memory
    llm: ScriptedLLM
    data_dir: Path
    graph: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    llm = ScriptedLLM([])
    data_dir, graph = tmp_path_factory.mktemp("graphwalk"), f"t_{uuid.uuid4().hex}"
    memory = open_memory(data_dir, llm, graph=graph)
    try:
        ingest(memory, llm)
        ingest(memory, llm, OTHER_USER_EPISODES, user_id=OTHER_USER)
        ingest(memory, llm, AGENT_EPISODES, user_id=None, agent_id=AGENT_ID)
        ingest(memory, llm, hub_episodes(80), user_id=HUB_USER)
        # one user, two runs: the same story halves, each in its own run
        for number, episode in enumerate(EPISODES):
            llm.add(episode.answer)
            memory.add(
                episode.text,
                user_id=RUN_USER,
                run_id="r1" if number % 2 else "r2",
                occurred_at=episode.when,
            )
        yield World(memory, llm, data_dir, graph)
    finally:
        memory.close()


def _walk(memory: Memory, scope: Scope) -> tuple[ScopeGraph, ScopeCatalogue]:
    catalogue = memory._searcher._catalogue
    snapshot = catalogue.get(scope)
    return catalogue.graph(scope, snapshot), snapshot


def _entities(memory: Memory, scope: Scope) -> list[str]:
    return sorted(
        e.id
        for e in memory._repository.list_entities(
            Scope(user_id=scope.user_id, agent_id=scope.agent_id)
        )
    )


def _weights(memory: Memory) -> dict[str, float]:
    types = sorted(memory._repository.relationship_types())
    return {t: round(0.1 * (i % 4), 2) for i, t in enumerate(types)}


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key().replace("\x1f", ","))
def test_expansion_matches_the_stores(world: World, scope: Scope) -> None:
    memory = world.memory
    graph, snapshot = _walk(memory, scope)
    entities = _entities(memory, scope)
    assert entities, "the world must give every scope entities"
    weights = _weights(memory)
    valid_from = {d.id: d.valid_from or 0 for d in snapshot.docs.values()}
    walked = 0
    for when in INSTANTS:
        for fanout in (1_000, 4):
            for start in range(0, len(entities), 20):
                ids = entities[start : start + 20]
                ours = graph.expand(ids, when, fanout, weights)
                theirs = memory._repository.expand(scope, ids, when, fanout, weights)
                walked += len(ours)
                if fanout == 1_000:
                    assert Counter(ours) == Counter(theirs)
                else:  # equal keys at the cut: compare which keys were kept per entity

                    def keys(edges: list) -> Counter:  # type: ignore[type-arg]
                        return Counter(
                            (e.from_id, weights.get(e.rel_type, 0.0), valid_from[e.fact_id])
                            for e in edges
                        )

                    assert keys(ours) == keys(theirs)
                    assert len(ours) == len(theirs)
    assert walked > 0


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key().replace("\x1f", ","))
def test_facts_about_entities_match_the_stores(world: World, scope: Scope) -> None:
    memory = world.memory
    graph, snapshot = _walk(memory, scope)
    entities = _entities(memory, scope)
    recorded = {d.id: d.recorded_at for d in snapshot.docs.values()}
    for when in INSTANTS:
        for fanout in (1_000, 3):
            ours = graph.entity_facts(entities, when, fanout)
            theirs = memory._repository.entity_facts(scope, entities, when, fanout)
            if fanout == 1_000:
                assert Counter(ours) == Counter(theirs)
                assert ours
            else:
                assert Counter((e, recorded[f]) for e, f in ours) == Counter(
                    (e, recorded[f]) for e, f in theirs
                )


def test_search_ranks_the_same_walking_in_process_or_in_the_store(world: World) -> None:
    memory = world.memory
    questions = [
        "Where does Alice's manager live?",
        "Who is Alice's manager?",
        "Where does Tom work?",
        "Who is Carla Sousa's partner?",
        "Where did Alice live in 2020?",
    ]
    searcher = memory._searcher
    for question in questions:
        for as_of in (None, at(2020, 6, 1)):
            searcher._config = searcher._config.model_copy(update={"graph_in_process": True})
            ours = memory.search(question, user_id=USER, as_of=as_of, limit=10)
            searcher._config = searcher._config.model_copy(update={"graph_in_process": False})
            theirs = memory.search(question, user_id=USER, as_of=as_of, limit=10)
            assert [h.fact.id for h in ours.hits] == [h.fact.id for h in theirs.hits], question
            assert [h.path for h in ours.hits] == [h.path for h in theirs.hits]
    searcher._config = searcher._config.model_copy(update={"graph_in_process": True})


def test_sees_new_superseded_and_deleted_facts(world: World) -> None:
    memory, llm = world.memory, world.llm
    scope = Scope(user_id="walker")
    for episode in EPISODES[:6]:
        llm.add(episode.answer)
        memory.add(episode.text, user_id="walker", occurred_at=episode.when)
    graph, _ = _walk(memory, scope)
    now = TimeFilter(datetime.now(timezone.utc))
    entities = _entities(memory, scope)
    before = Counter(graph.expand(entities, now, 1_000))
    # another client writes: the next walk must see its facts (read once, by id)
    other = open_memory(world.data_dir, llm, graph=world.graph)
    try:
        for episode in EPISODES[6:12]:
            llm.add(episode.answer)
            other.add(episode.text, user_id="walker", occurred_at=episode.when)
        graph, _ = _walk(memory, scope)
        entities = _entities(memory, scope)
        after = graph.expand(entities, now, 1_000)
        assert Counter(after) == Counter(memory._repository.expand(scope, entities, now, 1_000))
        assert len(after) > len(before)
        # a delete removes the fact's relationship: the walk must not return it
        gone = after[0].fact_id
        other.delete(gone)
        graph, _ = _walk(memory, scope)
        again = graph.expand(entities, now, 1_000)
        assert gone not in {e.fact_id for e in again}
        assert Counter(again) == Counter(memory._repository.expand(scope, entities, now, 1_000))
    finally:
        other.close()


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key().replace("\x1f", ","))
def test_similar_seed_entities_match_the_stores_exact_ranking(world: World, scope: Scope) -> None:
    memory = world.memory
    graph, _ = _walk(memory, scope)
    table = memory._searcher._catalogue._entities[_key(scope)]
    table.vectors.load(
        lambda ids: memory._repository.entity_vectors(scope, ids), dict, background=False
    )
    assert table.vectors.ready
    for text in ("Alice Novak", "manager", "Lisbon", "a software company", "Tommy"):
        vector = memory._embedder.embed([text])[0]
        ours = graph.entities_similar(vector, 5)
        theirs = memory._repository.similar_entities(scope, vector, 5)
        assert [i for i, _, _ in ours] == [e.id for e in theirs], text
        for (_, _, mine), entity in zip(ours, theirs, strict=True):
            assert mine == pytest.approx(entity.similarity, abs=1e-5)


def test_named_seed_entities_come_first_and_from_the_scope_only(world: World) -> None:
    graph, _ = _walk(world.memory, Scope(user_id=USER))
    named = graph.entities_named("Where does Alice Novak's manager Carla live?", 5)
    names = [name for _, name, _ in named]
    assert names[0] == "Alice Novak" and named[0][2] is True
    assert "Carla Sousa" in names
    own = {e.id for e in world.memory._repository.list_entities(Scope(user_id=USER))}
    assert {i for i, _, _ in named} <= own  # riley's Carla Sousa shares every word
    assert graph.entities_named("what about the weather", 5) == []


def test_seeds_do_not_depend_on_other_tenants(world: World) -> None:
    """Entity seeds rank with the scope's own statistics: tenants with the same words around
    a scope do not change which entities seed its searches (or in what order)."""
    memory, llm = world.memory, world.llm
    questions = [
        "Who is Alice's manager?",
        "Where does Tom Novak work?",
        "Carla Sousa partner",
        "Novak family in Ostrava",
        "Lisbon Feedzai",
    ]
    graph, _ = _walk(memory, Scope(user_id=USER))
    before = [graph.entities_named(q, 5) for q in questions]
    for number in range(3):  # other tenants full of the same names
        for episode in EPISODES[:10]:
            llm.add(episode.answer)
            memory.add(episode.text, user_id=f"crowd-{number}", occurred_at=episode.when)
    graph, _ = _walk(memory, Scope(user_id=USER))
    assert [graph.entities_named(q, 5) for q in questions] == before


def test_an_entity_written_by_another_client_seeds_the_next_search(world: World) -> None:
    memory, llm = world.memory, world.llm
    scope = Scope(user_id="seeder")
    llm.add(EPISODES[0].answer)
    memory.add(EPISODES[0].text, user_id="seeder", occurred_at=EPISODES[0].when)
    graph, _ = _walk(memory, scope)
    before = {name for _, name, _ in graph.entities_named("Petra Kral in Brno", 5)}
    assert "Petra Kral" not in before
    other = open_memory(world.data_dir, llm, graph=world.graph)
    try:
        for episode in EPISODES[1:8]:
            llm.add(episode.answer)
            other.add(episode.text, user_id="seeder", occurred_at=episode.when)
    finally:
        other.close()
    graph, _ = _walk(memory, scope)
    now = {name for _, name, _ in graph.entities_named("Petra Kral in Brno", 5)}
    assert "Petra Kral" in now
