"""``SearchConfig.reply_weight``: a raw question turn that matches the query lends score to the
reply after it, so the answer ranks with its question (through ``Memory.search``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from graphmem import Memory

START = datetime(2024, 3, 5, 18, tzinfo=timezone.utc)
CHAT = [
    ("Kofi", "so which city did you pick in the end?"),
    ("Kim", "Amsterdam! we drove down on Saturday"),
    ("Kofi", "nice, the weather was awful here all week"),
    ("Kim", "my sister started at Pinecrest Hospital, she loves the night shifts"),
    ("Kofi", "the new dumpling place by the station is great"),
    ("Kim", "I finally finished that puzzle with the thousand pieces"),
]
QUERY = "Which city did Kim pick to move to?"
REPLY = "Amsterdam! we drove down on Saturday"


def _ranked(memory: Memory) -> list[tuple[str, list[str]]]:
    for i, (name, text) in enumerate(CHAT):  # one add() per turn: replies cross episodes
        message = {"role": "user", "name": name, "content": text}
        memory.add([message], user_id="kim", occurred_at=START + timedelta(minutes=i), infer=False)
    hits = memory.search(QUERY, user_id="kim", limit=6).hits
    return [(hit.fact.text, list(hit.sources)) for hit in hits]


def test_the_reply_to_a_matching_question_ranks_with_it(
    memory_factory: Callable[..., Memory],
) -> None:
    plain = _ranked(memory_factory(search={"reply_weight": 0.0, "name_weight": 0.0}))
    lent = _ranked(memory_factory(search={"reply_weight": 1.0, "name_weight": 0.0}))
    texts = [text for text, _ in lent]
    assert texts[0] == REPLY, lent  # its question's score, plus its own
    assert [t for t, _ in plain].index(REPLY) > 0, plain  # without the leg, the question leads
    assert "reply" in lent[0][1]
    assert all("reply" not in sources for _, sources in lent[1:])
    assert all("reply" not in sources for _, sources in plain)
