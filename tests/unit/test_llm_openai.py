"""OpenAIProvider + ToolInvoker over real HTTP, against the local fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from graphmem.errors import (
    ExtractionError,
    LLMError,
    LLMRateLimitError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from graphmem.ingest._contracts import EXTRACT_TOOL_NAME, ExtractMemory, ResolveMemory
from graphmem.llm import (
    OpenAIProvider,
    RetryPolicy,
    ToolInvoker,
    UsageLedger,
    is_retryable,
    stop_after_attempt,
)
from tests.fakes import FakeOpenAIServer

MESSAGES = [{"role": "user", "content": "I moved to Berlin in March."}]
VALID = {
    "entities": [{"name": "Alice", "type": "Person", "aliases": []}],
    "relations": [],
    "facts": [],
}


class Sleeps:
    """Records the sleeps a RetryPolicy asks for; never sleeps."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture()
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


def make_invoker(
    server: FakeOpenAIServer,
    sleeps: Sleeps,
    *,
    attempts: int = 4,
    timeout: float | None = 10.0,
    ledger: UsageLedger | None = None,
    **provider: Any,
) -> ToolInvoker:
    llm = OpenAIProvider("fake-model", base_url=server.base_url, api_key="test-key", **provider)
    policy = RetryPolicy(
        stop=stop_after_attempt(attempts), sleep=sleeps, asleep=sleeps.asleep, random=lambda: 0.0
    )
    return ToolInvoker(llm, retry=policy, timeout=timeout, ledger=ledger)


def extract(invoker: ToolInvoker, **kwargs: Any) -> Any:
    return invoker.invoke(
        ExtractMemory, EXTRACT_TOOL_NAME, "Extract memories.", "You extract.", MESSAGES, **kwargs
    )


def test_valid_tool_call_is_parsed_and_counted(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID, prompt_tokens=120, completion_tokens=30)
    ledger = UsageLedger()
    result = extract(make_invoker(server, sleeps, ledger=ledger), operation="add")

    assert result.value.entities[0].name == "Alice"
    assert result.model == "fake-model"
    assert (result.usage.calls, result.usage.retries) == (1, 0)
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (120, 30)
    assert result.usage.latency_ms > 0
    assert ledger.usage("add") == result.usage

    sent = server.requests[0].json
    assert sent["model"] == "fake-model"
    assert sent["messages"][0] == {"role": "system", "content": "You extract."}
    assert sent["messages"][1:] == MESSAGES
    function = sent["tools"][0]["function"]
    assert function["name"] == EXTRACT_TOOL_NAME and function["strict"] is True
    assert function["parameters"]["additionalProperties"] is False
    assert sent["tool_choice"] == {"type": "function", "function": {"name": EXTRACT_TOOL_NAME}}
    assert server.requests[0].headers["authorization"] == "Bearer test-key"
    assert sleeps.seconds == []


def test_429_then_success_is_retried_once(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_error(429, "slow down", headers={"retry-after": "3"})
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    result = extract(make_invoker(server, sleeps))

    assert (result.usage.calls, result.usage.retries) == (2, 1)
    assert result.usage.prompt_tokens == 11  # the 429 reported no tokens
    assert len(server.requests) == 2
    assert sleeps.seconds == [3.0]  # Retry-After beats the 0.5 s backoff


def test_500_until_exhausted_raises_unavailable(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    for _ in range(3):
        server.queue_error(500, "boom")
    ledger = UsageLedger()
    with pytest.raises(LLMUnavailableError, match="HTTP 500") as info:
        extract(make_invoker(server, sleeps, attempts=3, ledger=ledger), operation="add")

    assert isinstance(info.value.__cause__, openai.InternalServerError)
    assert is_retryable(info.value)
    assert len(server.requests) == 3
    assert sleeps.seconds == [0.5, 1.0]  # exponential backoff, jitter 0
    assert (ledger.usage("add").calls, ledger.usage("add").retries) == (3, 2)
    assert info.value.usage.calls == 3  # type: ignore[attr-defined]


def test_timeout_maps_to_llm_timeout_error(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID, delay=5.0)
    started = time.perf_counter()
    with pytest.raises(LLMTimeoutError) as info:
        extract(make_invoker(server, sleeps, attempts=1, timeout=0.2))
    assert time.perf_counter() - started < 3.0
    assert isinstance(info.value.__cause__, openai.APITimeoutError)
    assert is_retryable(info.value)


def test_timeout_is_retried_then_succeeds(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID, delay=5.0)
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    result = extract(make_invoker(server, sleeps, timeout=0.2))
    assert (result.usage.calls, result.usage.retries) == (2, 1)


def test_invalid_json_gets_one_corrective_retry(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, '{"entities": [')
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    result = extract(make_invoker(server, sleeps))

    assert result.value.entities[0].type == "Person"
    assert (result.usage.calls, result.usage.retries) == (2, 1)
    retry_messages = server.requests[1].messages
    assert retry_messages[:2] == server.requests[0].messages
    assert retry_messages[-2] == {"role": "assistant", "content": '{"entities": ['}
    feedback = retry_messages[-1]
    assert feedback["role"] == "user"
    assert "Invalid JSON" in feedback["content"]
    assert EXTRACT_TOOL_NAME in feedback["content"]
    assert sleeps.seconds == []  # a corrective retry does not back off


def test_still_invalid_raises_extraction_error(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, '{"entities": [')
    server.queue_tool_call(EXTRACT_TOOL_NAME, "not json at all")
    ledger = UsageLedger()
    with pytest.raises(ExtractionError) as info:
        extract(make_invoker(server, sleeps, ledger=ledger), operation="add")

    assert info.value.raw == "not json at all"
    assert info.value.errors[0]["type"] == "json_invalid"
    assert len(server.requests) == 2
    assert ledger.usage("add").calls == 2


def test_unknown_tool_name_is_corrected(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call("delete_everything", VALID)
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    result = extract(make_invoker(server, sleeps))
    assert result.usage.calls == 2
    assert "delete_everything" in server.requests[1].messages[-1]["content"]


def test_unknown_tool_name_twice_fails(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call("delete_everything", VALID)
    server.queue_tool_call("delete_everything", VALID)
    with pytest.raises(ExtractionError) as info:
        extract(make_invoker(server, sleeps))
    assert info.value.errors[0]["type"] == "unknown_tool"
    assert json.loads(info.value.raw) == VALID


def test_missing_fields_fail_with_locations(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    bad = {"entities": [{"name": "Alice"}], "relations": [], "facts": []}
    server.queue_tool_call(EXTRACT_TOOL_NAME, bad)
    server.queue_tool_call(EXTRACT_TOOL_NAME, bad)
    with pytest.raises(ExtractionError) as info:
        extract(make_invoker(server, sleeps))
    assert [(e["type"], e["loc"]) for e in info.value.errors] == [
        ("missing", ["entities", 0, "type"])
    ]
    assert "entities.0.type: Field required" in server.requests[1].messages[-1]["content"]


def test_wrong_types_fail(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, {"entities": "Alice", "relations": [], "facts": []})
    server.queue_tool_call(RESOLVE := "resolve_memory", {"decisions": [{"new": "x"}]})
    with pytest.raises(ExtractionError) as info:
        extract(make_invoker(server, sleeps))
    assert info.value.errors[0]["type"] == "unknown_tool"  # the second answer called another tool
    assert RESOLVE in info.value.errors[0]["msg"]
    assert "Input should be a valid array" in server.requests[1].messages[-1]["content"]


def test_wrong_types_in_resolution(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    bad = {"decisions": [{"new": -1, "existing": "three", "action": "DROP"}]}
    server.queue_tool_call("resolve_memory", bad)
    server.queue_tool_call("resolve_memory", bad)
    invoker = make_invoker(server, sleeps)
    with pytest.raises(ExtractionError) as info:
        invoker.invoke(ResolveMemory, "resolve_memory", "Resolve.", "sys", MESSAGES)
    kinds = sorted(e["type"] for e in info.value.errors)
    assert kinds == ["greater_than_equal", "int_parsing", "literal_error"]


def test_huge_answer_is_rejected_quickly(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    huge = json.dumps({"entities": [], "relations": [], "facts": [], "pad": "x" * 5_000_000})
    server.queue_tool_call(EXTRACT_TOOL_NAME, huge)
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="over the limit") as info:
        extract(make_invoker(server, sleeps))
    assert time.perf_counter() - started < 3.0
    assert len(server.requests) == 1  # no corrective retry for a runaway answer
    assert info.value.errors[0]["type"] == "answer_too_large"
    assert len(info.value.raw) <= 10_000


def test_json_in_content_is_accepted(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_content("Sure! Here it is:\n```json\n" + json.dumps(VALID) + "\n```")
    result = extract(make_invoker(server, sleeps))
    assert result.value.entities[0].name == "Alice"
    assert result.usage.calls == 1


def test_plain_text_without_tool_call_is_corrected(
    server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    server.queue_content("I cannot help with that.")
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    result = extract(make_invoker(server, sleeps))
    assert result.usage.calls == 2
    assert server.requests[1].messages[-2]["content"] == "I cannot help with that."


def test_auth_failure_is_not_retried(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_error(401, "bad key")
    with pytest.raises(LLMError, match="OPENAI_API_KEY") as info:
        extract(make_invoker(server, sleeps))
    assert not is_retryable(info.value)
    assert not isinstance(info.value, (LLMRateLimitError, LLMUnavailableError))
    assert len(server.requests) == 1


def test_insufficient_quota_is_not_retried(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_error(429, "You exceeded your current quota", code="insufficient_quota")
    with pytest.raises(LLMUnavailableError, match="quota"):
        extract(make_invoker(server, sleeps))
    assert len(server.requests) == 1


def test_connection_refused_is_retryable_unavailable(sleeps: Sleeps) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    llm = OpenAIProvider("m", base_url=f"http://127.0.0.1:{port}/v1", api_key="k")
    policy = RetryPolicy(stop=stop_after_attempt(2), sleep=sleeps, random=lambda: 0.0)
    with pytest.raises(LLMUnavailableError, match="cannot reach") as info:
        ToolInvoker(llm, retry=policy).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES)
    assert is_retryable(info.value)
    assert sleeps.seconds == [0.5]


def test_no_configuration_fails_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    llm = OpenAIProvider()  # constructing does no I/O and does not fail
    with pytest.raises(LLMUnavailableError, match="OPENAI_BASE_URL") as info:
        ToolInvoker(llm).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES)
    assert "OPENAI_API_KEY" in str(info.value)
    assert not is_retryable(info.value)


def test_environment_is_honoured(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("GRAPHMEM_LLM_MODEL", "env-model")
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    ToolInvoker(OpenAIProvider()).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES)
    assert server.requests[0].headers["authorization"] == "Bearer env-key"
    assert server.requests[0].json["model"] == "env-model"


def test_base_url_without_key_sends_a_placeholder(
    server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    llm = OpenAIProvider("llama3.1", base_url=server.base_url, tool_choice="required")
    ToolInvoker(llm).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES)
    assert server.requests[0].headers["authorization"].startswith("Bearer ")
    assert server.requests[0].json["tool_choice"] == "required"


def test_async_invoke_retries_and_corrects(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.queue_error(503, "overloaded")
    server.queue_tool_call(EXTRACT_TOOL_NAME, '{"entities": 3}')
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    invoker = make_invoker(server, sleeps)

    async def main() -> Any:
        return await invoker.ainvoke(
            ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES, operation="add"
        )

    result = asyncio.run(main())
    assert result.value.entities[0].name == "Alice"
    assert (result.usage.calls, result.usage.retries) == (3, 2)
    assert sleeps.seconds == [0.5]
    assert "valid array" in server.requests[2].messages[-1]["content"]


def test_async_client_works_across_event_loops(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    invoker = make_invoker(server, sleeps)
    for _ in range(2):  # a second asyncio.run() gets a fresh client for its own loop
        server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
        result = asyncio.run(invoker.ainvoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES))
        assert result.usage.calls == 1
