"""A Neo4j store for the conformance suite, or a skip that says why there is none.

Where the Neo4j comes from, in order:

1. ``NEO4J_URI`` (with ``NEO4J_USER``, default ``neo4j``, ``NEO4J_PASSWORD`` and optionally
   ``NEO4J_DATABASE``): a server you run yourself, e.g. ``docker/docker-compose.neo4j.yml``.
   A server that does not answer then fails the tests: you asked for it.
2. A ``neo4j:5.26`` container started with testcontainers when a Docker engine answers a ping.
   It is started once per test session and stopped when the session ends.
3. Otherwise ``pytest.skip("Neo4j: no Docker engine and NEO4J_URI is not set")``.

The store is shared by every test of the session (Neo4j has one database; the ``store`` fixture
empties it around each test). Usage::

    from _neo4j import neo4j_store_or_skip
    store = neo4j_store_or_skip()
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

import pytest

from graphmem.store._neo4j import Neo4jStore

__all__ = ["NEO4J_IMAGE", "neo4j_store_or_skip"]

NEO4J_IMAGE = "neo4j:5.26"
_CONTAINER_PASSWORD = "graphmem-conformance"
_NO_NEO4J = "Neo4j: no Docker engine and NEO4J_URI is not set"

_lock = threading.Lock()
_store: Neo4jStore | None = None
_failure: BaseException | None = None
_docker: bool | None = None  # whether a Docker engine answered (asked once per session)


def neo4j_store_or_skip() -> Neo4jStore:
    """The session's Neo4j store (created on first call), or skip the calling test.

    Raises:
        pytest.skip.Exception: no ``NEO4J_URI`` and no Docker engine.
        RuntimeError: Docker answered but the Neo4j container did not start (every later call
            fails the same way at once instead of retrying the start).
    """
    global _store, _failure, _docker
    with _lock:
        if _store is not None:
            return _store
        if _failure is not None:
            raise RuntimeError(f"the {NEO4J_IMAGE} container did not start") from _failure
        uri = os.environ.get("NEO4J_URI")
        if uri:
            _store = Neo4jStore(
                uri,
                user=os.environ.get("NEO4J_USER") or "neo4j",
                password=os.environ.get("NEO4J_PASSWORD") or None,
                database=os.environ.get("NEO4J_DATABASE") or None,
            )
        else:
            if _docker is None:
                _docker = _docker_answers()
            if not _docker:
                pytest.skip(_NO_NEO4J)
            try:
                _store = _start_container()
            except Exception as exc:
                _failure = exc
                raise RuntimeError(f"the {NEO4J_IMAGE} container did not start: {exc}") from exc
        atexit.register(_store.close)
        return _store


def _docker_answers() -> bool:
    """Whether a Docker engine answers a ping (no engine, no SDK or no permission: False)."""
    try:
        import docker

        client = docker.from_env()
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def _neo4j_container_class() -> Any:
    try:
        from testcontainers.community.neo4j import Neo4jContainer
    except ImportError:  # testcontainers < 4.9 has no community package
        from testcontainers.neo4j import Neo4jContainer
    return Neo4jContainer


def _start_container() -> Neo4jStore:
    container = _neo4j_container_class()(NEO4J_IMAGE, password=_CONTAINER_PASSWORD)
    container.with_env("NEO4J_server_memory_heap_max__size", "512m")
    container.with_env("NEO4J_server_memory_pagecache_size", "256m")
    container.start()  # waits until Bolt answers
    atexit.register(container.stop)
    return Neo4jStore(
        container.get_connection_url(), user=container.username, password=container.password
    )
