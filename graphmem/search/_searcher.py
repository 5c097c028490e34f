"""The read path: vector + keyword + graph candidates, fused, shaped into a SearchResult.

No LLM call anywhere here. One query embedding (local model), then a handful of scoped queries.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphmem._background import in_background
from graphmem._ontology import Ontology
from graphmem._temporal import to_ms
from graphmem.config import SearchConfig
from graphmem.embed import Embedder, embed_in_background
from graphmem.search._catalogue import Catalogue, ScopeCatalogue, _Doc
from graphmem.search._feedback import (
    NEIGHBOUR_HITS,
    feedback_ranking,
    neighbour_ranking,
    reply_scores,
)
from graphmem.search._fusion import maximal_marginal_relevance, reciprocal_rank_fusion
from graphmem.search._graph import GraphCandidates, GraphExpander, Similarity
from graphmem.search._names import name_scores
from graphmem.search._turns import neighbouring_turns, replies
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import Relation, Scope, SearchHit, SearchResult

__all__ = ["HybridSearcher", "Reranker", "SearchRequest"]

Reranker = Callable[[str, list[SearchHit]], list[SearchHit]]
"""A hook that reorders (or trims) the hits of one query, e.g. a cross-encoder you bring:
``Memory(reranker=lambda query, hits: sorted(hits, key=my_score, reverse=True))``. It sees up to
3x ``limit`` candidates; the first ``limit`` of what it returns are the result."""

CANDIDATE_FACTOR = 3
RERANK_FACTOR = 3
MIN_CANDIDATES = 30
# Dense hits that also seed graph expansion (their entities), for questions naming no entity.
DENSE_SEED_FACTS = 3


@dataclass(frozen=True)
class SearchRequest:
    """One search, validated by the facade."""

    query: str
    scope: Scope
    limit: int
    as_of: datetime
    include_history: bool = False
    threshold: float | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    hops: int = 2
    fanout: int = 25
    as_of_given: bool = False
    """False when ``as_of`` is just "now": currency is then judged open-ended."""


class HybridSearcher:
    """Fuses dense, keyword and graph retrieval with reciprocal rank fusion."""

    def __init__(
        self,
        repository: MemoryRepository,
        embedder: Embedder,
        config: SearchConfig,
        ontology: Ontology | None = None,
        *,
        reranker: Reranker | None = None,
    ) -> None:
        self._repository = repository
        self._embedder = embedder
        self._config = config
        self._reranker = reranker
        self._graph = GraphExpander(repository, embedder, ontology)
        self._catalogue = Catalogue(repository, max_dense_bytes=config.dense_cache_mb * 1024 * 1024)

    def search(self, request: SearchRequest) -> SearchResult:
        """Run one search (see README "Search" for the pipeline and its knobs)."""
        # The query embedding (the largest single cost) runs on a worker thread while this one
        # reads the scope's clocks, ranks keywords and embeds the cue words: ONNX Runtime and
        # the store's socket release the GIL, so on two cores the two overlap.
        embedding = embed_in_background(self._embedder, [request.query])
        when = TimeFilter(request.as_of, request.include_history)
        pool = max(request.limit * CANDIDATE_FACTOR, MIN_CANDIDATES)
        # Dense (exact scoped cosine) and keyword (scope BM25) rank the scope's own facts only,
        # with the filters applied before ranking so a selective filter cannot be starved.
        catalogue = self._catalogue.get(request.scope)
        allowed = _filter(request.filters) if request.filters else None
        visible = catalogue.visibility(when, allowed)
        ids = None if allowed is None else [d.id for d in catalogue.docs.values() if visible(d)]
        keyword = catalogue.bm25(request.query, visible, pool)
        walk = (
            self._catalogue.graph(request.scope, catalogue)
            if self._config.graph_in_process and request.hops > 0
            else None
        )
        if request.hops > 0:
            self._graph.embed_cue_words(request.query, walk)
        vector = embedding.result()[0]
        # The dense leg scores the scope's vectors on a worker while this thread walks the
        # graph (numpy's loop releases the GIL); the walk waits for it only when the query
        # names and resembles no entity and the top dense facts' entities seed it instead.
        if self._config.dense_in_process:  # a small scope's table loads here, once, before
            self._catalogue.dense(request.scope, catalogue)  # both threads ask for it
        dense_ranking = in_background(self._dense, request, catalogue, vector, pool, when, ids)
        graph = self._graph.candidates(
            request.scope,
            request.query,
            vector,
            when,
            hops=request.hops,
            fanout=request.fanout,
            extra_seed_facts=lambda: [f for f, _ in dense_ranking.result()[:DENSE_SEED_FACTS]],
            pagerank_weight=self._config.pagerank_weight,
            similarity=self._known_similarity(request, catalogue, vector),
            types_token=(request.scope.key(), catalogue.clocks),
            walk=walk,
        )
        dense = dense_ranking.result()
        graph_ranked = graph.ranked
        if ids is not None:
            kept = set(ids)
            graph_ranked = [fact_id for fact_id in graph_ranked if fact_id in kept]
        rankings = {
            "vector": [fact_id for fact_id, _ in dense],
            "fulltext": [fact_id for fact_id, _ in keyword],
            "graph": graph_ranked[:pool],
        }
        weights = {
            "vector": 1.0,
            "fulltext": self._config.keyword_weight,
            "graph": self._config.graph_weight,
        }
        fused = reciprocal_rank_fusion(rankings, k=self._config.rrf_k, weights=weights)
        if self._config.feedback_weight > 0:  # pseudo-relevance feedback (search/_feedback)
            rankings["feedback"] = feedback_ranking(
                catalogue, fused, request.query, visible, pool, self._config.short_turn_words
            )
            weights["feedback"] = self._config.feedback_weight
            fused = reciprocal_rank_fusion(rankings, k=self._config.rrf_k, weights=weights)
        if self._config.neighbour_weight > 0:  # the turns next to the top hits (search/_feedback)
            rankings["neighbour"] = self._neighbour_leg(request, catalogue, fused, pool)
            weights["neighbour"] = self._config.neighbour_weight
            fused = reciprocal_rank_fusion(rankings, k=self._config.rrf_k, weights=weights)
        asked_by: dict[str, str] = {}  # reply -> the question that lent to it
        if self._config.reply_weight > 0:  # a top question lends score to its reply
            lent = self._reply_leg(request, catalogue, fused, visible, asked_by)
            rankings["reply"] = list(lent)  # past the last fusion: marks sources only
            for fact_id, score in lent.items():
                fused[fact_id] = fused.get(fact_id, 0.0) + score
        if self._config.name_weight > 0:  # top turns lend to turns naming whom they name
            lent = name_scores(
                catalogue,
                fused,
                request.query,
                visible,
                self._config.name_weight,
                self._config.short_turn_words,
                asked_by,
            )
            rankings["name"] = list(lent)
            for fact_id, score in lent.items():
                fused[fact_id] = fused.get(fact_id, 0.0) + score
        _demote_short_turns(fused, catalogue, self._config.short_turn_words)
        ordered = _best_first(fused, catalogue, request.limit * RERANK_FACTOR + 2)
        similarity = dict(dense)
        return self._shape(request, vector, ordered, fused, rankings, graph, similarity)

    def _dense(
        self,
        request: SearchRequest,
        catalogue: ScopeCatalogue,
        vector: list[float],
        pool: int,
        when: TimeFilter,
        ids: list[str] | None,
    ) -> list[tuple[str, float]]:
        """Exact cosine over the scope's visible facts: in process once the scope's vectors
        are loaded (``search/_dense``), else in the store; both order by (similarity, id)."""
        if self._config.dense_in_process:
            table = self._catalogue.dense(request.scope, catalogue)
            if table.ready:
                params = when.params()
                return table.top(
                    vector,
                    pool,
                    as_of=int(params["as_of"]),
                    include_history=bool(params["include_history"]),
                    only=ids,
                )
        return self._repository.exact_vector_facts(request.scope, vector, pool, when, ids)

    def _known_similarity(
        self, request: SearchRequest, catalogue: ScopeCatalogue, vector: list[float]
    ) -> Similarity | None:
        """The query's cosine to facts from the in-process dense table, when it is loaded."""
        if not self._config.dense_in_process:
            return None
        table = self._catalogue.dense(request.scope, catalogue)
        return lambda ids: table.similarities(vector, ids)

    def _shape(
        self,
        request: SearchRequest,
        vector: list[float],
        ordered: Iterator[str],
        fused: dict[str, float],
        rankings: dict[str, list[str]],
        graph: GraphCandidates,
        similarity: dict[str, float],
    ) -> SearchResult:
        members = {name: set(ids) for name, ids in rankings.items()}
        at = request.as_of if request.as_of_given else None
        hits: list[SearchHit] = []
        # Fetch the fused candidates a chunk at a time: usually one small fetch fills `limit`.
        # Filters already ranked only matching facts, so without a threshold a hit is dropped
        # only if deleted since the snapshot: a small margin, not 2x (parsing rows costs ~0.1
        # ms each); a threshold that drops hits pulls bigger chunks.
        wanted = request.limit
        if self._reranker is not None or self._config.mmr_lambda is not None:
            wanted = request.limit * RERANK_FACTOR
        chunk = wanted + 2 if request.threshold is None else max(wanted * 2, 20)
        while batch := list(itertools.islice(ordered, chunk)):
            facts = self._repository.facts_by_ids(batch, request.scope)
            if request.threshold is not None:
                unscored = [f for f in batch if f not in similarity]
                similarity.update(self._repository.score_facts(request.scope, unscored, vector))
            for fact_id in batch:
                if fact_id not in facts:
                    continue
                fact, superseded_by = facts[fact_id]
                if (
                    request.threshold is not None
                    and similarity.get(fact_id, -1.0) < request.threshold
                ):
                    continue
                hits.append(
                    SearchHit(
                        fact=fact,
                        score=round(fused[fact_id], 6),
                        is_current=fact.is_current(at),
                        entities=[name for name in (fact.subject, fact.object) if name],
                        sources=[name for name, ids in members.items() if fact_id in ids],
                        path=graph.paths.get(fact_id, []),
                        superseded_by=superseded_by,
                    )
                )
                if len(hits) >= wanted:
                    break
            if len(hits) >= wanted:
                break
        hits = self._rerank(request, hits)
        hits = self._with_turns(request, hits)
        return SearchResult(
            hits=hits, relations=_relations(hits), entities=sorted(set(graph.seeds.values()))
        )

    def _with_turns(self, request: SearchRequest, hits: list[SearchHit]) -> list[SearchHit]:
        """Bring each raw-turn hit's neighbouring turns along (``context_turns`` each side)."""
        turns = self._config.context_turns
        raw = {
            h.fact.id: h.fact.text
            for h in hits
            if h.fact.predicate is None and "role" in h.fact.metadata
        }
        if turns <= 0 or not raw:
            return hits
        rows = self._repository.turn_episodes(request.scope, list(raw))
        around = neighbouring_turns(rows, raw, turns)
        return [
            hit.model_copy(update={"context": around[hit.fact.id]})
            if hit.fact.id in around
            else hit
            for hit in hits
        ]

    def _neighbour_leg(
        self, request: SearchRequest, catalogue: ScopeCatalogue, fused: dict[str, float], pool: int
    ) -> list[str]:
        docs = catalogue.docs
        top = sorted(fused, key=lambda f: (-fused[f], docs[f].text if f in docs else "", f))
        raw = {f: docs[f].text for f in top[:NEIGHBOUR_HITS] if f in docs and docs[f].turn}
        if not raw:
            return []
        rows = self._repository.turn_episodes(request.scope, list(raw))
        return neighbour_ranking(catalogue, fused, neighbouring_turns(rows, raw, 1), pool)

    def _reply_leg(
        self,
        request: SearchRequest,
        catalogue: ScopeCatalogue,
        fused: dict[str, float],
        visible: Callable[[_Doc], bool],
        asked_by: dict[str, str] | None = None,
    ) -> dict[str, float]:
        """Every candidate raw turn that asks a question lends score to the reply after it."""
        docs = catalogue.docs
        asking = {
            f: docs[f].text for f in fused if f in docs and docs[f].turn and "?" in docs[f].text
        }
        if not asking:
            return {}
        rows = self._repository.turn_episodes(request.scope, list(asking))
        return reply_scores(
            catalogue, fused, replies(rows, asking), visible, self._config.reply_weight, asked_by
        )

    def _rerank(self, request: SearchRequest, hits: list[SearchHit]) -> list[SearchHit]:
        if self._config.mmr_lambda is not None and len(hits) > 1:
            by_id = {hit.fact.id: hit for hit in hits}
            words = {hit.fact.id: _words(hit.fact.text) for hit in hits}
            top = max(hit.score for hit in hits) or 1.0
            chosen = maximal_marginal_relevance(
                list(by_id),
                {fact_id: by_id[fact_id].score / top for fact_id in by_id},
                lambda a, b: _jaccard(words[a], words[b]),
                limit=len(hits),
                lambda_=self._config.mmr_lambda,
            )
            hits = [by_id[fact_id] for fact_id in chosen]
        if self._reranker is not None:
            hits = list(self._reranker(request.query, hits))
        return hits[: request.limit]


def _words(text: str) -> set[str]:
    return set(text.lower().split())


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _relations(hits: list[SearchHit]) -> list[Relation]:
    seen: set[str] = set()
    relations: list[Relation] = []
    for hit in hits:
        fact = hit.fact
        if fact.predicate and fact.subject and fact.object and fact.id not in seen:
            seen.add(fact.id)
            relations.append(
                Relation(
                    source=fact.subject,
                    relationship=fact.predicate,
                    destination=fact.object,
                    fact_id=fact.id,
                    valid_from=fact.valid_from,
                    valid_to=fact.valid_to,
                )
            )
    return relations


def _best_first(fused: dict[str, float], catalogue: ScopeCatalogue, count: int) -> Iterator[str]:
    """The fused candidates best first; equal scores order by text, then id, so the same
    memories rank the same in any store. Only the top ``count`` (and their ties) are sorted
    up front: the name and reply legs can lend to thousands of turns of a large scope, and a
    search usually reads a dozen."""
    docs = catalogue.docs

    def key(fact_id: str) -> tuple[float, str, str]:
        doc = docs.get(fact_id)
        return (-fused[fact_id], doc.text if doc is not None else "", fact_id)

    if len(fused) <= 4 * count:
        yield from sorted(fused, key=key)
        return
    floor = heapq.nlargest(count, fused.values())[-1]
    head = [fact_id for fact_id, score in fused.items() if score >= floor]
    yield from sorted(head, key=key)
    taken = set(head)  # every other candidate scores below the floor
    yield from sorted((f for f in fused if f not in taken), key=key)


def _demote_short_turns(fused: dict[str, float], catalogue: ScopeCatalogue, words: int) -> None:
    """Scale down raw turns with fewer than ``words`` distinct words ("Stay safe!", "lol same"):
    they carry little information but match names and short questions well."""
    if words <= 0:
        return
    for fact_id in fused:
        doc = catalogue.docs.get(fact_id)
        if doc is not None and doc.turn and doc.distinct < words:
            fused[fact_id] *= max(doc.distinct, 1) / words


def _filter(filters: Mapping[str, Any]) -> Callable[[_Doc], bool]:
    """The search filters (predicate, entity, metadata, validity window) as a document test,
    applied to the scope's facts before any leg ranks them."""
    predicate = filters.get("predicate")
    allowed = (
        None
        if predicate is None
        else ({predicate} if isinstance(predicate, str) else set(predicate))
    )
    entity = filters.get("entity")
    entity_key = entity.casefold() if isinstance(entity, str) else None
    metadata = dict(filters.get("metadata") or {})
    after, before = filters.get("valid_after"), filters.get("valid_before")
    after_ms = None if after is None else to_ms(after)
    before_ms = None if before is None else to_ms(before)

    def passes(doc: _Doc) -> bool:
        if allowed is not None and doc.predicate not in allowed:
            return False
        if entity_key is not None and entity_key not in {
            (doc.subject or "").casefold(),
            (doc.object or "").casefold(),
        }:
            return False
        if any(doc.metadata.get(key) != value for key, value in metadata.items()):
            return False
        if after_ms is not None and doc.valid_to is not None and doc.valid_to <= after_ms:
            return False
        return not (
            before_ms is not None and doc.valid_from is not None and doc.valid_from >= before_ms
        )

    return passes
