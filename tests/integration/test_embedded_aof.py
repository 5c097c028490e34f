"""Embedded server persistence: a damaged AOF is reported, a big AOF is compacted on shutdown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import redis

from graphmem.store import EmbeddedFalkorDB
from graphmem.store._embedded import _persistence


def _write(socket: str, count: int) -> None:
    client = redis.Redis(unix_socket_path=socket)
    try:
        for i in range(count):
            client.execute_command("GRAPH.QUERY", "g", f"CREATE (:P {{i: {i}, t: 'text {i}'}})")
    finally:
        client.close()


def _count(socket: str) -> int:
    client = redis.Redis(unix_socket_path=socket)
    try:
        return int(
            client.execute_command("GRAPH.QUERY", "g", "MATCH (p:P) RETURN count(p)")[1][0][0]
        )
    finally:
        client.close()


def _incremental(data_dir: Path) -> Path:
    (path,) = (data_dir / "appendonlydir").glob("*.incr.aof")
    return path


def test_clean_reopen_reports_nothing(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    _write(server.acquire(), 20)
    server.release()
    reopened = EmbeddedFalkorDB(tmp_path)
    try:
        assert _count(reopened.acquire()) == 20
        assert reopened.aof_truncated is False
        assert reopened.startup_warnings == []
    finally:
        reopened.release()


def test_truncated_aof_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    _write(server.acquire(), 20)
    server.release()
    aof = _incremental(tmp_path)
    size = aof.stat().st_size
    with aof.open("r+b") as handle:  # a torn write: the last command is cut in half
        handle.truncate(size - 20)
    reopened = EmbeddedFalkorDB(tmp_path)
    try:
        with caplog.at_level(logging.WARNING, logger="graphmem"):
            socket = reopened.acquire()
        assert _count(socket) == 19  # the torn command is lost...
        assert reopened.aof_truncated is True  # ...and the user is told
        assert reopened.startup_warnings
        assert any("damaged append-only file" in r.getMessage() for r in caplog.records)
    finally:
        reopened.release()


def test_shutdown_compacts_a_large_aof(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_persistence, "COMPACT_BYTES", 1)
    server = EmbeddedFalkorDB(tmp_path)
    _write(server.acquire(), 50)
    assert _incremental(tmp_path).stat().st_size > 1
    server.release()
    # the commands now live in the RDB base; the next open replays no graph query
    assert _incremental(tmp_path).stat().st_size == 0
    reopened = EmbeddedFalkorDB(tmp_path)
    try:
        assert _count(reopened.acquire()) == 50
    finally:
        reopened.release()


def test_compact_returns_once_the_new_base_is_written(tmp_path: Path) -> None:
    # The migration of old vector indexes relies on it: a SHUTDOWN kills a rewrite in progress.
    server = EmbeddedFalkorDB(tmp_path)
    socket = server.acquire()
    try:
        _write(socket, 200)
        client = redis.Redis(unix_socket_path=socket)
        try:
            before = int(client.info("persistence")["aof_rewrites"])
            server.compact()
            info = client.info("persistence")
        finally:
            client.close()
        assert int(info["aof_rewrites"]) == before + 1
        assert info["aof_rewrite_in_progress"] == 0
        assert info["aof_last_bgrewrite_status"] == "ok"
        assert _incremental(tmp_path).stat().st_size == 0  # everything is in the new base
    finally:
        server.release()
