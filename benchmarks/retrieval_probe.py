"""Quick retrieval probe on multi-speaker chat (not the committed real-conversation track).

Ten people, each chatting with a friend over several dated sessions (greetings, filler, small
talk, paraphrased life events, questions answered in the next turn), all in one store, one
tenant per person, ingested with ``infer=False``. Evidence recall@5/@10 of dense-only, BM25,
RRF(dense, BM25) and graphmem's search under a few fusion settings, in the same run.

    python -m benchmarks.retrieval_probe [--people 10] [--seed 3]
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from graphmem import Memory, MemoryConfig
from graphmem.embed import SentenceTransformerEmbedder
from graphmem.search._catalogue import tokenize

PEOPLE = [
    "Calvin",
    "Dana",
    "Priya",
    "Marco",
    "Aiko",
    "Tunde",
    "Sofia",
    "Erik",
    "Lena",
    "Omar",
    "Grace",
    "Mateo",
]
FRIENDS = ["Jo", "Sam", "Rita", "Ben", "Kim", "Alex"]
EVENTS = [
    (
        "hike",
        "went hiking in {place} with {rel}",
        ["the White Mountains", "Yosemite", "the Alps"],
        "Where did {p} go hiking?",
        "When did {p} go hiking?",
    ),
    (
        "pet",
        "adopted a {thing} named {name}",
        ["grey cat", "beagle puppy", "parrot"],
        "What pet did {p} adopt?",
        "When did {p} adopt a pet?",
    ),
    (
        "job",
        "started a new job at {place}",
        ["the aquarium", "a bakery", "the city library"],
        "Where does {p} work now?",
        "When did {p} start the new job?",
    ),
    (
        "race",
        "ran a {thing} in {place}",
        ["half marathon", "10k charity run", "trail race"],
        "What race did {p} run?",
        "When did {p} run the race?",
    ),
    (
        "class",
        "signed up for a {thing} class",
        ["pottery", "salsa", "Portuguese"],
        "What class did {p} sign up for?",
        "When did {p} sign up for the class?",
    ),
    (
        "trip",
        "flew to {place} for {rel}'s wedding",
        ["Lisbon", "Osaka", "Toronto"],
        "Whose wedding did {p} fly to?",
        "When did {p} fly to the wedding?",
    ),
    (
        "fix",
        "finally fixed the {thing} in the kitchen",
        ["leaking sink", "broken oven", "old fridge"],
        "What did {p} fix at home?",
        "When did {p} fix the kitchen?",
    ),
    (
        "book",
        "finished reading {thing}",
        ["Dune", "Pachinko", "The Overstory"],
        "Which book did {p} finish?",
        "When did {p} finish the book?",
    ),
]
RELS = ["my brother", "my sister", "my cousin", "my dad", "an old friend"]
NAMES = ["Pixel", "Biscuit", "Mango", "Ziggy", "Olive"]
OPENERS = [
    "Hey {f}! How's it going?",
    "Hi {f}, long time!",
    "Yo {f}, you around?",
    "Morning {f}! Got a sec?",
    "Hey hey {f}",
]
FILLER = [
    "Stay safe!",
    "See ya, {f}!",
    "haha yeah",
    "Totally.",
    "lol same",
    "Take care!",
    "Talk soon!",
    "Oh nice!",
    "Right??",
    "omg",
    "Sounds good.",
    "Bye for now!",
    "Good to hear from you!",
    "Miss you!",
    "ok ok",
    "Thanks!!",
]
SMALLTALK = [
    "The weather has been so weird lately, rain every afternoon.",
    "I binged a whole season of that baking show last night.",
    "Work has been busy but fine, nothing exciting.",
    "My phone screen cracked again, ugh.",
    "Traffic this morning was terrible.",
    "I tried that new ramen place downtown, it was decent.",
    "Been sleeping badly, too much coffee probably.",
    "Did you see the game on Sunday? Wild ending.",
]
ASKS = {
    "hike": "So what did you get up to last weekend?",
    "pet": "Anything new at home?",
    "job": "How's work treating you?",
    "race": "Still doing the running thing?",
    "class": "Trying anything new lately?",
    "trip": "Did you travel anywhere recently?",
    "fix": "How's the apartment?",
    "book": "Read anything good?",
}
STYLES = [
    "Guess what, I {e}!",
    "I {e} last week, still buzzing about it.",
    "oh yeah, {e} :)",
    "Not much, but I {e}.",
    "Honestly the big news is I {e}.",
    "so I {e} on saturday",
]


def _typo(text: str, rng: random.Random) -> str:
    if rng.random() < 0.2 and len(text) > 12:
        i = rng.randrange(1, len(text) - 2)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def build(people: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sessions (user, date, messages) and questions (user, question, category, evidence)."""
    rng = random.Random(seed)
    sessions: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    start = datetime(2023, 1, 5, 18, tzinfo=timezone.utc)
    for person in PEOPLE[:people]:
        friend = rng.choice(FRIENDS)
        events = rng.sample(EVENTS, 6)
        day = start + timedelta(days=rng.randrange(0, 20))
        done: list[tuple[str, str, datetime]] = []
        for s in range(8):
            day += timedelta(days=rng.randrange(5, 30))
            msgs: list[tuple[str, str]] = [(friend, rng.choice(OPENERS).format(f=person))]
            msgs.append((person, f"Hey {friend}! " + rng.choice(SMALLTALK)))
            todays = [events[s]] if s < len(events) else []
            for key, template, things, *_ in todays:
                slot = rng.choice(things)
                event = template.format(
                    place=slot, thing=slot, rel=rng.choice(RELS), name=rng.choice(NAMES)
                )
                for _ in range(rng.randrange(2, 6)):
                    who = rng.choice([person, friend])
                    line = rng.choice(FILLER + SMALLTALK).format(
                        f=friend if who == person else person
                    )
                    msgs.append((who, line))
                ask_first = rng.random() < 0.6
                if ask_first:
                    msgs.append((friend, ASKS[key]))
                    text = _typo(rng.choice(STYLES).format(e=event), rng)
                else:
                    text = _typo(f"{person} here, " + rng.choice(STYLES).format(e=event), rng)
                msgs.append((person, text))
                done.append((key, text, day))
                msgs.append(
                    (
                        friend,
                        rng.choice(
                            [
                                "No way, that's amazing!",
                                "Wow, how was it?",
                                "Love that for you",
                                "Pics or it didn't happen",
                            ]
                        ),
                    )
                )
            for _ in range(rng.randrange(3, 8)):
                who = rng.choice([person, friend])
                line = rng.choice(FILLER + SMALLTALK).format(f=friend if who == person else person)
                msgs.append((who, line))
            msgs.append((friend, rng.choice(FILLER).format(f=person)))
            sessions.append({"user": person, "date": day, "messages": msgs})
        lookup = {key: (text, day) for key, text, day in done}
        for key, _t, _p, what, when in EVENTS:
            if key not in lookup:
                continue
            text, _day = lookup[key]
            questions.append(
                {
                    "user": person,
                    "q": what.format(p=person),
                    "cat": "single_hop",
                    "evidence": [text],
                }
            )
            questions.append(
                {"user": person, "q": when.format(p=person), "cat": "temporal", "evidence": [text]}
            )
        keys = list(lookup)
        for a, b in zip(keys[::2], keys[1::2]):
            questions.append(
                {
                    "user": person,
                    "q": f"What did {person} do besides {_gist(a)}? Anything about {_gist(b)}?",
                    "cat": "multi_hop",
                    "evidence": [lookup[a][0], lookup[b][0]],
                }
            )
    return sessions, questions


def _gist(key: str) -> str:
    return {
        "hike": "hiking",
        "pet": "the new pet",
        "job": "the job",
        "race": "running",
        "class": "classes",
        "trip": "travelling",
        "fix": "home repairs",
        "book": "reading",
    }[key]


def _bm25(query: str, docs: list[list[str]]) -> np.ndarray:
    n = len(docs)
    avg = sum(map(len, docs)) / n
    df = Counter(t for d in docs for t in set(d))
    out = np.zeros(n)
    for t in set(tokenize(query)):
        if not df[t]:
            continue
        idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
        for i, d in enumerate(docs):
            tf = d.count(t)
            if tf:
                out[i] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(d) / avg))
    return out


def main() -> None:
    """Ingest, question, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    sessions, questions = build(args.people, args.seed)
    embedder = SentenceTransformerEmbedder()
    tmp = tempfile.mkdtemp()
    base = {"graph_store": {"data_dir": tmp, "graph": "probe"}}
    memory = Memory(MemoryConfig.from_dict(base), embedder=embedder)
    t0 = time.perf_counter()
    for s in sessions:
        memory.add(
            [{"role": "user", "name": w, "content": c} for w, c in s["messages"]],
            user_id=s["user"],
            occurred_at=s["date"],
            infer=False,
        )
    print(
        f"ingested {len(sessions)} sessions in {time.perf_counter() - t0:.0f}s;"
        f" {len(questions)} questions"
    )
    facts = {p: memory.get_all(user_id=p, limit=1000) for p in PEOPLE[: args.people]}
    variants: dict[str, dict[str, Any]] = {
        "graphmem default": {},
        "no demotion": {"short_turn_words": 0},
        "demote<3": {"short_turn_words": 3},
        "demote<8": {"short_turn_words": 8},
        "rrf_k 30": {"rrf_k": 30},
        "kw 0.7": {"keyword_weight": 0.7},
        "kw 1.5": {"keyword_weight": 1.5},
    }
    memories = {
        name: Memory(MemoryConfig.from_dict({**base, "search": cfg}), embedder=embedder)
        for name, cfg in variants.items()
    }
    recall: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    cache: dict[str, np.ndarray] = {}
    for q in questions:
        user_facts = facts[q["user"]]
        texts = [f.text for f in user_facts]
        ids = [f.id for f in user_facts]
        evidence = {ids[texts.index(t.strip())] for t in q["evidence"]}
        if q["user"] not in cache:
            cache[q["user"]] = np.asarray(embedder.embed(texts))
        vecs = cache[q["user"]]
        qv = np.asarray(embedder.embed([q["q"]])[0])
        dense = list(np.argsort(-(vecs @ qv)))
        bm = _bm25(q["q"], [tokenize(t) for t in texts])
        bm25 = [i for i in np.argsort(-bm) if bm[i] > 0]
        rrf: dict[int, float] = defaultdict(float)
        for ranking in (dense, bm25):
            for r, i in enumerate(ranking[:100], 1):
                rrf[i] += 1 / (60 + r)
        fused = sorted(rrf, key=lambda i: -rrf[i])
        lists = {
            "dense": [ids[i] for i in dense],
            "bm25": [ids[i] for i in bm25],
            "rrf(dense,bm25)": [ids[i] for i in fused],
        }
        for name, mem in memories.items():
            lists[name] = [h.fact.id for h in mem.search(q["q"], user_id=q["user"], limit=10).hits]
        for name, ranked in lists.items():
            got = (evidence <= set(ranked[:5]), evidence <= set(ranked[:10]))
            recall[name][q["cat"]].append(got)
            recall[name]["all"].append(got)
    cats = ["single_hop", "temporal", "multi_hop", "all"]
    print("recall@5 / @10 (%)  " + " | ".join(cats))
    for name, per in recall.items():
        cells = []
        for c in cats:
            rows = per[c]
            cells.append(
                f"{100 * sum(a for a, _ in rows) / len(rows):.0f}/"
                f"{100 * sum(b for _, b in rows) / len(rows):.0f}"
            )
        print(f"{name:22s} " + " | ".join(cells))


if __name__ == "__main__":
    main()
