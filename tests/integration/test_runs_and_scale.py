"""Run semantics (entities shared, facts/relationships/episodes private to a run), scoped reads
by id, and slot resolution on entities of any degree."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from graphmem import Memory, MemoryConfig
from graphmem.errors import NotFoundError
from graphmem.llm import ScriptedLLM
from graphmem.llm._base import ToolRequest

TOKEN = re.compile(r"(\w[\w ]*)\|([A-Z_]+)\|(\w[\w ]*)\|(\d{4}-\d\d-\d\d)")
TYPES = {"LIVES_IN": "Place", "WORKS_AT": "Organization", "ENJOYS": "Activity"}


def _triples_llm() -> ScriptedLLM:
    """Extracts every ``Subject|PRED|Object|date`` token of the NEW messages."""

    def answer(request: ToolRequest) -> dict[str, Any]:
        if request.tool_name != "extract_memory":
            return {"decisions": []}
        text = str(request.messages[-1]["content"]).split("NEW messages:", 1)[1]
        entities: dict[str, str] = {}
        relations = []
        for subject, predicate, obj, day in TOKEN.findall(text):
            entities[subject] = "Person"
            entities[obj] = TYPES.get(predicate, "Thing")
            relations.append(
                {
                    "subject": subject,
                    "predicate": predicate,
                    "object": obj,
                    "fact": f"{subject} {predicate.lower().replace('_', ' ')} {obj}.",
                    "valid_from": f"{day}T00:00:00Z",
                    "valid_to": None,
                }
            )
        return {
            "entities": [{"name": n, "type": t, "aliases": []} for n, t in entities.items()],
            "relations": relations,
            "facts": [],
        }

    return ScriptedLLM(answer)


@pytest.fixture
def memory(data_dir: Path, embedder: Any):
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    made = Memory(config, embedder=embedder, llm=_triples_llm())
    yield made
    made.reset()
    made.close()


def _at(day: int) -> datetime:
    return datetime(2024, 6, day, tzinfo=timezone.utc)


def _current(memory: Memory, **scope: str) -> list[str]:
    return sorted(f.text for f in memory.get_all(**scope))


def test_a_new_single_value_retires_the_old_one_on_an_entity_with_260_facts(
    memory: Memory,
) -> None:
    hobbies = ";".join(f"Alice|ENJOYS|hobby{n:03d}|2024-01-01" for n in range(260))
    memory.add(hobbies, user_id="u", occurred_at=_at(1))
    memory.add("Alice|LIVES_IN|Berlin|2024-02-01", user_id="u", occurred_at=_at(2))
    memory.add("Alice|LIVES_IN|Paris|2024-03-01", user_id="u", occurred_at=_at(3))
    homes = [f.text for f in memory.get_all(user_id="u", limit=1000) if f.predicate == "LIVES_IN"]
    assert homes == ["Alice lives in Paris."]
    assert len(memory.get_all(user_id="u", limit=1000)) == 261


def test_run_scoped_delete_keeps_what_other_runs_use(memory: Memory) -> None:
    memory.add("Alice|LIVES_IN|Berlin|2024-01-01", user_id="u", run_id="r1", occurred_at=_at(1))
    memory.add("Alice|WORKS_AT|Acme|2024-01-01", user_id="u", run_id="r2", occurred_at=_at(2))
    assert memory.delete_all(user_id="u", run_id="r1") == 1
    assert _current(memory, user_id="u", run_id="r2") == ["Alice works at Acme."]
    edges = [(d["type"], d["text"]) for *_, d in memory.graph(user_id="u").edges(data=True)]
    assert edges == [("WORKS_AT", "Alice works at Acme.")]
    names = sorted(e.name for e in memory._repository.list_entities(memory._scope("u", None, None)))
    assert names == ["Acme", "Alice"]


def test_run_scoped_graph_reads_show_only_that_runs_relationships(memory: Memory) -> None:
    memory.add("Alice|LIVES_IN|Berlin|2024-01-01", user_id="u", run_id="r1", occurred_at=_at(1))
    memory.add("Alice|WORKS_AT|Acme|2024-01-01", user_id="u", run_id="r2", occurred_at=_at(2))
    types = {d["type"] for *_, d in memory.graph(user_id="u", run_id="r1").edges(data=True)}
    assert types == {"LIVES_IN"}
    around = memory.neighbors("Alice", user_id="u", run_id="r2")
    assert [r.relationship for r in around] == ["WORKS_AT"]
    found = memory.search("Where does Alice work and live?", user_id="u", run_id="r2")
    assert all(hit.fact.run_id == "r2" for hit in found.hits)
    assert {r.relationship for r in found.relations} <= {"WORKS_AT"}


def test_runs_keep_their_own_facts(memory: Memory) -> None:
    memory.add("Alice|LIVES_IN|Berlin|2024-01-01", user_id="u", run_id="r1", occurred_at=_at(1))
    memory.add("Alice|LIVES_IN|Berlin|2024-01-01", user_id="u", run_id="r2", occurred_at=_at(2))
    memory.add("Alice|LIVES_IN|Paris|2024-03-01", user_id="u", run_id="r2", occurred_at=_at(3))
    (r1_fact,) = memory.get_all(user_id="u", run_id="r1")
    assert (r1_fact.text, r1_fact.mentions) == ("Alice lives in Berlin.", 1)  # not merged
    assert _current(memory, user_id="u", run_id="r2") == ["Alice lives in Paris."]
    with pytest.raises(NotFoundError):
        memory.get(r1_fact.id, user_id="u", run_id="r2")
    with pytest.raises(NotFoundError):
        memory.delete(r1_fact.id, user_id="u", run_id="r2")
    assert memory.get(r1_fact.id, user_id="u", run_id="r1").id == r1_fact.id


def test_update_rewrites_the_relationship_text(memory: Memory) -> None:
    result = memory.add("Alice|LIVES_IN|Berlin|2024-01-01", user_id="u", occurred_at=_at(1))
    memory.update(result.events[0].id, "Alice lives in Berlin-Mitte.", user_id="u")
    edges = [d["text"] for *_, d in memory.graph(user_id="u").edges(data=True)]
    assert edges == ["Alice lives in Berlin-Mitte."]


def test_misspelt_scope_keyword_names_the_called_method(memory: Memory) -> None:
    with pytest.raises(TypeError, match="delete"):
        memory.delete("some-id", userid="u")  # type: ignore[call-arg]


def test_a_raw_repeat_in_another_scope_is_that_scopes_own_fact(memory: Memory) -> None:
    memory.add("I like tea.", user_id="u", run_id="r1", occurred_at=_at(1), infer=False)
    memory.add("I like tea.", user_id="u", occurred_at=_at(2), infer=False)  # user level
    assert [f.mentions for f in memory.get_all(user_id="u", run_id="r1")] == [1]
    assert sorted(f.run_id or "-" for f in memory.get_all(user_id="u")) == ["-", "r1"]
