"""One process-wide limit on concurrent LLM calls, shared by threads and event loops alike.

Why a custom semaphore: graphmem runs LLM calls from plain threads (``Memory``), from event
loops (``AsyncMemory``), and sometimes from several loops in several threads at once. The
simple options each break one of these:

- ``threading.BoundedSemaphore`` acquired through ``asyncio.to_thread`` parks one worker thread
  per waiting task. With more waiters than executor threads, the tasks that *hold* a slot and
  need ``to_thread`` themselves (e.g. a LangChain model without native async) can never run:
  a deadlock, not just slowness.
- One ``asyncio.Semaphore`` per loop is cheap but is not a global limit: N loops get N times
  the budget, and sync threads are not counted at all.

:class:`ConcurrencyLimiter` is a FIFO counting semaphore guarded by a ``threading.Lock``. A
thread waits on its own ``threading.Event``; a task waits on an ``asyncio.Future`` of its own
loop, woken with ``loop.call_soon_threadsafe``, so waiting never blocks a loop or a worker
thread. A released slot is handed directly to the oldest waiter. A task cancelled while
waiting leaves the queue, or passes its slot on if it was granted one in the meantime, so
slots never leak.

Usage::

    with global_limiter().hold():            # in a thread
        ...
    async with global_limiter().ahold():     # in any event loop
        ...
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from ..errors import ConfigError

__all__ = [
    "DEFAULT_CONCURRENCY",
    "ConcurrencyLimiter",
    "global_limiter",
    "set_global_concurrency",
]

DEFAULT_CONCURRENCY = 4
_ENV_VAR = "GRAPHMEM_LLM_CONCURRENCY"


class _ThreadWaiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.granted = False

    def grant(self) -> bool:
        self.granted = True
        self.event.set()
        return True


class _TaskWaiter:
    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]) -> None:
        self.loop = loop
        self.future = future
        self.granted = False

    def grant(self) -> bool:
        try:
            self.loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the loop is closed: nobody is waiting there any more
            return False
        self.granted = True
        return True

    def _wake(self) -> None:
        if not self.future.done():
            self.future.set_result(None)


class ConcurrencyLimiter:
    """A FIFO counting semaphore usable from threads and from any event loop.

    Args:
        size: how many holders at most (>= 1).

    Usage::

        limiter = ConcurrencyLimiter(2)
        with limiter.hold():
            call_the_model()
    """

    def __init__(self, size: int = DEFAULT_CONCURRENCY) -> None:
        self._check_size(size)
        self._size = size
        self._in_use = 0
        self._lock = threading.Lock()
        self._waiters: deque[_ThreadWaiter | _TaskWaiter] = deque()

    @staticmethod
    def _check_size(size: int) -> None:
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ConfigError(f"LLM concurrency must be an integer >= 1, got {size!r}")

    @property
    def size(self) -> int:
        """The maximum number of holders."""
        return self._size

    @property
    def in_use(self) -> int:
        """How many slots are held right now."""
        return self._in_use

    @property
    def waiting(self) -> int:
        """How many threads and tasks are queued for a slot."""
        return len(self._waiters)

    def resize(self, size: int) -> None:
        """Change the limit; extra waiters start at once, a smaller limit applies as slots free."""
        self._check_size(size)
        with self._lock:
            self._size = size
            while self._in_use < self._size and self._waiters:
                if self._waiters.popleft().grant():
                    self._in_use += 1

    def _try_fast(self) -> bool:
        # Caller holds self._lock. Nobody may overtake the queue.
        if self._in_use < self._size and not self._waiters:
            self._in_use += 1
            return True
        return False

    def acquire(self) -> None:
        """Block the current thread until a slot is free."""
        with self._lock:
            if self._try_fast():
                return
            waiter = _ThreadWaiter()
            self._waiters.append(waiter)
        try:
            waiter.event.wait()
        except BaseException:  # e.g. KeyboardInterrupt while waiting
            self._abandon(waiter)
            raise

    async def aacquire(self) -> None:
        """Wait, without blocking the event loop, until a slot is free."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._try_fast():
                return
            waiter = _TaskWaiter(loop, loop.create_future())
            self._waiters.append(waiter)
        try:
            await waiter.future
        except BaseException:  # cancelled while waiting
            self._abandon(waiter)
            raise

    def _abandon(self, waiter: _ThreadWaiter | _TaskWaiter) -> None:
        with self._lock:
            granted = waiter.granted
            if not granted:
                self._waiters.remove(waiter)
        if granted:  # a slot arrived just as we gave up: pass it on
            self.release()

    def release(self) -> None:
        """Free one slot, handing it to the oldest waiter if there is one."""
        with self._lock:
            if self._in_use <= 0:
                raise RuntimeError("ConcurrencyLimiter released more often than acquired")
            if self._in_use <= self._size:
                while self._waiters:
                    if self._waiters.popleft().grant():
                        return  # the slot changes hands; in_use stays the same
            self._in_use -= 1

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold one slot for the duration of a ``with`` block."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    @asynccontextmanager
    async def ahold(self) -> AsyncIterator[None]:
        """Hold one slot for the duration of an ``async with`` block."""
        await self.aacquire()
        try:
            yield
        finally:
            self.release()

    def __repr__(self) -> str:
        return f"ConcurrencyLimiter(size={self._size}, in_use={self._in_use})"


_global: ConcurrencyLimiter | None = None
_global_lock = threading.Lock()


def _size_from_env() -> int:
    raw = os.environ.get(_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_CONCURRENCY
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{_ENV_VAR} must be an integer >= 1, got {raw!r}") from None


def global_limiter() -> ConcurrencyLimiter:
    """The one limiter every :class:`~graphmem.llm.ToolInvoker` shares by default.

    Its size comes from ``GRAPHMEM_LLM_CONCURRENCY`` (default 4) when first used.
    """
    global _global
    with _global_lock:
        if _global is None:
            _global = ConcurrencyLimiter(_size_from_env())
        return _global


def set_global_concurrency(size: int) -> None:
    """Resize the process-wide limit (takes effect for waiting and future calls)."""
    global_limiter().resize(size)
