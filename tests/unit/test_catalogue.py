"""The per-scope search catalogue: BM25 arithmetic, statistics from live documents, exact cosine."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import pytest

from graphmem.search._catalogue import BM25_B, BM25_K1, ScopeCatalogue, tokenize
from graphmem.store._repository import TimeFilter

NOW = TimeFilter(datetime(2030, 1, 1, tzinfo=timezone.utc))


def _row(id_: str, text: str, **extra: object) -> dict[str, object]:
    return {"id": id_, "text": text, **extra}


def _catalogue(*rows: dict[str, object]) -> ScopeCatalogue:
    catalogue = ScopeCatalogue()
    catalogue.upsert(rows)
    return catalogue


def test_bm25_matches_the_okapi_formula() -> None:
    catalogue = _catalogue(
        _row("a", "kayak kayak lake"), _row("b", "lake house by the lake"), _row("c", "tea")
    )
    scores = dict(catalogue.bm25("kayak", ScopeCatalogue.visibility(NOW, None), 10))
    n, avgdl, tf, length = 3, (3 + 5 + 1) / 3, 2, 3
    idf = math.log(1 + (n - 1 + 0.5) / (1 + 0.5))
    expected = idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length / avgdl))
    assert scores == {"a": pytest.approx(expected)}


def test_bm25_saturates_and_normalises_length() -> None:
    catalogue = _catalogue(
        _row("once", "cello " + "x " * 9),
        _row("many", "cello " * 10),
        _row("short", "cello"),
        _row("other", "piano lessons"),
    )
    scores = dict(catalogue.bm25("cello", ScopeCatalogue.visibility(NOW, None), 10))
    assert scores["short"] > scores["once"]  # same tf, shorter document
    assert scores["many"] < 10 * scores["once"]  # term frequency saturates


def test_statistics_follow_replaced_documents() -> None:
    catalogue = _catalogue(_row("a", "cello"), _row("b", "cello"), _row("c", "piano"))
    catalogue.upsert([_row("b", "piano")])
    assert catalogue.df[tokenize("cello")[0]] == 1
    assert catalogue.total_length == 3


def test_stemming_matches_inflections() -> None:
    catalogue = _catalogue(_row("a", "Carla lives in Cascais"), _row("b", "tea"))
    assert [
        i for i, _ in catalogue.bm25("where does she live", ScopeCatalogue.visibility(NOW, None), 5)
    ] == ["a"]


def test_speaker_name_of_a_turn_is_searchable_but_does_not_count_as_content() -> None:
    catalogue = _catalogue(
        _row("t", "I adopted a beagle", metadata_json='{"role": "user", "name": "Calvin"}'),
        _row("u", "Nice!", metadata_json='{"role": "user", "name": "Dana"}'),
    )
    assert [i for i, _ in catalogue.bm25("calvin", ScopeCatalogue.visibility(NOW, None), 5)] == [
        "t"
    ]
    assert catalogue.docs["t"].distinct == 4
    assert catalogue.docs["t"].turn


def test_to_context_shows_a_turns_speaker_and_date_and_a_facts_validity() -> None:
    from graphmem.types import Fact, SearchHit, SearchResult

    day = datetime(2023, 5, 7, 18, tzinfo=timezone.utc)
    turn = Fact(
        id="t",
        text="I went to a support group yesterday.",
        valid_from=day,
        recorded_at=day,
        metadata={"role": "user", "name": "Caroline"},
    )
    fact = Fact(
        id="f", text="Alice lives in Lisbon.", predicate="LIVES_IN", valid_from=day, recorded_at=day
    )
    result = SearchResult(
        hits=[
            SearchHit(fact=turn, score=1.0, is_current=True),
            SearchHit(fact=fact, score=0.5, is_current=True),
        ]
    )
    assert result.to_context().splitlines() == [
        "- Caroline: I went to a support group yesterday. (said 2023-05-07)",
        "- Alice lives in Lisbon. (since 2023-05-07)",
    ]


def test_short_content_free_turns_are_demoted_but_extracted_facts_are_not() -> None:
    from graphmem.search._searcher import _demote_short_turns

    turn = '{"role": "user", "name": "Dana"}'
    catalogue = _catalogue(
        _row("filler", "See ya, Calvin!", metadata_json=turn),
        _row("content", "I flew to Osaka for my cousin's wedding", metadata_json=turn),
        _row("fact", "Calvin likes tea"),
    )
    fused = {"filler": 1.0, "content": 0.9, "fact": 0.8}
    _demote_short_turns(fused, catalogue, 5)
    assert fused == {"filler": pytest.approx(3 / 5), "content": 0.9, "fact": 0.8}
    assert max(fused, key=lambda k: fused[k]) == "content"


def test_equal_scores_order_by_text_not_by_random_id() -> None:
    """Ids are random per store: ties broken by id would reorder the same memories between
    two stores (and between a tenant alone and among others)."""
    for first, second in (("a", "z"), ("z", "a")):
        catalogue = _catalogue(
            _row(first, "Bob Meyer lives in Porto"),
            _row(second, "Carla Sousa lives in Cascais"),
            _row("other", "tea and biscuits"),
        )
        ranked = catalogue.bm25("who lives where", ScopeCatalogue.visibility(NOW, None), 10)
        assert ranked[0][1] == ranked[1][1]
        texts = [catalogue.docs[doc_id].text for doc_id, _ in ranked]
        assert texts == ["Bob Meyer lives in Porto", "Carla Sousa lives in Cascais"]


def _reference_bm25(
    catalogue: ScopeCatalogue, query: str, visible: object, limit: int
) -> list[tuple[str, float]]:
    """Okapi BM25 written out per document (the formula, no arrays): the reference."""
    from graphmem.search._catalogue import query_terms

    docs = catalogue.docs
    n = len(docs)
    avgdl = sum(d.length for d in docs.values()) / n
    df = {t: sum(1 for d in docs.values() if t in d.terms) for t in query_terms(query)}
    scored = []
    for doc in docs.values():
        if not visible(doc):  # type: ignore[operator]
            continue
        score = 0.0
        for term in sorted(df):
            tf = doc.terms.get(term, 0)
            if tf and df[term]:
                idf = math.log(1.0 + (n - df[term] + 0.5) / (df[term] + 0.5))
                norm = BM25_K1 * (1 - BM25_B + BM25_B * doc.length / avgdl)
                score += idf * tf * (BM25_K1 + 1) / (tf + norm)
        if score > 0:
            scored.append((doc.id, score))
    scored.sort(key=lambda item: (-item[1], docs[item[0]].text, item[0]))
    return scored[:limit]


@pytest.mark.parametrize("seed", range(5))
def test_bm25_equals_the_per_document_reference(seed: int) -> None:
    """Hundreds of chat-like turns with common words (every turn names someone), history and
    a filter: the array implementation returns the reference's ids, order and scores."""
    import random

    rng = random.Random(seed)
    words = ["calvin", "dana", "lake", "kayak", "cello", "boston", "hike", "cat", "tea", "the"]
    rows = []
    for i in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        ended = 1_800_000_000_000 if i % 7 == 0 else None  # some facts retired before NOW
        rows.append(
            _row(f"id{i:03d}", text, valid_to=ended, metadata_json=json.dumps({"k": i % 3}))
        )
    catalogue = _catalogue(*rows)
    only_k1 = ScopeCatalogue.visibility(NOW, lambda doc: doc.metadata.get("k") == 1)
    for query in ("calvin", "the lake", "dana kayak cello", "boston hike cat tea the", "zzz"):
        for visible in (ScopeCatalogue.visibility(NOW, None), only_k1):
            for limit in (1, 10, 30):
                got = catalogue.bm25(query, visible, limit)
                want = _reference_bm25(catalogue, query, visible, limit)
                assert [i for i, _ in got] == [i for i, _ in want], (query, limit)
                assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12)
