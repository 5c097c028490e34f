"""add(infer=True) end to end: scripted LLM answers, real FalkorDB, real embeddings.

The extract_memory / resolve_memory answers are scripted (no model runs here), and every
scenario runs through each of the three drivers of ``llm_drivers``: a ScriptedLLM, an
OpenAIProvider talking real HTTP to a local fake OpenAI server, and a LangChainProvider over a
fake tool-calling chat model. Everything after the model's answer is the real pipeline.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

import pytest
from llm_drivers import DRIVERS, LLMDriver, fast_retries, make_driver

from graphmem import ExtractionError, LLMUnavailableError, Memory, MemoryConfig, Scope
from graphmem._ontology import DEFAULT_ONTOLOGY, Ontology, RelationType
from graphmem.store._repository import TimeFilter

USER = "u1"


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


def entity(name: str, type_: str = "Person", aliases: list[str] | None = None) -> dict[str, Any]:
    return {"name": name, "type": type_, "aliases": aliases or []}


def relation(s: str, p: str, o: str, fact: str, since: str | None = None, until: str | None = None):
    return {
        "subject": s,
        "predicate": p,
        "object": o,
        "fact": fact,
        "valid_from": since,
        "valid_to": until,
    }


def extraction(entities=(), relations=(), facts=()) -> dict[str, Any]:
    return {"entities": list(entities), "relations": list(relations), "facts": list(facts)}


@pytest.fixture(params=DRIVERS)
def make_memory(request, data_dir, embedder):
    """``make(script, ontology=None) -> (memory, driver)``, once per driver of ``DRIVERS``.

    ``data_dir`` and ``embedder`` are the session's (tests/conftest.py): one FalkorDB server and
    one MiniLM for every test; each memory gets its own graph.
    """
    made: list[tuple[Memory, LLMDriver]] = []

    def make(script: list[Any], ontology: Ontology | None = None) -> tuple[Memory, LLMDriver]:
        driver = make_driver(request.param, script)
        config = MemoryConfig.from_dict(
            {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
        )
        memory = Memory(config, embedder=embedder, llm=driver.llm, ontology=ontology)
        made.append((memory, driver))
        return memory, driver

    yield make
    for memory, driver in made:
        memory.reset()
        memory.close()
        driver.close()


def texts(facts) -> set[str]:
    return {f.text for f in facts}


def current(memory: Memory) -> set[str]:
    return texts(memory.get_all(user_id=USER))


def test_a_move_supersedes_the_old_home_and_keeps_history(make_memory):
    memory, driver = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Berlin", "Place")],
                [
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Berlin",
                        "Alice lives in Berlin.",
                        "2021-03-01T00:00:00Z",
                    )
                ],
            ),
            extraction(
                [entity("Alice"), entity("Paris", "Place")],
                [
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Paris",
                        "Alice lives in Paris.",
                        "2023-05-01T00:00:00Z",
                    )
                ],
            ),
        ]
    )
    first = memory.add("Alice lives in Berlin.", user_id=USER, occurred_at=at(2021, 3, 5))
    second = memory.add("Alice moved to Paris.", user_id=USER, occurred_at=at(2023, 5, 5))
    assert driver.calls == 2 and first.usage.calls == 1 and second.usage.calls == 1
    assert [e.event for e in second.events] == ["ADD", "INVALIDATE"]
    assert current(memory) == {"Alice lives in Paris."}
    berlin_id = first.events[0].id
    old = memory.get(berlin_id)
    assert old.valid_to == at(2023, 5, 1) and old.expired_at is not None
    assert [h.event for h in memory.history(berlin_id)] == ["ADD", "INVALIDATE"]
    # the typed relationship closed too: only Paris is reachable now, both with history
    scope = Scope(user_id=USER)
    alice = next(e for e in memory._repository.list_entities(scope) if e.name == "Alice")
    now_edges = memory._repository.expand(scope, [alice.id], TimeFilter(at(2025)), 10)
    assert {(e.rel_type, e.to_name) for e in now_edges} == {("LIVES_IN", "Paris")}
    then_edges = memory._repository.expand(scope, [alice.id], TimeFilter(at(2022)), 10)
    assert {(e.rel_type, e.to_name) for e in then_edges} == {("LIVES_IN", "Berlin")}
    history = memory._repository.expand(scope, [alice.id], TimeFilter(at(2025), True), 10)
    assert {e.to_name for e in history} == {"Berlin", "Paris"}


def test_a_repeated_fact_merges(make_memory):
    answer = extraction(
        [entity("Alice")], facts=[{"text": "Alice is vegetarian.", "about": ["Alice"]}]
    )
    memory, _ = make_memory([answer, answer])
    first = memory.add("Alice is vegetarian.", user_id=USER, occurred_at=at(2021))
    second = memory.add("Alice still doesn't eat meat.", user_id=USER, occurred_at=at(2022))
    assert [e.event for e in second.events] == ["MERGE"]
    fact = memory.get(first.events[0].id)
    assert fact.mentions == 2
    assert len(memory.get_all(user_id=USER)) == 1


def test_unrelated_facts_about_one_person_stay_valid(make_memory):
    # Graphiti #1728: unrelated facts must not invalidate each other.
    memory, driver = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Berlin", "Place")],
                [relation("Alice", "LIVES_IN", "Berlin", "Alice lives in Berlin.")],
                [{"text": "Alice is vegetarian.", "about": ["Alice"]}],
            ),
            extraction(
                [entity("Alice"), entity("Acme", "Organization"), entity("Chess", "Activity")],
                [
                    relation("Alice", "WORKS_AT", "Acme", "Alice works at Acme."),
                    relation("Alice", "ENJOYS", "Chess", "Alice enjoys chess."),
                ],
                [{"text": "Alice has two cats.", "about": ["Alice"]}],
            ),
        ]
    )
    memory.add("Alice lives in Berlin; she is vegetarian.", user_id=USER, occurred_at=at(2021))
    result = memory.add(
        "Alice works at Acme, plays chess, has two cats.", user_id=USER, occurred_at=at(2022)
    )
    assert {e.event for e in result.events} == {"ADD"}
    assert driver.calls == 2  # no resolution call was needed
    assert current(memory) == {
        "Alice lives in Berlin.",
        "Alice is vegetarian.",
        "Alice works at Acme.",
        "Alice enjoys chess.",
        "Alice has two cats.",
    }


def test_an_older_fact_told_later_does_not_supersede(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Berlin", "Place")],
                [
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Berlin",
                        "Alice lives in Berlin.",
                        "2021-01-01T00:00:00Z",
                    )
                ],
            ),
            extraction(
                [entity("Alice"), entity("Lyon", "Place")],
                [
                    relation(
                        "Alice", "LIVES_IN", "Lyon", "Alice lived in Lyon.", "2018-01-01T00:00:00Z"
                    )
                ],
            ),
        ]
    )
    memory.add("Alice lives in Berlin.", user_id=USER, occurred_at=at(2021, 2))
    result = memory.add("Back in 2018 Alice lived in Lyon.", user_id=USER, occurred_at=at(2024))
    assert [e.event for e in result.events] == ["ADD"]
    assert current(memory) == {"Alice lives in Berlin."}
    lyon = memory.get(result.events[0].id)
    assert lyon.valid_from == at(2018) and lyon.valid_to == at(2021)
    then = memory.search("Where did Alice live?", user_id=USER, as_of=at(2019), limit=3)
    assert then.hits[0].fact.text == "Alice lived in Lyon."


def test_relative_times_are_resolved_against_occurred_at(make_memory):
    memory, driver = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Oslo", "Place")],
                [
                    relation(
                        "Alice", "LIVES_IN", "Oslo", "Alice lives in Oslo.", "2022-02-21T00:00:00Z"
                    )
                ],
            )
        ]
    )
    result = memory.add("Alice moved to Oslo last week.", user_id=USER, occurred_at=at(2022, 2, 28))
    request = driver.requests[0]
    assert "2022-02-28T00:00:00+00:00" in request.system
    assert "2022-02-28T00:00:00+00:00" in request.messages[0]["content"]
    assert memory.get(result.events[0].id).valid_from == at(2022, 2, 21)


def test_a_fact_stated_without_a_time_has_an_open_start(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Oslo", "Place")],
                [relation("Alice", "LIVES_IN", "Oslo", "Alice lives in Oslo.")],
            ),
            extraction(
                [entity("Alice"), entity("Rome", "Place")],
                [relation("Alice", "LIVES_IN", "Rome", "Alice lives in Rome.")],
            ),
        ]
    )
    oslo = memory.add("Alice lives in Oslo.", user_id=USER, occurred_at=at(2022, 7, 1))
    fact = memory.get(oslo.events[0].id)
    assert fact.valid_from is None  # unknown: she may have lived there for years
    earlier = memory.search("Where does Alice live?", user_id=USER, as_of=at(2020), limit=3)
    assert earlier.hits[0].fact.text == "Alice lives in Oslo."
    # an undated change supersedes at the time it was said
    memory.add("Alice lives in Rome now.", user_id=USER, occurred_at=at(2024, 1, 1))
    assert memory.get(fact.id).valid_to == at(2024, 1, 1)
    assert current(memory) == {"Alice lives in Rome."}


def test_a_closing_statement_ends_the_fact_and_its_relationship(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Turin", "Place")],
                [
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Turin",
                        "Alice lives in Turin.",
                        "2020-01-01T00:00:00Z",
                    )
                ],
            ),
            extraction(
                [entity("Alice"), entity("Turin", "Place"), entity("Austin", "Place")],
                [
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Austin",
                        "Alice moved to Austin.",
                        "2023-02-01T00:00:00Z",
                    ),
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Turin",
                        "Alice moved away from Turin.",
                        None,
                        "2023-02-01T00:00:00Z",
                    ),
                ],
            ),
        ]
    )
    first = memory.add("Alice lives in Turin.", user_id=USER, occurred_at=at(2020, 3, 1))
    memory.add(
        "Alice left Turin for Austin in February.", user_id=USER, occurred_at=at(2023, 3, 19)
    )
    turin = memory.get(first.events[0].id)
    assert turin.valid_to == at(2023, 2, 1) and turin.valid_from == at(2020)
    assert current(memory) == {"Alice moved to Austin."}
    scope = Scope(user_id=USER)
    alice = next(e for e in memory._repository.list_entities(scope) if e.name == "Alice")
    edges = memory._repository.expand(scope, [alice.id], TimeFilter(at(2024)), 10)
    assert {(e.rel_type, e.to_name) for e in edges} == {("LIVES_IN", "Austin")}


def test_an_end_said_after_the_fact_never_precedes_its_start(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Alice"), entity("Pinecrest", "Organization")],
                [
                    relation(
                        "Alice",
                        "WORKS_AT",
                        "Pinecrest",
                        "Alice worked at Pinecrest.",
                        None,
                        "2020-07-01T00:00:00Z",
                    )
                ],
            )
        ]
    )
    result = memory.add(
        "Alice worked at Pinecrest until July.", user_id=USER, occurred_at=at(2020, 10, 1)
    )
    fact = memory.get(result.events[0].id)
    assert fact.valid_from is None and fact.valid_to == at(2020, 7, 1)
    assert current(memory) == set()


def test_a_revived_fact_is_new(make_memory):
    def lives(city: str, since: str) -> dict[str, Any]:
        return extraction(
            [entity("Alice"), entity(city, "Place")],
            [relation("Alice", "LIVES_IN", city, f"Alice lives in {city}.", since)],
        )

    memory, _ = make_memory(
        [
            lives("Berlin", "2020-01-01T00:00:00Z"),
            lives("Paris", "2021-01-01T00:00:00Z"),
            lives("Berlin", "2022-01-01T00:00:00Z"),
        ]
    )
    first = memory.add("Alice lives in Berlin.", user_id=USER, occurred_at=at(2020))
    memory.add("Alice moved to Paris.", user_id=USER, occurred_at=at(2021))
    third = memory.add("Alice moved back to Berlin.", user_id=USER, occurred_at=at(2022))
    assert [e.event for e in third.events] == ["ADD", "INVALIDATE"]
    revived = third.events[0].id
    assert revived != first.events[0].id
    assert memory.get(first.events[0].id).valid_to == at(2021)
    assert memory.get(revived).valid_from == at(2022)
    assert current(memory) == {"Alice lives in Berlin."}


def test_agent_facts_are_the_agents(make_memory):
    memory, driver = make_memory(
        [
            extraction(
                [entity("helper-bot", "Agent"), entity("French", "Concept")],
                facts=[{"text": "helper-bot answers in French.", "about": ["helper-bot"]}],
            )
        ]
    )
    memory.add(
        [
            {"role": "user", "content": "Please always answer in French."},
            {"role": "assistant", "content": "D'accord, I will answer in French."},
        ],
        user_id=USER,
        agent_id="helper-bot",
        occurred_at=at(2024),
    )
    assert 'named "helper-bot" (type Agent)' in driver.requests[0].system
    hits = memory.search("Which language does the assistant use?", agent_id="helper-bot")
    assert hits.hits[0].fact.text == "helper-bot answers in French."
    assert hits.hits[0].fact.agent_id == "helper-bot"


def test_ontology_cardinality_is_honoured(make_memory):
    ontology = Ontology(
        entity_types=DEFAULT_ONTOLOGY.entity_types,
        relation_types=(
            RelationType(name="OWNS_CAR", cardinality="single"),
            RelationType(name="LIVES_IN", cardinality="multi"),
        ),
    )

    def owns(car: str, since: str) -> dict[str, Any]:
        return extraction(
            [entity("Alice"), entity(car, "Thing"), entity("Rome", "Place")],
            [
                relation("Alice", "OWNS_CAR", car, f"Alice owns a {car}.", since),
                relation(
                    "Alice",
                    "LIVES_IN",
                    "Rome",
                    "Alice lives in Rome.",
                    since,
                ),
            ],
        )

    memory, driver = make_memory(
        [
            owns("Golf", "2020-01-01T00:00:00Z"),
            extraction(
                [entity("Alice"), entity("Tesla", "Thing"), entity("Milan", "Place")],
                [
                    relation(
                        "Alice", "OWNS_CAR", "Tesla", "Alice owns a Tesla.", "2023-01-01T00:00:00Z"
                    ),
                    relation(
                        "Alice",
                        "LIVES_IN",
                        "Milan",
                        "Alice lives in Milan.",
                        "2023-01-01T00:00:00Z",
                    ),
                ],
            ),
        ],
        ontology=ontology,
    )
    memory.add("Alice drives a Golf and lives in Rome.", user_id=USER, occurred_at=at(2020))
    memory.add(
        "Alice bought a Tesla; she also has a flat in Milan.", user_id=USER, occurred_at=at(2023)
    )
    # OWNS_CAR is single-valued here (superseded); LIVES_IN was declared multi (both stay)
    assert current(memory) == {
        "Alice owns a Tesla.",
        "Alice lives in Rome.",
        "Alice lives in Milan.",
    }
    assert driver.calls == 2


def test_ambiguous_facts_cost_one_batched_resolution_call(make_memory):
    memory, driver = make_memory(
        [
            extraction(
                [entity("Alice")], facts=[{"text": "Alice is vegetarian.", "about": ["Alice"]}]
            ),
            extraction(
                [entity("Alice")],
                facts=[{"text": "Alice is no longer vegetarian.", "about": ["Alice"]}],
            ),
            {
                "decisions": [
                    {"new": 0, "existing": 0, "action": "INVALIDATE"},
                    {"new": 7, "existing": 0, "action": "MERGE"},
                    {"new": 0, "existing": 99, "action": "MERGE"},
                ]
            },
        ]
    )
    first = memory.add("Alice is vegetarian.", user_id=USER, occurred_at=at(2021))
    result = memory.add("Alice eats meat again.", user_id=USER, occurred_at=at(2023))
    assert driver.calls == 3 and result.usage.calls == 2
    assert driver.requests[2].tool_name == "resolve_memory"
    assert '"id": 0' in driver.requests[2].messages[0]["content"]  # small integer ids, no UUIDs
    assert first.events[0].id not in driver.requests[2].messages[0]["content"]
    assert [e.event for e in result.events] == ["ADD", "INVALIDATE"]
    assert current(memory) == {"Alice is no longer vegetarian."}


def test_hostile_names_are_values_never_cypher(make_memory):
    hostile = "Bob`]->() DETACH DELETE n //"
    memory, _ = make_memory(
        [
            extraction(
                [
                    entity('Al"ice {x}'),
                    entity(hostile, "Person) MATCH (n"),
                    entity("MATCH (n) RETURN n", "Place"),
                ],
                [
                    relation('Al"ice {x}', "KNOWS` DELETE", hostile, "Alice knows Bob."),
                    relation('Al"ice {x}', "lives in", "MATCH (n) RETURN n", "Alice lives there."),
                ],
            )
        ]
    )
    memory.add("hostile", user_id=USER, occurred_at=at(2024))
    entities = {e.name: e.type for e in memory._repository.list_entities(Scope(user_id=USER))}
    assert entities[hostile] == "PersonMATCHN"  # normalized to a safe PascalCase label
    assert 'Al"ice {x}' in entities
    facts = {f.text: f.predicate for f in memory.get_all(user_id=USER)}
    assert facts == {"Alice knows Bob.": "KNOWS_DELETE", "Alice lives there.": "LIVES_IN"}


def test_broken_answers_retry_once_then_fail_writing_nothing(make_memory):
    memory, driver = make_memory(["{not json", {"entities": "nope"}])
    with pytest.raises(ExtractionError) as failure:
        memory.add("Alice lives in Berlin.", user_id=USER, occurred_at=at(2024))
    assert driver.calls == 2
    assert failure.value.errors
    # the raw text reached the provider as invalid tool arguments and was shown back verbatim
    assert driver.requests[1].messages[-2] == {"role": "assistant", "content": "{not json"}
    assert "validation" in driver.requests[1].messages[-1]["content"].lower() or len(
        driver.requests[1].messages
    ) > len(driver.requests[0].messages)
    assert memory.get_all(user_id=USER) == []
    assert memory._repository.recent_episodes(Scope(user_id=USER), at(2100), 5) == []


def test_a_five_megabyte_answer_is_rejected(make_memory):
    memory, _ = make_memory(['{"entities": [' + '{"name": "x", "type": "Person"},' * 200_000])
    with pytest.raises(ExtractionError):
        memory.add("Alice lives in Berlin.", user_id=USER, occurred_at=at(2024))
    assert memory.get_all(user_id=USER) == []


def test_empty_extraction_stores_the_episode_only(make_memory):
    memory, _ = make_memory([extraction()])
    result = memory.add("Hi!", user_id=USER, occurred_at=at(2024))
    assert result.events == [] and result.episode_id
    assert memory.get_all(user_id=USER) == []
    again = memory.add("Hi!", user_id=USER, occurred_at=at(2024))
    assert again.duplicate and again.episode_id == result.episode_id


def test_names_in_relations_not_in_entities_are_added(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Alice")],
                [relation("Alice", "WORKS_AT", "Initech", "Alice works at Initech.")],
            )
        ]
    )
    memory.add("Alice works at Initech.", user_id=USER, occurred_at=at(2024))
    names = {e.name: e.type for e in memory._repository.list_entities(Scope(user_id=USER))}
    assert names == {"Alice": "Person", "Initech": "Thing"}


def test_nicknames_resolve_to_one_entity(make_memory):
    memory, _ = make_memory(
        [
            extraction(
                [entity("Robert Smith", aliases=["Bob"]), entity("Rome", "Place")],
                [
                    relation(
                        "Robert Smith",
                        "LIVES_IN",
                        "Rome",
                        "Robert Smith lives in Rome.",
                        "2020-01-01T00:00:00Z",
                    )
                ],
            ),
            extraction(
                [entity("Bob"), entity("Oslo", "Place")],
                [
                    relation(
                        "Bob",
                        "LIVES_IN",
                        "Oslo",
                        "Robert Smith lives in Oslo.",
                        "2022-01-01T00:00:00Z",
                    )
                ],
            ),
        ]
    )
    memory.add("Robert (Bob) lives in Rome.", user_id=USER, occurred_at=at(2020))
    memory.add("Bob moved to Oslo.", user_id=USER, occurred_at=at(2022))
    people = [
        e for e in memory._repository.list_entities(Scope(user_id=USER)) if e.type == "Person"
    ]
    assert [p.name for p in people] == ["Robert Smith"]
    assert current(memory) == {"Robert Smith lives in Oslo."}


def test_a_rate_limit_is_retried_and_counted(make_memory):
    memory, driver = make_memory(
        [
            429,
            extraction(
                [entity("Alice")], facts=[{"text": "Alice is vegetarian.", "about": ["Alice"]}]
            ),
        ]
    )
    slept = fast_retries(memory)
    result = memory.add("Alice is vegetarian.", user_id=USER, occurred_at=at(2024))
    assert driver.calls == 2 and len(slept) == 1
    assert (result.usage.calls, result.usage.retries) == (2, 1)
    assert driver.requests[1].messages == driver.requests[0].messages  # the same request again
    assert current(memory) == {"Alice is vegetarian."}


def test_an_unusable_llm_fails_at_once_writing_nothing(make_memory):
    memory, driver = make_memory([LLMUnavailableError("no quota left"), extraction()])
    slept = fast_retries(memory)
    with pytest.raises(LLMUnavailableError):
        memory.add("Alice is vegetarian.", user_id=USER, occurred_at=at(2024))
    assert driver.calls == 1 and driver.remaining == 1 and slept == []
    assert memory.get_all(user_id=USER) == []
    assert memory._repository.recent_episodes(Scope(user_id=USER), at(2100), 5) == []
