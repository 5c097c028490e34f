"""FalkorDB keeps no HNSW index on fact or entity vectors (it rebuilt them on every start), and a
store created by an older graphmem with those indexes is migrated: they are dropped, the AOF is
rewritten so that the next start does not rebuild them, and search still works, scoped."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from graphmem import Memory, MemoryConfig, SchemaError
from graphmem.embed import Embedder
from graphmem.store import EmbeddedFalkorDB, FalkorDBStore

GRAPH = "graphmem"
# What graphmem created before the exact scoped search (cypher/falkordb/schema at that time).
LEGACY = (
    "CREATE VECTOR INDEX FOR (f:Fact) ON (f.embedding) "
    "OPTIONS {dimension: %d, similarityFunction: 'cosine'}",
    "CREATE VECTOR INDEX FOR (n:Entity) ON (n.embedding) "
    "OPTIONS {dimension: %d, similarityFunction: 'cosine'}",
)


def _vector_indexes(socket: str) -> dict[str, int]:
    """label -> dimension of every vector index on ``embedding`` in the graph."""
    client = redis.Redis(unix_socket_path=socket)
    try:
        rows = client.execute_command(
            "GRAPH.QUERY",
            GRAPH,
            "CALL db.indexes() YIELD label, types, options "
            "WHERE 'VECTOR' IN types.embedding "
            "RETURN label, options.embedding.dimension",
        )[1]
    finally:
        client.close()
    return {label.decode(): int(dimension) for label, dimension in rows}


def _create_legacy_indexes(data_dir: Path, dimension: int) -> None:
    server = EmbeddedFalkorDB(data_dir)
    client = redis.Redis(unix_socket_path=server.acquire())
    try:
        for statement in LEGACY:
            client.execute_command("GRAPH.QUERY", GRAPH, statement % dimension)
    finally:
        client.close()
        server.release()


def _memory(data_dir: Path, embedder: Embedder) -> Memory:
    config = MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir)}})
    return Memory(config, embedder=embedder)


def test_a_new_store_has_no_hnsw_index_on_data(tmp_path: Path) -> None:
    store = FalkorDBStore(data_dir=tmp_path, graph=GRAPH)
    try:
        store.bootstrap(384)
        server = EmbeddedFalkorDB(tmp_path)
        # only the dimension marker, on a label that holds no node: nothing to rebuild on start
        assert _vector_indexes(str(server.socket_path)) == {"GraphmemSchema": 384}
    finally:
        store.close()


def test_a_legacy_store_is_migrated_and_reopens_without_rebuilding(
    tmp_path: Path, embedder: Embedder
) -> None:
    memory = _memory(tmp_path, embedder)
    memory.add("Alice moved to Lisbon in 2021.", user_id="alice", infer=False)
    memory.add("Bob keeps bees on his roof in Oslo.", user_id="bob", infer=False)
    memory.close()
    _create_legacy_indexes(tmp_path, embedder.dimension)
    server = EmbeddedFalkorDB(tmp_path)
    assert {"Fact", "Entity"} <= set(_vector_indexes(server.acquire()))
    server.release()

    # The first open migrates; closed right away, before a background rewrite could finish.
    memory = _memory(tmp_path, embedder)
    memory.get_all(user_id="alice", limit=1)
    memory.close()
    # The drop lives in the rewritten RDB base (a shutdown kills a background rewrite), not in
    # a tail that the next start replays after rebuilding the indexes from the old base.
    tails = b"".join(p.read_bytes() for p in (tmp_path / "appendonlydir").glob("*.incr.aof"))
    assert b"VECTOR INDEX" not in tails
    reopened = EmbeddedFalkorDB(tmp_path)
    try:
        assert _vector_indexes(reopened.acquire()) == {"GraphmemSchema": embedder.dimension}
    finally:
        reopened.release()

    memory = _memory(tmp_path, embedder)
    try:
        hits = memory.search("Where does Alice live?", user_id="alice").hits
        assert [hit.fact.text for hit in hits] == ["Alice moved to Lisbon in 2021."]
        assert memory.search("Who keeps bees?", user_id="alice").hits[0].fact.user_id == "alice"
    finally:
        memory.close()


def test_a_legacy_index_of_another_dimension_is_refused_and_kept(tmp_path: Path) -> None:
    _create_legacy_indexes(tmp_path, 512)
    store = FalkorDBStore(data_dir=tmp_path, graph=GRAPH)
    try:
        with pytest.raises(SchemaError, match=r"512.*384"):
            store.bootstrap(384)
        server = EmbeddedFalkorDB(tmp_path)
        assert _vector_indexes(str(server.socket_path)) == {"Fact": 512, "Entity": 512}
    finally:
        store.close()
