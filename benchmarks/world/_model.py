"""Public data types of a generated world: turns, add calls, sessions, questions and truth.

All times are ISO-8601 strings in UTC with a ``Z`` suffix (``2021-03-01T00:00:00Z``); strings of
that one shape sort in time order, so the truth table compares them as strings. Validity
intervals are half-open: a fact with ``valid_from=a, valid_to=b`` holds at ``t`` when
``a <= t < b``; ``None`` on either side means "unbounded / not known to have started or ended".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal, NamedTuple

__all__ = [
    "QUESTION_CATEGORIES",
    "SINGLE_VALUED_PREDICATES",
    "SYMMETRIC_PREDICATES",
    "AddCall",
    "Category",
    "PersonInfo",
    "Question",
    "ScopeWorld",
    "Session",
    "Triple",
    "Truth",
    "TruthInterval",
    "Turn",
    "canonical_triple",
    "iso",
]

Category = Literal[
    "single_hop",
    "multi_hop_2",
    "multi_hop_3",
    "as_of",
    "history",
    "knowledge_update",
    "unanswerable",
]
QUESTION_CATEGORIES: tuple[Category, ...] = (
    "single_hop",
    "multi_hop_2",
    "multi_hop_3",
    "as_of",
    "history",
    "knowledge_update",
    "unanswerable",
)

#: Predicates whose direction carries no meaning; truth stores them with subject <= object.
SYMMETRIC_PREDICATES: frozenset[str] = frozenset({"PARTNER_OF", "SIBLING_OF", "FRIEND_OF"})
#: Predicates with at most one value per subject at any time (a new value supersedes the old).
SINGLE_VALUED_PREDICATES: frozenset[str] = frozenset({"LIVES_IN", "WORKS_AT", "MANAGED_BY"})


class Triple(NamedTuple):
    """A relation triple ``(subject, predicate, object)`` between canonical entity names."""

    subject: str
    predicate: str
    object: str


def canonical_triple(subject: str, predicate: str, obj: str) -> Triple:
    """The triple in scoring form: symmetric predicates get their two names in sorted order."""
    if predicate in SYMMETRIC_PREDICATES and obj < subject:
        subject, obj = obj, subject
    return Triple(subject, predicate, obj)


def iso(value: date | datetime | str | None) -> str | None:
    """Format a date or datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC); strings pass through."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a conversation."""

    role: Literal["user", "assistant"]
    content: str

    def to_dict(self) -> dict[str, str]:
        """The ``{"role", "content"}`` message dict that ``Memory.add`` takes."""
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class AddCall:
    """One ``Memory.add()`` call: a chunk of consecutive turns of one session, with its truth.

    ``extraction`` is the ground-truth ``extract_memory`` tool answer for these turns (entities,
    relations, facts), in exactly the JSON shape of ``graphmem.ingest._contracts.ExtractMemory``.
    ``tags`` say what the chunk exercises: ``intro``, ``state``, ``change``, ``end``,
    ``out_of_order``, ``repeat``, ``nickname``, ``first_person``, ``pronoun``, ``noise``.
    """

    add_id: str
    user_id: str
    session_id: str
    occurred_at: str
    turns: tuple[Turn, ...]
    extraction: dict[str, Any]
    tags: tuple[str, ...]

    @property
    def messages(self) -> list[dict[str, str]]:
        """The turns as message dicts, ready for ``Memory.add(messages, ...)``."""
        return [turn.to_dict() for turn in self.turns]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "add_id": self.add_id,
            "user_id": self.user_id,
            "session_id": self.session_id,
            "occurred_at": self.occurred_at,
            "messages": self.messages,
            "extraction": self.extraction,
            "tags": list(self.tags),
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A dated conversation between the user and the assistant, cut into add calls."""

    session_id: str
    user_id: str
    occurred_at: str
    adds: tuple[AddCall, ...]

    @property
    def turns(self) -> list[Turn]:
        """All turns of the session, in order."""
        return [turn for add in self.adds for turn in add.turns]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "session_id": self.session_id,
            "user_id": self.user_id,
            "occurred_at": self.occurred_at,
            "adds": [add.to_dict() for add in self.adds],
        }


@dataclass(frozen=True, slots=True)
class TruthInterval:
    """One relation and the world-time interval during which it held (``[valid_from, valid_to)``).

    ``subject``/``object`` are in canonical order (see :func:`canonical_triple`); ``fact`` is a
    self-contained sentence with full names, for diagnostics.
    """

    subject: str
    predicate: str
    object: str
    valid_from: str | None
    valid_to: str | None
    fact: str

    @property
    def triple(self) -> Triple:
        """The ``(subject, predicate, object)`` triple."""
        return Triple(self.subject, self.predicate, self.object)

    def holds_at(self, t: str) -> bool:
        """Whether the relation held at ISO time ``t``."""
        started = self.valid_from is None or self.valid_from <= t
        return started and (self.valid_to is None or t < self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "fact": self.fact,
        }


@dataclass(frozen=True, slots=True)
class Truth:
    """Everything a perfect memory would know about one scope after reading all its sessions.

    Only relations that some session stated are here; their bounds are the true ones (a start
    is ``None`` when no session ever said since when the relation held).
    """

    user_id: str
    intervals: tuple[TruthInterval, ...]

    def current(self) -> frozenset[Triple]:
        """The triples still true at the end of the world (no ``valid_to``)."""
        return frozenset(iv.triple for iv in self.intervals if iv.valid_to is None)

    def true_at(self, t: str | datetime | date) -> frozenset[Triple]:
        """The triples that held at time ``t`` (an ISO string, date or datetime; naive = UTC)."""
        key = iso(t)
        assert key is not None
        return frozenset(iv.triple for iv in self.intervals if iv.holds_at(key))

    def history(self, subject: str, predicate: str) -> list[TruthInterval]:
        """Intervals with ``subject`` in either position of ``predicate``, oldest first."""
        found = [
            iv
            for iv in self.intervals
            if iv.predicate == predicate
            and (
                iv.subject == subject
                or (predicate in SYMMETRIC_PREDICATES and iv.object == subject)
            )
        ]
        return sorted(found, key=lambda iv: (iv.valid_from or "", iv.valid_to or "~"))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (intervals plus the sorted current triples)."""
        return {
            "intervals": [iv.to_dict() for iv in self.intervals],
            "current": [list(t) for t in sorted(self.current())],
        }


@dataclass(frozen=True, slots=True)
class Question:
    """A question about one scope with its gold answer, asked after every add call of the scope.

    ``gold`` lists canonical entity names; all of them make the full answer (several only for
    multi-valued relations such as pets). An empty ``gold`` means the memory cannot know
    (``unanswerable``). ``gold_aliases`` maps each gold name to every string that names it.
    ``subject`` + ``path`` say how the answer follows from the truth table: start at
    ``subject`` and follow each predicate (``~P`` follows ``P`` backwards; symmetric predicates
    go both ways), on ``Truth.current()`` or, when ``as_of`` is set, ``Truth.true_at(as_of)``.
    For ``history`` questions ``before`` names the value whose predecessor is asked for.
    ``support`` holds the truth intervals the answer rests on.
    """

    question_id: str
    user_id: str
    category: Category
    text: str
    gold: tuple[str, ...]
    gold_aliases: dict[str, tuple[str, ...]]
    subject: str
    path: tuple[str, ...]
    as_of: str | None = None
    before: str | None = None
    support: tuple[TruthInterval, ...] = field(default_factory=tuple)

    @property
    def answerable(self) -> bool:
        """Whether a gold answer exists."""
        return bool(self.gold)

    @property
    def support_facts(self) -> tuple[str, ...]:
        """The fact sentences the answer rests on (the gold chain), for diagnostics."""
        return tuple(iv.fact for iv in self.support)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "question_id": self.question_id,
            "user_id": self.user_id,
            "category": self.category,
            "text": self.text,
            "gold": list(self.gold),
            "gold_aliases": {k: list(v) for k, v in self.gold_aliases.items()},
            "subject": self.subject,
            "path": list(self.path),
            "as_of": self.as_of,
            "before": self.before,
            "support": [iv.to_dict() for iv in self.support],
        }


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """A person of the scope: canonical full name, every other name used for them, gender."""

    name: str
    aliases: tuple[str, ...]
    gender: Literal["f", "m"]
    is_user: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "gender": self.gender,
            "is_user": self.is_user,
        }


@dataclass(frozen=True, slots=True)
class ScopeWorld:
    """One user's share of the world: the people, the dated sessions, the questions, the truth."""

    user_id: str
    user_name: str
    window_start: str
    window_end: str
    people: tuple[PersonInfo, ...]
    sessions: tuple[Session, ...]
    questions: tuple[Question, ...]
    truth: Truth

    def iter_adds(self) -> Iterator[AddCall]:
        """Every add call of the scope, in time order."""
        for session in self.sessions:
            yield from session.adds

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "user_id": self.user_id,
            "user_name": self.user_name,
            "window": {"start": self.window_start, "end": self.window_end},
            "people": [p.to_dict() for p in self.people],
            "sessions": [s.to_dict() for s in self.sessions],
            "questions": [q.to_dict() for q in self.questions],
            "truth": self.truth.to_dict(),
        }
