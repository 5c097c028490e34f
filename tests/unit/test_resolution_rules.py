"""The fact resolution rules, table-driven, with no database and no LLM."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graphmem._ontology import DEFAULT_ONTOLOGY
from graphmem.ingest._resolution import (
    Candidate,
    ProposedFact,
    close_within_batch,
    resolve_by_rules,
)


def t(year: int, month: int = 1) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.utc)


def new(text, pred=None, s=None, o=None, start=None, end=None, about=()):
    return ProposedFact(text, start, end, pred, s, o, list(about))


def old(cid, text, pred=None, s=None, o=None, start=None, end=None):
    return Candidate(cid, text, pred, s, o, start, end, tuple(k for k in (s, o) if k))


BERLIN = old("c1", "Alice lives in Berlin.", "LIVES_IN", "alice", "berlin", t(2021))


@pytest.mark.parametrize(
    ("fact", "candidates", "similarity", "action", "merge_into", "superseded", "asked"),
    [
        # identical text merges
        (
            new("Alice lives in Berlin.", "LIVES_IN", "alice", "berlin", t(2022)),
            [BERLIN],
            {},
            "MERGE",
            "c1",
            [],
            [],
        ),
        # same triple, other words, merges
        (
            new("Alice resides in Berlin.", "LIVES_IN", "alice", "berlin", t(2022)),
            [BERLIN],
            {},
            "MERGE",
            "c1",
            [],
            [],
        ),
        # single-valued predicate, newer value: supersede
        (
            new("Alice lives in Paris.", "LIVES_IN", "alice", "paris", t(2023)),
            [BERLIN],
            {},
            "ADD",
            None,
            ["c1"],
            [],
        ),
        # single-valued, but the new value is older: no supersession (history)
        (
            new("Alice lived in Lyon.", "LIVES_IN", "alice", "lyon", t(2019)),
            [BERLIN],
            {},
            "ADD",
            None,
            [],
            [],
        ),
        # a closed past value never supersedes
        (
            new("Alice lived in Rome.", "LIVES_IN", "alice", "rome", t(2022), t(2022, 6)),
            [BERLIN],
            {},
            "ADD",
            None,
            [],
            [],
        ),
        # unrelated facts about the same person stay valid (Graphiti #1728)
        (
            new("Alice works at Acme.", "WORKS_AT", "alice", "acme", t(2023)),
            [BERLIN],
            {"c1": 0.4},
            "ADD",
            None,
            [],
            [],
        ),
        # multi-valued predicate: another object is just another fact
        (
            new("Alice enjoys chess.", "ENJOYS", "alice", "chess", t(2023)),
            [old("c2", "Alice enjoys tennis.", "ENJOYS", "alice", "tennis", t(2021))],
            {},
            "ADD",
            None,
            [],
            [],
        ),
        # undeclared predicate, same slot, other object: ambiguous -> ask the LLM
        (
            new("Alice drives a Tesla.", "DRIVES", "alice", "tesla", t(2023)),
            [old("c3", "Alice drives a Golf.", "DRIVES", "alice", "golf", t(2020))],
            {},
            "ASK",
            None,
            [],
            ["c3"],
        ),
        # plain facts close in meaning: ambiguous
        (
            new("Alice eats meat again.", about=["alice"], start=t(2024)),
            [old("c4", "Alice is vegetarian.", None, None, None, t(2021))],
            {"c4": 0.7},
            "ASK",
            None,
            [],
            ["c4"],
        ),
        # plain facts far apart: add
        (
            new("Alice plays the cello.", about=["alice"], start=t(2024)),
            [old("c4", "Alice is vegetarian.", None, None, None, t(2021))],
            {"c4": 0.2},
            "ADD",
            None,
            [],
            [],
        ),
        # near-identical meaning merges
        (
            new("Alice is a vegetarian.", about=["alice"], start=t(2024)),
            [old("c4", "Alice is vegetarian.", None, None, None, t(2021))],
            {"c4": 0.99},
            "MERGE",
            "c4",
            [],
            [],
        ),
        # near-identical embedding but a different object is not a duplicate
        (
            new("Alice lives in Bern.", "LIVES_IN", "alice", "bern", t(2023)),
            [BERLIN],
            {"c1": 0.97},
            "ADD",
            None,
            ["c1"],
            [],
        ),
    ],
)
def test_rules(fact, candidates, similarity, action, merge_into, superseded, asked):
    outcome = resolve_by_rules(0, fact, candidates, DEFAULT_ONTOLOGY, similarity)
    assert outcome.action == action
    assert outcome.merge_into == merge_into
    assert [s.old_id for s in outcome.supersedes] == superseded
    assert outcome.ask_about == asked


def test_supersession_closes_at_new_start():
    fact = new("Alice lives in Paris.", "LIVES_IN", "alice", "paris", t(2023, 5))
    outcome = resolve_by_rules(3, fact, [BERLIN], DEFAULT_ONTOLOGY, {})
    assert outcome.supersedes[0].valid_to == t(2023, 5)
    assert outcome.supersedes[0].by == 3


def test_older_value_is_closed_at_current_start():
    fact = new("Alice lived in Lyon.", "LIVES_IN", "alice", "lyon", t(2019))
    resolve_by_rules(0, fact, [BERLIN], DEFAULT_ONTOLOGY, {})
    assert fact.valid_to == t(2021)


def test_batch_of_one_slot_is_chained():
    lyon = new("Alice lived in Lyon.", "LIVES_IN", "alice", "lyon", t(2019))
    berlin = new("Alice lives in Berlin.", "LIVES_IN", "alice", "berlin", t(2021))
    hobby = new("Alice enjoys chess.", "ENJOYS", "alice", "chess", t(2018))
    close_within_batch([berlin, lyon, hobby], DEFAULT_ONTOLOGY)
    assert lyon.valid_to == t(2021)
    assert berlin.valid_to is None
    assert hobby.valid_to is None


def test_symmetric_single_valued_relations_supersede_from_either_end():
    # "Chiara and Sven are partners" then "Sven and Rosa became partners": Sven's old partner
    # ends although Sven was the object of the first fact.
    old_partner = old(
        "p1", "Chiara and Sven are partners.", "PARTNER_OF", "chiara", "sven", t(2020)
    )
    fact = new("Sven and Rosa became partners.", "PARTNER_OF", "sven", "rosa", t(2023))
    outcome = resolve_by_rules(0, fact, [old_partner], DEFAULT_ONTOLOGY, {})
    assert [s.old_id for s in outcome.supersedes] == ["p1"]


def test_symmetric_relation_stated_the_other_way_round_merges():
    first = old("p1", "Chiara and Sven are partners.", "PARTNER_OF", "chiara", "sven", t(2020))
    fact = new("Sven is Chiara's partner.", "PARTNER_OF", "sven", "chiara", t(2021))
    outcome = resolve_by_rules(0, fact, [first], DEFAULT_ONTOLOGY, {})
    assert (outcome.action, outcome.merge_into) == ("MERGE", "p1")
