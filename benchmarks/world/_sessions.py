"""Cut each session's items into user turns and add calls, with assistant replies and small talk.

One add call is one user turn (one to three statements) plus, usually, the assistant's reply;
now and then an add call is unrelated small talk whose ground truth is empty. Each add call's
extraction merges its statements' entities, relations and facts.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from ._model import AddCall, Session, Turn, iso
from ._people import Cast
from ._render import Item, Renderer, Statement
from ._templates import ACKS, LEAD_INS, NOISE

__all__ = ["build_session"]

_NOISE_RATE = 0.12


def build_session(
    rng: random.Random,
    renderer: Renderer,
    cast: Cast,
    user_id: str,
    index: int,
    day: date,
    items: list[Item],
) -> Session:
    """Render one session's items into add calls."""
    session_id = f"{user_id}/s{index:04d}"
    clock = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)), timezone.utc)
    started = clock
    adds: list[AddCall] = []
    chunks = _chunks(rng, items)
    if not chunks:
        chunks = [[]]
    for chunk in chunks:
        if not chunk or rng.random() < _NOISE_RATE:
            adds.append(_noise(rng, user_id, session_id, len(adds), clock))
            clock += timedelta(minutes=rng.randint(1, 4))
        if not chunk:
            continue
        renderer.begin_turn(day)
        statements = [renderer.render(item) for item in chunk]
        adds.append(_add(rng, cast, user_id, session_id, len(adds), clock, statements))
        clock += timedelta(minutes=rng.randint(1, 6))
    return Session(session_id, user_id, iso(started) or "", tuple(adds))


def _chunks(rng: random.Random, items: list[Item]) -> list[list[Item]]:
    """Group items into user turns of 1-3 statements, preferring to keep one subject together."""
    chunks: list[list[Item]] = []
    for item in items:
        current = chunks[-1] if chunks else None
        if current is not None and len(current) < 3:
            same = current[-1].subject == item.subject
            if rng.random() < (0.6 if same else 0.25) / len(current):
                current.append(item)
                continue
        chunks.append([item])
    return chunks


def _add(
    rng: random.Random,
    cast: Cast,
    user_id: str,
    session_id: str,
    index: int,
    clock: datetime,
    statements: list[Statement],
) -> AddCall:
    text = " ".join(st.text for st in statements)
    if "change" in statements[0].tags and rng.random() < 0.15:
        text = f"{rng.choice(LEAD_INS)} {text}"
    turns = [Turn("user", text)]
    if rng.random() < 0.9:
        turns.append(Turn("assistant", rng.choice(ACKS[statements[-1].mood])))
    tags = sorted({tag for st in statements for tag in st.tags})
    return AddCall(
        add_id=f"{session_id}/a{index:02d}",
        user_id=user_id,
        session_id=session_id,
        occurred_at=iso(clock) or "",
        turns=tuple(turns),
        extraction=_merge(cast, statements),
        tags=tuple(tags),
    )


def _merge(cast: Cast, statements: list[Statement]) -> dict[str, Any]:
    """One ``extract_memory`` answer for all statements of a turn."""
    names: list[str] = []
    relations: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    for st in statements:
        names.extend(name for name in st.entities if name not in names)
        relations.extend(r for r in st.relations if r not in relations)
        facts.extend(f for f in st.facts if f not in facts)
    entities = [
        {"name": name, "type": cast.type_of(name), "aliases": list(cast.aliases_of(name))}
        for name in names
    ]
    return {"entities": entities, "relations": relations, "facts": facts}


def _noise(
    rng: random.Random, user_id: str, session_id: str, index: int, clock: datetime
) -> AddCall:
    question, answer = rng.choice(NOISE)
    return AddCall(
        add_id=f"{session_id}/a{index:02d}",
        user_id=user_id,
        session_id=session_id,
        occurred_at=iso(clock) or "",
        turns=(Turn("user", question), Turn("assistant", answer)),
        extraction={"entities": [], "relations": [], "facts": []},
        tags=("noise",),
    )
