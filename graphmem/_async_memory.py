"""``AsyncMemory``: the asyncio twin of :class:`~graphmem.Memory`, with no logic of its own.

Each method is ``Memory``'s, run in a worker thread (``asyncio.to_thread``) so no event loop is
ever blocked; :func:`_in_thread` copies its signature, types and docstring, so the two classes
cannot drift apart (a test compares their public signatures).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from graphmem._mem0 import mem0_config
from graphmem._memory import Memory
from graphmem.config import MemoryConfig

if TYPE_CHECKING:
    from graphmem._bulk import BulkResult

__all__ = ["AsyncMemory"]

P = ParamSpec("P")
R = TypeVar("R")


def _in_thread(
    method: Callable[Concatenate[Memory, P], R],
) -> Callable[Concatenate[AsyncMemory, P], Coroutine[Any, Any, R]]:
    """``Memory.<method>`` as a coroutine method of :class:`AsyncMemory`, run in a thread."""

    @functools.wraps(method)
    async def run(self: AsyncMemory, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(method, self._sync, *args, **kwargs)

    return run


class AsyncMemory:
    """The asyncio twin of :class:`Memory`: same methods, awaited; runs them in threads.

    Example:
        >>> async with AsyncMemory() as memory:
        ...     await memory.add("I moved to Berlin.", user_id="alice", infer=False)
        ...     print((await memory.search("where do I live?", user_id="alice")).to_context())
    """

    def __init__(self, config: MemoryConfig | None = None, **kwargs: Any) -> None:
        self._sync = Memory(config, **kwargs)

    @classmethod
    def from_config(cls, config: dict[str, Any], **kwargs: Any) -> AsyncMemory:
        """Build from a mem0-style dict (see :meth:`Memory.from_config`)."""
        return cls(MemoryConfig.from_dict(mem0_config(config)), **kwargs)

    async def __aenter__(self) -> AsyncMemory:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def add_many(self, items: Iterable[Any], **options: Any) -> BulkResult:
        """See :meth:`Memory.add_many` (``items`` is read here, before the worker thread)."""
        return await asyncio.to_thread(self._sync.add_many, list(items), **options)

    add = _in_thread(Memory.add)
    search = _in_thread(Memory.search)
    graph = _in_thread(Memory.graph)
    neighbors = _in_thread(Memory.neighbors)
    get = _in_thread(Memory.get)
    get_all = _in_thread(Memory.get_all)
    update = _in_thread(Memory.update)
    delete = _in_thread(Memory.delete)
    delete_all = _in_thread(Memory.delete_all)
    history = _in_thread(Memory.history)
    reset = _in_thread(Memory.reset)
    close = _in_thread(Memory.close)
