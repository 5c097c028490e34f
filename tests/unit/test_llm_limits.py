"""The process-wide concurrency limiter, from threads, tasks and several event loops."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from graphmem.errors import ConfigError
from graphmem.ingest._contracts import EXTRACT_TOOL_NAME, ExtractMemory
from graphmem.llm import (
    ConcurrencyLimiter,
    ScriptedLLM,
    ToolInvoker,
    ToolRequest,
    _limits,
    global_limiter,
    set_global_concurrency,
)

WAIT = 5.0  # generous upper bound on event waits; only reached if the code under test is broken


class Gauge:
    """Counts concurrent holders; each holder waits until ``size`` are in at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()
        self.full = threading.Event()

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            if self.active >= self.size:
                self.full.set()

    def leave(self) -> None:
        with self.lock:
            self.active -= 1


def test_threads_through_the_invoker_are_bounded() -> None:
    limiter = ConcurrencyLimiter(2)
    gauge = Gauge(2)

    def respond(request: ToolRequest) -> Any:
        gauge.enter()
        try:
            assert gauge.full.wait(WAIT), "the limit was never reached"
            return {"entities": []}
        finally:
            gauge.leave()

    invoker = ToolInvoker(ScriptedLLM(respond), limiter=limiter)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            invoker.invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", [])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert errors == []
    assert gauge.peak == 2
    assert (limiter.in_use, limiter.waiting) == (0, 0)


def test_tasks_in_one_loop_are_bounded() -> None:
    limiter = ConcurrencyLimiter(3)
    active = peak = 0

    async def task() -> None:
        nonlocal active, peak
        async with limiter.ahold():
            active += 1
            peak = max(peak, active)
            for _ in range(5):
                await asyncio.sleep(0)
            active -= 1

    async def main() -> None:
        await asyncio.gather(*(task() for _ in range(20)))

    asyncio.run(main())
    assert peak == 3
    assert limiter.in_use == 0


def test_one_limit_across_threads_and_event_loops() -> None:
    limiter = ConcurrencyLimiter(2)
    gauge = Gauge(2)
    release = threading.Event()

    def thread_holder() -> None:
        with limiter.hold():
            gauge.enter()
            release.wait(WAIT)
            gauge.leave()

    def loop_holder() -> None:
        async def one() -> None:
            async with limiter.ahold():
                gauge.enter()
                await asyncio.to_thread(release.wait, WAIT)
                gauge.leave()

        async def main() -> None:
            await asyncio.gather(one(), one())

        asyncio.run(main())

    workers = [threading.Thread(target=thread_holder) for _ in range(2)]
    workers += [threading.Thread(target=loop_holder) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert gauge.full.wait(WAIT)
    # two hold a slot; the other four (threads and tasks of two loops) must be queued
    for _ in range(200):
        if limiter.waiting == 4:
            break
        threading.Event().wait(0.005)
    assert (limiter.in_use, limiter.waiting, gauge.active) == (2, 4, 2)
    release.set()
    for worker in workers:
        worker.join(WAIT)
    assert gauge.peak == 2
    assert (limiter.in_use, limiter.waiting) == (0, 0)


def test_cancelled_waiter_does_not_leak_a_slot() -> None:
    limiter = ConcurrencyLimiter(1)

    async def main() -> None:
        await limiter.aacquire()
        waiter = asyncio.ensure_future(limiter.aacquire())
        await asyncio.sleep(0)
        assert limiter.waiting == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert limiter.waiting == 0
        limiter.release()
        assert limiter.in_use == 0
        # granted a slot, then cancelled before it could run: the slot passes on, not leaks
        await limiter.aacquire()  # main holds the only slot
        granted = asyncio.ensure_future(limiter.aacquire())
        third = asyncio.ensure_future(limiter.aacquire())
        await asyncio.sleep(0)
        assert limiter.waiting == 2
        limiter.release()  # hands the slot to `granted` (its wake-up is scheduled) ...
        granted.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await granted
        await asyncio.wait_for(third, WAIT)
        assert (limiter.in_use, limiter.waiting) == (1, 0)
        limiter.release()
        assert limiter.in_use == 0

    asyncio.run(main())


def test_resize_wakes_waiters() -> None:
    limiter = ConcurrencyLimiter(1)
    limiter.acquire()
    got = threading.Event()

    def wait_for_slot() -> None:
        limiter.acquire()
        got.set()

    thread = threading.Thread(target=wait_for_slot)
    thread.start()
    for _ in range(200):
        if limiter.waiting:
            break
        threading.Event().wait(0.005)
    assert not got.is_set()
    limiter.resize(2)
    assert got.wait(WAIT)
    thread.join(WAIT)
    limiter.resize(1)  # shrinking applies as slots are released
    limiter.release()
    assert limiter.in_use == 1
    limiter.release()
    assert limiter.in_use == 0
    with pytest.raises(RuntimeError):
        limiter.release()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "4"])
def test_bad_sizes(bad: Any) -> None:
    with pytest.raises(ConfigError):
        ConcurrencyLimiter(bad)


def test_global_limiter_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_limits, "_global", None)
    monkeypatch.setenv("GRAPHMEM_LLM_CONCURRENCY", "7")
    assert global_limiter().size == 7
    assert global_limiter() is global_limiter()
    set_global_concurrency(3)
    assert global_limiter().size == 3
    assert ToolInvoker(ScriptedLLM([])).limiter is global_limiter()

    monkeypatch.setattr(_limits, "_global", None)
    monkeypatch.setenv("GRAPHMEM_LLM_CONCURRENCY", "lots")
    with pytest.raises(ConfigError, match="GRAPHMEM_LLM_CONCURRENCY"):
        global_limiter()
    monkeypatch.delenv("GRAPHMEM_LLM_CONCURRENCY")
    assert global_limiter().size == 4
