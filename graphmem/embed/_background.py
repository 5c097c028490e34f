"""Embedding off the caller's thread, so the caller can do other work meanwhile.

ONNX Runtime (and torch) release the GIL while they compute, and so does a database socket:
a search reads the store and ranks keywords while its query is embedded; an ``add`` resolves
entities and reads candidate facts while its facts are embedded. On two cores the two overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from graphmem.embed._base import Embedder

__all__ = ["embed_in_background"]

_WORKERS: ThreadPoolExecutor | None = None
_WORKERS_LOCK = threading.Lock()
MAX_WORKERS = 32
"""Threads are started only when all running ones are busy, so concurrent callers do not
queue behind one another until this many embed at once."""


def _workers() -> ThreadPoolExecutor:
    global _WORKERS
    if _WORKERS is None:
        with _WORKERS_LOCK:
            if _WORKERS is None:
                _WORKERS = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="graphmem-embed")
    return _WORKERS


def embed_in_background(embedder: Embedder, texts: Sequence[str]) -> Future[list[list[float]]]:
    """Start embedding ``texts`` on a shared worker thread; ``.result()`` returns the vectors
    or raises what ``embedder.embed`` raised (an ``EmbeddingError`` for the default one)."""
    return _workers().submit(embedder.embed, list(texts))
