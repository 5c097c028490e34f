"""Graph stores: embedded FalkorDB (default), a FalkorDB server, or Neo4j 5.18+."""

from __future__ import annotations

from graphmem.config import GraphStoreConfig
from graphmem.errors import ConfigError
from graphmem.store._base import Dialect, GraphStore
from graphmem.store._embedded import EmbeddedFalkorDB
from graphmem.store._falkordb import FalkorDBStore

__all__ = ["Dialect", "EmbeddedFalkorDB", "FalkorDBStore", "GraphStore", "create_store"]


def create_store(config: GraphStoreConfig) -> GraphStore:
    """The store a configuration names (no I/O until first use).

    Raises:
        ConfigError: Neo4j without a URI.
    """
    if config.provider == "neo4j":
        if not config.uri:
            raise ConfigError("graph_store.uri (or GRAPHMEM_NEO4J_URI) is required for Neo4j")
        from graphmem.store._neo4j import Neo4jStore

        return Neo4jStore(
            uri=config.uri, user=config.user, password=config.password, database=config.database
        )
    return FalkorDBStore(
        data_dir=config.data_dir, url=config.url, graph=config.graph, vector_log=config.vector_log
    )
