"""``SearchConfig.name_weight`` through ``Memory.search``: the turn that introduces a name the
top hits mention ranks with them, and never another user's turn naming the same person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from graphmem import Memory

START = datetime(2024, 3, 5, 18, tzinfo=timezone.utc)
ROBERT = [
    ("Robert", "ok so ive been seeing someone... her name's Ingrid"),
    ("Lucia", "omg finally, tell me everything"),
    ("Robert", "the calligraphy club near me closed down"),
    ("Lucia", "what does Ingrid do?"),
    ("Robert", "She's an architect, mostly night shifts"),
    ("Lucia", "the new dumpling place by the station is great"),
    ("Robert", "I finally finished that puzzle with the thousand pieces"),
    # turns about work, which outrank the introduction on the question's own words
    ("Lucia", "work is insane this week, my boss is driving me nuts"),
    ("Robert", "my brother-in-law works at Granite Legal, says it's chaos"),
    ("Lucia", "Tomas says Harbor Health is hiring nurses btw"),
    ("Robert", "my job at the office has been so busy lately"),
    ("Lucia", "the career fair downtown had loads of companies"),
    ("Robert", "my partner in the pub quiz team is useless lol"),
]
OTHER = [("Dana", "Ingrid from the climbing gym moved to Oslo, she seems nice")]
QUERY = "What line of work is Robert's partner in?"
INTRO = "ok so ive been seeing someone... her name's Ingrid"


def _ranked(memory: Memory) -> list[tuple[str, list[str]]]:
    for user, chat in (("robert", ROBERT), ("dana", OTHER)):
        for i, (name, text) in enumerate(chat):
            message = {"role": "user", "name": name, "content": text}
            when = START + timedelta(minutes=i)
            memory.add([message], user_id=user, occurred_at=when, infer=False)
    hits = memory.search(QUERY, user_id="robert", limit=10).hits
    return [(hit.fact.text, list(hit.sources)) for hit in hits]


def test_the_introduction_of_a_name_the_top_hits_mention_gets_the_name_leg(
    memory_factory: Callable[..., Memory],
) -> None:
    named = _ranked(memory_factory(search={"reply_weight": 0.75, "name_weight": 0.5}))
    plain = _ranked(memory_factory(search={"reply_weight": 0.75, "name_weight": 0.0}))
    sources = dict(named)
    assert "name" in sources[INTRO], named
    assert all("name" not in s for _, s in plain)
    texts = [text for text, _ in named]
    assert texts.index(INTRO) < [t for t, _ in plain].index(INTRO)
    assert OTHER[0][1] not in texts  # another user's turn naming an Ingrid: never
