"""Real-conversation benchmark track: scoring on hand-made hits, baselines, generator invariants."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from benchmarks.conversations import CATEGORIES, Dataset, generate
from benchmarks.conversations._baselines import Baselines, rrf, tokenize
from benchmarks.conversations._chat import locomo_date, relative_when
from benchmarks.conversations._run import context_texts
from benchmarks.conversations._scoring import (
    bootstrap_ci,
    entries_from_texts,
    paired_diff_ci,
    score_question,
    summarize,
    text_index,
)

# -- scoring -----------------------------------------------------------------------------------

TURNS = [
    ("t1", "hey Ana!"),
    ("t2", "lol"),
    ("t3", "Lisbon, finally. got there last week"),
    ("t4", "lol"),
    ("t5", "where did you end up moving?"),
    ("t6", "started at Opal Optics on Saturday"),
]


def test_text_index_maps_repeated_texts_to_every_turn() -> None:
    index = text_index(TURNS)
    assert index["lol"] == frozenset({"t2", "t4"})
    assert index["Lisbon, finally. got there last week"] == frozenset({"t3"})


def test_recall_mrr_and_completeness_on_hand_made_hits() -> None:
    index = text_index(TURNS)
    hits = ["lol", "  hey Ana!", "other tenant's text", "Lisbon, finally. got there last week"]
    hits += ["x"] * 4 + ["started at Opal Optics on Saturday"]
    entries = entries_from_texts(hits, index)
    assert entries[0] == frozenset({"t2", "t4"}) and entries[2] == frozenset()
    single = score_question(["t3"], entries)
    assert single.recall == {5: 1.0, 10: 1.0}
    assert single.first_rank == 4 and single.rr == pytest.approx(0.25)
    multi = score_question(["t3", "t6"], entries)  # t6 is the 9th hit
    assert multi.recall == {5: 0.5, 10: 1.0}
    assert multi.complete == {5: False, 10: True}
    missing = score_question(["t5"], entries)
    assert missing.recall == {5: 0.0, 10: 0.0} and missing.rr == 0.0 and missing.first_rank is None
    with pytest.raises(ValueError):
        score_question([], entries)


def test_only_the_hit_counts_unless_context_is_credited() -> None:
    index = text_index(TURNS)
    hits = ["where did you end up moving?"]
    plain = score_question(["t3"], entries_from_texts(hits, index))
    assert plain.recall[10] == 0.0
    context = [["Lisbon, finally. got there last week", "not a turn"]]
    credited = score_question(["t3"], entries_from_texts(hits, index, context))
    assert credited.recall[10] == 1.0 and credited.first_rank == 1


def test_summary_has_categories_all_and_intervals() -> None:
    index = text_index(TURNS)
    good = score_question(
        ["t3"], entries_from_texts(["Lisbon, finally. got there last week"], index)
    )
    bad = score_question(["t3"], entries_from_texts(["lol"], index))
    table = summarize([("single_hop", good), ("single_hop", bad), ("temporal", good)], CATEGORIES)
    assert set(table) == {"single_hop", "temporal", "all"}
    assert table["single_hop"]["recall@10"] == 0.5 and table["single_hop"]["n"] == 2
    assert table["all"]["recall@10"] == pytest.approx(0.6667, abs=1e-4)
    assert table["all"]["mrr@10"] == pytest.approx(0.6667, abs=1e-4)
    lo, hi = table["all"]["recall@10_ci95"]
    assert 0.0 <= lo <= table["all"]["recall@10"] <= hi <= 1.0


def test_bootstrap_intervals() -> None:
    assert bootstrap_ci([0.5] * 20) == (0.5, 0.5)
    lo, hi = bootstrap_ci([0.0] * 50 + [1.0] * 50)
    assert 0.35 < lo < 0.5 < hi < 0.65
    assert bootstrap_ci([1.0, 0.0, 1.0], seed=3) == bootstrap_ci([1.0, 0.0, 1.0], seed=3)
    diff = paired_diff_ci([1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0])
    assert diff["mean"] == 0.5 and diff["ci95"][0] <= 0.5 <= diff["ci95"][1]


# -- baselines ---------------------------------------------------------------------------------


def test_rrf_fuses_by_reciprocal_rank() -> None:
    # doc 2 is second in both lists: 2/(60+2) beats 1/(60+1) for docs first in one list only
    assert rrf([[0, 2, 1], [3, 2, 4]], k=60, limit=5) == [2, 0, 3, 1, 4]
    assert rrf([[0], [1]], k=60, limit=5) == [0, 1]  # ties by id
    assert rrf([[3, 4, 5]], limit=2) == [3, 4]


class _BagOfWords:
    """A tiny deterministic embedder: counts of a fixed vocabulary."""

    vocab = ("lisbon", "move", "moved", "dog", "cat", "job", "hello")

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [[float(tokenize(t).count(w)) + 1e-3 for w in self.vocab] for t in texts]


def test_baselines_rank_matching_documents_first() -> None:
    docs = ["hello there", "we moved to Lisbon", "the dog ate my homework", "new job!!"]
    base = Baselines(docs, _BagOfWords())
    assert base.bm25_ranking("which dog?")[0] == 2
    assert base.bm25_ranking("nothing in common") == []
    assert base.dense_ranking(_BagOfWords().embed(["moved Lisbon"])[0])[0] == 1
    top = base.rank_all("Lisbon move", _BagOfWords().embed(["Lisbon move"])[0], limit=2)
    assert top["bm25"][0] == top["dense"][0] == top["rrf"][0] == "we moved to Lisbon"
    assert len(top["rrf"]) == 2


@dataclass
class _Fact:
    text: str


@dataclass
class _Hit:
    fact: _Fact
    neighbors: list[Any]


def test_context_texts_reads_what_the_engine_exposes() -> None:
    hit = _Hit(_Fact("a"), ["b", _Fact("c"), {"memory": "d"}, _Hit(_Fact("e"), [])])
    assert context_texts(hit) == ["b", "c", "d", "e"]
    assert context_texts(_Fact("plain")) is None


# -- chat surface ------------------------------------------------------------------------------


def test_relative_dates_resolve_against_the_session() -> None:
    session = datetime(2023, 5, 10, 15, 0, tzinfo=timezone.utc)  # a Wednesday
    import random

    seen = {}
    rng = random.Random(1)
    for _ in range(200):
        phrase, iso, _ = relative_when(rng, session)
        seen[phrase] = iso
    assert seen["yesterday"] == "2023-05-09"
    assert seen["on Saturday"] == "2023-05-06"
    assert seen["last month"] == "2023-04-01"
    assert locomo_date(session) == "3:00 pm on 10 May, 2023"


# -- generator ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(seed=11, people=10, sessions=12)


def test_generation_is_deterministic_by_seed(dataset: Dataset) -> None:
    assert generate(seed=11, people=10, sessions=12).to_dict() == dataset.to_dict()
    assert generate(seed=12, people=10, sessions=12).to_dict() != dataset.to_dict()


def test_size_people_sessions_and_dates(dataset: Dataset) -> None:
    stats = dataset.stats()
    assert stats["people"] == 10 and len({c.user_id for c in dataset.conversations}) == 10
    assert stats["turns_per_person"]["min"] >= 200  # hundreds of turns per person
    assert stats["days_per_person"]["min"] >= 120  # over months
    for conv in dataset.conversations:
        dates = [s.date for s in conv.sessions]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert len({t.speaker for t in conv.turns()}) >= 3  # the owner and 2+ friends
        for session in conv.sessions:
            assert sum(session.chunk_sizes) == len(session.turns)
            chunks = session.chunks()
            assert all(2 <= len(c) <= 6 for c in chunks[:-1]) and 1 <= len(chunks[-1]) <= 6
            assert re.fullmatch(r"\d{1,2}:\d\d [ap]m on \d{1,2} \w+, \d{4}", session.date_time)
            for turn in session.turns:
                message = turn.message()
                assert message["name"] == turn.speaker in session.speakers
                assert message["content"].strip()


def test_every_question_has_resolvable_unique_evidence(dataset: Dataset) -> None:
    categories = Counter(q.category for q in dataset.questions())
    assert set(categories) == set(CATEGORIES) and min(categories.values()) >= 20
    for conv in dataset.conversations:
        tmap = conv.turn_map()
        texts = Counter(t.text.strip() for t in conv.turns())
        for q in conv.questions:
            assert q.evidence and q.user_id == conv.user_id
            for tid in q.evidence:
                assert tid in tmap
                assert texts[tmap[tid].text.strip()] == 1, "evidence must be a unique text"
            for tid in q.context:  # the asking turn comes right before an answering turn
                asked = tmap[tid]
                assert any(
                    tmap[e].session == asked.session and tmap[e].index == asked.index + 1
                    for e in q.evidence
                )
            if q.category == "multi_hop":
                assert len(set(q.evidence)) >= 2
    multi = [q for q in dataset.questions() if q.category == "multi_hop"]
    sessions_apart = [
        q for q in multi if len({dataset_turn(dataset, e).session for e in q.evidence}) > 1
    ]
    assert len(sessions_apart) / len(multi) > 0.8


def dataset_turn(dataset: Dataset, turn_id: str) -> Any:
    user_id = turn_id.split("/")[0]
    conv = next(c for c in dataset.conversations if c.user_id == user_id)
    return conv.turn_map()[turn_id]


def test_temporal_evidence_carries_a_relative_date(dataset: Dataset) -> None:
    relative = re.compile(r"yesterday|days? ago|saturday|last (week|month)|weeks? ago", re.I)
    temporal = [q for q in dataset.questions() if q.category == "temporal"]
    with_phrase = [
        q
        for q in temporal
        if any(relative.search(dataset_turn(dataset, e).text) for e in q.evidence)
    ]
    assert len(with_phrase) / len(temporal) > 0.9  # a typo may hit the phrase, rarely
    assert all(re.search(r"\d{4}", q.answer) for q in temporal)


_STOP = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "is", "are", "was", "did", "does",
    "do", "has", "have", "had", "what", "which", "who", "where", "when", "how", "since", "now",
    "new", "most", "recently", "these", "days", "be", "with", "and", "or", "as", "it", "its",
))  # fmt: skip


def test_chat_variety(dataset: Dataset) -> None:
    stats = dataset.stats()
    assert 0.15 <= stats["filler_share"] <= 0.5
    assert 0.05 <= stats["typo_share"] <= 0.25
    assert stats["qa_answer_evidence_share"] >= 0.2
    forms = stats["surface_forms_per_fact"]
    for fact in ("move", "job", "pet", "hobby", "trip"):
        assert forms[fact] >= 5, fact
    assert stats["distinct_texts"] / stats["turns"] > 0.25
    for token in ("lol", "Stay safe!", "See ya"):
        assert any(token in t.text for c in dataset.conversations for t in c.turns())


def test_questions_do_not_copy_their_evidence(dataset: Dataset) -> None:
    names = {t.speaker.lower() for c in dataset.conversations for t in c.turns()}
    no_overlap = 0
    single = [q for q in dataset.questions() if q.category == "single_hop"]
    for q in single:
        words = set(tokenize(q.text)) - _STOP - names
        evidence = set().union(*(tokenize(dataset_turn(dataset, e).text) for e in q.evidence))
        assert q.text.lower() not in " ".join(evidence)
        no_overlap += not (words & evidence)
    assert 0.3 <= no_overlap / len(single) < 1.0  # some share a word, many share none
