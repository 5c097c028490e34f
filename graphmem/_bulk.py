"""Bulk import: ``Memory.add_many``.

Items run with bounded concurrency: scopes in parallel, each scope's items in order (a later
conversation may supersede an earlier one, so their order matters). LLM calls also pass the
process-wide limit of :mod:`graphmem.llm` (``set_global_concurrency``), so ``concurrency``
never multiplies the load on a model. One bad item never stops the import: its error is
collected in :class:`BulkResult`. Items already stored (same messages and ``occurred_at``:
the episode hash) are skipped, so a re-run after an interruption resumes without duplicates.

``infer=False`` imports embed many items in one call (``batch_size`` texts at a time) and
write one transaction per item.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from graphmem._arguments import check_flag
from graphmem._messages import stored_texts
from graphmem.errors import GraphMemError, InputError
from graphmem.types import AddResult, Message

if TYPE_CHECKING:
    from graphmem._memory import Memory

__all__ = ["BulkFailure", "BulkResult", "add_many"]

MAX_CONCURRENCY = 64
_ITEM_KEYS = frozenset(
    {"messages", "user_id", "agent_id", "run_id", "metadata", "occurred_at", "infer"}
)


class BulkFailure(BaseModel):
    """One item that could not be added; nothing of it was written."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(description="Position of the item in the input.")
    error: str = Field(description="Exception class, e.g. ExtractionError.")
    message: str


class BulkResult(BaseModel):
    """What ``add_many`` did, item by item (``added``/``skipped`` keyed by input position)."""

    total: int = 0
    added: dict[int, AddResult] = Field(default_factory=dict)
    skipped: list[int] = Field(
        default_factory=list, description="Items already stored (same episode hash)."
    )
    failed: list[BulkFailure] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if no item failed."""
        return not self.failed

    def summary(self) -> str:
        """One line for people: ``120 items: 118 added, 1 already stored, 1 failed``."""
        return (
            f"{self.total} items: {len(self.added)} added, {len(self.skipped)} already stored, "
            f"{len(self.failed)} failed"
        )


class _Item:
    """One normalized input item."""

    def __init__(self, index: int, raw: Any, defaults: Mapping[str, Any], memory: Memory) -> None:
        spec: dict[str, Any] = dict(defaults)
        if isinstance(raw, Mapping) and "messages" in raw:
            unknown = set(raw) - _ITEM_KEYS
            if unknown:
                raise InputError(f"unknown item keys: {sorted(unknown)}")
            spec.update({k: v for k, v in raw.items() if v is not None})
        else:
            spec["messages"] = raw
        self.index = index
        self.request = memory._add_request(
            spec["messages"],
            user_id=spec.get("user_id"),
            agent_id=spec.get("agent_id"),
            run_id=spec.get("run_id"),
            metadata=spec.get("metadata"),
            occurred_at=spec.get("occurred_at"),
        )
        self.scope = self.request.scope
        self.messages: list[Message] = self.request.messages
        self.infer = check_flag(spec.get("infer", True), "infer")


def add_many(
    memory: Memory,
    items: Iterable[Any],
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    run_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    infer: bool = True,
    concurrency: int = 4,
    batch_size: int = 64,
    progress: bool | None = None,
    on_item: Callable[[int, AddResult | None, BaseException | None], None] | None = None,
) -> BulkResult:
    """Add many conversations; see :meth:`graphmem.Memory.add_many`."""
    if not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InputError(f"concurrency must be an integer from 1 to {MAX_CONCURRENCY}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError("batch_size must be a positive integer")
    defaults = {
        "user_id": user_id,
        "agent_id": agent_id,
        "run_id": run_id,
        "metadata": metadata,
        "infer": infer,
    }
    raw_items = list(items)
    result = BulkResult(total=len(raw_items))
    lock = threading.Lock()
    bar = _progress_bar(len(raw_items), progress)

    def record(index: int, added: AddResult | None, error: BaseException | None) -> None:
        with lock:
            if error is not None:
                result.failed.append(
                    BulkFailure(index=index, error=type(error).__name__, message=str(error))
                )
            elif added is not None and added.duplicate:
                result.skipped.append(index)
            elif added is not None:
                result.added[index] = added
            bar.update(1)
        if on_item is not None:
            on_item(index, added, error)

    parsed: list[_Item] = []
    for index, raw in enumerate(raw_items):
        try:
            parsed.append(_Item(index, raw, defaults, memory))
        except (GraphMemError, ValueError, TypeError) as exc:
            record(index, None, exc)
    memory._ensure_ready()
    raw_import = [item for item in parsed if not item.infer]
    for start in range(0, len(raw_import), batch_size):
        _add_raw_batch(memory, raw_import[start : start + batch_size], record)
    lanes: dict[str, list[_Item]] = defaultdict(list)
    for item in parsed:
        if item.infer:
            lanes[item.scope.key()].append(item)

    def run_lane(lane: list[_Item]) -> None:
        for item in lane:
            try:
                added = memory.add(
                    [m.model_dump(exclude_none=True) for m in item.messages],
                    **item.scope.params(),
                    metadata=item.request.metadata,
                    occurred_at=item.request.occurred_at,
                    infer=True,
                )
            except Exception as exc:  # one bad item never stops the import
                record(item.index, None, exc)
            else:
                record(item.index, added, None)

    try:
        if lanes:
            with ThreadPoolExecutor(max_workers=min(concurrency, len(lanes))) as pool:
                for future in [pool.submit(run_lane, lane) for lane in lanes.values()]:
                    future.result()
    finally:
        bar.close()
    result.failed.sort(key=lambda failure: failure.index)
    result.skipped.sort()
    result.added = dict(sorted(result.added.items()))
    return result


def _add_raw_batch(
    memory: Memory,
    batch: list[_Item],
    record: Callable[[int, AddResult | None, BaseException | None], None],
) -> None:
    """``infer=False`` items: one embedding call for the batch, one transaction per item."""
    repository = memory._repository
    fresh: list[_Item] = []
    for item in batch:
        try:
            duplicate = repository.find_episode(item.scope, item.request.digest)
        except Exception as exc:
            record(item.index, None, exc)
            continue
        if duplicate is not None:
            record(item.index, AddResult(episode_id=duplicate, duplicate=True), None)
        else:
            fresh.append(item)
    texts = [stored_texts(item.messages) for item in fresh]
    try:
        vectors = memory._embedder.embed([text for item_texts in texts for text in item_texts])
    except Exception as exc:
        for item in fresh:
            record(item.index, None, exc)
        return
    offset = 0
    for item, item_texts in zip(fresh, texts):
        item_vectors = vectors[offset : offset + len(item_texts)]
        offset += len(item_texts)
        try:  # the same guarded decide-and-write as add(): safe beside concurrent writers
            result = memory._decide_and_write(item.request, vectors=item_vectors)
        except Exception as exc:
            record(item.index, None, exc)
        else:
            record(item.index, result, None)


class _NoBar:
    def update(self, n: int) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to close."""


def _progress_bar(total: int, progress: bool | None) -> Any:
    """A tqdm bar on stderr (``progress=None``: only when stderr is a terminal)."""
    if progress is False:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(
        total=total, unit="item", desc="graphmem", disable=None if progress is None else False
    )
