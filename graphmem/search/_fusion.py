"""Pure ranking functions of the read path: reciprocal rank fusion, personalized PageRank, MMR."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import networkx as nx

__all__ = ["maximal_marginal_relevance", "personalized_pagerank", "reciprocal_rank_fusion"]

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[K]],
    *,
    k: int = 60,
    weights: Mapping[str, float] | None = None,
) -> dict[K, float]:
    """Fuse ranked lists: ``score(d) = sum_lists weight / (k + rank(d))``, rank from 1.

    Args:
        rankings: list name -> ids, best first.
        k: the RRF constant (60 in Cormack et al.); larger flattens the head.
        weights: optional weight per list name (default 1.0).

    Returns:
        id -> fused score (higher is better).
    """
    scores: dict[K, float] = defaultdict(float)
    for name, ranked in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, item in enumerate(ranked, start=1):
            scores[item] += weight / (k + rank)
    return dict(scores)


def personalized_pagerank(
    edges: Iterable[tuple[str, str, float]],
    seeds: Mapping[str, float],
    *,
    alpha: float = 0.85,
) -> dict[str, float]:
    """PageRank restarted at ``seeds`` over an undirected weighted candidate subgraph.

    Returns node -> score; empty when there are no edges or no seed is in the graph.
    """
    graph = nx.Graph()
    for source, target, weight in edges:
        if graph.has_edge(source, target):
            graph[source][target]["weight"] += weight
        else:
            graph.add_edge(source, target, weight=weight)
    personalization = {node: w for node, w in seeds.items() if node in graph and w > 0}
    if not personalization:
        return {}
    return dict(nx.pagerank(graph, alpha=alpha, personalization=personalization, weight="weight"))


def maximal_marginal_relevance(
    candidates: Sequence[K],
    relevance: Mapping[K, float],
    similarity: Callable[[K, K], float],
    *,
    limit: int,
    lambda_: float = 0.7,
) -> list[K]:
    """Pick ``limit`` items balancing relevance and novelty (Carbonell & Goldstein, 1998)."""
    chosen: list[K] = []
    pool = list(candidates)
    while pool and len(chosen) < limit:

        def gain(item: K) -> float:
            redundancy = max((similarity(item, c) for c in chosen), default=0.0)
            return lambda_ * relevance.get(item, 0.0) - (1 - lambda_) * redundancy

        best = max(pool, key=gain)
        chosen.append(best)
        pool.remove(best)
    return chosen
