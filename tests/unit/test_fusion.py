"""The pure ranking functions of the read path, table-driven, no database."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pytest

from graphmem.search._fusion import (
    maximal_marginal_relevance,
    personalized_pagerank,
    reciprocal_rank_fusion,
)


def _order(scores: Mapping[str, float]) -> list[str]:
    """Ids best first; ties broken by id so expectations are stable."""
    return sorted(scores, key=lambda item: (-scores[item], item))


# -- reciprocal rank fusion -----------------------------------------------------------------
RRF_SCORES = [
    pytest.param(
        {"v": ["a", "b", "c"]}, 60, None, {"a": 1 / 61, "b": 1 / 62, "c": 1 / 63}, id="one"
    ),
    pytest.param(
        {"v": ["a", "b"], "f": ["b", "c"]},
        60,
        None,
        {"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 62},
        id="sum-over-lists",
    ),
    pytest.param({"v": ["a", "b"]}, 1, None, {"a": 1 / 2, "b": 1 / 3}, id="k=1"),
    pytest.param(
        {"v": ["a"], "g": ["b"]}, 60, {"g": 2.0}, {"a": 1 / 61, "b": 2 / 61}, id="weight-2"
    ),
    pytest.param({"v": ["a"], "g": ["b"]}, 60, {"v": 0.0}, {"a": 0.0, "b": 1 / 61}, id="weight-0"),
    pytest.param(
        {"v": ["a"], "g": ["b"]},
        60,
        {"other": 5.0},
        {"a": 1 / 61, "b": 1 / 61},
        id="unnamed-lists-default-to-1",
    ),
    pytest.param({}, 60, None, {}, id="no-lists"),
    pytest.param({"v": [], "f": []}, 60, None, {}, id="empty-lists"),
]


@pytest.mark.parametrize(("rankings", "k", "weights", "expected"), RRF_SCORES)
def test_rrf_scores(
    rankings: dict[str, list[str]],
    k: int,
    weights: dict[str, float] | None,
    expected: dict[str, float],
) -> None:
    scores = reciprocal_rank_fusion(rankings, k=k, weights=weights)
    assert set(scores) == set(expected)
    for item, value in expected.items():
        assert scores[item] == pytest.approx(value, rel=1e-12)


RRF_ORDERS = [
    # An item found by two lists beats items found by one, at any rank within reach.
    pytest.param({"v": ["x", "y"], "f": ["z", "y"]}, 60, None, ["y", "x", "z"], id="agreement"),
    # A large weight lets one list's top item beat a two-list item.
    pytest.param(
        {"v": ["y", "x"], "f": ["y"], "g": ["z"]}, 60, {"g": 3.0}, ["z", "y", "x"], id="weighted"
    ),
    # With a small k, ranks matter more than agreement: top-1 in one list beats 4th + 4th.
    pytest.param(
        {"v": ["a", "p", "q", "m"], "f": ["s", "t", "u", "m"]},
        1,
        None,
        ["a", "s", "m", "p", "t", "q", "u"],
        id="small-k-favours-heads",
    ),
    # With the usual k = 60 the same 4th + 4th wins.
    pytest.param(
        {"v": ["a", "p", "q", "m"], "f": ["s", "t", "u", "m"]},
        60,
        None,
        ["m", "a", "s", "p", "t", "q", "u"],
        id="large-k-favours-agreement",
    ),
]


@pytest.mark.parametrize(("rankings", "k", "weights", "expected"), RRF_ORDERS)
def test_rrf_orders(
    rankings: dict[str, list[str]],
    k: int,
    weights: dict[str, float] | None,
    expected: list[str],
) -> None:
    assert _order(reciprocal_rank_fusion(rankings, k=k, weights=weights)) == expected


@pytest.mark.parametrize(
    ("rankings", "tied"),
    [
        pytest.param({"v": ["a"], "f": ["b"]}, [("a", "b")], id="same-rank-different-lists"),
        pytest.param({"v": ["a", "b"], "f": ["b", "a"]}, [("a", "b")], id="mirrored"),
        pytest.param(
            {"v": ["a", "b", "c"], "f": ["c", "b", "a"], "g": ["b", "a", "c"]},
            [],
            id="no-tie-when-ranks-differ",
        ),
    ],
)
def test_rrf_ties(rankings: dict[str, list[str]], tied: list[tuple[str, str]]) -> None:
    scores = reciprocal_rank_fusion(rankings)
    for left, right in tied:
        assert scores[left] == scores[right]
    if not tied:
        assert len(set(scores.values())) == len(scores)


@pytest.mark.parametrize("k", [1, 10, 60, 1_000])
def test_rrf_larger_k_flattens_the_head(k: int) -> None:
    scores = reciprocal_rank_fusion({"v": ["a", "b"]}, k=k)
    assert scores["a"] / scores["b"] == pytest.approx((k + 2) / (k + 1))
    flatter = reciprocal_rank_fusion({"v": ["a", "b"]}, k=k * 2)
    assert flatter["a"] / flatter["b"] < scores["a"] / scores["b"]


def test_rrf_accepts_any_hashable_ids() -> None:
    scores = reciprocal_rank_fusion({"v": [1, 2], "f": [(3, "x"), 1]})
    assert _order({str(key): value for key, value in scores.items()})[0] == "1"


# -- personalized PageRank --------------------------------------------------------------------
CHAIN = [("a", "b", 1.0), ("b", "c", 1.0), ("c", "d", 1.0), ("d", "e", 1.0)]
TWO_ISLANDS = [("a", "b", 1.0), ("b", "c", 1.0), ("x", "y", 1.0), ("y", "z", 1.0)]
STAR = [("s", "x", 10.0), ("s", "y", 1.0), ("x", "t", 1.0), ("y", "u", 1.0)]


@pytest.mark.parametrize(
    ("edges", "seeds"),
    [
        pytest.param(CHAIN, {"zzz": 1.0}, id="seed-not-in-graph"),
        pytest.param(CHAIN, {}, id="no-seeds"),
        pytest.param([], {"a": 1.0}, id="no-edges"),
        pytest.param(CHAIN, {"a": 0.0}, id="zero-weight-seed"),
        pytest.param(CHAIN, {"a": -1.0, "q": 2.0}, id="negative-and-absent"),
    ],
)
def test_ppr_without_usable_seeds_is_empty(
    edges: list[tuple[str, str, float]], seeds: dict[str, float]
) -> None:
    assert personalized_pagerank(edges, seeds) == {}


RING = [(f"r{i}", f"r{(i + 1) % 8}", 1.0) for i in range(8)]


@pytest.mark.parametrize(
    ("seed", "by_distance"),
    [
        pytest.param("r0", [["r0"], ["r1", "r7"], ["r2", "r6"], ["r3", "r5"], ["r4"]], id="r0"),
        pytest.param("r3", [["r3"], ["r2", "r4"], ["r1", "r5"], ["r0", "r6"], ["r7"]], id="r3"),
    ],
)
def test_ppr_mass_falls_with_distance_from_the_seed(
    seed: str, by_distance: list[list[str]]
) -> None:
    """On a regular graph (a ring), PPR strictly decreases with the distance to the seed."""
    ranks = personalized_pagerank(RING, {seed: 1.0})
    assert math.isclose(sum(ranks.values()), 1.0, rel_tol=1e-6)
    levels = []
    for ring in by_distance:
        values = [ranks[node] for node in ring]
        assert max(values) == pytest.approx(min(values))  # symmetric around the seed
        levels.append(values[0])
    assert levels == sorted(levels, reverse=True) and len(set(levels)) == len(levels)


@pytest.mark.parametrize(
    ("seed", "near", "far"),
    [
        pytest.param("a", ["a", "b"], ["d", "e"], id="chain-from-a"),
        pytest.param("e", ["e", "d"], ["b", "a"], id="chain-from-e"),
        pytest.param("c", ["c"], ["a", "e"], id="chain-from-middle"),
    ],
)
def test_ppr_seed_neighbourhood_outranks_the_far_end(
    seed: str, near: list[str], far: list[str]
) -> None:
    ranks = personalized_pagerank(CHAIN, {seed: 1.0})
    assert min(ranks[n] for n in near) > max(ranks[n] for n in far)
    order = _order(ranks)
    assert order.index(seed) <= 1  # the seed or its busier neighbour leads


def test_ppr_heavier_edge_carries_more_mass() -> None:
    ranks = personalized_pagerank(STAR, {"s": 1.0})
    assert _order(ranks)[:2] == ["s", "x"]
    assert ranks["x"] > 5 * ranks["y"]
    assert ranks["t"] < ranks["x"] and ranks["u"] < ranks["y"]


def test_ppr_other_components_get_no_mass() -> None:
    ranks = personalized_pagerank(TWO_ISLANDS, {"a": 1.0})
    assert set(ranks) == {"a", "b", "c", "x", "y", "z"}
    assert sum(ranks[n] for n in "abc") == pytest.approx(1.0, abs=1e-4)
    assert all(ranks[n] < 1e-4 * ranks["c"] for n in "xyz")


def test_ppr_seed_weights_split_the_restart() -> None:
    heavy_a = personalized_pagerank(TWO_ISLANDS, {"a": 3.0, "x": 1.0})
    assert sum(heavy_a[n] for n in "abc") == pytest.approx(0.75, abs=1e-3)
    assert sum(heavy_a[n] for n in "xyz") == pytest.approx(0.25, abs=1e-3)


def test_ppr_parallel_edges_add_their_weights() -> None:
    doubled = [("s", "x", 1.0), ("s", "x", 1.0), ("s", "y", 1.5)]
    ranks = personalized_pagerank(doubled, {"s": 1.0})
    assert ranks["x"] > ranks["y"]


@pytest.mark.parametrize(("low", "high"), [(0.3, 0.6), (0.5, 0.85)])
def test_ppr_lower_alpha_keeps_more_mass_on_the_seed(low: float, high: float) -> None:
    at_low = personalized_pagerank(CHAIN, {"a": 1.0}, alpha=low)
    at_high = personalized_pagerank(CHAIN, {"a": 1.0}, alpha=high)
    assert at_low["a"] > at_high["a"]
    assert at_low["e"] < at_high["e"]


# -- maximal marginal relevance ----------------------------------------------------------------
# Two near-duplicates (a, a2) and two distinct items (b, c).
GROUPS = {"a": "g1", "a2": "g1", "b": "g2", "c": "g3"}
RELEVANCE = {"a": 1.0, "a2": 0.95, "b": 0.6, "c": 0.3}


def _same_group(left: str, right: str) -> float:
    return 1.0 if GROUPS[left] == GROUPS[right] else 0.0


MMR_CASES = [
    pytest.param(["a", "a2", "b", "c"], 1.0, 4, ["a", "a2", "b", "c"], id="lambda-1-is-relevance"),
    pytest.param(["a", "a2", "b", "c"], 0.5, 4, ["a", "b", "c", "a2"], id="diversity"),
    pytest.param(["a", "a2", "b", "c"], 0.7, 2, ["a", "b"], id="limit-2-skips-duplicate"),
    pytest.param(["a", "a2", "b", "c"], 0.7, 1, ["a"], id="limit-1"),
    pytest.param(["a", "b"], 0.7, 10, ["a", "b"], id="limit-above-pool"),
    pytest.param([], 0.7, 3, [], id="empty"),
    pytest.param(["c", "b"], 0.7, 2, ["b", "c"], id="input-order-irrelevant"),
]


@pytest.mark.parametrize(("candidates", "lambda_", "limit", "expected"), MMR_CASES)
def test_mmr(candidates: Sequence[str], lambda_: float, limit: int, expected: list[str]) -> None:
    picked = maximal_marginal_relevance(
        candidates, RELEVANCE, _same_group, limit=limit, lambda_=lambda_
    )
    assert picked == expected


def test_mmr_picks_each_candidate_once_and_leaves_input_alone() -> None:
    candidates = ["a", "a2", "b", "c"]
    picked = maximal_marginal_relevance(candidates, RELEVANCE, _same_group, limit=4, lambda_=0.3)
    assert sorted(picked) == sorted(candidates)
    assert candidates == ["a", "a2", "b", "c"]


def test_mmr_unknown_relevance_counts_as_zero() -> None:
    picked = maximal_marginal_relevance(
        ["ghost", "b"], {"b": 0.1}, lambda left, right: 0.0, limit=2, lambda_=0.9
    )
    assert picked == ["b", "ghost"]


def test_mmr_diversity_grows_as_lambda_falls() -> None:
    """Fraction of distinct groups in the top 2 never shrinks as lambda falls."""
    previous = 0
    for lambda_ in (1.0, 0.9, 0.7, 0.5, 0.2):
        picked = maximal_marginal_relevance(
            ["a", "a2", "b", "c"], RELEVANCE, _same_group, limit=2, lambda_=lambda_
        )
        distinct = len({GROUPS[item] for item in picked})
        assert distinct >= previous
        previous = distinct
    assert previous == 2
