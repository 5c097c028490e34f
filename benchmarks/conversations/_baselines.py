"""The simple baselines, in-process over one tenant's turns: MiniLM cosine, BM25, and their RRF.

This is what a user could write in 40 lines next to any vector store; graphmem must beat it.
The documents are the tenant's distinct turn texts (what ``add(infer=False)`` stores).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

__all__ = ["Baselines", "rrf", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Lower-case alphanumeric tokens (no stemming, no stop words)."""
    return _TOKEN.findall(text.lower())


def rrf(rankings: Sequence[Sequence[int]], k: int = 60, limit: int = 10) -> list[int]:
    """Reciprocal-rank fusion: score(d) = sum over lists of 1 / (k + rank), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda d: (-scores[d], d))[:limit]


class Baselines:
    """Dense, BM25 and RRF rankings over one tenant's documents."""

    def __init__(self, docs: Sequence[str], embedder: Any) -> None:
        """Index ``docs`` (embedded once with ``embedder``, tokenized for BM25)."""
        self.docs = list(docs)
        vectors = np.asarray(embedder.embed(self.docs), dtype=np.float32)
        self._vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)
        self._bm25 = BM25Okapi([tokenize(d) or ["_"] for d in self.docs])
        self._embedder = embedder

    def dense_ranking(self, query_vector: Sequence[float]) -> list[int]:
        """Every document, by cosine to the query (ties by position)."""
        q = np.asarray(query_vector, dtype=np.float32)
        q = q / max(float(np.linalg.norm(q)), 1e-12)
        scores = self._vectors @ q
        return [int(i) for i in np.argsort(-scores, kind="stable")]

    def bm25_ranking(self, query: str) -> list[int]:
        """Documents with a positive BM25 score, best first (ties by position)."""
        scores = self._bm25.get_scores(tokenize(query))
        order = np.argsort(-scores, kind="stable")
        return [int(i) for i in order if scores[i] > 0]

    def rank_all(
        self, query: str, query_vector: Sequence[float], limit: int = 10
    ) -> dict[str, list[str]]:
        """Top-``limit`` document texts of ``dense``, ``bm25`` and ``rrf`` (k=60)."""
        dense = self.dense_ranking(query_vector)
        bm25 = self.bm25_ranking(query)
        fused = rrf([dense, bm25], k=60, limit=limit)
        return {
            "dense": [self.docs[i] for i in dense[:limit]],
            "bm25": [self.docs[i] for i in bm25[:limit]],
            "rrf": [self.docs[i] for i in fused],
        }
