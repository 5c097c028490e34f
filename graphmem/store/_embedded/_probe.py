"""Asking the server on a socket who it is and whether it is ready (no retries, short timeouts)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

__all__ = ["client", "ping", "probe"]

_PROBE_TIMEOUT = 2.0


def client(socket: Path) -> redis.Redis:
    """A redis client on ``socket`` that fails fast."""
    # redis-py 8 retries a failed connect 10 times with backoff (~4 s); probes must not.
    return redis.Redis(
        unix_socket_path=str(socket),
        socket_timeout=_PROBE_TIMEOUT,
        socket_connect_timeout=_PROBE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


def probe(socket: Path) -> int | None:
    """The pid of the server answering ``INFO`` on ``socket`` (works while loading), or None."""
    if not socket.exists():
        return None
    try:
        with client(socket) as conn:
            return int(conn.info("server")["process_id"])
    except (redis.RedisError, OSError, KeyError, ValueError):
        return None


def ping(socket: Path) -> Literal["ready", "busy", "down"]:
    """Whether the server on ``socket`` answers PING, is busy loading its AOF, or is down."""
    if not socket.exists():
        return "down"
    try:
        with client(socket) as conn:
            conn.ping()
    except (redis.BusyLoadingError, redis.TimeoutError):
        return "busy"
    except (redis.RedisError, OSError):
        return "down"
    return "ready"
