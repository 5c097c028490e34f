"""Questions with gold answers, derived from the truth table alone.

Each category has its own candidate finder; a seeded sample of each becomes the questions.
Every answer is recomputable from :class:`~._model.Truth` with the question's ``subject`` and
``path`` (and ``as_of``/``before``), which the unit tests do independently.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import TypeVar

from ._model import (
    SINGLE_VALUED_PREDICATES,
    SYMMETRIC_PREDICATES,
    Category,
    Question,
    Triple,
    Truth,
    TruthInterval,
)
from ._people import Cast

__all__ = ["make_questions"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_CURRENT: dict[str, tuple[str, ...]] = {
    "LIVES_IN": ("Where does {X} live?", "Which city does {X} live in?", "Where is {X} based?"),
    "WORKS_AT": (
        "Where does {X} work?",
        "Which organization does {X} work for?",
        "Who is {X}'s employer?",
    ),
    "MANAGED_BY": ("Who is {X}'s manager?", "Who does {X} report to?", "Who is {X}'s boss?"),
    "PARTNER_OF": (
        "Who is {X}'s partner?",
        "Who is {X} in a relationship with?",
        "Who is {X} dating?",
    ),
    "HAS_PET": (
        "What pets does {X} have?",
        "What is the name of {X}'s pet?",
        "Which pets does {X} own?",
    ),
    "ENJOYS": (
        "What hobbies does {X} have?",
        "What does {X} do for fun?",
        "Which activities does {X} enjoy?",
    ),
    "SIBLING_OF": (
        "Who are {X}'s siblings?",
        "Who are {X}'s brothers and sisters?",
        "Who is {X}'s sibling?",
    ),
    "~PARENT_OF": (
        "Who are {X}'s parents?",
        "Who is {X}'s parent?",
        "What are the names of {X}'s parents?",
    ),
}
_NOW: dict[str, tuple[str, ...]] = {
    "LIVES_IN": (
        "Where does {X} live now?",
        "Which city is {X} living in these days?",
        "Where is {X} based at the moment?",
    ),
    "WORKS_AT": (
        "Where does {X} work now?",
        "Who is {X}'s current employer?",
        "Where is {X} working these days?",
    ),
    "MANAGED_BY": (
        "Who is {X}'s manager now?",
        "Who does {X} currently report to?",
        "Who is {X}'s boss these days?",
    ),
    "PARTNER_OF": (
        "Who is {X} with now?",
        "Who is {X}'s current partner?",
        "Who is {X} dating these days?",
    ),
}
_AS_OF: dict[str, tuple[str, ...]] = {
    "LIVES_IN": (
        "Where did {X} live on {D}?",
        "Which city was {X} living in on {D}?",
        "As of {D}, where did {X} live?",
    ),
    "WORKS_AT": (
        "Where did {X} work on {D}?",
        "Who was {X}'s employer on {D}?",
        "As of {D}, where was {X} working?",
    ),
    "MANAGED_BY": (
        "Who was {X}'s manager on {D}?",
        "Who did {X} report to on {D}?",
        "As of {D}, who was {X}'s boss?",
    ),
    "PARTNER_OF": (
        "Who was {X}'s partner on {D}?",
        "Who was {X} with on {D}?",
        "As of {D}, who was {X} dating?",
    ),
}
_BEFORE: dict[str, tuple[str, ...]] = {
    "LIVES_IN": (
        "Where did {X} live before {O}?",
        "Before moving to {O}, where did {X} live?",
        "Which city did {X} live in before {O}?",
    ),
    "WORKS_AT": (
        "Where did {X} work before {O}?",
        "Before joining {O}, where did {X} work?",
        "What was {X}'s employer before {O}?",
    ),
    "MANAGED_BY": (
        "Who was {X}'s manager before {O}?",
        "Before {O}, who did {X} report to?",
        "Who managed {X} before {O} did?",
    ),
    "PARTNER_OF": (
        "Who was {X} with before {O}?",
        "Who was {X}'s partner before {O}?",
        "Before {O}, who was {X} dating?",
    ),
}
_FINAL: dict[str, tuple[str, ...]] = {
    "LIVES_IN": ("Where does {P} live?", "In which city does {P} live?"),
    "WORKS_AT": ("Where does {P} work?", "Which organization does {P} work for?"),
    "HAS_PET": ("What is the name of {P}'s pet?", "What pets does {P} have?"),
    "": ("Who is {P}?", "What is the name of {P}?"),
}
_C = TypeVar("_C")
_HOPS = ("MANAGED_BY", "PARTNER_OF", "SIBLING_OF", "~PARENT_OF")
_ABSENT = ("WORKS_AT", "MANAGED_BY", "PARTNER_OF", "HAS_PET", "SIBLING_OF")


class _Graph:
    """Adjacency over a set of triples: ``follow(name, "P")`` and ``follow(name, "~P")``."""

    def __init__(self, triples: frozenset[Triple]) -> None:
        self.edges: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s, p, o in sorted(triples):
            self.edges[(s, p)].append(o)
            self.edges[(o, p if p in SYMMETRIC_PREDICATES else "~" + p)].append(s)

    def follow(self, name: str, step: str) -> list[str]:
        return sorted(self.edges.get((name, step), ()))


class _Maker:
    """Builds the questions of one scope."""

    def __init__(
        self,
        rng: random.Random,
        cast: Cast,
        truth: Truth,
        known_from: list[str],
        window_end: date,
    ) -> None:
        self.rng = rng
        self.cast = cast
        self.truth = truth
        self.known_from = dict(zip(truth.intervals, known_from, strict=True))
        self.end = window_end
        self.now = _Graph(truth.current())
        self.people = [name for name in cast.people if self._known(name)]
        self.questions: list[Question] = []

    def _known(self, name: str) -> bool:
        return any(name in (iv.subject, iv.object) for iv in self.truth.intervals)

    # -- shared helpers ------------------------------------------------------------------------

    def _say(self, name: str) -> str:
        person = self.cast.people.get(name)
        if person is None:
            return name
        roll = self.rng.random()
        if person.nickname and roll < 0.25:
            return person.nickname
        return person.name if roll > 0.8 else person.first

    def _aliases(self, name: str) -> tuple[str, ...]:
        person = self.cast.people.get(name)
        return (name, *person.aliases) if person else (name,)

    def _support(
        self, chain: list[tuple[str, str, str]], at: str | None
    ) -> tuple[TruthInterval, ...]:
        found: list[TruthInterval] = []
        for s, step, o in chain:
            predicate = step.lstrip("~")
            ends = {s, o}
            for iv in self.truth.intervals:
                if iv.predicate != predicate or {iv.subject, iv.object} != ends:
                    continue
                if (at is None and iv.valid_to is None) or (at is not None and iv.holds_at(at)):
                    if step.startswith("~") and iv.subject != o:
                        continue
                    found.append(iv)
        return tuple(dict.fromkeys(found))

    def _add(
        self,
        category: Category,
        text: str,
        gold: list[str],
        subject: str,
        path: tuple[str, ...],
        support: tuple[TruthInterval, ...] = (),
        as_of: str | None = None,
        before: str | None = None,
    ) -> None:
        self.questions.append(
            Question(
                question_id="",
                user_id=self.truth.user_id,
                category=category,
                text=text,
                gold=tuple(gold),
                gold_aliases={name: self._aliases(name) for name in gold},
                subject=subject,
                path=path,
                as_of=as_of,
                before=before,
                support=support,
            )
        )

    def _sample(self, candidates: list[_C], count: int) -> list[_C]:
        return self.rng.sample(candidates, min(count, len(candidates)))

    # -- categories ----------------------------------------------------------------------------

    def single_hop(self, count: int) -> None:
        candidates = []
        for name in self.people:
            for step, templates in _CURRENT.items():
                values = self.now.follow(name, step)
                history = self.truth.history(name, step.lstrip("~")) if step[0] != "~" else []
                if values and len(history) <= len(values):
                    candidates.append((name, step, templates))
        for name, step, templates in self._sample(candidates, count):
            values = self.now.follow(name, step)
            if step == "HAS_PET" and len(values) > 1:
                templates = tuple(t for t in templates if "the name of" not in t)
            text = self.rng.choice(templates).format(X=self._say(name))
            chain = [(name, step, value) for value in values]
            self._add("single_hop", text, values, name, (step,), self._support(chain, None))

    def knowledge_update(self, count: int) -> None:
        candidates = []
        for name in self.people:
            for predicate in _NOW:
                history = self.truth.history(name, predicate)
                values = self.now.follow(name, predicate)
                if len(history) >= 3 and len(values) == 1:
                    candidates.append((name, predicate))
        for name, predicate in self._sample(candidates, count):
            value = self.now.follow(name, predicate)
            text = self.rng.choice(_NOW[predicate]).format(X=self._say(name))
            support = tuple(self.truth.history(name, predicate))
            self._add("knowledge_update", text, value, name, (predicate,), support)

    def multi_hop(self, hops: int, count: int) -> None:
        category: Category = "multi_hop_2" if hops == 2 else "multi_hop_3"
        candidates: list[tuple[str, list[tuple[str, str, str]], str]] = []
        for name in self.people:
            self._chains(name, [], hops, candidates)
        for name, chain, final in self._sample(candidates, count):
            last = chain[-1][2]
            gold = self.now.follow(last, final) if final else [last]
            edges = chain + [(last, final, value) for value in gold] if final else chain
            steps = tuple(step for _, step, _ in chain) + ((final,) if final else ())
            text = self._hop_text(name, chain, final, len(gold))
            self._add(category, text, gold, name, steps, self._support(edges, None))

    def _chains(
        self,
        start: str,
        chain: list[tuple[str, str, str]],
        hops: int,
        out: list[tuple[str, list[tuple[str, str, str]], str]],
    ) -> None:
        """Collect every chain of ``hops`` steps from ``start`` with one value per person hop."""
        here = chain[-1][2] if chain else start
        if len(chain) == hops:
            out.append((start, list(chain), ""))
            return
        if chain and len(chain) == hops - 1:
            for final in ("LIVES_IN", "WORKS_AT", "HAS_PET"):
                values = self.now.follow(here, final)
                if values and (final == "HAS_PET" or len(values) == 1):
                    out.append((start, list(chain), final))
        visited = {start, *(o for _, _, o in chain)}
        for step in _HOPS:
            values = self.now.follow(here, step)
            if len(values) == 1 and values[0] not in visited:
                self._chains(start, [*chain, (here, step, values[0])], hops, out)

    def _hop_text(
        self, name: str, chain: list[tuple[str, str, str]], final: str, answers: int
    ) -> str:
        """ "Where does the partner of Alice's manager work?" and the like."""
        nouns = [self._noun(step, target) for _, step, target in chain]
        phrase = f"{self._say(name)}'s {nouns[0]}"
        nested = final != "HAS_PET" and self.rng.random() < 0.7
        for noun in nouns[1:]:
            phrase = f"the {noun} of {phrase}" if nested else f"{phrase}'s {noun}"
        templates = _FINAL[final]
        if final == "HAS_PET" and answers > 1:
            templates = templates[1:]
        return self.rng.choice(templates).format(P=phrase)

    def _noun(self, step: str, target: str) -> str:
        female = self.cast.people[target].gender == "f"
        return {
            "MANAGED_BY": "manager",
            "PARTNER_OF": "partner",
            "SIBLING_OF": "sister" if female else "brother",
            "~PARENT_OF": "mother" if female else "father",
        }[step]

    def as_of(self, count: int) -> None:
        closed: list[TruthInterval] = []
        open_: list[TruthInterval] = []
        for iv in self.truth.intervals:
            if iv.predicate in _AS_OF and iv.subject in self.cast.people:
                (closed if iv.valid_to else open_).append(iv)
        picks = self.rng.sample(closed, min(len(closed), round(count * 0.7)))
        picks += self.rng.sample(open_, min(len(open_), count))
        made = 0
        for iv in picks:
            if made >= count:
                break
            made += self._as_of_one(iv)

    def _as_of_one(self, iv: TruthInterval) -> int:
        low = date.fromisoformat(self.known_from[iv][:10]) + timedelta(days=10)
        high = date.fromisoformat(iv.valid_to[:10]) if iv.valid_to else self.end
        high -= timedelta(days=10)
        if high <= low:
            return 0
        day = low + timedelta(days=self.rng.randrange((high - low).days))
        at = f"{day.isoformat()}T12:00:00Z"
        graph = _Graph(self.truth.true_at(at))
        values = graph.follow(iv.subject, iv.predicate)
        if len(values) != 1:
            return 0
        spoken = self.rng.choice(
            (
                f"{_MONTHS[day.month - 1]} {day.day}, {day.year}",
                day.isoformat(),
                f"{day.day} {_MONTHS[day.month - 1]} {day.year}",
            )
        )
        text = self.rng.choice(_AS_OF[iv.predicate]).format(X=self._say(iv.subject), D=spoken)
        self._add("as_of", text, values, iv.subject, (iv.predicate,), (iv,), as_of=at)
        return 1

    def history(self, count: int) -> None:
        candidates = []
        for name in self.people:
            for predicate in _BEFORE:
                history = self.truth.history(name, predicate)
                others = [self._other(iv, name) for iv in history]
                for index in range(1, len(history)):
                    prev, ref = history[index - 1], history[index]
                    if prev.valid_to is None or ref.valid_from is None:
                        continue
                    if predicate in SINGLE_VALUED_PREDICATES:
                        follows = prev.valid_to == ref.valid_from
                    else:
                        follows = prev.valid_to <= ref.valid_from
                    if follows and others.count(others[index]) == 1:
                        candidates.append((name, predicate, prev, ref))
        for name, predicate, prev, ref in self._sample(candidates, count):
            before = self._other(ref, name)
            text = self.rng.choice(_BEFORE[predicate]).format(
                X=self._say(name), O=self._say(before)
            )
            gold = [self._other(prev, name)]
            self._add("history", text, gold, name, (predicate,), (prev, ref), before=before)

    @staticmethod
    def _other(iv: TruthInterval, name: str) -> str:
        return iv.object if iv.subject == name else iv.subject

    def unanswerable(self, count: int) -> None:
        candidates: list[tuple[str, str]] = []
        for name in self.people:
            for predicate in _ABSENT:
                if not self.truth.history(name, predicate):
                    candidates.append((name, predicate))
        absent = self._sample(candidates, count - count // 3)
        strangers = self.cast.strangers()
        chosen = self.rng.sample(strangers, min(len(strangers), count - len(absent)))
        for stranger in chosen:
            absent.append((stranger, self.rng.choice(_ABSENT)))
        for name, predicate in absent:
            spoken = self._say(name) if name in self.cast.people else name
            if name not in self.cast.people and self.rng.random() < 0.5:
                spoken = name.split()[0]
            text = self.rng.choice(_CURRENT[predicate]).format(X=spoken)
            self._add("unanswerable", text, [], name, (predicate,))


def make_questions(
    rng: random.Random,
    cast: Cast,
    truth: Truth,
    known_from: list[str],
    window_end: date,
    per_category: int,
) -> list[Question]:
    """About ``per_category`` questions of each category (fewer when the world has fewer)."""
    maker = _Maker(rng, cast, truth, known_from, window_end)
    maker.single_hop(per_category)
    maker.multi_hop(2, per_category)
    maker.multi_hop(3, per_category)
    maker.as_of(per_category)
    maker.history(per_category)
    maker.knowledge_update(per_category)
    maker.unanswerable(per_category)
    return [
        replace(question, question_id=f"{truth.user_id}/q{index:04d}")
        for index, question in enumerate(maker.questions)
    ]
