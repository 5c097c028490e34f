"""The retry policy: strategies table-driven, loops with injected sleep/clock/random."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from graphmem.errors import (
    ExtractionError,
    LLMError,
    LLMRateLimitError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from graphmem.llm import (
    RetryPolicy,
    RetryState,
    is_retryable,
    mark_retryable,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
    wait_fixed,
    wait_retry_after,
)


def state(attempt: int, elapsed: float = 0.0, error: BaseException | None = None) -> RetryState:
    return RetryState(attempt, error or LLMRateLimitError("x"), elapsed, random=lambda: 0.5)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (LLMRateLimitError("429"), True),
        (LLMTimeoutError("slow"), True),
        (mark_retryable(LLMUnavailableError("503")), True),
        (LLMUnavailableError("no LLM configured"), False),
        (mark_retryable(LLMRateLimitError("quota"), retryable=False), False),
        (LLMError("400"), False),
        (ExtractionError("bad"), False),
        (ValueError("x"), False),
    ],
)
def test_is_retryable(error: BaseException, expected: bool) -> None:
    assert is_retryable(error) is expected


@pytest.mark.parametrize(
    ("stop", "attempt", "elapsed", "gives_up"),
    [
        (stop_after_attempt(3), 1, 0.0, False),
        (stop_after_attempt(3), 2, 0.0, False),
        (stop_after_attempt(3), 3, 0.0, True),
        (stop_after_attempt(1), 1, 0.0, True),
        (stop_after_delay(10), 5, 9.9, False),
        (stop_after_delay(10), 2, 10.0, True),
        (stop_after_attempt(5) | stop_after_delay(10), 2, 11.0, True),
        (stop_after_attempt(5) | stop_after_delay(10), 5, 1.0, True),
        (stop_after_attempt(5) | stop_after_delay(10), 2, 1.0, False),
        (stop_after_attempt(5) & stop_after_delay(10), 5, 1.0, False),
        (stop_after_attempt(5) & stop_after_delay(10), 5, 10.0, True),
    ],
)
def test_stop_strategies(
    stop: Callable[[RetryState], bool], attempt: int, elapsed: float, gives_up: bool
) -> None:
    assert stop(state(attempt, elapsed)) is gives_up


def _hinted(seconds: float) -> RetryState:
    return state(1, error=mark_retryable(LLMRateLimitError("429"), retry_after=seconds))


@pytest.mark.parametrize(
    ("wait", "retry_state", "seconds"),
    [
        (wait_fixed(2), state(1), 2.0),
        (wait_exponential_jitter(initial=1, max=30, jitter=0), state(1), 1.0),
        (wait_exponential_jitter(initial=1, max=30, jitter=0), state(2), 2.0),
        (wait_exponential_jitter(initial=1, max=30, jitter=0), state(4), 8.0),
        (wait_exponential_jitter(initial=1, max=30, jitter=0), state(10), 30.0),
        (wait_exponential_jitter(initial=1, max=30, jitter=2), state(2), 3.0),  # random 0.5
        (wait_exponential_jitter(initial=1, max=30, jitter=0), state(5000), 30.0),  # overflow
        (wait_fixed(1) + wait_fixed(0.5), state(1), 1.5),
        (wait_retry_after(wait_fixed(1)), state(1), 1.0),
        (wait_retry_after(wait_fixed(1)), _hinted(7), 7.0),
        (wait_retry_after(wait_fixed(1)), _hinted(0.1), 1.0),
        (wait_retry_after(wait_fixed(1), max=5), _hinted(600), 5.0),
    ],
)
def test_wait_strategies(
    wait: Callable[[RetryState], float], retry_state: RetryState, seconds: float
) -> None:
    assert wait(retry_state) == pytest.approx(seconds)


class Flaky:
    """Fails with the given errors, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"

    async def acall(self) -> str:
        return self()


def policy(sleeps: list[float], **kwargs: object) -> RetryPolicy:
    async def asleep(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(sleep=sleeps.append, asleep=asleep, random=lambda: 0.0, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("errors", "stop_after", "result", "calls", "sleeps"),
    [
        ((), 4, "ok", 1, []),
        ((LLMRateLimitError("a"),), 4, "ok", 2, [0.5]),
        ((LLMRateLimitError("a"), LLMTimeoutError("b")), 4, "ok", 3, [0.5, 1.0]),
        ((LLMRateLimitError("a"),) * 3, 3, LLMRateLimitError, 3, [0.5, 1.0]),
        ((LLMError("bad request"),), 4, LLMError, 1, []),
        ((LLMUnavailableError("not configured"),), 4, LLMUnavailableError, 1, []),
        ((mark_retryable(LLMUnavailableError("502")),), 4, "ok", 2, [0.5]),
    ],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_policy_loops(
    mode: str,
    errors: tuple[BaseException, ...],
    stop_after: int,
    result: object,
    calls: int,
    sleeps: list[float],
) -> None:
    flaky = Flaky(*errors)
    slept: list[float] = []
    retry = policy(slept, stop=stop_after_attempt(stop_after))
    run: Callable[[], str]
    if mode == "sync":
        run = lambda: retry.call(flaky)  # noqa: E731
    else:
        run = lambda: asyncio.run(retry.acall(flaky.acall))  # noqa: E731
    if isinstance(result, type):
        with pytest.raises(result):
            run()
    else:
        assert run() == result
    assert flaky.calls == calls
    assert slept == sleeps


def test_last_error_is_reraised_unchanged() -> None:
    last = LLMRateLimitError("third")
    flaky = Flaky(LLMRateLimitError("1"), LLMRateLimitError("2"), last)
    with pytest.raises(LLMRateLimitError) as info:
        policy([], stop=stop_after_attempt(3)).call(flaky)
    assert info.value is last


def test_stop_after_delay_uses_the_injected_clock() -> None:
    clock = iter([0.0, 5.0, 12.0])  # start, after failure 1, after failure 2
    flaky = Flaky(LLMRateLimitError("a"), LLMRateLimitError("b"))
    slept: list[float] = []
    retry = policy(slept, stop=stop_after_delay(10))
    retry.now = lambda: next(clock)
    with pytest.raises(LLMRateLimitError):
        retry.call(flaky)
    assert flaky.calls == 2 and slept == [0.5]


def test_default_policy_is_four_attempts_with_backoff() -> None:
    slept: list[float] = []
    flaky = Flaky(*(LLMTimeoutError(str(i)) for i in range(10)))
    with pytest.raises(LLMTimeoutError):
        policy(slept).call(flaky)
    assert flaky.calls == 4
    assert slept == [0.5, 1.0, 2.0]
