"""How the embedded server persists: AOF settings, compaction into an RDB base, and spotting a
damaged AOF that redis loaded anyway.

Reopen time: replaying AOF commands (every graph query) is slow, loading the RDB base is fast.
The AOF is rewritten into a fresh RDB base (``BGREWRITEAOF``) in the background as it grows
(``auto-aof-rewrite-min-size 8mb``, ``-percentage 100``), before the last clean shutdown when the
incremental file holds more than ``COMPACT_BYTES``, and on request (:func:`rewrite_aof`,
e.g. after a schema change), so the next open loads an RDB.
"""

from __future__ import annotations

import contextlib
import logging
import time

import redis

from graphmem.store._embedded._files import file_size, list_dir
from graphmem.store._embedded._layout import Layout
from graphmem.store._embedded._probe import client

__all__ = ["AOF_ARGS", "COMPACT_BYTES", "compact_aof", "rewrite_aof", "truncation_lines"]

_log = logging.getLogger("graphmem.store._embedded")

# redis-server arguments: AOF with an RDB preamble, fsync every second, no RDB snapshots.
AOF_ARGS = (
    "--appendonly", "yes",
    "--appendfsync", "everysec",
    "--save", "",
    "--aof-use-rdb-preamble", "yes",
    "--auto-aof-rewrite-min-size", "8mb",
    "--auto-aof-rewrite-percentage", "100",
)  # fmt: skip
COMPACT_BYTES = 1024 * 1024  # incremental AOF bytes above which a clean shutdown rewrites it
_COMPACT_TIMEOUT = 300.0
_AOF_TRUNCATED_MARKERS = ("short read while loading the AOF", "loaded anyway because aof-load")


def truncation_lines(log_lines: list[str]) -> list[str]:
    """The server log lines saying that a damaged AOF's torn tail was dropped."""
    return [ln for ln in log_lines if any(m in ln for m in _AOF_TRUNCATED_MARKERS)]


def rewrite_aof(layout: Layout) -> str | None:
    """Rewrite the AOF into a fresh RDB base and wait until it is done (at most 5 minutes).

    A SHUTDOWN kills a rewrite in progress, so callers that need the new base on disk wait.
    Best effort: a failure only costs reopen time, so it is logged, never raised.

    Returns:
        redis's ``aof_last_bgrewrite_status`` ("ok"), or ``None`` if the server did not answer.
    """
    started = time.monotonic()
    try:
        with client(layout.socket) as conn:
            with contextlib.suppress(redis.ResponseError):  # "already in progress" is fine
                conn.execute_command("BGREWRITEAOF")
            deadline = started + _COMPACT_TIMEOUT
            while time.monotonic() < deadline:
                info = conn.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get(
                    "aof_rewrite_scheduled"
                ):
                    break
                time.sleep(0.05)
            status = str(conn.info("persistence").get("aof_last_bgrewrite_status"))
    except (redis.RedisError, OSError) as exc:
        _log.warning("could not rewrite the FalkorDB AOF: %s", exc)
        return None
    _log.info("rewrote the AOF in %.0f ms (status %s)", 1000 * (time.monotonic() - started), status)
    return status


def compact_aof(layout: Layout) -> None:
    """Before a clean shutdown: rewrite a large incremental AOF into an RDB base so that the
    next open loads fast (nothing to do when the tail is small)."""
    aof_dir = layout.root / "appendonlydir"
    incremental = sum(file_size(p) for p in list_dir(aof_dir) if ".incr." in p.name)
    if incremental > COMPACT_BYTES:
        _log.info("compacting %d bytes of incremental AOF before shutdown", incremental)
        rewrite_aof(layout)
