"""Retry policy for transient LLM failures: small composable ``stop`` and ``wait`` strategies.

Modelled on tenacity, without the dependency. :meth:`RetryPolicy.next_delay` holds the one
decision ("give up" or "sleep this long, then try again"); :meth:`RetryPolicy.call` and
:meth:`RetryPolicy.acall` are short loops that only run the function and sleep. ``sleep``,
``asleep``, ``now`` and ``random`` are injectable, so tests never really sleep.

Only transient errors are retried (:func:`is_retryable`): ``LLMRateLimitError``,
``LLMTimeoutError``, and ``LLMUnavailableError`` marked retryable by the provider with
:func:`mark_retryable` (a 5xx or a dropped connection; "no LLM configured" is not retryable).
When the final attempt fails, the original error is re-raised.

Usage::

    policy = RetryPolicy(stop=stop_after_attempt(5) | stop_after_delay(60),
                         wait=wait_exponential_jitter(initial=1, max=30, jitter=1))
    answer = policy.call(lambda: provider.complete_tool(request))
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from ..errors import LLMRateLimitError, LLMTimeoutError, LLMUnavailableError

__all__ = [
    "RetryPolicy",
    "RetryState",
    "Stop",
    "Wait",
    "is_retryable",
    "mark_retryable",
    "retry_after_hint",
    "stop_after_attempt",
    "stop_after_delay",
    "wait_exponential_jitter",
    "wait_fixed",
    "wait_retry_after",
]

_T = TypeVar("_T")
_E = TypeVar("_E", bound=BaseException)
_log = logging.getLogger("graphmem.llm")


# --- what is retryable -------------------------------------------------------------------------


def mark_retryable(exc: _E, *, retryable: bool = True, retry_after: float | None = None) -> _E:
    """Mark an error as transient (or not) and attach a server's Retry-After hint, in seconds.

    Providers call this on the ``LLMUnavailableError`` they raise for a 5xx or a lost
    connection. Returns ``exc`` so it can be used inline: ``raise mark_retryable(err) from e``.
    """
    exc.retryable = retryable  # type: ignore[attr-defined]
    if retry_after is not None:
        exc.retry_after = max(0.0, float(retry_after))  # type: ignore[attr-defined]
    return exc


def is_retryable(exc: BaseException) -> bool:
    """True for rate limits, timeouts and ``LLMUnavailableError`` marked retryable."""
    marked = getattr(exc, "retryable", None)
    if isinstance(exc, (LLMRateLimitError, LLMTimeoutError)):
        return marked is not False
    if isinstance(exc, LLMUnavailableError):
        return marked is True
    return False


def retry_after_hint(exc: BaseException) -> float | None:
    """The Retry-After seconds a provider attached to ``exc``, if any."""
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, (int, float)) else None


# --- state and strategies ----------------------------------------------------------------------


@dataclass(frozen=True)
class RetryState:
    """What a strategy sees after a failed attempt.

    Attributes:
        attempt_number: the attempt that just failed, from 1.
        error: its exception.
        elapsed: seconds since the first attempt started.
        random: a source of uniform floats in [0, 1) (injectable for tests).
    """

    attempt_number: int
    error: BaseException
    elapsed: float
    random: Callable[[], float] = _random.random


class Stop(ABC):
    """Decides whether to give up after a failed attempt. Combine with ``|`` and ``&``."""

    @abstractmethod
    def __call__(self, state: RetryState) -> bool:
        """True to give up."""

    def __or__(self, other: Stop) -> Stop:
        return _StopCombined(self, other, any)

    def __and__(self, other: Stop) -> Stop:
        return _StopCombined(self, other, all)


class _StopCombined(Stop):
    def __init__(self, a: Stop, b: Stop, combine: Callable[[list[bool]], bool]) -> None:
        self._parts = (a, b)
        self._combine = combine

    def __call__(self, state: RetryState) -> bool:
        return self._combine([part(state) for part in self._parts])


class _StopAfterAttempt(Stop):
    def __init__(self, attempts: int) -> None:
        if attempts < 1:
            raise ValueError("stop_after_attempt needs at least 1 attempt")
        self.attempts = attempts

    def __call__(self, state: RetryState) -> bool:
        return state.attempt_number >= self.attempts


class _StopAfterDelay(Stop):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, state: RetryState) -> bool:
        return state.elapsed >= self.seconds


def stop_after_attempt(attempts: int) -> Stop:
    """Give up once ``attempts`` attempts (the first one included) have failed."""
    return _StopAfterAttempt(attempts)


def stop_after_delay(seconds: float) -> Stop:
    """Give up once ``seconds`` have passed since the first attempt started."""
    return _StopAfterDelay(seconds)


class Wait(ABC):
    """Decides how long to sleep before the next attempt. Add two waits with ``+``."""

    @abstractmethod
    def __call__(self, state: RetryState) -> float:
        """Seconds to sleep."""

    def __add__(self, other: Wait) -> Wait:
        return _WaitSum(self, other)


class _WaitSum(Wait):
    def __init__(self, a: Wait, b: Wait) -> None:
        self._parts = (a, b)

    def __call__(self, state: RetryState) -> float:
        return sum(part(state) for part in self._parts)


class _WaitFixed(Wait):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, state: RetryState) -> float:
        return self.seconds


class _WaitExponentialJitter(Wait):
    def __init__(self, initial: float, max: float, exp_base: float, jitter: float) -> None:
        self.initial, self.max, self.exp_base, self.jitter = initial, max, exp_base, jitter

    def __call__(self, state: RetryState) -> float:
        try:
            exponential = self.initial * self.exp_base ** (state.attempt_number - 1)
        except OverflowError:
            return self.max
        return min(self.max, exponential + self.jitter * state.random())


class _WaitRetryAfter(Wait):
    def __init__(self, fallback: Wait, max: float) -> None:
        self.fallback, self.max = fallback, max

    def __call__(self, state: RetryState) -> float:
        computed = self.fallback(state)
        hint = retry_after_hint(state.error)
        return computed if hint is None else max(computed, min(hint, self.max))


def wait_fixed(seconds: float) -> Wait:
    """Always sleep ``seconds``."""
    return _WaitFixed(seconds)


def wait_exponential_jitter(
    initial: float = 0.5, max: float = 20.0, jitter: float = 0.5, exp_base: float = 2.0
) -> Wait:
    """``min(max, initial * exp_base ** (attempt - 1) + jitter * random())`` seconds."""
    return _WaitExponentialJitter(initial, max, exp_base, jitter)


def wait_retry_after(fallback: Wait, max: float = 60.0) -> Wait:
    """Sleep as ``fallback`` says, or longer when the server sent Retry-After (capped at max)."""
    return _WaitRetryAfter(fallback, max)


# --- the policy --------------------------------------------------------------------------------


async def _asyncio_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class RetryPolicy:
    """When and how long to retry transient failures; sync and async loops share the decision.

    Args:
        stop: when to give up; default: after 4 attempts.
        wait: how long to sleep; default: exponential backoff with jitter (0.5 s, 1 s, 2 s... up
            to 20 s), or the server's Retry-After when longer (up to 60 s).
        retry: which errors to retry; default :func:`is_retryable`.
        sleep: blocking sleep used by :meth:`call` (default ``time.sleep``).
        asleep: async sleep used by :meth:`acall` (default ``asyncio.sleep``).
        now: monotonic clock in seconds, for ``stop_after_delay``.
        random: uniform [0, 1) source for jitter.

    Usage::

        policy = RetryPolicy(stop=stop_after_attempt(3), sleep=lambda s: None)
        value = policy.call(fetch)          # or: await policy.acall(afetch)
    """

    def __init__(
        self,
        *,
        stop: Stop | None = None,
        wait: Wait | None = None,
        retry: Callable[[BaseException], bool] = is_retryable,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
        now: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self.stop = stop if stop is not None else stop_after_attempt(4)
        self.wait = wait if wait is not None else wait_retry_after(wait_exponential_jitter())
        self.retry = retry
        self.sleep = sleep
        self.asleep = asleep
        self.now = now
        self.random = random

    def next_delay(self, attempt_number: int, error: BaseException, started: float) -> float | None:
        """Seconds to sleep before trying again after ``error``, or None to give up."""
        if not self.retry(error):
            return None
        state = RetryState(attempt_number, error, self.now() - started, self.random)
        if self.stop(state):
            return None
        delay = max(0.0, float(self.wait(state)))
        _log.warning(
            "LLM call failed (%s: %s), attempt %d; retrying in %.2f s",
            type(error).__name__,
            error,
            attempt_number,
            delay,
        )
        return delay

    def call(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` until it succeeds or the policy gives up (then re-raise its error)."""
        started, attempt = self.now(), 1
        while True:
            try:
                return fn()
            except Exception as exc:
                delay = self.next_delay(attempt, exc, started)
                if delay is None:
                    raise
            self.sleep(delay)
            attempt += 1

    async def acall(self, fn: Callable[[], Awaitable[_T]]) -> _T:
        """Async twin of :meth:`call`."""
        started, attempt = self.now(), 1
        while True:
            try:
                return await fn()
            except Exception as exc:
                delay = self.next_delay(attempt, exc, started)
                if delay is None:
                    raise
            await self.asleep(delay)
            attempt += 1

    def __repr__(self) -> str:
        return f"RetryPolicy(stop={self.stop!r}, wait={self.wait!r})"
