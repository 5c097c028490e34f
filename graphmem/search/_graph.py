"""Graph candidates for a query: seed entities, bounded expansion, query-aware path scores.

No LLM: relevance of a hop is the similarity between the query and the relationship type read
as words with its ontology description ("MANAGED_BY" -> "managed by: manager or boss someone
reports to"), computed with the local embedder and cached.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from graphmem._keys import keyword_terms
from graphmem._ontology import DEFAULT_ONTOLOGY, Ontology
from graphmem.embed import Embedder
from graphmem.search._entities import named_in
from graphmem.search._fusion import personalized_pagerank
from graphmem.store._repository import ExpansionEdge, MemoryRepository, TimeFilter
from graphmem.types import PathStep, Scope

__all__ = ["GraphCandidates", "GraphExpander", "GraphWalk", "Similarity"]

Similarity = Callable[[Sequence[str]], Mapping[str, float]]
"""The query's cosine to the given facts, for those it knows."""

SEED_LIMIT = 5
# Seed weight of an entity that shares words with the query without being named in full.
PARTIAL_NAME_WEIGHT = 0.6
ENTITY_SIMILARITY_FLOOR = 0.55
FRONTIER_LIMIT = 20
MIN_FANOUT = 4
# Similarity of unrelated short phrases under MiniLM sits near this; only the excess counts.
RELEVANCE_BASELINE = 0.15
HOP_PENALTY = 0.10
# Weight of the candidate's text similarity to the query in its graph score, and how many
# of the best path-scored candidates get it.
TEXT_SIMILARITY_WEIGHT = 0.4
TEXT_SIMILARITY_CANDIDATES = 150
# A single query word against a relationship phrase: unrelated pairs sit below this.
CUE_BASELINE = 0.35
MAX_CUES = 8
WORD_CACHE = 50_000
TYPE_CACHE = 256
# A relationship type met again on one path counts this much ("manager of X's manager").
REPEATED_TYPE_FACTOR = 0.5


class GraphWalk(Protocol):
    """Where expansion reads the scope's entities and links: the store's queries
    (``search/fulltext_entities``, ``search/vector_entities``, ``search/expand``,
    ``search/entity_facts``) or the same in process (``search/_links.ScopeGraph``)."""

    def entities_named(self, query: str, limit: int) -> list[tuple[str, str, bool]]:
        """Entities whose name or alias shares words with the query: (id, name, named in
        full), best first."""
        ...

    def entities_similar(self, vector: Sequence[float], limit: int) -> list[tuple[str, str, float]]:
        """Entities whose name vector is nearest the query's: (id, name, cosine)."""
        ...

    def expand(
        self,
        entity_ids: Sequence[str],
        when: TimeFilter,
        fanout: int,
        weights: Mapping[str, float] | None = None,
    ) -> list[ExpansionEdge]:
        """One hop of typed relationships, at most ``fanout`` per entity, best types first."""
        ...

    def entity_facts(
        self, entity_ids: Sequence[str], when: TimeFilter, fanout: int
    ) -> list[tuple[str, str]]:
        """(entity id, fact id) of facts about the entities, newest first, ``fanout`` each."""
        ...


@dataclass(frozen=True)
class _StoreWalk:
    repository: MemoryRepository
    scope: Scope

    def entities_named(self, query: str, limit: int) -> list[tuple[str, str, bool]]:
        return [
            (entity_id, name, named_in(query, (name, *aliases)))
            for entity_id, name, aliases, _ in self.repository.fulltext_entities(
                self.scope, query, limit
            )
        ]

    def entities_similar(self, vector: Sequence[float], limit: int) -> list[tuple[str, str, float]]:
        return self.repository.vector_entities(self.scope, vector, limit)

    def expand(
        self,
        entity_ids: Sequence[str],
        when: TimeFilter,
        fanout: int,
        weights: Mapping[str, float] | None = None,
    ) -> list[ExpansionEdge]:
        return self.repository.expand(self.scope, entity_ids, when, fanout, weights)

    def entity_facts(
        self, entity_ids: Sequence[str], when: TimeFilter, fanout: int
    ) -> list[tuple[str, str]]:
        return self.repository.entity_facts(self.scope, entity_ids, when, fanout)


_RawStep = tuple[str, str, str, bool]
"""(from name, relationship type, to name, followed forwards): a PathStep not built yet."""


class _Paths(Mapping[str, list[PathStep]]):
    """Fact id -> the path that reached it, as PathStep models built on first read: a search
    meets hundreds of edges but shows the paths of ``limit`` hits."""

    def __init__(self) -> None:
        self.raw: dict[str, tuple[_RawStep, ...]] = {}

    def __getitem__(self, fact_id: str) -> list[PathStep]:
        return [_step(*raw) for raw in self.raw[fact_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


@dataclass
class GraphCandidates:
    """Facts reached through the graph, best first, with the path that reached each."""

    ranked: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    paths: _Paths = field(default_factory=_Paths)
    seeds: dict[str, str] = field(default_factory=dict)
    endpoints: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Reach:
    """The best path found to an entity, and its score.

    score = seed weight + the relevance of each relationship type on the path (a type met again
    counts REPEATED_TYPE_FACTOR of it) - HOP_PENALTY per hop, so a longer path wins only when
    its extra hops are about the query ("where does Alice's manager live": MANAGED_BY, LIVES_IN).
    """

    path: tuple[_RawStep, ...]
    score: float
    entities: tuple[str, ...] = ()
    types: frozenset[str] = frozenset()
    arrived_by: tuple[str, bool] | None = None
    """The type of the last hop and whether it was followed forwards."""

    def extend(
        self, edge: ExpansionEdge, gain: float, names: dict[str, str], symmetric: bool
    ) -> _Reach:
        step = (names.get(edge.from_id, "?"), edge.rel_type, edge.to_name, edge.outgoing)
        added = gain * REPEATED_TYPE_FACTOR if edge.rel_type in self.types else gain
        if not symmetric and self.arrived_by == (edge.rel_type, True) and not edge.outgoing:
            # In through LIVES_IN, back out through another LIVES_IN: "someone else who lives
            # there" is a co-membership detour, almost never what a question asks for.
            added = -HOP_PENALTY
        types = self.types if edge.rel_type in self.types else self.types | {edge.rel_type}
        return _Reach(
            (*self.path, step),
            self.score + added - HOP_PENALTY,
            (*self.entities, edge.to_id),
            types,
            (edge.rel_type, edge.outgoing),
        )


class GraphExpander:
    """Finds facts near the query's entities in the graph."""

    def __init__(
        self, repository: MemoryRepository, embedder: Embedder, ontology: Ontology | None = None
    ) -> None:
        self._repository = repository
        self._embedder = embedder
        self._ontology = ontology or DEFAULT_ONTOLOGY
        self._phrase_vectors: dict[str, list[float]] = {}
        self._phrase_matrices: dict[tuple[str, ...], npt.NDArray[np.float32]] = {}
        self._types_by_token: dict[object, list[str]] = {}
        self._word_vectors: dict[str, list[float]] = {}

    def candidates(
        self,
        scope: Scope,
        query: str,
        vector: Sequence[float],
        when: TimeFilter,
        *,
        hops: int,
        fanout: int,
        extra_seed_facts: Callable[[], Sequence[str]] | None = None,
        pagerank_weight: float = 1.0,
        similarity: Similarity | None = None,
        types_token: object = None,
        walk: GraphWalk | None = None,
    ) -> GraphCandidates:
        """Expand ``hops`` hops from the query's seed entities and score the facts met.
        ``similarity`` gives the query's cosine to facts by id where it knows them (the
        in-process dense table); the store scores the rest. ``types_token`` (the scope's
        write clocks) reuses the relationship types read when it was last seen: a type the
        scope holds was written there, which moved a clock. ``walk`` reads the links (default:
        the store's queries). ``extra_seed_facts`` is called (the dense leg may still be
        running) only when the query names and resembles no entity: those facts' entities
        seed the walk then."""
        walk = walk or _StoreWalk(self._repository, scope)
        result = GraphCandidates()
        if hops <= 0:
            return result  # no expansion: the seed queries would be wasted
        seeds = self._seeds(walk, scope, query, vector, extra_seed_facts)
        if not seeds:
            return result
        result.seeds = {entity_id: name for entity_id, (name, _) in seeds.items()}
        names = dict(result.seeds)
        reach: dict[str, _Reach] = {
            eid: _Reach((), weight, entities=(eid,)) for eid, (_, weight) in seeds.items()
        }
        fact_scores: dict[str, float] = {}
        edges_for_rank: list[tuple[str, str, float]] = []
        frontier = list(seeds)
        cues = self._cue_vectors(query, seeds)
        relevance = self._relevance(self._relationship_types(types_token), vector, cues)
        symmetric_types: dict[str, bool] = {}
        for hop in range(hops):
            # Deeper hops keep fewer (the most query-relevant) edges per entity.
            hop_fanout = max(MIN_FANOUT, fanout >> hop)
            edges = walk.expand(frontier, when, hop_fanout, relevance)
            unseen = {edge.rel_type for edge in edges} - relevance.keys()
            if unseen:  # a type's relevance depends on the query only: computed once
                relevance.update(self._relevance(sorted(unseen), vector, cues))
            improved: set[str] = set()
            for edge in edges:
                names.setdefault(edge.to_id, edge.to_name)
                origin = reach[edge.from_id]
                if edge.to_id in origin.entities or len(origin.path) >= hops:
                    continue  # simple paths of at most `hops` steps
                gain = relevance[edge.rel_type]
                symmetric = symmetric_types.get(edge.rel_type)
                if symmetric is None:
                    symmetric = symmetric_types[edge.rel_type] = self._ontology.is_symmetric(
                        edge.rel_type
                    )
                extended = origin.extend(edge, gain, names, symmetric)
                edges_for_rank.append((edge.from_id, edge.to_id, 0.05 + gain))
                if extended.score > fact_scores.get(edge.fact_id, -math.inf):
                    fact_scores[edge.fact_id] = extended.score
                    result.paths.raw[edge.fact_id] = extended.path
                    result.endpoints[edge.fact_id] = edge.to_id
                known = reach.get(edge.to_id)
                if known is None or extended.score > known.score:
                    reach[edge.to_id] = extended
                    improved.add(edge.to_id)
            frontier = sorted(improved, key=lambda e: -reach[e].score)[:FRONTIER_LIMIT]
            if not frontier:
                break
        self._add_unary_facts(walk, seeds, when, fanout, fact_scores, reach)
        self._apply_pagerank(fact_scores, result, edges_for_rank, seeds, pagerank_weight)
        self._add_text_similarity(scope, vector, fact_scores, similarity)
        result.scores = fact_scores
        result.ranked = sorted(fact_scores, key=lambda f: -fact_scores[f])
        return result

    def _relationship_types(self, token: object) -> list[str]:
        if token is not None:
            cached = self._types_by_token.get(token)
            if cached is not None:
                return cached
        types = self._repository.relationship_types()
        if token is not None:
            if len(self._types_by_token) >= TYPE_CACHE:
                self._types_by_token.clear()
            self._types_by_token[token] = types
        return types

    # -- steps -----------------------------------------------------------------------------
    def _seeds(
        self,
        walk: GraphWalk,
        scope: Scope,
        query: str,
        vector: Sequence[float],
        extra_seed_facts: Callable[[], Sequence[str]] | None,
    ) -> dict[str, tuple[str, float]]:
        seeds: dict[str, tuple[str, float]] = {}
        for entity_id, name, named in walk.entities_named(query, SEED_LIMIT):
            # "Jamal Foster's partner" names Jamal Foster; Kenji Foster only shares a word.
            seeds[entity_id] = (name, 1.0 if named else PARTIAL_NAME_WEIGHT)
        for entity_id, name, similarity in walk.entities_similar(vector, SEED_LIMIT):
            if similarity >= ENTITY_SIMILARITY_FLOOR:
                seeds.setdefault(entity_id, (name, similarity))
        fact_ids = extra_seed_facts() if extra_seed_facts is not None and not seeds else []
        if fact_ids:
            for about in self._repository.fact_entities(scope, fact_ids):
                seeds.setdefault(about.entity_id, (about.name, 0.5))
        return seeds

    def _add_unary_facts(
        self,
        walk: GraphWalk,
        seeds: dict[str, tuple[str, float]],
        when: TimeFilter,
        fanout: int,
        fact_scores: dict[str, float],
        reach: dict[str, _Reach],
    ) -> None:
        # Facts about the seeds themselves ("Alice is vegetarian") count as zero-hop hits.
        for entity_id, fact_id in walk.entity_facts(list(seeds), when, fanout):
            score = reach[entity_id].score - HOP_PENALTY if entity_id in reach else 0.0
            fact_scores.setdefault(fact_id, score)

    def _add_text_similarity(
        self,
        scope: Scope,
        vector: Sequence[float],
        fact_scores: dict[str, float],
        known: Similarity | None = None,
    ) -> None:
        """Blend in how well each candidate's own text matches the query.

        A path says why a fact is near the query's entities, not whether it answers: "What
        should I cook for Ana?" reaches all of Ana's facts at one hop, and only the text tells
        "Ana is vegetarian" from "Ana lives in Oslo". Scored in the database for the best
        candidates only (their similarity from ``known`` where it has them).

        Not done, measured: letting a fact reached through others take the best similarity on
        its path lifted 2-hop recall@1 from 0.20 to 0.36 in the quality world, but cost 11
        points of single-fact answer-in-top-10 at 10k facts in the scale world (0.92 -> 0.81):
        lent similarity lifts every fact one relevant hop past the answer.
        """
        if TEXT_SIMILARITY_WEIGHT <= 0 or not fact_scores:
            return
        best = sorted(fact_scores, key=lambda f: -fact_scores[f])[:TEXT_SIMILARITY_CANDIDATES]
        similarity = dict(known(best)) if known is not None else {}
        missing = [fact_id for fact_id in best if fact_id not in similarity]
        if missing:
            similarity.update(self._repository.score_facts(scope, missing, vector))
        for fact_id in best:
            if fact_id in similarity:
                fact_scores[fact_id] += TEXT_SIMILARITY_WEIGHT * similarity[fact_id]

    def _apply_pagerank(
        self,
        fact_scores: dict[str, float],
        result: GraphCandidates,
        edges: list[tuple[str, str, float]],
        seeds: dict[str, tuple[str, float]],
        weight: float,
    ) -> None:
        if weight <= 0 or not edges:
            return
        ranks = personalized_pagerank(edges, {e: w for e, (_, w) in seeds.items()})
        if not ranks:
            return
        top = max(ranks.values()) or 1.0
        # The centrality of the entity a path ends at nudges its fact; the path score leads.
        for fact_id, entity_id in result.endpoints.items():
            fact_scores[fact_id] += 0.1 * weight * ranks.get(entity_id, 0.0) / top

    def embed_cue_words(self, query: str, walk: GraphWalk | None = None) -> None:
        """Embed and cache the query's content words not cached yet, except the words of the
        entities the query names (``walk``'s name match: they seed the walk and are no cues).

        The searcher calls this while the query itself is embedded on a worker thread: in one
        batch with the query, each word was padded to the query's length (a query and three
        words cost 26 ms against 8 for the query alone). ``_cue_vectors`` embeds any cue word
        still missing, so this only moves work earlier."""
        names: set[str] = set()
        if walk is not None:
            for _, name, _ in walk.entities_named(query, SEED_LIMIT):
                names.update(keyword_terms(name))
        missing = [
            w
            for w in keyword_terms(query)[:MAX_CUES]
            if w not in names and w not in self._word_vectors
        ]
        if missing:
            self.remember_cue_words(missing, self._embedder.embed(missing))

    def clear_cache(self) -> None:
        """Forget cached cue-word vectors (benchmarks timing a query's words as new)."""
        self._word_vectors.clear()

    def remember_cue_words(self, words: Sequence[str], vectors: Sequence[list[float]]) -> None:
        """Cache the embeddings of cue words."""
        if len(self._word_vectors) > WORD_CACHE:
            self._word_vectors.clear()
        self._word_vectors.update(zip(words, vectors))

    def _cue_vectors(self, query: str, seeds: dict[str, tuple[str, float]]) -> list[list[float]]:
        """Embeddings of the query's content words that are not names ("manager", "sister")."""
        names = {w for name, _ in seeds.values() for w in keyword_terms(name)}
        words = [w for w in keyword_terms(query)[:MAX_CUES] if w not in names]
        missing = [w for w in words if w not in self._word_vectors]
        if missing:
            self.remember_cue_words(missing, self._embedder.embed(missing))
        return [self._word_vectors[w] for w in words]

    def _relevance(
        self,
        rel_types: Sequence[str],
        vector: Sequence[float],
        cues: Sequence[Sequence[float]] = (),
    ) -> dict[str, float]:
        """How much each relationship type is what the query asks about.

        The larger of: the whole query against the type's phrase, and the best single cue word
        against it (single words discriminate sharply: "sister" ~ SIBLING_OF 0.63, ~ WORKS_AT
        0.11), each above its own baseline.
        """
        missing = sorted({t for t in rel_types if t not in self._phrase_vectors})
        if missing:
            for rel_type, phrase_vector in zip(
                missing, self._embedder.embed([self._ontology.phrase(t) for t in missing])
            ):
                self._phrase_vectors[rel_type] = phrase_vector
        types = tuple(sorted(set(rel_types)))
        if not types:
            return {}
        phrases = self._phrase_matrices.get(types)
        if phrases is None:
            if len(self._phrase_matrices) >= TYPE_CACHE:
                self._phrase_matrices.clear()
            phrases = np.asarray([self._phrase_vectors[t] for t in types], dtype=np.float32)
            self._phrase_matrices[types] = phrases
        whole = phrases @ np.asarray(vector, dtype=np.float32) - RELEVANCE_BASELINE
        if cues:
            best_cue = (phrases @ np.asarray(cues, dtype=np.float32).T).max(axis=1)
            whole = np.maximum(whole, best_cue - CUE_BASELINE)
        return dict(zip(types, np.maximum(whole, 0.0).tolist()))


def _step(source: str, rel_type: str, target: str, outgoing: bool) -> PathStep:
    if outgoing:
        return PathStep(source=source, relationship=rel_type, destination=target)
    return PathStep(source=target, relationship=rel_type, destination=source)
