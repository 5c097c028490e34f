"""ToolInvoker's validation protocol and accounting, driven by ScriptedLLM (no I/O at all)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graphmem.errors import (
    ExtractionError,
    InputError,
    LLMError,
    LLMRateLimitError,
    LLMUnavailableError,
)
from graphmem.ingest._contracts import (
    EXTRACT_TOOL_NAME,
    RESOLVE_TOOL_NAME,
    ExtractMemory,
    ResolveMemory,
)
from graphmem.llm import (
    CallUsage,
    ConcurrencyLimiter,
    RetryPolicy,
    ScriptedLLM,
    ToolInvoker,
    ToolRequest,
    ToolResponse,
    UsageLedger,
    mark_retryable,
)

MESSAGES = [{"role": "user", "content": "hello"}]
EMPTY: dict[str, Any] = {"entities": [], "relations": [], "facts": []}


def make(llm: ScriptedLLM, **kwargs: Any) -> ToolInvoker:
    return ToolInvoker(llm, retry=RetryPolicy(sleep=lambda s: None, random=lambda: 0.0), **kwargs)


def extract(invoker: ToolInvoker, **kwargs: Any) -> Any:
    return invoker.invoke(ExtractMemory, EXTRACT_TOOL_NAME, "Extract.", "sys", MESSAGES, **kwargs)


# Each case: the two scripted answers, and the error type expected when both are bad.
BAD_ANSWERS: dict[str, tuple[Any, str]] = {
    "invalid json": ('{"entities": [', "json_invalid"),
    "not an object": ("[1, 2]", "model_type"),
    "missing field": ({"entities": [{"name": "A"}]}, "missing"),
    "wrong type": ({"entities": {"name": "A"}}, "list_type"),
    "empty name": ({"entities": [{"name": "  ", "type": "Person"}]}, "string_too_short"),
    "unknown tool": (ToolResponse("other_tool", EMPTY), "unknown_tool"),
    "no tool call": (ToolResponse(None, None, text="I won't."), "no_tool_call"),
    "no arguments": (ToolResponse(EXTRACT_TOOL_NAME, None), "missing_arguments"),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_bad_answer_then_good_answer(case: str) -> None:
    bad, _ = BAD_ANSWERS[case]
    llm = ScriptedLLM([bad, EMPTY])
    result = extract(make(llm))
    assert result.value == ExtractMemory()
    assert (result.usage.calls, result.usage.retries) == (2, 1)
    feedback = llm.requests[1].messages[-1]
    assert feedback["role"] == "user" and "Validation errors" in feedback["content"]
    assert llm.requests[1].messages[-2]["role"] == "assistant"


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_bad_answer_twice_raises(case: str) -> None:
    bad, kind = BAD_ANSWERS[case]
    llm = ScriptedLLM([bad, bad])
    ledger = UsageLedger()
    with pytest.raises(ExtractionError, match="after one corrective retry") as info:
        extract(make(llm, ledger=ledger), operation="add")
    assert info.value.errors[0]["type"] == kind
    assert llm.calls == 2
    assert ledger.usage("add").calls == 2
    assert info.value.usage.calls == 2  # type: ignore[attr-defined]


def test_dict_and_string_arguments_validate_alike() -> None:
    llm = ScriptedLLM([{"decisions": [{"new": 0, "existing": 2, "action": "MERGE"}]}])
    invoker = make(llm)
    as_dict = invoker.invoke(ResolveMemory, RESOLVE_TOOL_NAME, "d", "s", MESSAGES).value
    llm.add('{"decisions": [{"new": 0, "existing": 2, "action": "MERGE"}]}')
    as_text = invoker.invoke(ResolveMemory, RESOLVE_TOOL_NAME, "d", "s", MESSAGES).value
    assert as_dict == as_text
    assert as_dict.decisions[0].action == "MERGE"


def test_huge_dict_answer_is_rejected_without_retry() -> None:
    llm = ScriptedLLM([{"entities": [], "pad": "x" * 2_000_000}])
    with pytest.raises(ExtractionError, match="at once") as info:
        extract(make(llm))
    assert info.value.errors[0]["type"] == "answer_too_large"
    assert llm.calls == 1


def test_custom_answer_limit() -> None:
    llm = ScriptedLLM(['{"entities": []}'])
    with pytest.raises(ExtractionError):
        extract(make(llm, max_answer_chars=5))


def test_corrective_echo_is_truncated() -> None:
    long_bad = '{"entities": "' + "y" * 50_000 + '"}'
    llm = ScriptedLLM([long_bad, EMPTY])
    extract(make(llm))
    echo = llm.requests[1].messages[-2]["content"]
    assert len(echo) < 9_000 and echo.endswith("[truncated]")


def test_request_shape() -> None:
    llm = ScriptedLLM([EMPTY])
    invoker = make(llm, timeout=7.5)
    extract(invoker)
    request = llm.requests[0]
    assert isinstance(request, ToolRequest)
    assert request.tool_name == EXTRACT_TOOL_NAME and request.tool_description == "Extract."
    assert request.system == "sys" and request.timeout == 7.5 and request.strict
    assert request.chat_messages() == [{"role": "system", "content": "sys"}, *MESSAGES]
    assert request.tool_schema["additionalProperties"] is False


@pytest.mark.parametrize(
    "messages",
    [[{"role": "robot", "content": "x"}], [{"role": "user"}], [{"role": "user", "content": 3}]],
)
def test_malformed_messages_are_input_errors(messages: list[Any]) -> None:
    llm = ScriptedLLM([EMPTY])
    with pytest.raises(InputError):
        make(llm).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", messages)
    assert llm.calls == 0


def test_transient_errors_are_retried_and_counted() -> None:
    unavailable = mark_retryable(LLMUnavailableError("502"))
    llm = ScriptedLLM([LLMRateLimitError("429"), unavailable, EMPTY])
    result = extract(make(llm))
    assert (result.usage.calls, result.usage.retries) == (3, 2)


def test_transient_and_corrective_retries_combine() -> None:
    llm = ScriptedLLM([LLMRateLimitError("429"), "{", LLMRateLimitError("429"), EMPTY])
    result = extract(make(llm))
    assert (result.usage.calls, result.usage.retries) == (4, 3)


def test_unmarked_unavailable_is_not_retried() -> None:
    llm = ScriptedLLM([LLMUnavailableError("not configured"), EMPTY])
    with pytest.raises(LLMUnavailableError):
        extract(make(llm))
    assert llm.calls == 1


def test_foreign_exceptions_become_llm_errors() -> None:
    llm = ScriptedLLM([KeyError("boom")])
    with pytest.raises(LLMError, match="ScriptedLLM failed: KeyError") as info:
        extract(make(llm))
    assert isinstance(info.value.__cause__, KeyError)


def test_provider_usage_is_summed_and_ledgered_per_operation() -> None:
    answer = ToolResponse(EXTRACT_TOOL_NAME, EMPTY, "m", CallUsage(100, 20, 5.0))
    llm = ScriptedLLM([answer, answer, answer])
    ledger = UsageLedger()
    invoker = make(llm, ledger=ledger)
    extract(invoker, operation="add")
    extract(invoker, operation="add")
    extract(invoker, operation="search")
    assert ledger.usage("add").prompt_tokens == 200
    assert ledger.usage("add").latency_ms == 10.0
    assert ledger.usage("search").completion_tokens == 20
    assert ledger.usage().calls == 3
    assert set(ledger.by_operation()) == {"add", "search"}


def test_async_twin_behaves_the_same() -> None:
    llm = ScriptedLLM([LLMRateLimitError("429"), '{"entities": 1}', EMPTY])
    sleeps: list[float] = []

    async def asleep(seconds: float) -> None:
        sleeps.append(seconds)

    invoker = ToolInvoker(llm, retry=RetryPolicy(asleep=asleep, random=lambda: 0.0))
    result = asyncio.run(
        invoker.ainvoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES, operation="add")
    )
    assert (result.usage.calls, result.usage.retries) == (3, 2)
    assert sleeps == [0.5]


def test_async_failure_raises_extraction_error() -> None:
    llm = ScriptedLLM(["{", "{"])
    with pytest.raises(ExtractionError):
        asyncio.run(make(llm).ainvoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES))


def test_retry_sleeps_do_not_hold_a_concurrency_slot() -> None:
    limiter = ConcurrencyLimiter(1)
    seen: list[int] = []

    def sleep(seconds: float) -> None:
        seen.append(limiter.in_use)

    llm = ScriptedLLM([LLMRateLimitError("429"), LLMRateLimitError("429"), EMPTY])
    invoker = ToolInvoker(llm, retry=RetryPolicy(sleep=sleep), limiter=limiter)
    extract(invoker)
    assert seen == [0, 0] and limiter.in_use == 0
