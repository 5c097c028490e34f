"""Fact resolution rules, as pure functions: no database, no LLM, table-testable.

For each new fact, against current facts that share an entity with it (never the whole scope):

1. same text, or same (subject, predicate, object), or near-identical meaning -> MERGE;
2. a single-valued predicate with another object for the same subject (either end, for a
   symmetric predicate such as PARTNER_OF) -> the newer value wins:
   the old fact is INVALIDATED at the new fact's ``valid_from``; a new fact dated *before* the
   current one is stored as history (its ``valid_to`` closes at the current one's start);
   a new fact that is already closed (has ``valid_to``) never invalidates anything;
3. an undeclared predicate with another object for the same subject, or a plain fact very
   close in meaning to another plain fact -> ambiguous: the LLM decides (one batched call);
4. anything else -> ADD. Unrelated facts about the same entity stay valid.

A re-mentioned fact that was invalidated earlier is not a candidate (only current facts are),
so it comes back as a new fact with its own validity, never as a silent revival.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Literal

from graphmem._ontology import Ontology

__all__ = [
    "AMBIGUOUS_SIMILARITY",
    "NEAR_DUPLICATE_SIMILARITY",
    "Candidate",
    "Outcome",
    "ProposedFact",
    "Supersession",
    "close_within_batch",
    "resolve_by_rules",
]

NEAR_DUPLICATE_SIMILARITY = 0.95
AMBIGUOUS_SIMILARITY = 0.6

Action = Literal["ADD", "MERGE", "NOOP", "ASK"]


@dataclass
class ProposedFact:
    """A new fact after entity resolution (keys are resolved entity keys)."""

    text: str
    valid_from: datetime | None
    valid_to: datetime | None
    predicate: str | None = None
    subject_key: str | None = None
    object_key: str | None = None
    about_keys: list[str] = field(default_factory=list)
    stated_at: datetime | None = None
    """When it was said (the episode's ``occurred_at``); orders facts whose start is unknown."""

    @property
    def start(self) -> datetime | None:
        """The start used for ordering: ``valid_from`` if known, else when it was said."""
        return self.valid_from or self.stated_at


@dataclass(frozen=True)
class Candidate:
    """A current fact of the scope that shares an entity with some new fact."""

    id: str
    text: str
    predicate: str | None
    subject_key: str | None
    object_key: str | None
    valid_from: datetime | None
    valid_to: datetime | None
    entity_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Supersession:
    """An existing fact to retire, at world time ``valid_to``, replaced by new fact ``by``."""

    old_id: str
    by: int
    valid_to: datetime


@dataclass
class Outcome:
    """What the rules decided for one new fact."""

    action: Action
    merge_into: str | None = None
    supersedes: list[Supersession] = field(default_factory=list)
    ask_about: list[str] = field(default_factory=list)


def close_within_batch(facts: list[ProposedFact], ontology: Ontology) -> None:
    """Several values of one single-valued predicate in one extraction: each open earlier
    value ends where the next begins ("moved from Lyon to Berlin in 2021")."""
    groups: dict[tuple[str, str], list[ProposedFact]] = defaultdict(list)
    for fact in facts:
        if fact.predicate and fact.subject_key and ontology.is_single_valued(fact.predicate):
            groups[(fact.predicate, fact.subject_key)].append(fact)
    for group in groups.values():
        # Only open values take part: a closing statement ("moved away from Turin") has an end.
        dated = sorted(
            (f for f in group if f.start is not None and f.valid_to is None),
            key=lambda f: f.start,  # type: ignore[arg-type, return-value]
        )
        for earlier, later in pairwise(dated):
            if earlier.object_key != later.object_key:
                earlier.valid_to = later.start


def resolve_by_rules(
    index: int,
    fact: ProposedFact,
    candidates: list[Candidate],
    ontology: Ontology,
    similarity: dict[str, float],
) -> Outcome:
    """Apply the rules of the module docstring to one new fact.

    Args:
        index: the new fact's position (used in supersessions).
        fact: the new fact, ``valid_from`` already defaulted.
        candidates: current facts sharing an entity with it.
        ontology: declares which predicates are single-valued.
        similarity: candidate id -> cosine similarity to the new fact's text.
    """
    text_key = fact.text.casefold().strip()
    symmetric = ontology.is_symmetric(fact.predicate)
    for candidate in candidates:
        if candidate.text.casefold().strip() == text_key or _same_triple(
            fact, candidate, symmetric
        ):
            return Outcome("MERGE", merge_into=candidate.id)
    close = [c for c in candidates if similarity.get(c.id, 0.0) >= NEAR_DUPLICATE_SIMILARITY]
    if close and not _conflicting_objects(fact, close[0]):
        return Outcome("MERGE", merge_into=close[0].id)

    outcome = Outcome("ADD")
    if fact.predicate and fact.subject_key:
        same_slot = [c for c in candidates if _same_slot(fact, c, symmetric)]
        if ontology.is_single_valued(fact.predicate):
            _supersede_or_archive(index, fact, same_slot, outcome)
        elif ontology.relation(fact.predicate) is None:
            outcome.ask_about.extend(c.id for c in same_slot)
    else:
        outcome.ask_about.extend(
            c.id
            for c in candidates
            if c.predicate is None and similarity.get(c.id, 0.0) >= AMBIGUOUS_SIMILARITY
        )
    if outcome.ask_about:
        outcome.action = "ASK"
    return outcome


def _same_triple(fact: ProposedFact, candidate: Candidate, symmetric: bool) -> bool:
    if fact.predicate is None or fact.predicate != candidate.predicate:
        return False
    if symmetric:
        return {fact.subject_key, fact.object_key} == {candidate.subject_key, candidate.object_key}
    return fact.subject_key == candidate.subject_key and fact.object_key == candidate.object_key


def _same_slot(fact: ProposedFact, candidate: Candidate, symmetric: bool) -> bool:
    """Another value for the same subject (for a symmetric predicate: for either end)."""
    if candidate.predicate != fact.predicate or _same_triple(fact, candidate, symmetric):
        return False
    if symmetric:
        ends = {fact.subject_key, fact.object_key}
        return bool(ends & {candidate.subject_key, candidate.object_key})
    return candidate.subject_key == fact.subject_key


def _conflicting_objects(fact: ProposedFact, candidate: Candidate) -> bool:
    # "Alice lives in Berlin" and "Alice lives in Bern" embed close; different objects differ.
    return bool(
        fact.object_key and candidate.object_key and fact.object_key != candidate.object_key
    )


def _supersede_or_archive(
    index: int, fact: ProposedFact, same_slot: list[Candidate], outcome: Outcome
) -> None:
    start = fact.start
    if fact.valid_to is not None or start is None:
        return  # a closed, past value (or an undatable one): history only
    for current in same_slot:
        current_start = current.valid_from
        if current_start is None or current_start <= start:
            outcome.supersedes.append(Supersession(current.id, index, start))
        elif fact.valid_to is None or fact.valid_to > current_start:
            # The new fact is older than the current value: it ended when the current began.
            fact.valid_to = current_start
