"""The ``store`` fixture the conformance suite runs on: every backend, one suite.

* ``falkordb``: always; a fresh graph on the session's embedded server for every test.
* ``neo4j``: through ``neo4j_store_or_skip()`` of ``tests/conformance/_neo4j.py``, which skips
  with its own reason when no Neo4j is reachable. Neo4j has one database, so the fixture empties
  it before and after each test instead of using a fresh graph.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from graphmem.store import GraphStore

_NEO4J_HELPER = Path(__file__).with_name("_neo4j.py")


def _neo4j_helper() -> ModuleType | None:
    """The Neo4j helper module, imported lazily (reusing a copy pytest already imported)."""
    if not _NEO4J_HELPER.is_file():
        return None
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == str(_NEO4J_HELPER):
            return module
    spec = importlib.util.spec_from_file_location("graphmem_conformance_neo4j", _NEO4J_HELPER)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(
    request: pytest.FixtureRequest, store_factory: Callable[..., Any]
) -> Iterator[GraphStore]:
    """A store on an empty graph, not yet bootstrapped."""
    if request.param == "falkordb":
        yield store_factory()
        return
    helper = _neo4j_helper()
    if helper is None:  # the helper ships with the suite; its absence is a broken checkout
        raise RuntimeError(f"missing {_NEO4J_HELPER}")
    neo4j_store: GraphStore = helper.neo4j_store_or_skip()
    neo4j_store.run("admin/reset")
    try:
        yield neo4j_store
    finally:
        neo4j_store.run("admin/reset")
