"""The dense leg in process: one scope's fact embeddings as a float32 matrix, ranked with numpy.

The store's exact scoped cosine (``search/vector_facts_exact``) costs ~20 ms at 10k facts on
FalkorDB, most of it per-row distance and validity checks; a matrix product over the same
vectors takes ~1.5 ms. The table is kept per scope beside the search catalogue and updated with
it: changed facts' vectors are fetched incrementally, a delete rebuilds it. Loading a large
scope takes seconds (2.3 s at 10k facts), so it runs in a background thread while searches use
the store's exact query; both rank by (similarity, id), the same order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from graphmem.store._base import Vectors

__all__ = ["BACKGROUND_LOAD_ABOVE", "DenseTable"]

logger = logging.getLogger("graphmem")

BACKGROUND_LOAD_ABOVE = 64
"""Scopes with more facts than this load their vectors in a background thread; searches rank
in the store until it is done. Reading vectors costs ~0.3 ms per fact on FalkorDB (the server
prints every float): loaded in the foreground, a 1,000-fact scope's first search took ~400 ms
and a 100-fact scope's 70-90 ms, where the store's exact scan of such a scope costs 1-7 ms."""

_BACKGROUND_LOADS = threading.BoundedSemaphore(1)
"""One background load at a time in the process: many tenants' first searches would otherwise
start as many loads, all parsing under the GIL while their searches run."""

_NEVER = np.iinfo(np.int64).max
_ALWAYS = np.iinfo(np.int64).min

Fetch = Callable[[Sequence[str] | None], Vectors]
"""Reads the vectors of the given fact ids (``None``: every fact of the scope)."""


class DenseTable:
    """The embeddings and validity windows of one scope's facts, row-aligned."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}
        self._ids: list[str] = []
        self._matrix: npt.NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._valid_from: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._valid_to: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._size = 0
        self._ready = False
        self._loading = False
        self._generation = 0

    @property
    def nbytes(self) -> int:
        """Memory held by the table's arrays."""
        return int(self._matrix.nbytes + self._valid_from.nbytes + self._valid_to.nbytes)

    @property
    def ready(self) -> bool:
        """Whether every fact of the scope is in the table (else rank in the store)."""
        return self._ready

    def load(
        self,
        fetch: Fetch,
        windows: Callable[[], dict[str, tuple[int | None, int | None]]],
        *,
        background: bool,
    ) -> None:
        """Read every vector of the scope (once; a background thread if asked)."""
        with self._lock:
            if self._ready or self._loading:
                return
            self._loading = True
            generation = self._generation

        def run() -> None:
            try:
                if background:
                    with _BACKGROUND_LOADS:
                        ids, matrix = fetch(None)
                        spans = windows()
                else:
                    ids, matrix = fetch(None)
                    spans = windows()
                with self._lock:
                    if generation != self._generation:
                        return  # reset while loading: a newer load will follow
                    self._put(ids, matrix, spans, replace_all=True)
                    self._ready = True
            except Exception:  # not ready: searches keep ranking in the store
                if not background:
                    raise
                logger.debug("background load of a scope's vectors failed", exc_info=True)
            finally:
                with self._lock:
                    self._loading = False

        if background:
            threading.Thread(target=run, name="graphmem-dense-load", daemon=True).start()
        else:
            run()

    def update(self, fetch: Fetch, changed: dict[str, tuple[int | None, int | None]]) -> None:
        """Fetch and store the vectors of facts added or changed since the last update."""
        if not changed:
            return
        if not self._ready:
            with self._lock:
                self._generation += 1  # a load in flight may have missed these: discard it
            return
        ids, matrix = fetch(list(changed))
        with self._lock:
            self._put(ids, matrix, changed, replace_all=False)

    def reset(self) -> None:
        """Forget everything (a fact was deleted); the next search reloads."""
        with self._lock:
            self._generation += 1
            self._rows, self._ids, self._size = {}, [], 0
            self._ready = False

    def top(
        self,
        vector: Sequence[float],
        limit: int,
        *,
        as_of: int,
        include_history: bool,
        only: Iterable[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``limit`` most similar visible facts: (id, cosine), best first, ties by id."""
        with self._lock:
            size = self._size
            ids = self._ids
            matrix = self._matrix[:size]
            valid_from = self._valid_from[:size]
            valid_to = self._valid_to[:size]
            rows = self._rows
        if not size or limit <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        # einsum, not BLAS: OpenBLAS's threaded matrix-vector product took 23.6 ms at 10k x 384
        # on a loaded 2-core machine against 1.4 ms single-threaded (measured), and its thread
        # count is process-wide, not ours to set
        scores = np.einsum("ij,j->i", matrix, query / norm if norm else query)
        visible = np.ones(size, dtype=bool)
        if not include_history:
            visible &= (valid_from <= as_of) & (valid_to > as_of)
        if only is not None:
            allowed = np.zeros(size, dtype=bool)
            allowed[[rows[i] for i in only if i in rows]] = True
            visible &= allowed
        candidates = np.flatnonzero(visible)
        if not candidates.size:
            return []
        picked = scores[candidates]
        if candidates.size > limit:
            # everything tied with the limit-th score is kept, so ties are broken by id below
            kth = np.partition(picked, -limit)[-limit]
            keep = picked >= kth
            candidates, picked = candidates[keep], picked[keep]
        ranked = sorted(zip(picked.tolist(), candidates.tolist()), key=lambda p: (-p[0], ids[p[1]]))
        return [(ids[row], score) for score, row in ranked[:limit]]

    def similarities(self, vector: Sequence[float], ids: Sequence[str]) -> dict[str, float]:
        """The query's cosine to those of ``ids`` in the table (none until it is ready)."""
        if not self._ready:
            return {}
        with self._lock:
            rows = [(i, self._rows[i]) for i in ids if i in self._rows]
            matrix = self._matrix
        if not rows:
            return {}
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        picked = np.einsum(
            "ij,j->i", matrix[[row for _, row in rows]], query / norm if norm else query
        )
        return {i: float(score) for (i, _), score in zip(rows, picked.tolist())}

    # -- internals (called with the lock held) -----------------------------------------------
    def _put(
        self,
        ids: list[str],
        matrix: npt.NDArray[np.float32],
        spans: dict[str, tuple[int | None, int | None]],
        *,
        replace_all: bool,
    ) -> None:
        matrix = np.array(matrix, dtype=np.float32, copy=not _owned(matrix))
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        np.divide(matrix, np.where(norms > 0, norms, 1.0), out=matrix)  # in place: no copies
        if replace_all:
            rows = {identifier: row for row, identifier in enumerate(ids)}
            if ids and len(rows) == len(ids):  # a whole scope: the fetched matrix is the table
                windows = [spans.get(identifier, (None, None)) for identifier in ids]
                self._rows, self._ids, self._size = rows, list(ids), len(ids)
                self._matrix = matrix
                self._valid_from = np.array(
                    [_ALWAYS if start is None else start for start, _ in windows], dtype=np.int64
                )
                self._valid_to = np.array(
                    [_NEVER if end is None else end for _, end in windows], dtype=np.int64
                )
                return
            self._rows, self._ids, self._size = {}, [], 0
            self._matrix = np.zeros((max(len(ids), 16), matrix.shape[1] if ids else 0), np.float32)
            self._valid_from = np.zeros(len(self._matrix), dtype=np.int64)
            self._valid_to = np.zeros(len(self._matrix), dtype=np.int64)
        if not ids:
            return
        if self._matrix.shape[1] != matrix.shape[1]:
            self._matrix = np.zeros((len(self._matrix), matrix.shape[1]), np.float32)
        for identifier, vector in zip(ids, matrix):
            row = self._rows.get(identifier)
            if row is None:
                row = self._size
                if row == len(self._matrix):
                    self._grow()
                self._rows[identifier] = row
                self._ids.append(identifier)  # readers index only rows below their size
                self._size += 1
            self._matrix[row] = vector
            start, end = spans.get(identifier, (None, None))
            self._valid_from[row] = _ALWAYS if start is None else start
            self._valid_to[row] = _NEVER if end is None else end

    def _grow(self) -> None:
        capacity = max(16, 2 * len(self._matrix))
        matrix = np.zeros((capacity, self._matrix.shape[1]), dtype=np.float32)
        matrix[: self._size] = self._matrix[: self._size]
        valid_from = np.zeros(capacity, dtype=np.int64)
        valid_from[: self._size] = self._valid_from[: self._size]
        valid_to = np.zeros(capacity, dtype=np.int64)
        valid_to[: self._size] = self._valid_to[: self._size]
        self._matrix, self._valid_from, self._valid_to = matrix, valid_from, valid_to


def _owned(matrix: npt.NDArray[np.float32]) -> bool:
    """A float32 array that owns its writable memory (so it may be normalised in place)."""
    return bool(
        isinstance(matrix, np.ndarray)
        and matrix.dtype == np.float32
        and matrix.flags.owndata
        and matrix.flags.writeable
        and matrix.flags.c_contiguous
    )
