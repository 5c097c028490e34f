"""Work off the caller's thread, so the caller can do other work meanwhile.

ONNX Runtime (and torch), numpy's large loops and a database socket all release the GIL: a
search reads the store and ranks keywords while its query is embedded, and walks the graph
while the dense leg scores the scope's vectors; an ``add`` resolves entities and reads
candidate facts while its facts are embedded. On two cores the two overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["MAX_WORKERS", "in_background"]

P = ParamSpec("P")
T = TypeVar("T")

MAX_WORKERS = 32
"""Threads are started only when all running ones are busy, so concurrent callers do not
queue behind one another until this many tasks run at once."""

_WORKERS: ThreadPoolExecutor | None = None
_WORKERS_LOCK = threading.Lock()


def _workers() -> ThreadPoolExecutor:
    global _WORKERS
    if _WORKERS is None:
        with _WORKERS_LOCK:
            if _WORKERS is None:
                _WORKERS = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="graphmem-worker")
    return _WORKERS


def in_background(task: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """Start ``task(*args, **kwargs)`` on a shared worker thread; ``.result()`` returns its
    value or raises what it raised."""
    return _workers().submit(task, *args, **kwargs)
