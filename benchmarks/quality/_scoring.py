"""Scoring rules of the quality benchmark, as pure functions over plain data (no I/O).

Every rule is written here once, documented, and unit-tested on hand-made data
(``tests/unit/test_quality_bench.py``); the runner only gathers hits, facts and entities.

Answer rule. A question is *answered at k* when **every** gold name is mentioned in the text
of at least one of the top-k hits (union over the k hits; a multi-valued gold such as "which
pets does X have?" needs all its names). A name is mentioned when the gold name or any of its
aliases (full name, first name, nickname) occurs as a whole word, case-insensitively. The
*answer rank* is the smallest such k (``None`` if not within the hits). This rule is lenient
(the name may appear in a hit that is not the supporting fact), so the stricter *support rank*
is reported too: the smallest k at which every supporting truth interval of the question is
among the top-k hits as a stored relation (same canonical triple).

Triple rules. A stored fact with a predicate, subject and object becomes a canonical triple
(entity names mapped to the world's canonical names, symmetric predicates sorted). Accuracy of
a set of stored triples against a set of true triples is reported as precision, recall and F1;
the targets use F1 ("accuracy").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from benchmarks.world import (
    AddCall,
    PersonInfo,
    Question,
    Triple,
    Truth,
    TruthInterval,
    canonical_triple,
)

__all__ = [
    "KS",
    "FactView",
    "NameResolver",
    "SetScore",
    "answer_rank",
    "duplicate_entities",
    "first_mentions",
    "gold_coverage",
    "knowable_at",
    "mentions",
    "parse_iso",
    "recall_table",
    "required_support",
    "sample_times",
    "score_sets",
    "store_triples",
    "summarize",
    "support_rank",
    "triples_valid_at",
]

KS: tuple[int, ...] = (1, 5, 10)


def parse_iso(value: str | datetime | None) -> datetime | None:
    """An ISO-8601 string (``Z`` allowed) or datetime as a UTC-aware datetime."""
    if value is None or isinstance(value, datetime):
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# -- answers -------------------------------------------------------------------------------


def _pattern(name: str) -> re.Pattern[str]:
    # Whole-word match; names may contain hyphens, apostrophes and spaces.
    return re.compile(r"(?<![\w])" + re.escape(name.casefold()) + r"(?![\w])")


_PATTERNS: dict[str, re.Pattern[str]] = {}


def mentions(text: str, names: Iterable[str]) -> bool:
    """Whether any of ``names`` occurs in ``text`` as a whole word (case-insensitive)."""
    folded = text.casefold()
    for name in names:
        if not name:
            continue
        pattern = _PATTERNS.get(name)
        if pattern is None:
            pattern = _PATTERNS[name] = _pattern(name)
        if pattern.search(folded):
            return True
    return False


def _names_of(question: Question, gold: str) -> tuple[str, ...]:
    return (gold, *question.gold_aliases.get(gold, ()))


def answer_rank(question: Question, texts: Sequence[str]) -> int | None:
    """Smallest k such that every gold name is mentioned in ``texts[:k]``; None if never.

    ``None`` for a question without gold (unanswerable): it has no rank.
    """
    if not question.gold:
        return None
    found_at: list[int] = []
    for gold in question.gold:
        names = _names_of(question, gold)
        rank = next((i + 1 for i, text in enumerate(texts) if mentions(text, names)), None)
        if rank is None:
            return None
        found_at.append(rank)
    return max(found_at)


def gold_coverage(question: Question, texts: Sequence[str]) -> float:
    """Fraction of the gold names mentioned anywhere in ``texts`` (partial credit)."""
    if not question.gold:
        return 0.0
    hit = sum(1 for g in question.gold if any(mentions(t, _names_of(question, g)) for t in texts))
    return hit / len(question.gold)


@dataclass(frozen=True)
class FactView:
    """What scoring needs of a stored fact (a hit or a ``get_all`` row)."""

    text: str
    predicate: str | None = None
    subject: str | None = None
    object: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    @classmethod
    def of(cls, fact: Any) -> FactView:
        """From a ``graphmem.types.Fact`` (or anything with the same attributes)."""
        return cls(
            text=fact.text,
            predicate=fact.predicate,
            subject=fact.subject,
            object=fact.object,
            valid_from=fact.valid_from,
            valid_to=fact.valid_to,
        )


def required_support(question: Question) -> list[TruthInterval]:
    """The support intervals a retriever must return for ``question``.

    History questions need every interval of the chain (the value and its predecessor); other
    questions need the intervals that hold at the question's time (``as_of``, else now): the
    superseded values listed in a knowledge-update question's support are context, not answer.
    """
    support = list(question.support)
    if question.category == "history":
        return support
    if question.as_of is not None:
        at = question.as_of
        held = [iv for iv in support if iv.holds_at(at)]
    else:
        held = [iv for iv in support if iv.valid_to is None]
    return held or support


def support_rank(
    question: Question, hits: Sequence[FactView], resolver: NameResolver
) -> int | None:
    """Smallest k such that every support interval's triple is a top-k hit; None if never."""
    wanted = {iv.triple for iv in required_support(question)}
    if not wanted:
        return None
    found: dict[Triple, int] = {}
    for rank, hit in enumerate(hits, start=1):
        triple = resolver.triple(hit)
        if triple in wanted and triple not in found:
            found[triple] = rank
    if len(found) < len(wanted):
        return None
    return max(found.values())


def recall_table(
    ranks: Mapping[str, Sequence[int | None]], ks: Sequence[int] = KS
) -> dict[str, dict[str, float | int]]:
    """Per category: ``n`` and recall@k (fraction of questions with rank <= k)."""
    table: dict[str, dict[str, float | int]] = {}
    for category, values in ranks.items():
        row: dict[str, float | int] = {"n": len(values)}
        for k in ks:
            hit = sum(1 for r in values if r is not None and r <= k)
            row[f"r@{k}"] = round(hit / len(values), 4) if values else float("nan")
        table[category] = row
    return table


# -- names and triples ---------------------------------------------------------------------


class NameResolver:
    """Maps stored entity names to the world's canonical names.

    A person's canonical name is their full name; a stored name that equals a person's full
    name, or one of their aliases when no other person uses it, maps to that person. Other
    names (places, organizations, pets, activities) map to themselves, case-insensitively
    matched against the names the ground truth uses.
    """

    def __init__(
        self,
        people: Sequence[PersonInfo],
        known_names: Iterable[str] = (),
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self._map: dict[str, str] = {}
        owners: dict[str, set[str]] = defaultdict(set)
        for person in people:
            for alias in person.aliases:
                owners[alias.casefold()].add(person.name)
        for alias, names in owners.items():
            if len(names) == 1:
                self._map[alias] = next(iter(names))
        for name in known_names:
            self._map[name.casefold()] = name
        for person in people:
            self._map[person.name.casefold()] = person.name
        for raw, canonical in (extra or {}).items():
            self._map[raw.casefold()] = canonical
        self.people = {p.name for p in people}

    def canonical(self, name: str | None) -> str | None:
        """The canonical name for a stored name (itself if unknown)."""
        if name is None:
            return None
        return self._map.get(name.strip().casefold(), name.strip())

    def person_of(self, name: str) -> str | None:
        """The person a name denotes, or None."""
        canonical = self.canonical(name)
        return canonical if canonical in self.people else None

    def triple(self, fact: FactView) -> Triple | None:
        """The canonical triple of a relation fact, or None for a unary/raw fact."""
        if not (fact.predicate and fact.subject and fact.object):
            return None
        subject, obj = self.canonical(fact.subject), self.canonical(fact.object)
        assert subject is not None and obj is not None
        return canonical_triple(subject, fact.predicate, obj)


def store_triples(
    facts: Iterable[FactView], resolver: NameResolver, predicates: Iterable[str] | None = None
) -> set[Triple]:
    """The canonical triples of the relation facts (only ``predicates``, if given)."""
    allowed = set(predicates) if predicates is not None else None
    triples: set[Triple] = set()
    for fact in facts:
        triple = resolver.triple(fact)
        if triple is not None and (allowed is None or triple.predicate in allowed):
            triples.add(triple)
    return triples


def triples_valid_at(
    facts: Iterable[FactView],
    t: datetime,
    resolver: NameResolver,
    predicates: Iterable[str] | None = None,
) -> set[Triple]:
    """Triples of the facts whose world-time interval ``[valid_from, valid_to)`` contains t.

    ``None`` bounds are open, exactly as the search's as-of filter reads them.
    """
    return store_triples(
        (
            f
            for f in facts
            if (f.valid_from is None or f.valid_from <= t)
            and (f.valid_to is None or t < f.valid_to)
        ),
        resolver,
        predicates,
    )


@dataclass
class SetScore:
    """Precision, recall and F1 of a predicted set against a true set, with the differences."""

    precision: float
    recall: float
    f1: float
    predicted: int
    true: int
    correct: int
    missing: list[Triple] = field(default_factory=list)
    extra: list[Triple] = field(default_factory=list)

    def to_dict(self, examples: int = 15) -> dict[str, Any]:
        """JSON-ready, with up to ``examples`` missing and extra triples."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.predicted,
            "true": self.true,
            "correct": self.correct,
            "missing_count": len(self.missing),
            "extra_count": len(self.extra),
            "missing_examples": [list(t) for t in sorted(self.missing)[:examples]],
            "extra_examples": [list(t) for t in sorted(self.extra)[:examples]],
        }


def score_sets(
    predicted: set[Triple], true: set[Triple], *, also_correct: set[Triple] | None = None
) -> SetScore:
    """Score ``predicted`` against ``true``.

    ``also_correct``: triples that are not required (not in ``true``) but are not errors
    either when predicted (e.g. true-but-not-yet-knowable relations); they count neither as
    correct nor as extra, and are left out of precision's denominator.
    """
    ignored = (also_correct or set()) - true
    judged = predicted - ignored
    correct = judged & true
    precision = len(correct) / len(judged) if judged else 1.0
    recall = len(correct) / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SetScore(
        precision=precision,
        recall=recall,
        f1=f1,
        predicted=len(judged),
        true=len(true),
        correct=len(correct),
        missing=sorted(true - judged),
        extra=sorted(judged - true),
    )


def summarize(scores: Sequence[SetScore]) -> dict[str, float]:
    """Micro-averaged precision, recall and F1 over several scored sets."""
    predicted = sum(s.predicted for s in scores)
    true = sum(s.true for s in scores)
    correct = sum(s.correct for s in scores)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted": predicted,
        "true": true,
        "correct": correct,
    }


# -- time ----------------------------------------------------------------------------------


def sample_times(start: str, end: str, count: int) -> list[datetime]:
    """``count`` evenly spaced instants strictly inside ``[start, end)``, at noon UTC."""
    first, last = parse_iso(start), parse_iso(end)
    assert first is not None and last is not None
    span = (last - first) / (count + 1)
    times = []
    for i in range(1, count + 1):
        t = first + span * i
        times.append(t.replace(hour=12, minute=0, second=0, microsecond=0))
    return times


def first_mentions(adds: Iterable[AddCall]) -> dict[Triple, datetime]:
    """When each relation triple was first stated (the ``occurred_at`` of its first add)."""
    first: dict[Triple, datetime] = {}
    for add in adds:
        when = parse_iso(add.occurred_at)
        assert when is not None
        for rel in add.extraction.get("relations", []):
            triple = canonical_triple(rel["subject"], rel["predicate"], rel["object"])
            first.setdefault(triple, when)
    return first


def knowable_at(truth: Truth, first_said: Mapping[Triple, datetime], t: datetime) -> set[Triple]:
    """Triples true at ``t`` that the conversations let a reader place at ``t``.

    An interval with a stated start is placeable over its whole span. One whose start was
    never stated ("Ana lives in Oslo", said in 2021) is placeable only from the day it was
    first said: nothing says it already held in 2020.
    """
    known: set[Triple] = set()
    for iv in truth.intervals:
        if not _holds(iv, t):
            continue
        if iv.valid_from is None:
            said = first_said.get(iv.triple)
            if said is None or said > t:
                continue
        known.add(iv.triple)
    return known


def _holds(iv: TruthInterval, t: datetime) -> bool:
    start, end = parse_iso(iv.valid_from), parse_iso(iv.valid_to)
    return (start is None or start <= t) and (end is None or t < end)


# -- entities ------------------------------------------------------------------------------


def duplicate_entities(
    entities: Sequence[Mapping[str, Any]], resolver: NameResolver
) -> dict[str, Any]:
    """Entities that denote the same thing as another entity of the scope.

    Each entity (``name``, ``aliases``, ``type``) is mapped to the world person its name
    denotes (else to its casefolded name). ``duplicates`` counts the entities beyond the first
    per person/name; ``conflated`` lists entities whose names denote two or more people;
    ``alias_collisions`` lists pairs of entities sharing a name or alias.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    conflated: list[dict[str, Any]] = []
    by_name: dict[str, set[int]] = defaultdict(set)
    for index, entity in enumerate(entities):
        name = str(entity["name"])
        names = [name, *[str(a) for a in entity.get("aliases") or []]]
        person = resolver.person_of(name)
        groups[person or f"~{name.casefold()}"].append(name)
        denoted = {p for p in (resolver.person_of(n) for n in names) if p}
        if len(denoted) > 1:
            conflated.append({"entity": name, "people": sorted(denoted)})
        for n in names:
            by_name[n.casefold()].add(index)
    duplicated = {key: names for key, names in groups.items() if len(names) > 1}
    collisions = sorted(
        {
            tuple(sorted(str(entities[i]["name"]) for i in ids))
            for ids in by_name.values()
            if len(ids) > 1
        }
    )
    people = {key for key in groups if not key.startswith("~")}
    return {
        "entities": len(entities),
        "people_with_an_entity": len(people),
        "person_entities": sum(len(groups[p]) for p in people),
        "duplicates": sum(len(v) - 1 for v in duplicated.values()),
        "duplicated": {k.lstrip("~"): v for k, v in sorted(duplicated.items())},
        "conflated": conflated,
        "alias_collisions": [list(c) for c in collisions],
    }
