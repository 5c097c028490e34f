"""``cypher/common/`` holds only statements FalkorDB accepts unchanged (and Neo4j's linter,
``tests/unit/test_neo4j_dialect.py``, checks every one of them for Neo4j).

Each common statement (each write fragment as the one-fragment statement the store composes)
is planned by a real embedded FalkorDB with ``GRAPH.EXPLAIN``: parsing, name resolution and
planning, on a bootstrapped graph, without running it. The check is shown to have teeth on
Neo4j-only procedure calls of ``cypher/neo4j/``, which FalkorDB must refuse. (Some dialect
files parse on both but mean different things, e.g. a vector stored without ``vecf32``: the
planner cannot see that, so such files stay dialect-specific by review.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from graphmem.store import FalkorDBStore
from graphmem.store._queries import QueryCatalog, Segment, query_catalog

FALKORDB = query_catalog("falkordb")
NEO4J = query_catalog("neo4j")
SCOPE_FIELDS = ("user_id", "agent_id", "run_id")
IDENTIFIERS = {"label": "Person", "rel_type": "LIVES_IN"}
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
INTEGER_PARAMS = {"limit": 10, "skip": 0, "k": 10, "fanout": 5}  # SKIP, LIMIT, procedure args


def _statements(catalog: QueryCatalog, name: str) -> list[str]:
    if name.startswith("write/"):
        return [catalog.compose([Segment(name, [{}], IDENTIFIERS)])[0]]
    text = catalog.render(name, scope_fields=SCOPE_FIELDS, identifiers=IDENTIFIERS)
    return [part.strip() for part in text.split(";") if part.strip()]


def _explain(store: FalkorDBStore, statement: str) -> None:
    params: dict[str, Any] = {p: INTEGER_PARAMS.get(p) for p in PARAM.findall(statement)}
    params.update({f"s{i}": [] for i in range(8)})  # composed fragments read $s<i>
    store._connect().explain(statement, params)


@pytest.fixture
def store_planner(store_factory: Callable[..., FalkorDBStore]) -> Callable[[str], None]:
    store = store_factory()
    store.bootstrap(384)
    return lambda statement: _explain(store, statement)


def test_the_common_folder_is_not_empty() -> None:
    assert {"facts/get", "write/fact_create", "search/expand"} <= FALKORDB.common_names


def test_every_common_statement_is_planned_by_falkordb(
    store_planner: Callable[[str], None],
) -> None:
    planned = 0
    for name in sorted(FALKORDB.common_names):
        for statement in _statements(FALKORDB, name):
            store_planner(statement)  # raises a ResponseError if FalkorDB refuses it
            planned += 1
    assert planned >= len(FALKORDB.common_names)


@pytest.mark.parametrize(
    "name", ["search/vector_facts", "search/score_facts", "search/fulltext_facts"]
)
def test_the_planner_refuses_neo4j_only_variants(
    store_planner: Callable[[str], None], name: str
) -> None:
    assert name in NEO4J.dialect_names
    with pytest.raises(Exception, match=r"(?i)unknown|not|invalid|error"):
        for statement in _statements(NEO4J, name):
            store_planner(statement)
