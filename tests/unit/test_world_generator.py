"""The synthetic benchmark world: determinism, oracle extractions, questions against the truth."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import pytest

from benchmarks.world import (
    QUESTION_CATEGORIES,
    SINGLE_VALUED_PREDICATES,
    SYMMETRIC_PREDICATES,
    Question,
    ScopeWorld,
    Triple,
    Truth,
    TruthInterval,
    World,
    canonical_triple,
    generate_scope,
    generate_world,
    size_spec,
)
from benchmarks.world.__main__ import main
from graphmem.ingest._contracts import ExtractMemory

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def small() -> World:
    return generate_world(7, "small")


@pytest.fixture(scope="module")
def default() -> World:
    return generate_world(7, "default")


@pytest.fixture(scope="module", params=["small", "default", 25])
def world(request: pytest.FixtureRequest, small: World, default: World) -> World:
    if request.param == "small":
        return small
    if request.param == "default":
        return default
    return generate_world(11, request.param)


def _scopes(world: World) -> list[ScopeWorld]:
    return list(world.scopes)


# -- determinism and size -------------------------------------------------------------------------


def test_same_seed_gives_identical_json(small: World) -> None:
    assert generate_world(7, "small").to_json() == small.to_json()


def test_different_seeds_differ(small: World) -> None:
    assert generate_world(8, "small").to_json() != small.to_json()


def test_json_round_trips(small: World) -> None:
    data = json.loads(small.to_json())
    assert data["seed"] == 7 and data["size"] == "small"
    scope = data["scopes"][0]
    assert {"sessions", "questions", "truth", "people"} <= scope.keys()
    add = scope["sessions"][0]["adds"][0]
    assert {"add_id", "occurred_at", "messages", "extraction", "tags"} <= add.keys()


def test_small_generates_quickly() -> None:
    started = time.perf_counter()
    generate_world(123, "small").to_json()
    assert time.perf_counter() - started < 2.0


def test_sizes(small: World, default: World) -> None:
    small_adds = sum(1 for _ in small.iter_adds())
    default_adds = sum(1 for _ in default.iter_adds())
    default_turns = sum(len(add.turns) for add in default.iter_adds())
    assert 80 <= small_adds <= 180
    assert 450 <= default_adds <= 800
    assert default_turns >= 500


def test_large_is_lazy_and_matches_its_scopes() -> None:
    world = generate_world(3, "large", users=5)
    assert len(world.scopes) == 5
    assert world.spec.lazy
    first = next(world.iter_adds())
    assert first.user_id == "user-0000"
    scope = world.scopes[3]
    assert scope.user_id == "user-0003"
    assert scope == generate_scope(3, 3, size_spec("large"))
    assert generate_world(3, "large").spec.users == size_spec("large").users


def test_many_users_have_separate_scopes() -> None:
    world = generate_world(5, "small", users=3)
    assert world.user_ids == ["user-0000", "user-0001", "user-0002"]
    for scope in world.scopes:
        assert {add.user_id for add in scope.iter_adds()} == {scope.user_id}
        assert {q.user_id for q in scope.questions} == {scope.user_id}
    names = [scope.user_name for scope in world.scopes]
    assert len(set(names)) > 1


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError):
        generate_world(1, "huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        generate_world(1, 1)


def test_cli_writes_the_world(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "world.json"
    assert main(["--seed", "7", "--size", "small", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == generate_world(7, "small").to_json()
    assert '"adds"' in capsys.readouterr().err


# -- the oracle extraction ------------------------------------------------------------------------


def test_every_extraction_validates(world: World) -> None:
    for add in world.iter_adds():
        parsed = ExtractMemory.model_validate(add.extraction)
        assert parsed.model_dump() == add.extraction
        for entity in parsed.entities:
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", entity.type)
        for relation in parsed.relations:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", relation.predicate)
            for value in (relation.valid_from, relation.valid_to):
                assert value is None or _ISO.match(value)


def test_referenced_names_are_entities(world: World) -> None:
    for add in world.iter_adds():
        names = {e["name"] for e in add.extraction["entities"]}
        assert len(names) == len(add.extraction["entities"]), add.add_id
        for relation in add.extraction["relations"]:
            assert relation["subject"] in names and relation["object"] in names, add.add_id
        for fact in add.extraction["facts"]:
            assert set(fact["about"]) <= names, add.add_id


def test_turns_and_times_are_well_formed(world: World) -> None:
    for scope in _scopes(world):
        last = ""
        for session in scope.sessions:
            for add in session.adds:
                assert _ISO.match(add.occurred_at)
                assert add.occurred_at >= last
                last = add.occurred_at
                assert add.turns[0].role == "user" and add.turns[0].content
                assert 1 <= len(add.turns) <= 2
                assert add.messages == [t.to_dict() for t in add.turns]
                assert "{" not in add.turns[0].content, add.turns[0].content


def test_extracted_relations_agree_with_truth(world: World) -> None:
    """Every extracted relation is a true interval; its dates are the interval's bounds, and a
    relation stated without an end is still true when it is said (no future knowledge)."""
    for scope in _scopes(world):
        by_triple: dict[Triple, list[TruthInterval]] = defaultdict(list)
        for iv in scope.truth.intervals:
            by_triple[iv.triple].append(iv)
        for add in scope.iter_adds():
            for rel in add.extraction["relations"]:
                triple = canonical_triple(rel["subject"], rel["predicate"], rel["object"])
                candidates = [
                    iv
                    for iv in by_triple[triple]
                    if rel["valid_from"] in (None, iv.valid_from)
                    and rel["valid_to"] in (None, iv.valid_to)
                ]
                assert candidates, (add.add_id, rel)
                if rel["valid_to"] is None:
                    assert any(iv.holds_at(add.occurred_at) for iv in candidates), (
                        add.add_id,
                        rel,
                    )
                for bound in (rel["valid_from"], rel["valid_to"]):
                    assert bound is None or bound <= add.occurred_at, (add.add_id, rel)


def test_every_truth_interval_was_stated(world: World) -> None:
    for scope in _scopes(world):
        stated = {
            canonical_triple(r["subject"], r["predicate"], r["object"])
            for add in scope.iter_adds()
            for r in add.extraction["relations"]
        }
        missing = [iv for iv in scope.truth.intervals if iv.triple not in stated]
        assert not missing


def test_single_valued_predicates_have_one_value_at_a_time(world: World) -> None:
    for scope in _scopes(world):
        bounds = sorted(
            {iv.valid_from for iv in scope.truth.intervals if iv.valid_from}
            | {iv.valid_to for iv in scope.truth.intervals if iv.valid_to}
        )
        for t in [*bounds[:: max(1, len(bounds) // 40)], scope.window_end]:
            seen: dict[tuple[str, str], int] = defaultdict(int)
            for s, p, _ in scope.truth.true_at(t):
                if p in SINGLE_VALUED_PREDICATES or p == "PARTNER_OF":
                    seen[(s, p)] += 1
            for _, p, o in scope.truth.true_at(t):
                if p == "PARTNER_OF":
                    seen[(o, p)] += 1
            assert max(seen.values(), default=1) == 1, t


def test_truth_tables(small: World) -> None:
    truth = small.scopes[0].truth
    assert truth.current() == truth.true_at("9999-01-01T00:00:00Z")
    start = datetime.fromisoformat(small.scopes[0].window_start.replace("Z", "+00:00"))
    assert truth.true_at(start) == truth.true_at(small.scopes[0].window_start)
    for s, p, o in truth.current():
        if p in SYMMETRIC_PREDICATES:
            assert s <= o


# -- realism: the cases the benchmark is about ----------------------------------------------------


def test_out_of_order_nickname_and_other_cases_present(world: World) -> None:
    tags: dict[str, int] = defaultdict(int)
    past_dated = 0
    for add in world.iter_adds():
        for tag in add.tags:
            tags[tag] += 1
        if "out_of_order" in add.tags:
            ends = [r["valid_to"] for r in add.extraction["relations"] if r["valid_to"]]
            past_dated += any(end < add.occurred_at[:4] + "-01-01" for end in ends)
    for tag in (
        "out_of_order",
        "nickname",
        "change",
        "end",
        "repeat",
        "first_person",
        "pronoun",
        "noise",
        "unary",
    ):
        assert tags[tag] > 0, tag
    assert past_dated > 0


def test_nicknames_appear_in_text_and_aliases(small: World) -> None:
    scope = small.scopes[0]
    nicknamed = {p.name: p.aliases[1] for p in scope.people if len(p.aliases) > 1}
    assert nicknamed
    used = False
    for add in scope.iter_adds():
        for entity in add.extraction["entities"]:
            nick = nicknamed.get(entity["name"])
            if nick is not None:
                assert nick in entity["aliases"]
                found = re.search(rf"\b{re.escape(nick)}\b", add.turns[0].content)
                used = used or found is not None
    assert used


def test_every_fact_type_has_several_phrasings() -> None:
    from benchmarks.world._templates import TEMPLATES, TRAITS

    for table in (TEMPLATES, TRAITS):
        for key, phrasings in table.items():
            assert len(set(phrasings)) >= 3, key


def test_phrasings_vary(default: World) -> None:
    openings: dict[str, set[str]] = defaultdict(set)
    for add in default.iter_adds():
        for rel in add.extraction["relations"]:
            words = add.turns[0].content.split()
            openings[rel["predicate"]].add(" ".join(words[1:3]))
    for predicate in ("LIVES_IN", "WORKS_AT", "MANAGED_BY", "PARTNER_OF", "HAS_PET", "ENJOYS"):
        assert len(openings[predicate]) >= 3, predicate


# -- questions ------------------------------------------------------------------------------------


def test_every_category_is_present(world: World) -> None:
    counts: dict[str, int] = defaultdict(int)
    for question in world.iter_questions():
        counts[question.category] += 1
    for category in QUESTION_CATEGORIES:
        assert counts[category] > 0, category


def test_question_ids_are_unique(default: World) -> None:
    ids = [q.question_id for q in default.iter_questions()]
    assert len(ids) == len(set(ids))


def _follow(triples: Iterable[Triple], names: set[str], step: str) -> set[str]:
    """Independent re-implementation of one hop over a set of triples."""
    inverse = step.startswith("~")
    predicate = step.lstrip("~")
    out: set[str] = set()
    for s, p, o in triples:
        if p != predicate:
            continue
        if predicate in SYMMETRIC_PREDICATES:
            if s in names:
                out.add(o)
            if o in names:
                out.add(s)
        elif inverse and o in names:
            out.add(s)
        elif not inverse and s in names:
            out.add(o)
    return out


def _recompute(truth: Truth, question: Question) -> set[str]:
    if question.category == "history":
        predicate = question.path[0]
        history = [
            iv
            for iv in truth.intervals
            if iv.predicate == predicate
            and (
                iv.subject == question.subject
                or (predicate in SYMMETRIC_PREDICATES and iv.object == question.subject)
            )
        ]
        history.sort(key=lambda iv: iv.valid_from or "")

        def other(iv: TruthInterval) -> str:
            return iv.object if iv.subject == question.subject else iv.subject

        assert question.before is not None
        index = [other(iv) for iv in history].index(question.before)
        return {other(history[index - 1])}
    triples = truth.true_at(question.as_of) if question.as_of else truth.current()
    names = {question.subject}
    for step in question.path:
        names = _follow(triples, names, step)
    return names


def test_gold_answers_follow_from_the_truth(world: World) -> None:
    for scope in _scopes(world):
        for question in scope.questions:
            assert set(question.gold) == _recompute(scope.truth, question), question
            for name in question.gold:
                assert name in question.gold_aliases[name]
            assert len(question.support_facts) == len(question.support)


def test_multi_hop_paths_have_the_right_length(world: World) -> None:
    for question in world.iter_questions():
        if question.category == "multi_hop_2":
            assert len(question.path) == 2
        if question.category == "multi_hop_3":
            assert len(question.path) == 3
        if question.category.startswith("multi_hop"):
            assert question.answerable


def test_unanswerable_questions_have_no_answer(world: World) -> None:
    for scope in _scopes(world):
        mentioned = {name for iv in scope.truth.intervals for name in (iv.subject, iv.object)}
        for question in scope.questions:
            if question.category != "unanswerable":
                assert question.answerable, question
                continue
            assert question.gold == ()
            ever = {iv.triple for iv in scope.truth.intervals}
            assert not _follow(ever, {question.subject}, question.path[0])
            if question.subject not in mentioned:
                assert not any(question.subject.split()[0] in p.aliases for p in scope.people), (
                    question
                )


def test_as_of_and_update_questions_need_time(world: World) -> None:
    for scope in _scopes(world):
        for question in scope.questions:
            if question.category == "as_of":
                assert question.as_of and _ISO.match(question.as_of)
                assert question.as_of <= scope.window_end  # may predate the talks (prehistory)
            if question.category == "knowledge_update":
                history = scope.truth.history(question.subject, question.path[0])
                assert len(history) >= 3
            if question.category == "history":
                assert question.before is not None


def test_support_is_in_the_truth(world: World) -> None:
    for scope in _scopes(world):
        intervals = set(scope.truth.intervals)
        for question in scope.questions:
            assert set(question.support) <= intervals
            if question.answerable:
                assert question.support


def test_some_as_of_questions_are_about_the_past(default: World) -> None:
    as_of = [q for q in default.iter_questions() if q.category == "as_of"]
    past = [q for q in as_of if q.support and q.support[0].valid_to is not None]
    assert len(past) >= len(as_of) // 2
    assert any(q.as_of and q.as_of[:4] < q.support[0].valid_to[:4] for q in past)  # type: ignore[index]


def test_islice_of_adds_is_cheap() -> None:
    world = generate_world(9, "large", users=2)
    adds = list(itertools.islice(world.iter_adds(), 5))
    assert len(adds) == 5
