"""Seeded generator of multi-speaker, multi-session chat histories with evidence-tagged questions.

Each *person* is one tenant (``user_id``): the owner of a chat history with two or three friends
over many dated sessions (months apart). Facts about the owner (moves, jobs, a pet, a hobby, a
sibling, a partner, trips, life events, traits) and news from friends are revealed in chat:
stated outright or as the answer, in the next turn, to a friend's question; with relative dates
("last week"), small talk, filler, per-speaker styles and typos. Each question records the
turn(s) that carry its answer (``evidence``) and, for answers given to a question, the asking
turn (``context``). Names come from the synthetic world's vocabularies (``benchmarks/world``).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from benchmarks.conversations import _phrases as P
from benchmarks.conversations._chat import Style, locomo_date, relative_when, write
from benchmarks.world._names import (
    CITIES,
    FIRST_NAMES,
    HOBBIES,
    LANGUAGES,
    ORGANIZATIONS,
    PET_NAMES,
    PET_SPECIES,
    PROFESSIONS,
    SURNAMES,
)

__all__ = [
    "CATEGORIES",
    "Conversation",
    "Dataset",
    "Question",
    "Session",
    "Turn",
    "generate",
]

CATEGORIES = ("single_hop", "multi_hop", "temporal", "open_domain")
REUSE_WORDING = 0.65  # chance a question reuses an evidence word when some wording allows it
ELABORATE = 0.35  # chance a fact or chatter message carries a second sentence
FILLER_KINDS = frozenset({"greeting", "closing", "reaction", "backchannel"})


@dataclass(frozen=True)
class Turn:
    """One chat message."""

    id: str
    session: int
    index: int
    speaker: str
    text: str
    kind: str  # greeting, closing, reaction, backchannel, smalltalk, detail, ask, fact
    typo: bool = False

    def message(self) -> dict[str, str]:
        """The OpenAI-style message stored for this turn (every human speaker is a "user")."""
        return {"role": "user", "name": self.speaker, "content": self.text}


@dataclass(frozen=True)
class Session:
    """One dated chat session and how an agent would chunk it into ``add()`` calls."""

    number: int
    date: datetime
    speakers: tuple[str, ...]
    turns: tuple[Turn, ...]
    chunk_sizes: tuple[int, ...]

    @property
    def date_time(self) -> str:
        """The session date as LOCOMO shows it (``"1:56 pm on 8 May, 2023"``)."""
        return locomo_date(self.date)

    def chunks(self) -> list[tuple[Turn, ...]]:
        """Consecutive groups of turns, one ``add()`` each."""
        out, start = [], 0
        for size in self.chunk_sizes:
            out.append(self.turns[start : start + size])
            start += size
        return out


@dataclass(frozen=True)
class Question:
    """A question, its answer and the turns that carry it."""

    id: str
    user_id: str
    category: str
    text: str
    answer: str
    evidence: tuple[str, ...]
    context: tuple[str, ...] = ()
    fact: str = ""


@dataclass(frozen=True)
class Conversation:
    """One tenant: an owner's chat history with friends, and questions about it."""

    user_id: str
    owner: str
    friends: tuple[str, ...]
    sessions: tuple[Session, ...]
    questions: tuple[Question, ...]

    def turns(self) -> Iterator[Turn]:
        """Every turn, in order."""
        for session in self.sessions:
            yield from session.turns

    def turn_map(self) -> dict[str, Turn]:
        """Turns by id."""
        return {t.id: t for t in self.turns()}


@dataclass(frozen=True)
class Dataset:
    """All tenants of one generated store."""

    seed: int
    sessions_per_person: int
    conversations: tuple[Conversation, ...]
    reuse_wording: float = REUSE_WORDING

    def questions(self) -> Iterator[Question]:
        """Every question of every tenant."""
        for conv in self.conversations:
            yield from conv.questions

    def stats(self) -> dict[str, Any]:
        """Counts and chat-variety measures (filler share, typo share, surface forms per fact)."""
        turns = [t for c in self.conversations for t in c.turns()]
        per_person = [sum(1 for _ in c.turns()) for c in self.conversations]
        kinds = Counter(t.kind for t in turns)
        forms: dict[str, set[str]] = {}
        for conv in self.conversations:
            tmap = conv.turn_map()
            for q in conv.questions:
                if q.category != "single_hop":
                    continue
                for tid in q.evidence:
                    forms.setdefault(q.fact, set()).add(_shape(tmap[tid].text))
        sessions = [s for c in self.conversations for s in c.sessions]
        days = [(c.sessions[-1].date - c.sessions[0].date).days for c in self.conversations]
        return {
            "people": len(self.conversations),
            "sessions": len(sessions),
            "turns": len(turns),
            "turns_per_person": {"min": min(per_person), "max": max(per_person)},
            "days_per_person": {"min": min(days), "max": max(days)},
            "add_calls": sum(len(s.chunk_sizes) for s in sessions),
            "questions": dict(Counter(q.category for q in self.questions())),
            "turn_kinds": dict(sorted(kinds.items())),
            "filler_share": round(sum(kinds[k] for k in FILLER_KINDS) / len(turns), 3),
            "small_talk_share": round(kinds["smalltalk"] / len(turns), 3),
            "typo_share": round(sum(t.typo for t in turns) / len(turns), 3),
            "qa_answer_evidence_share": round(
                sum(1 for q in self.questions() if q.context) / max(1, len(list(self.questions()))),
                3,
            ),
            "reuse_wording": self.reuse_wording,
            "question_shares_evidence_word": self._overlap(),
            "distinct_texts": len({t.text for t in turns}),
            "surface_forms_per_fact": {k: len(v) for k, v in sorted(forms.items())},
        }

    def _overlap(self) -> dict[str, float]:
        """Per category: share of questions with a content word (not a name) in their evidence."""
        names = {t.speaker.lower() for c in self.conversations for t in c.turns()}
        shared: dict[str, list[bool]] = {}
        for conv in self.conversations:
            tmap = conv.turn_map()
            for q in conv.questions:
                evidence = set().union(*(_content(tmap[e].text) for e in q.evidence))
                shared.setdefault(q.category, []).append(
                    bool((_content(q.text) - names) & evidence)
                )
        return {c: round(sum(v) / len(v), 3) for c, v in sorted(shared.items())}

    def to_dict(self) -> dict[str, Any]:
        """The dataset in a LOCOMO-like JSON shape (sessions with dates, speakers per turn)."""
        return {
            "seed": self.seed,
            "conversations": [
                {
                    "user_id": c.user_id,
                    "owner": c.owner,
                    "friends": list(c.friends),
                    "sessions": [
                        {
                            "session": s.number,
                            "date_time": s.date_time,
                            "date": s.date.isoformat(),
                            "speakers": list(s.speakers),
                            "chunk_sizes": list(s.chunk_sizes),
                            "turns": [
                                {"id": t.id, "speaker": t.speaker, "text": t.text, "kind": t.kind}
                                for t in s.turns
                            ],
                        }
                        for s in c.sessions
                    ],
                    "questions": [
                        {
                            "id": q.id,
                            "category": q.category,
                            "question": q.text,
                            "answer": q.answer,
                            "evidence": list(q.evidence),
                            "context": list(q.context),
                            "fact": q.fact,
                        }
                        for q in c.questions
                    ],
                }
                for c in self.conversations
            ],
        }


def _shape(text: str) -> str:
    """A turn's wording with capitalised words, digits and case removed (its surface form)."""
    words = [w for w in text.split() if not w[:1].isupper() and not w[:1].isdigit()]
    return " ".join(words).lower()[:40]


# -- generation ------------------------------------------------------------------------------


@dataclass
class _Line:
    speaker: str
    text: str
    kind: str
    tag: str = ""  # "<fact key>" on evidence turns, "ctx:<fact key>" on asking turns
    protect: bool = False


@dataclass
class _Fact:
    key: str
    kind: str
    phase: float
    values: dict[str, str]
    speaker: str = ""  # a friend's news: the friend who tells it
    date: str = ""
    answer_date: str = ""
    session: int = -1


@dataclass
class _Person:
    first: str
    surname: str
    gender: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def they(self) -> str:
        return "she" if self.gender == "f" else "he"

    @property
    def them(self) -> str:
        return "her" if self.gender == "f" else "him"

    @property
    def their(self) -> str:
        return "her" if self.gender == "f" else "his"


@dataclass
class _Build:
    rng: random.Random
    user_id: str
    owner: _Person
    friends: list[_Person]
    reuse_wording: float
    facts: list[_Fact] = field(default_factory=list)
    styles: dict[str, Style] = field(default_factory=dict)
    protect: set[str] = field(default_factory=set)
    tags: dict[str, list[str]] = field(default_factory=dict)  # fact key -> turn ids


def generate(
    seed: int = 7, people: int = 10, sessions: int = 12, reuse_wording: float = REUSE_WORDING
) -> Dataset:
    """A deterministic dataset: ``people`` tenants with ``sessions`` sessions each.

    ``reuse_wording`` is the chance that a question reuses a word of its evidence when one of
    its wordings can (0: always a random paraphrase; 1: always reuse when possible).
    """
    if people < 1 or sessions < 3:
        raise ValueError("need at least 1 person and 3 sessions")
    rng = random.Random(f"conversations:{seed}")
    names = list(FIRST_NAMES)
    rng.shuffle(names)
    if people > len(names) // 2:
        raise ValueError(f"at most {len(names) // 2} people")
    owners = names[:people]
    conversations = []
    for index, (first, gender, _) in enumerate(owners):
        person_rng = random.Random(f"conversations:{seed}:{index}")
        owner = _Person(first, person_rng.choice(SURNAMES), gender)
        conv = _conversation(person_rng, f"chat-{index:02d}", owner, sessions, reuse_wording)
        conversations.append(conv)
    return Dataset(seed, sessions, tuple(conversations), reuse_wording)


def _pick_people(rng: random.Random, avoid: set[str], n: int) -> list[_Person]:
    pool = [n_ for n_ in FIRST_NAMES if n_[0] not in avoid]
    chosen = rng.sample(pool, n)
    for first, _, _ in chosen:
        avoid.add(first)
    return [_Person(f, rng.choice(SURNAMES), g) for f, g, _ in chosen]


def _conversation(
    rng: random.Random, user_id: str, owner: _Person, n_sessions: int, reuse_wording: float
) -> Conversation:
    used = {owner.first}
    friends = _pick_people(rng, used, rng.choice((2, 3, 3)))
    sibling, partner, fpartner = _pick_people(rng, used, 3)
    build = _Build(rng, user_id, owner, friends, reuse_wording)
    for speaker in [owner, *friends]:
        build.styles[speaker.first] = Style.pick(rng)
    _plan_facts(build, sibling, partner, fpartner, n_sessions)
    for fact in build.facts:
        for value in fact.values.values():
            build.protect.update(value.lower().split())
    sessions = _sessions(build, n_sessions)
    _unique_evidence(build, sessions)
    questions = _questions(build, sessions)
    return Conversation(
        user_id=user_id,
        owner=owner.full,
        friends=tuple(f.first for f in friends),
        sessions=tuple(sessions),
        questions=tuple(questions),
    )


def _plan_facts(
    b: _Build, sibling: _Person, partner: _Person, fpartner: _Person, n_sessions: int
) -> None:
    rng = b.rng
    rich = n_sessions >= 8
    cities = rng.sample(CITIES, 7)
    orgs = rng.sample(ORGANIZATIONS, 3)
    add = b.facts.append
    add(_Fact("home", "home", 0.0, {"city": cities[0]}))
    moves = 2 if rich else 1
    phases = [rng.uniform(0.15, 0.45), rng.uniform(0.6, 0.95)][:moves]
    if not rich:
        phases = [rng.uniform(0.35, 0.9)]
    for i, phase in enumerate(phases):
        add(_Fact(f"move{i + 1}", "move", phase, {"city": cities[i + 1], "prev": cities[i]}))
    add(_Fact("job", "job", rng.uniform(0.1, 1), {"org": orgs[0], "role": rng.choice(PROFESSIONS)}))
    species = rng.choice(PET_SPECIES)
    add(
        _Fact("pet", "pet", rng.uniform(0.1, 1), {"pet": rng.choice(PET_NAMES), "species": species})
    )
    hobby = rng.choice(sorted(P.HOBBY_GIFT))
    add(_Fact("hobby", "hobby", rng.uniform(0.1, 1), {"hobby": hobby}))
    rel = "sister" if sibling.gender == "f" else "brother"
    sib = {"sib": sibling.first, "rel": rel, "org": orgs[1], "g": sibling.gender}
    add(_Fact("sib_intro", "sib_intro", rng.uniform(0.0, 0.4), sib))
    add(_Fact("sib_job", "sib_job", rng.uniform(0.6, 1.0), sib))
    trips = 2 if rich else 1
    for i in range(trips):
        add(_Fact(f"trip{i + 1}", "trip", rng.uniform(0.05, 1), {"city": cities[4 + i]}))
    events = rng.sample(range(len(P.EVENTS)), 2 if rich else 1)
    for e in events:
        add(_Fact(f"event_{P.EVENTS[e][0]}", "event", rng.uniform(0.05, 1), {"event": str(e)}))
    traits = rng.sample(range(len(P.TRAITS)), 3 if rich else 2)
    for t in traits:
        key, _, _ = P.TRAITS[t]
        values = {"trait": str(t)}
        if key == "language":
            values["lang"] = rng.choice(LANGUAGES)
        add(_Fact(f"trait_{key}", "trait", rng.uniform(0.0, 1), values))
    if rich:
        prole = rng.choice(PROFESSIONS)
        pvals = {"partner": partner.first, "role": prole, "g": partner.gender}
        add(_Fact("partner_intro", "partner_intro", rng.uniform(0.0, 0.4), pvals))
        add(_Fact("partner_job", "partner_job", rng.uniform(0.6, 1.0), pvals))
    news = rng.sample(range(len(P.FRIEND_NEWS)), 2 if rich else 1)
    for n in news:
        friend = rng.choice(b.friends)
        values = {"news": str(n), "friend": friend.first, "fpartner": fpartner.first}
        values["city"] = cities[6]
        values["car"] = rng.choice(P.CARS)
        add(
            _Fact(f"news_{P.FRIEND_NEWS[n][0]}", "news", rng.uniform(0.05, 1), values, friend.first)
        )
    for fact in b.facts:
        fact.session = min(n_sessions - 1, int(fact.phase * n_sessions))
    # an intro and its follow-up, or two moves, must land in different sessions
    for first, second in (
        ("sib_intro", "sib_job"),
        ("partner_intro", "partner_job"),
        ("move1", "move2"),
    ):
        a = next((f for f in b.facts if f.key == first), None)
        c = next((f for f in b.facts if f.key == second), None)
        if a and c and a.session >= c.session:
            a.session, c.session = min(a.session, c.session - 1), max(c.session, a.session + 1)
            a.session = max(0, min(a.session, n_sessions - 2))
            c.session = max(a.session + 1, c.session)


def _sessions(b: _Build, n_sessions: int) -> list[Session]:
    rng = b.rng
    start = datetime(2023, 1, 2, tzinfo=timezone.utc) + timedelta(days=rng.randrange(0, 150))
    sessions: list[Session] = []
    day = start
    for number in range(1, n_sessions + 1):
        moment = day.replace(hour=rng.randrange(8, 23), minute=rng.randrange(60))
        facts = [f for f in b.facts if f.session == number - 1]
        rng.shuffle(facts)
        lines, speakers = _session_lines(b, moment, facts, n_sessions)
        protect = frozenset(b.protect)
        turns = []
        for index, line in enumerate(lines):
            written = write(line.text, b.styles[line.speaker], rng, protect)
            turns.append(
                Turn(
                    id=f"{b.user_id}/S{number}/T{index + 1}",
                    session=number,
                    index=index + 1,
                    speaker=line.speaker,
                    text=written.text,
                    kind=line.kind,
                    typo=written.typo,
                )
            )
            if line.tag:
                _tag(b, line.tag, turns[-1].id)
        sizes, left = [], len(turns)
        while left > 0:
            size = min(left, rng.randint(2, 6))
            sizes.append(size)
            left -= size
        sessions.append(Session(number, moment, speakers, tuple(turns), tuple(sizes)))
        day = day + timedelta(days=rng.randint(9, 33))
    return sessions


def _tag(b: _Build, tag: str, turn_id: str) -> None:
    b.tags.setdefault(tag, []).append(turn_id)


def _session_lines(
    b: _Build, moment: datetime, facts: list[_Fact], n_sessions: int
) -> tuple[list[_Line], tuple[str, ...]]:
    rng = b.rng
    owner = b.owner.first
    present = {f.speaker for f in facts if f.speaker}
    if not present:
        present.add(rng.choice(b.friends).first)
    if len(b.friends) > len(present) and rng.random() < 0.3:
        present.add(rng.choice([f.first for f in b.friends if f.first not in present]))
    friends = sorted(present)
    speakers = (owner, *friends)
    target = rng.randint(20, 32) if n_sessions >= 8 else rng.randint(16, 24)

    def other(speaker: str) -> str:
        return rng.choice([s for s in speakers if s != speaker])

    lines: list[_Line] = []
    opener = rng.choice(speakers)
    lines.append(_Line(opener, _fmt(rng.choice(P.GREETINGS), other=other(opener)), "greeting"))
    replier = other(opener)
    lines.append(_Line(replier, _fmt(rng.choice(P.GREETING_REPLIES), other=opener), "greeting"))
    blocks: list[list[_Line]] = [_fact_lines(b, f, moment, friends) for f in facts]
    n_small = max(1, (target - 4 - sum(len(x) for x in blocks)) // 3)
    for _ in range(n_small):
        if rng.random() < 0.6:
            blocks.append(_chatter(rng, owner, friends))
        else:
            blocks.append(_small_talk(rng, speakers))
    rng.shuffle(blocks)
    for block in blocks:
        lines.extend(block)
        if rng.random() < 0.3:
            lines.append(_Line(rng.choice(speakers), rng.choice(P.BACKCHANNEL), "backchannel"))
    closer = rng.choice(speakers)
    lines.append(_Line(closer, _fmt(rng.choice(P.CLOSINGS), other=other(closer)), "closing"))
    lines.append(_Line(other(closer), rng.choice(P.CLOSING_REPLIES), "closing"))
    return lines, speakers


def _small_talk(rng: random.Random, speakers: tuple[str, ...]) -> list[_Line]:
    exchange = rng.choice(P.SMALL_TALK)
    first = rng.choice(speakers)
    second = rng.choice([s for s in speakers if s != first])
    show = rng.choice(P.SHOWS)
    out = []
    for i, text in enumerate(exchange):
        out.append(_Line(first if i % 2 == 0 else second, _fmt(text, show=show), "smalltalk"))
    return out


def _chatter(rng: random.Random, owner: str, friends: list[str]) -> list[_Line]:
    """A friend's own news or musings (slots filled from the world's vocabularies)."""
    exchange = rng.choice(P.CHATTER)
    friend = rng.choice(friends)
    name = rng.choice(FIRST_NAMES)
    values = {
        "org": rng.choice(ORGANIZATIONS),
        "city": rng.choice(CITIES),
        "species": rng.choice(PET_SPECIES),
        "hobby": rng.choice(HOBBIES),
        "name": name[0],
        "name_them": "her" if name[1] == "f" else "him",
        "day": rng.choice(P.DAYS),
        "food": rng.choice(P.FOODS),
        "book": rng.choice(P.BOOKS),
        "room": rng.choice(P.ROOMS),
        "color": rng.choice(P.COLORS),
        "activity": rng.choice(P.ACTIVITIES),
        "show": rng.choice(P.SHOWS),
    }
    lines = [
        _Line(friend if i % 2 == 0 else owner, _fmt(text, **values), "chatter")
        for i, text in enumerate(exchange)
    ]
    if rng.random() < ELABORATE:
        lines[0].text = _join(lines[0].text, rng.choice(P.CHATTER_TAILS))
    return lines


def _join(first: str, second: str) -> str:
    """Two sentences of one message."""
    return (
        f"{first} {second}"
        if first[-1:] in "!?.)" or not first[-1:].isalnum()
        else f"{first}. {second}"
    )


def _fmt(template: str, **values: str) -> str:
    text = template.format_map(_Default(values))
    return text[:1].upper() + text[1:] if template[:1] == "{" else text


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fact_lines(b: _Build, fact: _Fact, moment: datetime, friends: list[str]) -> list[_Line]:
    rng = b.rng
    owner = b.owner.first
    asker = fact.speaker or rng.choice(friends)
    when, iso, readable = relative_when(rng, moment)
    fact.date, fact.answer_date = iso, readable
    v = dict(fact.values)
    v.update(when=when, owner=owner)
    g = v.get("g", "f")
    v.update(
        sib_they="she" if g == "f" else "he",
        sib_them="her" if g == "f" else "him",
        partner_they="she" if g == "f" else "he",
        partner_their="her" if g == "f" else "his",
    )
    pet_f = rng.random() < 0.5
    v.update(their_pet="her" if pet_f else "his", them_pet="her" if pet_f else "him")
    key = fact.key

    extra = P.ELABORATIONS.get(fact.kind, ())

    def longer(text: str) -> str:
        # some messages go on: a second sentence, which dilutes the fact's words
        if extra and rng.random() < ELABORATE:
            return _join(text, rng.choice(extra))
        return text

    def direct(forms: tuple[str, ...], speaker: str = owner) -> list[_Line]:
        return [_Line(speaker, longer(_fmt(rng.choice(forms), **v)), "fact", key, True)]

    def qa(pairs: tuple[tuple[str, str], ...]) -> list[_Line]:
        q, a = rng.choice(pairs)
        return [
            _Line(asker, _fmt(q, **v), "ask", "ctx:" + key),
            _Line(owner, longer(_fmt(a, **v)), "fact", key, True),
        ]

    def either(forms: tuple[str, ...], pairs: tuple[tuple[str, str], ...]) -> list[_Line]:
        return qa(pairs) if rng.random() < 0.45 else direct(forms)

    def detail(pairs: tuple[tuple[str, str], ...]) -> list[_Line]:
        if rng.random() < 0.6:
            q, a = rng.choice(pairs)
            return [_Line(asker, _fmt(q, **v), "detail"), _Line(owner, _fmt(a, **v), "detail")]
        return []

    def react(bad: bool = False) -> list[_Line]:
        bank = P.REACTIONS_BAD if bad else P.REACTIONS_GOOD
        return [_Line(asker, rng.choice(bank), "reaction")] if rng.random() < 0.8 else []

    kind = fact.kind
    if kind == "home":
        forms = (
            "still in {city} for now, rent is insane",
            "{city} is fine but I want out eventually",
            "nothing new in {city}, same flat same neighbours",
        )
        return direct(forms)
    if kind == "move":
        return either(P.MOVE_DIRECT, P.MOVE_QA) + react() + detail(P.MOVE_DETAIL)
    if kind == "job":
        return either(P.JOB_DIRECT, P.JOB_QA) + react() + detail(P.JOB_DETAIL)
    if kind == "pet":
        return either(P.PET_DIRECT, P.PET_QA) + react() + detail(P.PET_DETAIL)
    if kind == "hobby":
        return either(P.HOBBY_DIRECT, P.HOBBY_QA) + react() + detail(P.HOBBY_DETAIL)
    if kind == "sib_intro":
        return [*direct(P.SIB_INTRO), _Line(asker, "aw say hi back", "reaction")]
    if kind == "sib_job":
        return either(P.SIB_FACT, P.SIB_QA) + react()
    if kind == "partner_intro":
        return [*direct(P.PARTNER_INTRO), _Line(asker, "WHAT. tell me everything", "reaction")]
    if kind == "partner_job":
        return either(P.PARTNER_FACT, P.PARTNER_QA)
    if kind == "trip":
        return either(P.TRIP_DIRECT, P.TRIP_QA) + react()
    if kind == "event":
        _, forms, pairs, _, _ = P.EVENTS[int(v["event"])]
        bad = P.EVENTS[int(v["event"])][0] == "wrist"
        return either(forms, pairs) + react(bad)
    if kind == "trait":
        _, statements, _ = P.TRAITS[int(v["trait"])]
        return [*direct(statements), _Line(asker, rng.choice(P.BACKCHANNEL), "backchannel")]
    if kind == "news":
        _, forms, _, _ = P.FRIEND_NEWS[int(v["news"])]
        return [
            *direct(forms, fact.speaker),
            _Line(owner, rng.choice(P.REACTIONS_GOOD), "reaction"),
        ]
    raise ValueError(kind)


def _unique_evidence(b: _Build, sessions: list[Session]) -> None:
    """Evidence turns must be unique texts in the tenant (repeats merge on ingest)."""
    tags = b.tags
    evidence_ids = {tid for tag, ids in tags.items() if not tag.startswith("ctx:") for tid in ids}
    counts = Counter(t.text for s in sessions for t in s.turns)
    for si, session in enumerate(sessions):
        turns = list(session.turns)
        for i, turn in enumerate(turns):
            if turn.id in evidence_ids and counts[turn.text] > 1:
                text = turn.text
                while counts[text] > 0:
                    text += "!"
                counts[text] += 1
                turns[i] = Turn(
                    turn.id, turn.session, turn.index, turn.speaker, text, turn.kind, turn.typo
                )
        sessions[si] = Session(
            session.number, session.date, session.speakers, tuple(turns), session.chunk_sizes
        )


_STOP = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "is", "are", "was", "did", "does",
    "do", "has", "have", "had", "what", "which", "who", "where", "when", "how", "since", "now",
    "new", "most", "recently", "these", "days", "be", "with", "and", "or", "as", "it", "its",
    "i", "im", "my", "me", "you",
))  # fmt: skip


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _questions(b: _Build, sessions: list[Session]) -> list[Question]:
    rng = b.rng
    tags = b.tags
    o = b.owner
    facts = {f.key: f for f in b.facts}
    out: list[Question] = []

    def ev(key: str) -> tuple[str, ...]:
        return tuple(tags.get(key, ()))

    def ctx(*keys: str) -> tuple[str, ...]:
        return tuple(t for k in keys for t in tags.get("ctx:" + k, ()))

    texts = {t.id: t.text for s in sessions for t in s.turns}

    def ask(
        category: str,
        templates: str | tuple[str, ...],
        answer: str,
        keys: tuple[str, ...],
        fact: str,
        **v: str,
    ) -> None:
        evidence = tuple(t for k in keys for t in ev(k))
        if not evidence or len(evidence) < len(keys):
            return
        names = dict(owner=o.first, they=o.they, them=o.them, **v)
        options = [
            _fmt(t, **names) for t in ((templates,) if isinstance(templates, str) else templates)
        ]
        # often a wording that shares a word with the evidence, if there is one (people asking
        # about a chat reuse some of its words, as LOCOMO's annotators did); else any paraphrase
        words = set().union(*(_content(texts[e]) for e in evidence))
        sharing = [t for t in options if _content(t) & words]
        text = rng.choice(sharing if sharing and rng.random() < b.reuse_wording else options)
        out.append(
            Question(
                id=f"{b.user_id}/Q{len(out) + 1}",
                user_id=b.user_id,
                category=category,
                text=text,
                answer=answer,
                evidence=evidence,
                context=ctx(*keys),
                fact=fact,
            )
        )

    moves = sorted((f for f in b.facts if f.kind == "move"), key=lambda f: f.key)
    if moves:
        last = moves[-1]
        ask("single_hop", P.MOVE_Q, last.values["city"], (last.key,), "move")
        for m in moves:
            if m is not last:
                ask(
                    "single_hop",
                    P.MOVE_Q_EARLIER,
                    m.values["city"],
                    (m.key,),
                    "move",
                    prev=m.values["prev"],
                )
            ask("temporal", P.MOVE_T, m.answer_date, (m.key,), "move", city=m.values["city"])
        cities = ", ".join([facts["home"].values["city"]] + [m.values["city"] for m in moves])
        ask(
            "multi_hop",
            rng.choice(
                (
                    "Which cities has {owner} called home over the course of these chats?",
                    "List every city {owner} has lived in while chatting with friends.",
                )
            ),
            cities,
            ("home", *(m.key for m in moves)),
            "cities",
        )
    job = facts["job"]
    ask("single_hop", P.JOB_Q, job.values["org"], ("job",), "job", role=job.values["role"])
    ask("temporal", P.JOB_T, job.answer_date, ("job",), "job", org=job.values["org"])
    pet = facts["pet"]
    ask(
        "single_hop",
        P.PET_Q,
        f"{pet.values['pet']} ({pet.values['species']})",
        ("pet",),
        "pet",
        species=pet.values["species"],
    )
    ask("temporal", P.PET_T, pet.answer_date, ("pet",), "pet", pet=pet.values["pet"])
    if moves:
        m = moves[-1]
        had = "yes" if pet.date <= m.date else "no"
        ask(
            "multi_hop",
            "Did {owner} already have {pet} when {they} moved to {city}?",
            had,
            ("pet", m.key),
            "pet_move",
            pet=pet.values["pet"],
            city=m.values["city"],
        )
    hobby = facts["hobby"]
    ask("single_hop", P.HOBBY_Q, hobby.values["hobby"], ("hobby",), "hobby")
    ask("temporal", P.HOBBY_T, hobby.answer_date, ("hobby",), "hobby", hobby=hobby.values["hobby"])
    gift = P.HOBBY_GIFT[hobby.values["hobby"]]
    ask("open_domain", P.HOBBY_GIFT_Q[0], "yes", ("hobby",), "hobby_gift", gift=gift)
    sib = facts["sib_job"].values
    ask("single_hop", P.SIB_Q_SINGLE, sib["org"], ("sib_job",), "sib_job", sib=sib["sib"])
    ask("multi_hop", P.SIB_Q_MULTI, sib["org"], ("sib_intro", "sib_job"), "sib_job", rel=sib["rel"])
    if "partner_job" in facts:
        pv = facts["partner_job"].values
        ask(
            "single_hop",
            P.PARTNER_Q_SINGLE,
            pv["role"],
            ("partner_job",),
            "partner_job",
            partner=pv["partner"],
        )
        ask(
            "multi_hop",
            P.PARTNER_Q_MULTI,
            pv["role"],
            ("partner_intro", "partner_job"),
            "partner_job",
        )
    trips = [f for f in b.facts if f.kind == "trip"]
    for t in trips[:1]:
        ask("single_hop", P.TRIP_Q, t.values["city"], (t.key,), "trip")
    for t in trips:
        ask("temporal", P.TRIP_T, t.answer_date, (t.key,), "trip", city=t.values["city"])
    if trips:
        first = min([job, trips[0]], key=lambda f: f.date)
        ask(
            "multi_hop",
            "Which came first for {owner}: starting at {org} or the trip to {city}?",
            "the job" if first is job else "the trip",
            ("job", trips[0].key),
            "job_trip",
            org=job.values["org"],
            city=trips[0].values["city"],
        )
    for f in b.facts:
        if f.kind == "event":
            name, _, _, single, temporal = P.EVENTS[int(f.values["event"])]
            ask("single_hop", single, name.replace("_", " "), (f.key,), "event_" + name)
            ask("temporal", temporal, f.answer_date, (f.key,), "event_" + name)
        elif f.kind == "trait":
            name, _, pairs = P.TRAITS[int(f.values["trait"])]
            q, a = rng.choice(pairs)
            lang = f.values.get("lang", "")
            ask(
                "open_domain",
                q,
                a.format(lang=lang),
                (f.key,),
                "trait_" + name,
                country=P.LANGUAGE_COUNTRY.get(lang, ""),
            )
        elif f.kind == "news":
            name, _, single, temporal = P.FRIEND_NEWS[int(f.values["news"])]
            gold = {"engaged": f.values["fpartner"], "friend_move": f.values["city"]}.get(
                name, f.values["car"]
            )
            ask("single_hop", single, gold, (f.key,), "news_" + name, friend=f.values["friend"])
            if temporal:
                ask(
                    "temporal",
                    temporal,
                    f.answer_date,
                    (f.key,),
                    "news_" + name,
                    friend=f.values["friend"],
                )
    return out
