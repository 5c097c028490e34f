"""The offline demo: a short life story remembered, corrected and questioned.

No model is reachable offline, so the LLM here is a ``ScriptedLLM`` that replays recorded
``extract_memory`` answers (the documented tool contract). Everything else is real: the embedded
FalkorDB, the MiniLM embeddings, the Cypher, the resolution rules and the search.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from graphmem._memory import Memory
from graphmem.config import MemoryConfig
from graphmem.llm import ScriptedLLM

__all__ = ["run_demo"]

USER = "demo-user"


def _at(year: int, month: int, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


def _relation(s: str, p: str, o: str, fact: str, since: str | None = None) -> dict[str, Any]:
    return {"subject": s, "predicate": p, "object": o, "fact": fact, "valid_from": since}


# (when, what the user said, the recorded extract_memory answer)
STORY: list[tuple[datetime, str, dict[str, Any]]] = [
    (
        _at(2021, 3, 10),
        "My sister Alice just moved to Berlin. She works at Zalando now.",
        {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": []},
                {"name": "Berlin", "type": "Place", "aliases": []},
                {"name": "Zalando", "type": "Organization", "aliases": []},
            ],
            "relations": [
                _relation(
                    "Alice", "LIVES_IN", "Berlin", "Alice lives in Berlin.", "2021-03-01T00:00:00Z"
                ),
                _relation(
                    "Alice",
                    "WORKS_AT",
                    "Zalando",
                    "Alice works at Zalando.",
                    "2021-03-01T00:00:00Z",
                ),
            ],
            "facts": [],
        },
    ),
    (
        _at(2021, 6, 2),
        "Alice's manager at Zalando is Bob Meyer; he lives in Potsdam. "
        "Ali is vegetarian, by the way.",
        {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": ["Ali"]},
                {"name": "Bob Meyer", "type": "Person", "aliases": ["Bob"]},
                {"name": "Potsdam", "type": "Place", "aliases": []},
            ],
            "relations": [
                _relation("Alice", "MANAGED_BY", "Bob Meyer", "Alice is managed by Bob Meyer."),
                _relation("Bob Meyer", "LIVES_IN", "Potsdam", "Bob Meyer lives in Potsdam."),
            ],
            "facts": [{"text": "Alice is vegetarian.", "about": ["Alice"]}],
        },
    ),
    (
        _at(2023, 9, 15),
        "Big news: Ali moved to Lisbon this month and joined Feedzai.",
        {
            "entities": [
                {"name": "Ali", "type": "Person", "aliases": []},
                {"name": "Lisbon", "type": "Place", "aliases": []},
                {"name": "Feedzai", "type": "Organization", "aliases": []},
            ],
            "relations": [
                _relation(
                    "Ali", "LIVES_IN", "Lisbon", "Alice lives in Lisbon.", "2023-09-01T00:00:00Z"
                ),
                _relation(
                    "Ali", "WORKS_AT", "Feedzai", "Alice works at Feedzai.", "2023-09-01T00:00:00Z"
                ),
            ],
            "facts": [],
        },
    ),
    (
        _at(2024, 1, 20),
        "Alice still doesn't eat meat. Her new boss is Carla Sousa, who lives in Cascais.",
        {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": []},
                {"name": "Carla Sousa", "type": "Person", "aliases": ["Carla"]},
                {"name": "Cascais", "type": "Place", "aliases": []},
            ],
            "relations": [
                _relation(
                    "Alice",
                    "MANAGED_BY",
                    "Carla Sousa",
                    "Alice is managed by Carla Sousa.",
                    "2023-09-01T00:00:00Z",
                ),
                _relation("Carla Sousa", "LIVES_IN", "Cascais", "Carla Sousa lives in Cascais."),
            ],
            "facts": [{"text": "Alice is vegetarian.", "about": ["Alice"]}],
        },
    ),
]

QUESTIONS: list[tuple[str, datetime | None, bool]] = [
    ("Where does Alice live?", None, False),
    ("Where does Alice's manager live?", None, False),
    ("Where did Alice work?", _at(2022, 6, 1), False),
    ("Where did Alice live before?", None, True),
]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def run_demo(data_dir: str | None = None) -> None:
    """Remember the story on the embedded store, then answer questions, printing everything."""
    print("graphmem demo: embedded FalkorDB, offline MiniLM embeddings.")
    print("LLM: ScriptedLLM REPLAYING RECORDED extract_memory ANSWERS (no model is called).\n")
    llm = ScriptedLLM([answer for _, _, answer in STORY])
    store = {"graph": "graphmem_demo", **({"data_dir": data_dir} if data_dir else {})}
    with Memory(MemoryConfig.from_dict({"graph_store": store}), llm=llm) as memory:
        started = time.perf_counter()
        memory.delete_all(user_id=USER)  # opens the store
        memory._embedder.embed(["warm-up"])  # loads the model: not part of any add's latency
        print(f"(store opened and embedding model loaded: {_ms(started):.0f} ms)\n")
        for when, text, _ in STORY:
            started = time.perf_counter()
            result = memory.add(text, user_id=USER, occurred_at=when)
            elapsed = _ms(started)
            calls = result.usage.calls if result.usage else 0
            print(f"{when.date()}  user: {text}")
            for event in result.events:
                print(f"    {event.event:<10} {event.memory}")
            print(
                f"    ({calls} LLM call{'s' if calls != 1 else ''} (replayed), {elapsed:.0f} ms)\n"
            )
        for question, as_of, history in QUESTIONS:
            started = time.perf_counter()
            found = memory.search(
                question, user_id=USER, limit=4, as_of=as_of, include_history=history
            )
            elapsed = _ms(started)
            label = f" (as of {as_of.date()})" if as_of else (" (with history)" if history else "")
            print(f"Q: {question}{label}   [{elapsed:.0f} ms, 0 LLM calls]")
            for hit in found.hits:
                path = " -> ".join(f"{s.source} {s.relationship} {s.destination}" for s in hit.path)
                state = ("true then" if as_of else "current") if hit.is_current else "past"
                print(
                    f"    {hit.score:.4f} [{state}] {hit.fact.text}"
                    + (f"   via {path}" if path else "")
                )
            print()
        print("Prompt context for 'Where does Alice live?':")
        print(
            memory.search("Where does Alice live?", user_id=USER, limit=5).to_context(max_tokens=80)
        )
