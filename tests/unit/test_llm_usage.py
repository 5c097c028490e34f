"""LLMUsage arithmetic and the thread-safe UsageLedger."""

from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError

from graphmem.llm import CallUsage, LLMUsage, UsageLedger


def test_addition_and_sum() -> None:
    a = LLMUsage(calls=1, prompt_tokens=10, completion_tokens=2, latency_ms=5.0)
    b = LLMUsage(calls=2, prompt_tokens=1, completion_tokens=1, latency_ms=1.5, retries=1)
    assert a + b == LLMUsage(
        calls=3, prompt_tokens=11, completion_tokens=3, latency_ms=6.5, retries=1
    )
    assert sum([a, b]) == a + b
    assert (a + b).total_tokens == 14


def test_from_call_marks_retries() -> None:
    call = CallUsage(prompt_tokens=7, completion_tokens=3, latency_ms=2.0)
    assert LLMUsage.from_call(call) == LLMUsage(
        calls=1, prompt_tokens=7, completion_tokens=3, latency_ms=2.0
    )
    assert LLMUsage.from_call(call, retry=True).retries == 1


def test_usage_is_immutable_and_non_negative() -> None:
    usage = LLMUsage()
    with pytest.raises(ValidationError):
        usage.calls = 3
    with pytest.raises(ValidationError):
        LLMUsage(calls=-1)


def test_ledger_per_operation_and_total() -> None:
    ledger = UsageLedger()
    ledger.record("add", LLMUsage(calls=1, prompt_tokens=5))
    ledger.record("add", LLMUsage(calls=1, prompt_tokens=5, retries=1))
    ledger.record("search", LLMUsage(calls=1))
    assert ledger.usage("add") == LLMUsage(calls=2, prompt_tokens=10, retries=1)
    assert ledger.usage("missing") == LLMUsage()
    assert ledger.usage().calls == 3
    assert sorted(ledger.by_operation()) == ["add", "search"]
    ledger.reset()
    assert ledger.usage() == LLMUsage()


def test_ledger_is_thread_safe() -> None:
    ledger = UsageLedger()
    one = LLMUsage(calls=1, prompt_tokens=1)

    def work() -> None:
        for _ in range(500):
            ledger.record("add", one)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ledger.usage("add") == LLMUsage(calls=4_000, prompt_tokens=4_000)
