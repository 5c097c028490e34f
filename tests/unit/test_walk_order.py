"""A hub's edges walked from its cached per-type order are exactly those a full sort picks."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from graphmem.search._catalogue import ScopeCatalogue
from graphmem.search._links import ORDERED_ABOVE, LinkIndex, ScopeGraph
from graphmem.store._repository import TimeFilter

TYPES = ["LIVES_IN", "BORN_IN", "WORKS_AT", "VISITED", "FRIEND_OF"]
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
NOW_MS = int(NOW.timestamp() * 1000)


def _hub(seed: int, edges: int) -> tuple[LinkIndex, ScopeCatalogue, list[dict[str, object]]]:
    rng = random.Random(seed)
    rows, links = [], []
    for i in range(edges):
        rel_type = rng.choice(TYPES)
        start = rng.choice([None, NOW_MS - 10**9, NOW_MS - 10**6, NOW_MS + 10**6])  # ties too
        end = rng.choice([None, None, NOW_MS - 1, NOW_MS + 10**7])
        text = rng.choice(["same text", f"Person {i} {rel_type} Hub"])  # equal texts tie
        rows.append(
            {
                "id": f"f{i:05d}",
                "text": text,
                "valid_from": start,
                "valid_to": end,
                "recorded_at": rng.choice([5, 6, 7]),  # ties broken by text, then id
            }
        )
        outgoing = rng.random() < 0.8
        links.append(
            {
                "fact_id": f"f{i:05d}",
                "entity_id": f"p{i}" if outgoing else "hub",
                "name": f"Person {i}",
                "rel_type": rel_type,
                "object_id": "hub" if outgoing else f"p{i}",
            }
        )
    catalogue = ScopeCatalogue()
    catalogue.upsert(rows[: edges - 3])  # the last facts are not in this snapshot
    index = LinkIndex()
    index._add(links)
    return index, catalogue, rows[: edges - 3]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("history", [False, True])
def test_cached_order_picks_what_a_full_sort_picks(seed: int, history: bool) -> None:
    index, catalogue, _ = _hub(seed, ORDERED_ABOVE * 6)
    walk = ScopeGraph(index, catalogue, None, None, None)  # type: ignore[arg-type]
    edges = index.edges["hub"]
    assert len(edges) > ORDERED_ABOVE
    visible = walk._visibility(TimeFilter(NOW, history), None)
    rng = random.Random(seed)
    for _ in range(5):
        # tied weights interleave types; unweighted types tie at 0
        weights = {t: rng.choice([0.0, 0.1, 0.3]) for t in rng.sample(TYPES, 3)}
        for fanout in (1, 6, 25, 1000):
            assert walk._from_ordered("hub", weights, visible, fanout) == walk._direct(
                edges, weights, visible, fanout
            )


def test_an_order_belongs_to_its_snapshot() -> None:
    index, catalogue, rows = _hub(3, ORDERED_ABOVE * 2)
    first = ScopeGraph(index, catalogue, None, None, None)  # type: ignore[arg-type]
    visible = first._visibility(TimeFilter(NOW, True), None)
    before = first._from_ordered("hub", {}, visible, 1000)
    newer = ScopeCatalogue()  # the next snapshot: one fact's text and start were edited
    newer.upsert([*rows[1:], {"id": "f00000", "text": "aaa edited", "valid_from": 10**13}])
    second = ScopeGraph(index, newer, None, None, None)  # type: ignore[arg-type]
    after = second._from_ordered("hub", {}, visible, 1000)
    assert after != before and after == second._direct(index.edges["hub"], {}, visible, 1000)
    # the older snapshot's walk keeps its own order
    assert first._from_ordered("hub", {}, visible, 1000) == before


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("history", [False, True])
def test_facts_about_a_hub_are_the_newest_recorded_visible_ones(seed: int, history: bool) -> None:
    index, catalogue, _ = _hub(seed, ORDERED_ABOVE * 8)
    about = index.about["hub"]
    assert len(about) > ORDERED_ABOVE
    walk = ScopeGraph(index, catalogue, None, None, None)  # type: ignore[arg-type]
    when = TimeFilter(NOW, history)
    visible = walk._visibility(when, None)
    docs = catalogue.docs
    expected = sorted(
        (-docs[f].recorded_at, docs[f].text, f) for f in about if f in docs and visible(docs[f])
    )
    for fanout in (1, 5, 25, 1000):
        assert walk.entity_facts(["hub"], when, fanout) == [
            ("hub", f) for *_, f in expected[:fanout]
        ]
