"""The read path end to end: embedded FalkorDB, real MiniLM embeddings, real Cypher.

The story in ``search_story.py`` is ingested once per module with ``add(infer=True)`` and a
ScriptedLLM replaying recorded ``extract_memory`` answers. Other scopes in the same graph reuse
the story's names (another user's "Alice", an agent's "Alice") and a company hub has 300
employees, so isolation and fan-out are tested in a shared database, as in production.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from search_story import (
    AGENT_EPISODES,
    AGENT_ID,
    OTHER_USER,
    OTHER_USER_EPISODES,
    USER,
    at,
    hub_episodes,
    ingest,
    open_memory,
    shared_embedder,
)

from graphmem import AsyncMemory, Memory
from graphmem.config import MemoryConfig
from graphmem.llm import ScriptedLLM
from graphmem.search._graph import FRONTIER_LIMIT
from graphmem.store._repository import TimeFilter
from graphmem.types import Entity, Fact, Scope, SearchHit, SearchResult

HUB_USER = "hub-owner"
NOTES_USER = "pat"
SOURCES = {"vector", "fulltext", "graph"}
MEM0_KEYS = ("id", "memory", "hash", "metadata", "created_at", "updated_at", "score")
REL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


@dataclass
class World:
    """The ingested module-wide graph and what the tests need to look things up."""

    memory: Memory
    llm: ScriptedLLM
    data_dir: str
    graph: str
    facts: dict[str, dict[str, Fact]] = field(default_factory=dict)
    entities: dict[str, list[Entity]] = field(default_factory=dict)

    def fact(self, text: str, scope: str = USER) -> Fact:
        return self.facts[scope][text]

    def ids(self, scope: str) -> set[str]:
        return {f.id for f in self.facts[scope].values()}

    def entity_names(self, scope: str) -> set[str]:
        return {e.name for e in self.entities[scope]}

    def entity_id(self, name: str, scope: str = USER) -> str:
        (entity,) = [e for e in self.entities[scope] if e.name == name]
        return entity.id


def _scope_kwargs(key: str) -> dict[str, str]:
    return {"agent_id": AGENT_ID} if key == AGENT_ID else {"user_id": key}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("search")
    graph = f"t_{uuid.uuid4().hex}"
    llm = ScriptedLLM([])
    memory = open_memory(data_dir, llm, graph=graph)
    try:
        ingest(memory, llm)
        ingest(memory, llm, OTHER_USER_EPISODES, user_id=OTHER_USER)
        ingest(memory, llm, AGENT_EPISODES, user_id=None, agent_id=AGENT_ID)
        ingest(memory, llm, hub_episodes(300), user_id=HUB_USER)
        memory.add(
            "Pat's notes: Alice adopted a cat named Miso.",
            user_id=NOTES_USER,
            metadata={"channel": "diary"},
            infer=False,
            occurred_at=at(2024, 2, 1),
        )
        memory.add(
            "Pat's notes: Alice's cat Miso hates the vet.",
            user_id=NOTES_USER,
            metadata={"channel": "chat"},
            infer=False,
            occurred_at=at(2024, 3, 1),
        )
        built = World(memory=memory, llm=llm, data_dir=str(data_dir), graph=graph)
        for key in (USER, OTHER_USER, AGENT_ID, HUB_USER, NOTES_USER):
            kwargs = _scope_kwargs(key)
            facts = memory.get_all(**kwargs, include_expired=True, limit=1_000)
            built.facts[key] = {f.text: f for f in facts}
            built.entities[key] = memory._repository.list_entities(Scope(**kwargs))
        yield built
    finally:
        memory.close()


# -- helpers --------------------------------------------------------------------------------
def _path_text(hit: SearchHit) -> str:
    return " -> ".join(f"{s.source} {s.relationship} {s.destination}" for s in hit.path)


def describe(result: SearchResult, limit: int = 12) -> str:
    """The ranking as the report wants it: rank, score, sources, text, currency and path."""
    lines = []
    for rank, hit in enumerate(result.hits[:limit], start=1):
        state = "current" if hit.is_current else "past"
        path = f"  via {_path_text(hit)}" if hit.path else ""
        lines.append(
            f"  {rank:2d}. {hit.score:.6f} [{','.join(hit.sources)}] ({state}) "
            f"{hit.fact.text}{path}"
        )
    return "\n".join(lines)


def _rank_of(result: SearchResult, fact_id: str) -> int | None:
    for rank, hit in enumerate(result.hits, start=1):
        if hit.fact.id == fact_id:
            return rank
    return None


def _texts(result: SearchResult) -> list[str]:
    return [hit.fact.text for hit in result.hits]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _dense_top(world: World, scope: Scope, query: str, k: int, when: TimeFilter) -> list[str]:
    vector = shared_embedder().embed([query])[0]
    return [fact_id for fact_id, _ in world.memory._repository.vector_facts(scope, vector, k, when)]


def _exact_dense_rank(
    world: World, scope_key: str, query: str, fact_id: str, when: datetime
) -> int:
    """Rank of ``fact_id`` by exact cosine among the scope's facts valid at ``when``."""
    valid = [
        f.id
        for f in world.facts[scope_key].values()
        if (f.valid_from is None or f.valid_from <= when)
        and (f.valid_to is None or f.valid_to > when)
    ]
    vector = shared_embedder().embed([query])[0]
    scores = world.memory._repository.score_facts(Scope(**_scope_kwargs(scope_key)), valid, vector)
    ordered = sorted(scores, key=lambda i: -scores[i])
    return ordered.index(fact_id) + 1


def _valid_at(fact: Fact, when: datetime) -> bool:
    starts = fact.valid_from is None or fact.valid_from <= when
    return starts and (fact.valid_to is None or fact.valid_to > when)


# -- multi-hop: the graph's value ------------------------------------------------------------
MULTI_HOP = [
    pytest.param(
        "Where does Alice's manager live?",
        "Carla Sousa lives in Cascais.",
        None,
        None,
        ["MANAGED_BY", "LIVES_IN"],
        id="2hop-alice-manager-home",
    ),
    pytest.param(
        "Where does Tom's manager live?",
        "Petra Kral lives in Brno.",
        None,
        None,
        ["MANAGED_BY", "LIVES_IN"],
        id="2hop-tom-manager-home",
    ),
    pytest.param(
        "Where does Alice's manager live?",
        "Bob Meyer lives in Potsdam.",
        at(2021, 1, 1),
        None,
        ["MANAGED_BY", "LIVES_IN"],
        id="2hop-alice-manager-home-as-of-2021",
    ),
    pytest.param(
        "Where does the partner of Alice's manager work?",
        "Diego Ramos works at Unbabel.",
        None,
        3,
        ["MANAGED_BY", "PARTNER_OF", "WORKS_AT"],
        id="3hop-partner-of-alice-manager-work",
    ),
    pytest.param(
        "Where does the partner of Alice's best friend work?",
        "Rui Costa works at OutSystems.",
        None,
        3,
        ["FRIEND_OF", "PARTNER_OF", "WORKS_AT"],
        id="3hop-partner-of-alice-friend-work",
    ),
]


@pytest.mark.parametrize(("question", "answer", "as_of", "hops", "chain"), MULTI_HOP)
def test_multi_hop_answer_in_top5_while_dense_only_misses_it(
    world: World,
    question: str,
    answer: str,
    as_of: datetime | None,
    hops: int | None,
    chain: list[str],
) -> None:
    """Dense retrieval alone cannot answer (the answer's text shares no words with the
    question's entity); graph expansion from the named person must bring it into the top 5,
    along the expected relationship chain. Three-hop questions use the documented ``hops=3``."""
    scope = Scope(user_id=USER)
    target = world.fact(answer)
    when = as_of or _now()

    dense = _dense_top(world, scope, question, 5, TimeFilter(when))
    assert target.id not in dense, f"dense-only retrieval already answers {question!r}"
    assert _exact_dense_rank(world, USER, question, target.id, when) > 5

    result = world.memory.search(question, user_id=USER, limit=10, as_of=as_of, hops=hops)
    deep = world.memory.search(question, user_id=USER, limit=60, as_of=as_of, hops=hops)
    rank = _rank_of(deep, target.id)
    top5 = [hit.fact.id for hit in result.hits[:5]]
    assert target.id in top5, (
        f"{question!r} (as_of={as_of}, hops={hops}): {answer!r} is at rank {rank}, "
        f"not in the top 5. Ranking:\n{describe(deep, limit=max(10, rank or 0))}"
    )
    hit = result.hits[top5.index(target.id)]
    assert "graph" in hit.sources
    assert [step.relationship for step in hit.path] == chain, _path_text(hit)


def test_dense_misses_are_not_an_artifact_of_the_index(world: World) -> None:
    """The dense baseline above uses the vector index; an exact scan agrees on the top 5."""
    scope = Scope(user_id=USER)
    question = "Where does Alice's manager live?"
    now = _now()
    vector = shared_embedder().embed([question])[0]
    indexed = world.memory._repository.vector_facts(scope, vector, 5, TimeFilter(now))
    current = [f.id for f in world.facts[USER].values() if _valid_at(f, now)]
    exact = world.memory._repository.score_facts(scope, current, vector)
    best = sorted(exact, key=lambda i: -exact[i])[:5]
    assert [fact_id for fact_id, _ in indexed] == best


# -- as-of and history -------------------------------------------------------------------------
AS_OF = [
    ("Where does Alice live?", at(2021, 6, 1), "Alice lives in Berlin.", "Alice lives in Lisbon."),
    ("Where does Alice live?", at(2022, 8, 31), "Alice lives in Berlin.", "Alice lives in Lisbon."),
    ("Where does Alice live?", at(2022, 9, 1), "Alice lives in Lisbon.", "Alice lives in Berlin."),
    ("Where does Alice live?", at(2023, 1, 1), "Alice lives in Lisbon.", "Alice lives in Berlin."),
    (
        "Where does Alice work?",
        at(2021, 6, 1),
        "Alice works at Zalando.",
        "Alice works at Feedzai.",
    ),
    (
        "Where does Alice work?",
        at(2024, 6, 1),
        "Alice works at Feedzai.",
        "Alice works at Zalando.",
    ),
    (
        "Who is Alice's manager?",
        at(2020, 1, 1),
        "Alice is managed by Bob Meyer.",
        "Alice is managed by Carla Sousa.",
    ),
    (
        "Who is Alice's manager?",
        at(2023, 1, 1),
        "Alice is managed by Carla Sousa.",
        "Alice is managed by Bob Meyer.",
    ),
    ("Where does Tom live?", at(2022, 1, 1), "Tom lives in Prague.", "Tom lives in Vienna."),
    ("Where does Tom live?", at(2023, 7, 1), "Tom lives in Vienna.", "Tom lives in Prague."),
    ("Where does Tom work?", at(2022, 1, 1), "Tom works at Avast.", "Tom works at Dynatrace."),
    ("Where does Tom work?", at(2023, 7, 1), "Tom works at Dynatrace.", "Tom works at Avast."),
]


@pytest.mark.parametrize(("question", "as_of", "then_true", "other"), AS_OF)
def test_as_of_returns_the_then_true_fact_and_not_the_other(
    world: World, question: str, as_of: datetime, then_true: str, other: str
) -> None:
    result = world.memory.search(question, user_id=USER, limit=10, as_of=as_of)
    texts = _texts(result)
    assert then_true in texts[:3], f"as of {as_of.date()}:\n{describe(result)}"
    assert other not in texts, f"as of {as_of.date()}:\n{describe(result)}"
    for hit in result.hits:
        assert _valid_at(hit.fact, as_of), f"{hit.fact.text} is not valid at {as_of}"
        assert hit.is_current is True  # "current" is judged at as_of when as_of is given
        assert hit.superseded_by is None or hit.fact.valid_to is not None


SUPERSESSIONS = [
    ("Where did Alice live before?", "Alice lives in Berlin.", "Alice lives in Lisbon."),
    ("Where did Alice work before?", "Alice works at Zalando.", "Alice works at Feedzai."),
    (
        "Who was Alice's previous manager?",
        "Alice is managed by Bob Meyer.",
        "Alice is managed by Carla Sousa.",
    ),
    ("Where did Tom live before?", "Tom lives in Prague.", "Tom lives in Vienna."),
    ("Where did Tom work before?", "Tom works at Avast.", "Tom works at Dynatrace."),
]


@pytest.mark.parametrize(("question", "old", "new"), SUPERSESSIONS)
def test_include_history_returns_superseded_facts_marked(
    world: World, question: str, old: str, new: str
) -> None:
    result = world.memory.search(question, user_id=USER, limit=10, include_history=True)
    by_text = {hit.fact.text: hit for hit in result.hits}
    assert old in by_text and new in by_text, describe(result)
    old_hit, new_hit = by_text[old], by_text[new]
    assert old_hit.is_current is False
    assert old_hit.superseded_by == world.fact(new).id
    assert old_hit.fact.valid_to == new_hit.fact.valid_from
    assert old_hit.fact.expired_at is not None
    assert new_hit.is_current is True
    assert new_hit.superseded_by is None
    assert new_hit.fact.valid_to is None
    events = [event.event for event in world.memory.history(old_hit.fact.id)]
    assert events[0] == "ADD" and "INVALIDATE" in events


@pytest.mark.parametrize(
    "question",
    [
        "Where did Alice live before?",
        "Alice lives in Berlin.",  # the superseded fact's own text: its best possible match
        "Alice works at Zalando.",
        "Alice is managed by Bob Meyer.",
        "Where does Alice's manager live?",
        "Where did Tom live before Vienna?",
        "Tom works at Avast.",
    ],
)
def test_default_search_never_returns_superseded_facts(world: World, question: str) -> None:
    superseded = {f.id for f in world.facts[USER].values() if f.expired_at is not None}
    assert len(superseded) == 5
    now = _now()
    result = world.memory.search(question, user_id=USER, limit=50)
    assert result.hits
    for hit in result.hits:
        assert hit.fact.id not in superseded, describe(result)
        assert hit.superseded_by is None
        assert hit.fact.expired_at is None
        assert hit.fact.valid_to is None or hit.fact.valid_to > now
        assert hit.is_current is True
    assert all(r.valid_to is None for r in result.relations)


# -- hub fan-out --------------------------------------------------------------------------------
def test_hub_really_has_hundreds_of_relationships(world: World) -> None:
    works_at_globex = [
        f
        for f in world.facts[HUB_USER].values()
        if f.predicate == "WORKS_AT" and f.object == "Globex"
    ]
    assert len(works_at_globex) == 301  # 300 staff + Nora


@pytest.mark.parametrize("fanout", [1, 7, 25, 100])
def test_expand_returns_at_most_fanout_edges_per_entity(world: World, fanout: int) -> None:
    scope = Scope(user_id=HUB_USER)
    frontier = [
        world.entity_id("Globex", HUB_USER),
        world.entity_id("Nora Fischer", HUB_USER),
        world.entity_id("Anna Abbott", HUB_USER),
        world.entity_id("Zurich", HUB_USER),
    ]
    rows = world.memory._repository.expand(scope, frontier, TimeFilter(_now()), fanout)
    per_entity = Counter(row.from_id for row in rows)
    assert set(per_entity) <= set(frontier)
    assert max(per_entity.values()) <= fanout
    assert per_entity[world.entity_id("Globex", HUB_USER)] == fanout  # the hub is truncated
    assert len({(row.from_id, row.fact_id) for row in rows}) == len(rows)
    hub_names = world.entity_names(HUB_USER)
    assert {row.to_name for row in rows} <= hub_names


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Where does Nora's manager live?", "Anna Abbott lives in Basel."),
        ("Where is the headquarters of Nora's employer?", "Globex is headquartered in Zurich."),
        ("Does Nora Fischer work at Globex?", "Nora Fischer works at Globex."),
    ],
)
def test_search_through_a_hub_still_answers(world: World, question: str, answer: str) -> None:
    result = world.memory.search(question, user_id=HUB_USER, limit=10)
    target = world.fact(answer, HUB_USER)
    deep = world.memory.search(question, user_id=HUB_USER, limit=60)
    assert target.id in [hit.fact.id for hit in result.hits[:5]], (
        f"{question!r}: {answer!r} at rank {_rank_of(deep, target.id)}. Ranking:\n"
        f"{describe(deep, limit=15)}"
    )
    assert len(result.hits) <= 10
    assert all(hit.fact.user_id == HUB_USER for hit in result.hits)


@pytest.mark.parametrize("fanout", [5, 10])
def test_graph_candidates_through_a_hub_are_bounded_by_fanout(world: World, fanout: int) -> None:
    """The hub's 301 WORKS_AT relationships cannot flood the graph retriever: it sees at most
    ``fanout`` of them as hub edges, ``fanout`` as facts about the hub (when it is a seed), and
    one per entity that reached the hub another way."""
    scope = Scope(user_id=HUB_USER)
    question = "Who works with Nora at Globex?"
    vector = shared_embedder().embed([question])[0]
    graph = world.memory._searcher._graph

    def staff_facts(fanout: int) -> tuple[int, int, int]:
        found = graph.candidates(scope, question, vector, TimeFilter(_now()), hops=2, fanout=fanout)
        texts = {f.id: f.text for f in world.facts[HUB_USER].values()}
        staff = [i for i in found.ranked if texts[i].endswith(" works at Globex.")]
        return len(found.ranked), len(staff), len(found.seeds)

    total, staff, seeds = staff_facts(fanout)
    assert "Globex" in {e.name for e in world.entities[HUB_USER]}
    # +1: Nora's manager (Anna Abbott, a staff member) is reached via Nora, not via Globex.
    assert staff <= 2 * fanout + seeds + 1, (staff, seeds)
    # hop 1: seeds x fanout; hop 2: at most FRONTIER_LIMIT entities x fanout; facts about seeds
    assert total <= seeds * fanout + min(FRONTIER_LIMIT, seeds * fanout) * fanout + seeds * fanout
    _, unbounded_staff, _ = staff_facts(1_000)
    assert unbounded_staff > staff  # the cap, not the data, is what bounded it


# -- filters and threshold -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ("LIVES_IN", "Alice lives in Lisbon."),
        (["WORKS_AT", "MANAGED_BY"], "Alice works at Feedzai."),
        ("PARTNER_OF", "Carla Sousa's partner is Diego Ramos."),
    ],
)
def test_filter_by_predicate(world: World, predicate: str | list[str], expected: str) -> None:
    allowed = {predicate} if isinstance(predicate, str) else set(predicate)
    result = world.memory.search(
        "Tell me about Alice", user_id=USER, limit=10, filters={"predicate": predicate}
    )
    assert result.hits
    assert {hit.fact.predicate for hit in result.hits} <= allowed
    unfiltered = world.memory.search("Tell me about Alice", user_id=USER, limit=50)
    assert {hit.fact.predicate for hit in unfiltered.hits} - allowed  # the filter removed some
    deep = world.memory.search(
        "Tell me about Alice", user_id=USER, limit=50, filters={"predicate": predicate}
    )
    assert expected in _texts(deep)


@pytest.mark.parametrize("entity", ["Carla Sousa", "carla sousa", "Lisbon"])
def test_filter_by_entity(world: World, entity: str) -> None:
    result = world.memory.search(
        "Where does Alice's manager live?", user_id=USER, limit=10, filters={"entity": entity}
    )
    assert result.hits, describe(result)
    for hit in result.hits:
        names = {(hit.fact.subject or "").casefold(), (hit.fact.object or "").casefold()}
        assert entity.casefold() in names, hit.fact.text


def test_filter_by_unknown_entity_returns_nothing(world: World) -> None:
    result = world.memory.search(
        "Where does Alice live?", user_id=USER, filters={"entity": "Nobody Atall"}
    )
    assert result.hits == []


@pytest.mark.parametrize(
    ("metadata", "expected", "excluded"),
    [
        (
            {"channel": "diary"},
            "Pat's notes: Alice adopted a cat named Miso.",
            "Pat's notes: Alice's cat Miso hates the vet.",
        ),
        (
            {"channel": "chat", "role": "user"},
            "Pat's notes: Alice's cat Miso hates the vet.",
            "Pat's notes: Alice adopted a cat named Miso.",
        ),
    ],
)
def test_filter_by_metadata(
    world: World, metadata: dict[str, str], expected: str, excluded: str
) -> None:
    unfiltered = _texts(world.memory.search("Alice's cat", user_id=NOTES_USER))
    assert expected in unfiltered and excluded in unfiltered
    result = world.memory.search("Alice's cat", user_id=NOTES_USER, filters={"metadata": metadata})
    assert _texts(result) == [expected]
    assert all(hit.fact.metadata[k] == v for hit in result.hits for k, v in metadata.items())


def test_filter_by_metadata_value_that_no_fact_has(world: World) -> None:
    result = world.memory.search(
        "Alice's cat", user_id=NOTES_USER, filters={"metadata": {"channel": "email"}}
    )
    assert result.hits == []


@pytest.mark.parametrize(
    ("window", "expected", "excluded"),
    [
        ({"valid_before": at(2020, 1, 1)}, "Alice lives in Berlin.", "Alice lives in Lisbon."),
        ({"valid_after": at(2023, 1, 1)}, "Alice lives in Lisbon.", "Alice lives in Berlin."),
        (
            {"valid_after": at(2020, 1, 1), "valid_before": at(2021, 1, 1)},
            "Alice lives in Berlin.",
            "Alice lives in Lisbon.",
        ),
    ],
)
def test_filter_by_validity_window(
    world: World, window: dict[str, datetime], expected: str, excluded: str
) -> None:
    result = world.memory.search(
        "Where did Alice live?", user_id=USER, limit=20, include_history=True, filters=window
    )
    texts = _texts(result)
    assert expected in texts and excluded not in texts, describe(result)
    after, before = window.get("valid_after"), window.get("valid_before")
    for hit in result.hits:
        if after is not None:
            assert hit.fact.valid_to is None or hit.fact.valid_to > after, hit.fact.text
        if before is not None:
            # an unknown start is open towards the past, so it overlaps any window
            assert hit.fact.valid_from is None or hit.fact.valid_from < before, hit.fact.text


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.65])
def test_threshold_drops_vector_hits_below_it(world: World, threshold: float) -> None:
    """``threshold`` is the minimum cosine similarity of hits found by vector search."""
    question = "Where does Alice live?"
    scope = Scope(user_id=USER)
    vector = shared_embedder().embed([question])[0]
    unfiltered = world.memory.search(question, user_id=USER, limit=50)
    result = world.memory.search(question, user_id=USER, limit=50, threshold=threshold)
    ids = {hit.fact.id for hit in unfiltered.hits} | {hit.fact.id for hit in result.hits}
    similarity = world.memory._repository.score_facts(scope, sorted(ids), vector)
    for hit in result.hits:
        if "vector" in hit.sources:
            assert similarity[hit.fact.id] >= threshold - 1e-6, (hit.fact.text, threshold)
    dropped = {h.fact.id for h in unfiltered.hits} - {h.fact.id for h in result.hits}
    assert dropped, "the threshold removed nothing"
    assert all(similarity[fact_id] < threshold + 1e-6 for fact_id in dropped)
    assert "Alice lives in Lisbon." in _texts(result)


# -- scope isolation under expansion --------------------------------------------------------------
OTHER_ONLY_NAMES = {"Oslo", "Bergen", "Equinor", "Madrid", "Hugo Blanco", "Seville"}


def test_same_names_exist_in_several_scopes_as_distinct_entities(world: World) -> None:
    for name in ("Carla Sousa", "Diego Ramos", "Feedzai"):
        assert name in world.entity_names(USER) and name in world.entity_names(OTHER_USER)
    assert "Alice" in world.entity_names(OTHER_USER) and "Alice" in world.entity_names(AGENT_ID)
    ids = {key: {e.id for e in world.entities[key]} for key in (USER, OTHER_USER, AGENT_ID)}
    assert not ids[USER] & ids[OTHER_USER]
    assert not ids[USER] & ids[AGENT_ID]
    assert not ids[OTHER_USER] & ids[AGENT_ID]
    # Identical fact texts in two scopes are two facts.
    assert (
        world.fact("Alice works at Feedzai.").id
        != world.fact("Alice works at Feedzai.", OTHER_USER).id
    )


ISOLATION_QUESTIONS = [
    ("Where does Alice's manager live?", None),
    ("Where does the partner of Alice's manager work?", 3),
    ("Where does Carla Sousa live?", None),
    ("Diego Ramos Equinor Bergen Oslo Madrid", 3),  # names only the other scopes know
    ("Alice's manager works from home on Fridays.", None),  # a text both users have
]


def _assert_isolated(world: World, key: str, result: SearchResult) -> None:
    own_ids = world.ids(key)
    own_names = world.entity_names(key)
    foreign_ids = set().union(*(world.ids(k) for k in world.facts if k != key))
    for hit in result.hits:
        assert hit.fact.id in own_ids and hit.fact.id not in foreign_ids, hit.fact.text
        if key == AGENT_ID:
            assert hit.fact.agent_id == AGENT_ID and hit.fact.user_id is None
        else:
            assert hit.fact.user_id == key
        for step in hit.path:
            assert {step.source, step.destination} <= own_names, _path_text(hit)
        assert set(hit.entities) <= own_names
    for relation in result.relations:
        assert {relation.source, relation.destination} <= own_names
        assert relation.fact_id in own_ids
    assert set(result.entities) <= own_names


@pytest.mark.parametrize(("question", "hops"), ISOLATION_QUESTIONS)
def test_user_search_never_leaves_its_scope(world: World, question: str, hops: int | None) -> None:
    for key in (USER, OTHER_USER):
        result = world.memory.search(question, user_id=key, limit=50, hops=hops)
        _assert_isolated(world, key, result)
    mine = world.memory.search(question, user_id=USER, limit=50, hops=hops)
    blob = " ".join([*_texts(mine), *(_path_text(h) for h in mine.hits), *mine.entities])
    assert not any(name in blob for name in OTHER_ONLY_NAMES), blob


@pytest.mark.parametrize(("question", "hops"), ISOLATION_QUESTIONS)
def test_agent_only_scope_is_isolated(world: World, question: str, hops: int | None) -> None:
    result = world.memory.search(question, agent_id=AGENT_ID, limit=50, hops=hops)
    _assert_isolated(world, AGENT_ID, result)


@pytest.mark.parametrize(
    ("key", "answer", "foreign"),
    [
        (OTHER_USER, "Carla Sousa lives in Bergen.", "Carla Sousa lives in Cascais."),
        (AGENT_ID, "Hugo Blanco lives in Seville.", "Carla Sousa lives in Cascais."),
    ],
)
def test_each_scope_answers_the_multi_hop_question_from_its_own_world(
    world: World, key: str, answer: str, foreign: str
) -> None:
    result = world.memory.search("Where does Alice's manager live?", **_scope_kwargs(key))
    texts = _texts(result)
    assert answer in texts[:5], describe(result)
    assert foreign not in texts
    hit = result.hits[texts.index(answer)]
    if hit.path:
        assert hit.path[-1].relationship == "LIVES_IN"


def test_expand_never_crosses_into_another_scope(world: World) -> None:
    repository = world.memory._repository
    when = TimeFilter(_now())
    mine = Scope(user_id=USER)
    # Another scope's entity ids are invisible, even when the caller passes them in.
    foreign = [world.entity_id("Alice", OTHER_USER), world.entity_id("Carla Sousa", OTHER_USER)]
    assert repository.expand(mine, foreign, when, 25) == []
    assert repository.expand(Scope(agent_id=AGENT_ID), foreign, when, 25) == []
    # From the user's own same-named entities, every edge stays inside the user's entities.
    own = [
        world.entity_id("Carla Sousa"),
        world.entity_id("Diego Ramos"),
        world.entity_id("Feedzai"),
    ]
    rows = repository.expand(mine, own, when, 25)
    own_ids = {e.id for e in world.entities[USER]}
    assert rows and {row.to_id for row in rows} <= own_ids
    assert {row.fact_id for row in rows} <= world.ids(USER)


def test_search_with_user_and_agent_ids_narrows_to_both(world: World) -> None:
    result = world.memory.search(
        "Where does Alice live?", user_id=USER, agent_id=AGENT_ID, limit=20
    )
    assert result.hits == []  # nothing was written with both ids


# -- result shape -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shaped(world: World) -> SearchResult:
    return world.memory.search(
        "Where does Alice's manager live?", user_id=USER, limit=30, include_history=True
    )


def test_hit_fields(world: World, shaped: SearchResult) -> None:
    assert 1 <= len(shaped.hits) <= 30
    scores = [hit.score for hit in shaped.hits]
    assert scores == sorted(scores, reverse=True)
    assert len({hit.fact.id for hit in shaped.hits}) == len(shaped.hits)
    for hit in shaped.hits:
        assert isinstance(hit.score, float) and hit.score > 0
        assert isinstance(hit.is_current, bool)
        assert hit.is_current == hit.fact.is_current()
        assert hit.sources and set(hit.sources) <= SOURCES
        assert set(hit.entities) <= {hit.fact.subject, hit.fact.object} - {None}
        assert hit.fact.user_id == USER
        if hit.path:
            assert "graph" in hit.sources
            for step in hit.path:
                assert REL_TYPE.match(step.relationship), step
                assert step.source and step.destination
            for earlier, later in zip(hit.path, hit.path[1:]):
                shared = {earlier.source, earlier.destination} & {later.source, later.destination}
                assert shared, f"broken path {_path_text(hit)}"
            last = hit.path[-1]
            assert (last.source, last.relationship, last.destination) == (
                hit.fact.subject,
                hit.fact.predicate,
                hit.fact.object,
            ), _path_text(hit)
    assert any(not hit.is_current for hit in shaped.hits)
    assert any(hit.path for hit in shaped.hits)
    assert any(len(hit.path) >= 2 for hit in shaped.hits)


def test_to_dict_is_mem0_shaped(shaped: SearchResult) -> None:
    view = shaped.to_dict()
    assert set(view) == {"results", "relations"}
    assert len(view["results"]) == len(shaped.hits)
    for item, hit in zip(view["results"], shaped.hits):
        assert set(MEM0_KEYS) <= set(item)
        assert item["id"] == hit.fact.id and item["memory"] == hit.fact.text
        assert item["score"] == hit.score
        assert item["user_id"] == USER and "agent_id" not in item and "run_id" not in item
        assert item["is_current"] is hit.is_current
        assert (item["valid_to"] is None) == (hit.fact.valid_to is None)
        datetime.fromisoformat(item["created_at"])
        if item["valid_from"] is not None:
            datetime.fromisoformat(item["valid_from"])
    for relation in view["relations"]:
        assert set(relation) == {"source", "relationship", "destination"}
        assert all(isinstance(v, str) and v for v in relation.values())


def test_relations_are_the_triples_of_the_hits(shaped: SearchResult) -> None:
    by_id = {hit.fact.id: hit for hit in shaped.hits}
    binary = [h for h in shaped.hits if h.fact.predicate and h.fact.subject and h.fact.object]
    assert binary
    assert [r.fact_id for r in shaped.relations] == [h.fact.id for h in binary]
    for relation in shaped.relations:
        fact = by_id[relation.fact_id].fact
        assert (relation.source, relation.relationship, relation.destination) == (
            fact.subject,
            fact.predicate,
            fact.object,
        )
        assert (relation.valid_from, relation.valid_to) == (fact.valid_from, fact.valid_to)


@pytest.mark.parametrize("max_tokens", [0, 1, 8, 15, 30, 60, 120, 10_000])
def test_to_context_respects_the_budget_and_puts_current_first(
    shaped: SearchResult, max_tokens: int
) -> None:
    context = shaped.to_context(max_tokens=max_tokens)
    assert len(context) <= max_tokens * 4
    lines = [line for line in context.splitlines() if line]
    past = [i for i, line in enumerate(lines) if "(past:" in line]
    current = [i for i, line in enumerate(lines) if "(past:" not in line]
    assert not past or not current or max(current) < min(past)
    if max_tokens == 10_000:
        assert len(lines) == len(shaped.hits)
        assert past and current
        for hit in shaped.hits:
            assert any(line.startswith(f"- {hit.fact.text}") for line in lines)


def test_to_context_dates_history(world: World, shaped: SearchResult) -> None:
    context = shaped.to_context(max_tokens=10_000)
    bob = world.fact("Alice is managed by Bob Meyer.")
    assert f"- {bob.text} (past: 2019-04-01 to 2022-09-01)" in context.splitlines()


# -- no LLM on the read path, async -----------------------------------------------------------
SEARCH_BATTERY: list[dict[str, Any]] = [
    {"query": "Where does Alice's manager live?", "user_id": USER},
    {"query": "Where does the partner of Alice's manager work?", "user_id": USER, "hops": 3},
    {"query": "Where did Alice live?", "user_id": USER, "as_of": at(2021, 1, 1)},
    {"query": "Where did Alice live before?", "user_id": USER, "include_history": True},
    {"query": "Alice", "user_id": USER, "filters": {"predicate": "LIVES_IN"}, "threshold": 0.2},
    {"query": "Where does Alice's manager live?", "agent_id": AGENT_ID},
    {"query": "Where does Nora's manager live?", "user_id": HUB_USER},
]


def test_search_makes_no_llm_call(world: World) -> None:
    calls, requests = world.llm.calls, len(world.llm.requests)
    assert calls > 0  # ingestion did call the (scripted) model
    for item in SEARCH_BATTERY:
        kwargs = dict(item)
        assert world.memory.search(kwargs.pop("query"), **kwargs).hits
    assert (world.llm.calls, len(world.llm.requests)) == (calls, requests)
    assert world.llm.remaining == 0


def test_async_memory_search(world: World) -> None:
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": world.data_dir, "graph": world.graph}}
    )
    llm = ScriptedLLM([])  # empty: any call would raise LLMUnavailableError
    calls = world.llm.calls

    async def run() -> list[SearchResult]:
        async with AsyncMemory(config, embedder=shared_embedder(), llm=llm) as memory:
            return list(
                await asyncio.gather(
                    memory.search("Where does Alice live?", user_id=USER),
                    memory.search("Where did Alice live?", user_id=USER, as_of=at(2021, 1, 1)),
                    memory.search("Where does Alice's manager live?", agent_id=AGENT_ID),
                )
            )

    now_result, then_result, agent_result = asyncio.run(run())
    assert _texts(now_result)[0] == "Alice lives in Lisbon."
    assert "Alice lives in Berlin." in _texts(then_result)[:3]
    assert "Alice lives in Lisbon." not in _texts(then_result)
    assert all(hit.fact.agent_id == AGENT_ID for hit in agent_result.hits)
    assert llm.calls == 0 and world.llm.calls == calls


def _ids(hits: Sequence[SearchHit]) -> list[str]:
    return [hit.fact.id for hit in hits]


def test_async_and_sync_search_agree(world: World) -> None:
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": world.data_dir, "graph": world.graph}}
    )

    async def run() -> SearchResult:
        async with AsyncMemory(config, embedder=shared_embedder(), llm=ScriptedLLM([])) as memory:
            return await memory.search("Where does Tom work?", user_id=USER, limit=5)

    assert _ids(asyncio.run(run()).hits) == _ids(
        world.memory.search("Where does Tom work?", user_id=USER, limit=5).hits
    )
