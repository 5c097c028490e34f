"""Graph views of a scope for analysis, drawing and agents that want to walk (no LLM)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphmem._keys import name_key
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import Relation, Scope

__all__ = ["MAX_GRAPH_EDGES", "neighbors", "scope_graph"]

MAX_GRAPH_EDGES = 100_000


def scope_graph(
    repository: MemoryRepository, scope: Scope, when: TimeFilter, *, limit: int = MAX_GRAPH_EDGES
) -> nx.MultiDiGraph:
    """The scope as a networkx MultiDiGraph: entity nodes (name, type), one edge per typed
    relationship (key = fact id; attributes: type, text, valid_from, valid_to)."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for rel in repository.scope_relations(scope, when, limit):
        graph.add_node(rel.source_id, name=rel.source_name, type=rel.source_type)
        graph.add_node(rel.target_id, name=rel.target_name, type=rel.target_type)
        graph.add_edge(
            rel.source_id,
            rel.target_id,
            key=rel.fact_id,
            type=rel.rel_type,
            text=rel.text,
            valid_from=rel.valid_from,
            valid_to=rel.valid_to,
        )
    return graph


def neighbors(
    repository: MemoryRepository,
    scope: Scope,
    entity: str,
    when: TimeFilter,
    *,
    hops: int,
    fanout: int,
) -> list[Relation]:
    """The relations within ``hops`` of the entity named ``entity`` (name or alias), nearest
    first, at most ``fanout`` per entity and hop."""
    start = repository.entities_named(scope, name_key(entity))
    names: dict[str, Any] = {entity.id: entity.name for entity in start}
    frontier = list(names)
    seen: set[str] = set(frontier)
    found: dict[str, Relation] = {}
    for _ in range(hops):
        edges = repository.expand(scope, frontier, when, fanout)
        next_frontier: list[str] = []
        for edge in edges:
            names[edge.to_id] = edge.to_name
            if edge.fact_id not in found:
                found[edge.fact_id] = _relation(edge, names)
            if edge.to_id not in seen:
                seen.add(edge.to_id)
                next_frontier.append(edge.to_id)
        frontier = next_frontier
        if not frontier:
            break
    return list(found.values())


def _relation(edge: Any, names: dict[str, Any]) -> Relation:
    here = names.get(edge.from_id, edge.from_id)
    source, target = (here, edge.to_name) if edge.outgoing else (edge.to_name, here)
    return Relation(
        source=str(source),
        relationship=edge.rel_type,
        destination=str(target),
        fact_id=edge.fact_id,
    )
