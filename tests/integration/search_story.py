"""A recorded family/work/city story for read-path tests, and the helpers to ingest it.

Each episode is what a user said at some date plus the ``extract_memory`` answer a model gave for
it (the public tool contract), replayed by :class:`graphmem.llm.ScriptedLLM`. Everything else is
real when it is ingested: the embedded FalkorDB, MiniLM embeddings, entity and fact resolution
(moves and job changes supersede by rule), Cypher.

The story (user ``sam``), 13 people over 2019-2024:

* Sam's sister Alice Novak ("Ali"): Berlin + Zalando + manager Bob Meyer from 2019-04, then
  Lisbon + Feedzai + manager Carla Sousa from 2022-09.
* Bob Meyer lives in Potsdam, married to Eva Meyer (Siemens).
* Carla Sousa lives in Cascais, partner of Diego Ramos (Unbabel).
* Sam's brother Tom Novak ("Tommy"): Prague + Avast (manager Petra Kral, Brno), then Vienna +
  Dynatrace from 2023-06. Parents Jana and Pavel Novak (Ostrava). Alice's friend Maya Cohen
  (Lisbon, Feedzai) and her partner Rui Costa (OutSystems). Sam (Munich, BMW, manager Hans
  Weber in Augsburg).
* Distractors: facts about Alice that mention "manager", "live" and "work" without answering
  anything, other people's homes, employers, managers and partners, so that a question like
  "Where does Alice's manager live?" is not answered by dense similarity alone.

Other scopes reuse the same names on purpose: user ``riley`` has her own Alice, Carla Sousa and
Diego Ramos (:data:`OTHER_USER_EPISODES`); agent ``concierge`` has its own Alice
(:data:`AGENT_EPISODES`). :func:`hub_episodes` builds a company with hundreds of employees.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from graphmem import Memory
from graphmem.config import MemoryConfig
from graphmem.embed import SentenceTransformerEmbedder
from graphmem.llm import ScriptedLLM
from graphmem.types import AddResult

__all__ = [
    "AGENT_EPISODES",
    "AGENT_ID",
    "EPISODES",
    "OTHER_USER",
    "OTHER_USER_EPISODES",
    "USER",
    "Episode",
    "at",
    "hub_episodes",
    "ingest",
    "open_memory",
    "shared_embedder",
]

USER = "sam"
OTHER_USER = "riley"
AGENT_ID = "concierge"


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    """A UTC datetime."""
    return datetime(year, month, day, tzinfo=timezone.utc)


def _iso(year: int, month: int = 1, day: int = 1) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def _entity(name: str, type_: str, *aliases: str) -> dict[str, Any]:
    return {"name": name, "type": type_, "aliases": list(aliases)}


def _rel(
    subject: str, predicate: str, obj: str, fact: str, since: str | None = None
) -> dict[str, Any]:
    return {
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        "fact": fact,
        "valid_from": since,
        "valid_to": None,
    }


def _fact(text: str, *about: str, since: str | None = None) -> dict[str, Any]:
    return {"text": text, "about": list(about), "valid_from": since, "valid_to": None}


@dataclass(frozen=True)
class Episode:
    """One ``add()``: when it was said, what was said, and the recorded extraction."""

    when: datetime
    text: str
    answer: dict[str, Any]


EPISODES: list[Episode] = [
    Episode(
        at(2019, 4, 12),
        "My sister Alice Novak (we all call her Ali) moved to Berlin this month and started at "
        "Zalando. Her manager there is Bob Meyer.",
        {
            "entities": [
                _entity("Sam", "Person"),
                _entity("Alice Novak", "Person", "Alice", "Ali"),
                _entity("Berlin", "Place"),
                _entity("Zalando", "Organization"),
                _entity("Bob Meyer", "Person", "Bob"),
            ],
            "relations": [
                _rel("Sam", "SIBLING_OF", "Alice Novak", "Alice Novak is Sam's sister."),
                _rel("Alice Novak", "LIVES_IN", "Berlin", "Alice lives in Berlin.", _iso(2019, 4)),
                _rel(
                    "Alice Novak", "WORKS_AT", "Zalando", "Alice works at Zalando.", _iso(2019, 4)
                ),
                _rel(
                    "Alice Novak",
                    "MANAGED_BY",
                    "Bob Meyer",
                    "Alice is managed by Bob Meyer.",
                    _iso(2019, 4),
                ),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2019, 6, 20),
        "Bob lives in Potsdam. His wife Eva Meyer is an engineer at Siemens.",
        {
            "entities": [
                _entity("Bob Meyer", "Person", "Bob"),
                _entity("Potsdam", "Place"),
                _entity("Eva Meyer", "Person", "Eva"),
                _entity("Siemens", "Organization"),
            ],
            "relations": [
                _rel("Bob Meyer", "LIVES_IN", "Potsdam", "Bob Meyer lives in Potsdam.", _iso(2012)),
                _rel(
                    "Bob Meyer",
                    "MARRIED_TO",
                    "Eva Meyer",
                    "Bob Meyer is married to Eva Meyer.",
                    _iso(2014, 5),
                ),
                _rel("Eva Meyer", "WORKS_AT", "Siemens", "Eva Meyer works at Siemens.", _iso(2016)),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2020, 2, 14),
        "My brother Tom (Tommy to friends) lives in Prague and works at Avast. His boss, Petra "
        "Kral, commutes from Brno.",
        {
            "entities": [
                _entity("Sam", "Person"),
                _entity("Tom Novak", "Person", "Tom", "Tommy"),
                _entity("Prague", "Place"),
                _entity("Avast", "Organization"),
                _entity("Petra Kral", "Person", "Petra"),
                _entity("Brno", "Place"),
            ],
            "relations": [
                _rel("Sam", "SIBLING_OF", "Tom Novak", "Tom Novak is Sam's brother."),
                _rel("Tom Novak", "LIVES_IN", "Prague", "Tom lives in Prague.", _iso(2017, 9)),
                _rel("Tom Novak", "WORKS_AT", "Avast", "Tom works at Avast.", _iso(2018, 3)),
                _rel(
                    "Tom Novak",
                    "MANAGED_BY",
                    "Petra Kral",
                    "Tom is managed by Petra Kral.",
                    _iso(2018, 3),
                ),
                _rel("Petra Kral", "LIVES_IN", "Brno", "Petra Kral lives in Brno."),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2020, 7, 4),
        "Our parents, Jana and Pavel Novak, live in Ostrava. Dad works at the Ostrava city hall; "
        "Mum is retired.",
        {
            "entities": [
                _entity("Jana Novak", "Person", "Jana", "Mum"),
                _entity("Pavel Novak", "Person", "Pavel", "Dad"),
                _entity("Ostrava", "Place"),
                _entity("Ostrava City Hall", "Organization"),
                _entity("Alice Novak", "Person"),
                _entity("Tom Novak", "Person"),
            ],
            "relations": [
                _rel("Jana Novak", "LIVES_IN", "Ostrava", "Jana Novak lives in Ostrava."),
                _rel("Pavel Novak", "LIVES_IN", "Ostrava", "Pavel Novak lives in Ostrava."),
                _rel("Jana Novak", "MARRIED_TO", "Pavel Novak", "Jana Novak is married to Pavel."),
                _rel(
                    "Pavel Novak",
                    "WORKS_AT",
                    "Ostrava City Hall",
                    "Pavel Novak works at the Ostrava city hall.",
                ),
                _rel("Jana Novak", "PARENT_OF", "Alice Novak", "Jana Novak is Alice's mother."),
                _rel("Pavel Novak", "PARENT_OF", "Tom Novak", "Pavel Novak is Tom's father."),
            ],
            "facts": [_fact("Jana Novak is retired.", "Jana Novak")],
        },
    ),
    Episode(
        at(2021, 5, 20),
        "Ali told me her manager works from home on Fridays, and that she'd love to live by the "
        "sea one day. She also runs the Zalando book club.",
        {
            "entities": [_entity("Ali", "Person"), _entity("Zalando", "Organization")],
            "relations": [],
            "facts": [
                _fact("Alice's manager works from home on Fridays.", "Ali"),
                _fact("Alice would love to live by the sea one day.", "Ali"),
                _fact("Alice runs the Zalando book club.", "Ali", "Zalando"),
            ],
        },
    ),
    Episode(
        at(2022, 9, 5),
        "Big news: Ali moved to Lisbon this month and joined Feedzai. Her new manager is Carla "
        "Sousa.",
        {
            "entities": [
                _entity("Ali", "Person"),
                _entity("Lisbon", "Place"),
                _entity("Feedzai", "Organization"),
                _entity("Carla Sousa", "Person", "Carla"),
            ],
            "relations": [
                _rel("Ali", "LIVES_IN", "Lisbon", "Alice lives in Lisbon.", _iso(2022, 9)),
                _rel("Ali", "WORKS_AT", "Feedzai", "Alice works at Feedzai.", _iso(2022, 9)),
                _rel(
                    "Ali",
                    "MANAGED_BY",
                    "Carla Sousa",
                    "Alice is managed by Carla Sousa.",
                    _iso(2022, 9),
                ),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2022, 11, 12),
        "Carla has lived in Cascais since 2018 with her partner Diego Ramos, who works at Unbabel.",
        {
            "entities": [
                _entity("Carla Sousa", "Person", "Carla"),
                _entity("Cascais", "Place"),
                _entity("Diego Ramos", "Person", "Diego"),
                _entity("Unbabel", "Organization"),
            ],
            "relations": [
                _rel(
                    "Carla Sousa",
                    "LIVES_IN",
                    "Cascais",
                    "Carla Sousa lives in Cascais.",
                    _iso(2018, 1),
                ),
                _rel(
                    "Carla Sousa",
                    "PARTNER_OF",
                    "Diego Ramos",
                    "Carla Sousa's partner is Diego Ramos.",
                    _iso(2018, 1),
                ),
                _rel(
                    "Diego Ramos",
                    "WORKS_AT",
                    "Unbabel",
                    "Diego Ramos works at Unbabel.",
                    _iso(2019),
                ),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2023, 3, 8),
        "Alice's best friend Maya Cohen lives in Lisbon too and also works at Feedzai. Maya's "
        "partner, Rui Costa, works at OutSystems.",
        {
            "entities": [
                _entity("Alice Novak", "Person"),
                _entity("Maya Cohen", "Person", "Maya"),
                _entity("Lisbon", "Place"),
                _entity("Feedzai", "Organization"),
                _entity("Rui Costa", "Person", "Rui"),
                _entity("OutSystems", "Organization"),
            ],
            "relations": [
                _rel(
                    "Alice Novak", "FRIEND_OF", "Maya Cohen", "Maya Cohen is Alice's best friend."
                ),
                _rel("Maya Cohen", "LIVES_IN", "Lisbon", "Maya Cohen lives in Lisbon.", _iso(2021)),
                _rel(
                    "Maya Cohen", "WORKS_AT", "Feedzai", "Maya Cohen works at Feedzai.", _iso(2021)
                ),
                _rel(
                    "Maya Cohen",
                    "PARTNER_OF",
                    "Rui Costa",
                    "Maya Cohen's partner is Rui Costa.",
                    _iso(2020),
                ),
                _rel("Rui Costa", "WORKS_AT", "OutSystems", "Rui Costa works at OutSystems."),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2023, 6, 18),
        "Tommy moved to Vienna this month and now works at Dynatrace.",
        {
            "entities": [
                _entity("Tommy", "Person"),
                _entity("Vienna", "Place"),
                _entity("Dynatrace", "Organization"),
            ],
            "relations": [
                _rel("Tommy", "LIVES_IN", "Vienna", "Tom lives in Vienna.", _iso(2023, 6)),
                _rel("Tommy", "WORKS_AT", "Dynatrace", "Tom works at Dynatrace.", _iso(2023, 6)),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2023, 10, 2),
        "I live in Munich and work at BMW; my manager Hans Weber lives in Augsburg.",
        {
            "entities": [
                _entity("Sam", "Person"),
                _entity("Munich", "Place"),
                _entity("BMW", "Organization"),
                _entity("Hans Weber", "Person", "Hans"),
                _entity("Augsburg", "Place"),
            ],
            "relations": [
                _rel("Sam", "LIVES_IN", "Munich", "Sam lives in Munich.", _iso(2016)),
                _rel("Sam", "WORKS_AT", "BMW", "Sam works at BMW.", _iso(2016)),
                _rel(
                    "Sam", "MANAGED_BY", "Hans Weber", "Sam is managed by Hans Weber.", _iso(2021)
                ),
                _rel("Hans Weber", "LIVES_IN", "Augsburg", "Hans Weber lives in Augsburg."),
            ],
            "facts": [],
        },
    ),
    Episode(
        at(2024, 1, 15),
        "Ali's team at Feedzai won an innovation award, and she's learning Portuguese. Carla "
        "says Alice is the best analyst she has ever managed.",
        {
            "entities": [
                _entity("Ali", "Person"),
                _entity("Feedzai", "Organization"),
                _entity("Carla", "Person"),
            ],
            "relations": [],
            "facts": [
                _fact("Alice's team at Feedzai won an innovation award.", "Ali", "Feedzai"),
                _fact("Alice is learning Portuguese.", "Ali"),
                _fact("Carla says Alice is the best analyst she has ever managed.", "Carla", "Ali"),
            ],
        },
    ),
]
"""User :data:`USER`'s story, oldest first."""

OTHER_USER_EPISODES: list[Episode] = [
    Episode(
        at(2021, 2, 1),
        "My colleague Alice lives in Oslo and works at Feedzai; her manager is Carla Sousa.",
        {
            "entities": [
                _entity("Alice", "Person"),
                _entity("Oslo", "Place"),
                _entity("Feedzai", "Organization"),
                _entity("Carla Sousa", "Person", "Carla"),
            ],
            "relations": [
                _rel("Alice", "LIVES_IN", "Oslo", "Alice lives in Oslo.", _iso(2020)),
                _rel("Alice", "WORKS_AT", "Feedzai", "Alice works at Feedzai.", _iso(2020)),
                _rel("Alice", "MANAGED_BY", "Carla Sousa", "Alice is managed by Carla Sousa."),
            ],
            "facts": [_fact("Alice's manager works from home on Fridays.", "Alice")],
        },
    ),
    Episode(
        at(2021, 3, 1),
        "Carla Sousa lives in Bergen; her partner Diego Ramos works at Equinor.",
        {
            "entities": [
                _entity("Carla Sousa", "Person"),
                _entity("Bergen", "Place"),
                _entity("Diego Ramos", "Person"),
                _entity("Equinor", "Organization"),
            ],
            "relations": [
                _rel("Carla Sousa", "LIVES_IN", "Bergen", "Carla Sousa lives in Bergen."),
                _rel(
                    "Carla Sousa",
                    "PARTNER_OF",
                    "Diego Ramos",
                    "Carla Sousa's partner is Diego Ramos.",
                ),
                _rel("Diego Ramos", "WORKS_AT", "Equinor", "Diego Ramos works at Equinor."),
            ],
            "facts": [],
        },
    ),
]
"""User :data:`OTHER_USER`: same names as :data:`USER`'s story, different world."""

AGENT_EPISODES: list[Episode] = [
    Episode(
        at(2022, 5, 1),
        "Guest Alice lives in Madrid; her manager Hugo Blanco lives in Seville.",
        {
            "entities": [
                _entity("Alice", "Person"),
                _entity("Madrid", "Place"),
                _entity("Hugo Blanco", "Person"),
                _entity("Seville", "Place"),
            ],
            "relations": [
                _rel("Alice", "LIVES_IN", "Madrid", "Alice lives in Madrid."),
                _rel("Alice", "MANAGED_BY", "Hugo Blanco", "Alice is managed by Hugo Blanco."),
                _rel("Hugo Blanco", "LIVES_IN", "Seville", "Hugo Blanco lives in Seville."),
            ],
            "facts": [_fact("Alice prefers window seats.", "Alice")],
        },
    ),
]
"""Agent :data:`AGENT_ID` (no user id): its own Alice."""

_FIRST = [
    "Anna", "Ben", "Chloe", "David", "Elena", "Felix", "Greta", "Henrik", "Ines", "Jonas",
    "Klara", "Lukas", "Mila", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Stefan", "Tara",
]  # fmt: skip
_LAST = [
    "Abbott", "Berger", "Castro", "Dietrich", "Egger", "Frei", "Gruber", "Huber", "Imhof",
    "Jost", "Keller", "Lang", "Moser", "Naef", "Ott",
]  # fmt: skip


def hub_employee_names(count: int) -> list[str]:
    """``count`` distinct realistic names (up to 300)."""
    names = [f"{first} {last}" for last in _LAST for first in _FIRST]
    if count > len(names):
        raise ValueError(f"at most {len(names)} employee names")
    return names[:count]


def hub_episodes(employees: int = 300) -> list[Episode]:
    """A company (Globex) with ``employees`` staff, each a WORKS_AT relation, plus a question
    path through the hub: Nora Fischer works at Globex, is managed by one of the staff
    (Anna Abbott, who lives in Basel), and Globex is headquartered in Zurich.

    The headquarters and Nora's facts are told first, the staff list later, so the hub's
    newest relationships are all staff relationships.
    """
    names = hub_employee_names(employees)
    manager = names[0]
    first = Episode(
        at(2020, 3, 1),
        f"Nora Fischer works at Globex, which is headquartered in Zurich. Her manager {manager} "
        "lives in Basel.",
        {
            "entities": [
                _entity("Nora Fischer", "Person", "Nora"),
                _entity("Globex", "Organization"),
                _entity("Zurich", "Place"),
                _entity(manager, "Person"),
                _entity("Basel", "Place"),
            ],
            "relations": [
                _rel("Nora Fischer", "WORKS_AT", "Globex", "Nora Fischer works at Globex."),
                _rel(
                    "Globex",
                    "HEADQUARTERED_IN",
                    "Zurich",
                    "Globex is headquartered in Zurich.",
                    _iso(1998),
                ),
                _rel(
                    "Nora Fischer", "MANAGED_BY", manager, f"Nora Fischer is managed by {manager}."
                ),
                _rel(manager, "LIVES_IN", "Basel", f"{manager} lives in Basel."),
            ],
            "facts": [],
        },
    )
    staff = Episode(
        at(2021, 1, 10),
        "Here is the Globex staff list: " + ", ".join(names) + ".",
        {
            "entities": [_entity("Globex", "Organization")]
            + [_entity(name, "Person") for name in names],
            "relations": [
                _rel(name, "WORKS_AT", "Globex", f"{name} works at Globex.", _iso(2021, 1))
                for name in names
            ],
            "facts": [],
        },
    )
    return [first, staff]


@functools.lru_cache(maxsize=1)
def shared_embedder() -> SentenceTransformerEmbedder:
    """One MiniLM embedder per test process (loading it is the slow part)."""
    return SentenceTransformerEmbedder()


def open_memory(data_dir: Path | str, llm: ScriptedLLM, *, graph: str | None = None) -> Memory:
    """A Memory on the embedded FalkorDB in ``data_dir``, in a fresh graph, with real MiniLM."""
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": graph or f"t_{uuid.uuid4().hex}"}}
    )
    return Memory(config, embedder=shared_embedder(), llm=llm)


def ingest(
    memory: Memory,
    llm: ScriptedLLM,
    episodes: Sequence[Episode] = EPISODES,
    *,
    user_id: str | None = USER,
    agent_id: str | None = None,
) -> list[AddResult]:
    """``add(infer=True)`` each episode, feeding ``llm`` its recorded extraction first.

    Fails loudly if an add made anything but exactly one LLM call: a ``resolve_memory`` call
    would consume the next episode's answer and silently desynchronize the replay.
    """
    results = []
    for episode in episodes:
        llm.add(episode.answer)
        before = llm.calls
        result = memory.add(
            episode.text, user_id=user_id, agent_id=agent_id, occurred_at=episode.when
        )
        if llm.calls - before != 1 or llm.remaining:
            raise AssertionError(
                f"episode {episode.when.date()} made {llm.calls - before} LLM calls "
                f"({llm.remaining} answers left); the story must need exactly one"
            )
        results.append(result)
    return results
