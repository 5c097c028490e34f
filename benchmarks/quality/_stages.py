"""Where engine time goes: wall time per embedder call, repository call and Cypher statement.

Wraps the methods of one ``Memory``'s collaborators *on the instances* for the duration of a
``with`` block (library code is untouched; the wrappers add a ``perf_counter`` pair per call),
so the ingest and search phases can report a per-stage breakdown next to their totals.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["StageTimer"]

_REPOSITORY_METHODS = (
    "apply",
    "find_episode",
    "recent_episodes",
    "entities_by_keys",
    "similar_entities",
    "candidate_facts",
    "score_facts",
    "facts_by_hash",
    "facts_by_ids",
    "vector_facts",
    "fulltext_facts",
    "vector_entities",
    "fulltext_entities",
    "expand",
    "fact_entities",
    "entity_facts",
)


class StageTimer:
    """Accumulates seconds and call counts per stage name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1

        return timed

    def _wrap_run(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(name: str, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(name, *args, **kwargs)
            finally:
                self.seconds["cypher:" + name] += time.perf_counter() - started
                self.calls["cypher:" + name] += 1

        return timed

    @contextmanager
    def attach(self, memory: Any) -> Iterator[StageTimer]:
        """Time ``memory``'s embedder, repository and store calls inside the block."""
        patched: list[tuple[Any, str]] = []

        def patch(obj: Any, attr: str, wrapper: Callable[..., Any]) -> None:
            if attr in vars(obj):
                return  # already wrapped (shared collaborator)
            setattr(obj, attr, wrapper)
            patched.append((obj, attr))

        repository = memory._repository
        patch(memory._embedder, "embed", self._wrap("embed", memory._embedder.embed))
        for method in _REPOSITORY_METHODS:
            if hasattr(repository, method):
                patch(repository, method, self._wrap("repo:" + method, getattr(repository, method)))
        store = repository.store
        patch(store, "run", self._wrap_run(store.run))
        try:
            yield self
        finally:
            for obj, attr in reversed(patched):
                delattr(obj, attr)

    def per_call(self, operations: int) -> dict[str, dict[str, float]]:
        """Mean milliseconds and calls per operation (add or search), largest first."""
        if operations <= 0:
            return {}
        rows = {
            name: {
                "ms_per_op": round(1000.0 * seconds / operations, 3),
                "calls_per_op": round(self.calls[name] / operations, 3),
            }
            for name, seconds in self.seconds.items()
        }
        return dict(sorted(rows.items(), key=lambda kv: -kv[1]["ms_per_op"]))
