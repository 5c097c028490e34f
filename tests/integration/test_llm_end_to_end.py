"""A plain ``Memory`` talking real HTTP to a local fake OpenAI-compatible server.

Nothing LLM-related is injected: the Memory is built with ``Memory.from_config`` and finds its
model through ``OPENAI_BASE_URL``/``OPENAI_API_KEY``/``GRAPHMEM_LLM_MODEL``, so the default
``create_llm("openai")`` -> ``OpenAIProvider`` -> ``openai`` SDK -> HTTP path runs for real, and
every call is counted on the server (``server.requests``) and in ``AddResult.usage``.

Retry waits: ``Memory`` has no way to pass a retry policy, and ``Retry-After: 0`` does not
shorten the default backoff (0.5 s + jitter, doubling), so the one-retry test sleeps for real
and the give-up test swaps only the policy's ``sleep`` (``llm_drivers.fast_retries``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from llm_drivers import fast_retries

from graphmem import ExtractionError, LLMUnavailableError, Memory
from graphmem.embed import SentenceTransformerEmbedder
from graphmem.types import Scope
from tests.fakes import FakeOpenAIServer

USER = "u1"
MODEL = "e2e-model"
API_KEY = "sk-e2e-test"
WHEN = datetime(2024, 1, 1, tzinfo=timezone.utc)


def vegetarian(text: str = "Alice is vegetarian.") -> dict[str, Any]:
    return {
        "entities": [{"name": "Alice", "type": "Person", "aliases": []}],
        "relations": [],
        "facts": [{"text": text, "about": ["Alice"]}],
    }


def tool_names(server: FakeOpenAIServer) -> list[str]:
    return [r.json["tool_choice"]["function"]["name"] for r in server.requests]


def nothing_written(memory: Memory) -> bool:
    """No memory (current or expired) and no episode in the user's scope."""
    later = datetime(2100, 1, 1, tzinfo=timezone.utc)
    episodes = memory._repository.recent_episodes(Scope(user_id=USER), later, 5)
    return memory.get_all(user_id=USER, include_expired=True) == [] and episodes == []


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(model="served-model") as fake:
        yield fake


@pytest.fixture
def memory(
    server: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    embedder: SentenceTransformerEmbedder,
) -> Iterator[Memory]:
    for variable in ("GRAPHMEM_LLM_PROVIDER", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("GRAPHMEM_LLM_MODEL", MODEL)
    config = {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    made = Memory.from_config(config, embedder=embedder)
    yield made
    made.reset()
    made.close()


def test_the_common_case_costs_one_http_call_per_add(memory, server):
    server.queue_tool_call("extract_memory", vegetarian(), prompt_tokens=321, completion_tokens=54)
    server.queue_tool_call(
        "extract_memory",
        {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": []},
                {"name": "Acme", "type": "Organization", "aliases": []},
            ],
            "relations": [
                {
                    "subject": "Alice",
                    "predicate": "WORKS_AT",
                    "object": "Acme",
                    "fact": "Alice works at Acme.",
                    "valid_from": None,
                    "valid_to": None,
                }
            ],
            "facts": [],
        },
        prompt_tokens=400,
        completion_tokens=60,
    )

    first = memory.add("Alice is vegetarian.", user_id=USER, occurred_at=WHEN)
    assert len(server.requests) == 1
    second = memory.add("Alice works at Acme.", user_id=USER, occurred_at=WHEN)
    assert len(server.requests) == 2 and server.remaining == 0

    assert (first.usage.calls, first.usage.retries) == (1, 0)
    assert (second.usage.calls, second.usage.retries) == (1, 0)
    assert (first.usage.prompt_tokens, first.usage.completion_tokens) == (321, 54)
    assert (second.usage.prompt_tokens, second.usage.completion_tokens) == (400, 60)
    assert [e.event for e in first.events] == ["ADD"] == [e.event for e in second.events]
    assert {f.text for f in memory.get_all(user_id=USER)} == {
        "Alice is vegetarian.",
        "Alice works at Acme.",
    }
    # what went over the wire: the configured model and key, one forced tool call
    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = request.json
    assert body["model"] == MODEL
    assert [t["function"]["name"] for t in body["tools"]] == ["extract_memory"]
    assert tool_names(server) == ["extract_memory", "extract_memory"]
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "Alice is vegetarian." in body["messages"][-1]["content"]


def test_a_rate_limit_is_retried_and_counted(memory, server):
    # Real backoff sleep here (Retry-After: 0 cannot shorten it below the ~0.5-1 s default).
    server.queue_error(429, "slow down", headers={"retry-after": "0"})
    server.queue_tool_call("extract_memory", vegetarian(), prompt_tokens=90, completion_tokens=12)

    result = memory.add("Alice is vegetarian.", user_id=USER, occurred_at=WHEN)

    assert len(server.requests) == 2
    assert server.requests[1].json["messages"] == server.requests[0].json["messages"]
    assert (result.usage.calls, result.usage.retries) == (2, 1)
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (90, 12)
    assert [e.event for e in result.events] == ["ADD"]
    assert {f.text for f in memory.get_all(user_id=USER)} == {"Alice is vegetarian."}


def test_a_failing_server_gives_up_and_writes_nothing(memory, server):
    slept = fast_retries(memory)
    for _ in range(4):
        server.queue_error(500, "upstream exploded")
    server.queue_tool_call("extract_memory", vegetarian())  # never reached

    with pytest.raises(LLMUnavailableError) as failure:
        memory.add("Alice is vegetarian.", user_id=USER, occurred_at=WHEN)

    assert len(server.requests) == 4 and server.remaining == 1  # the default policy: 4 attempts
    assert len(slept) == 3
    assert "HTTP 500" in str(failure.value)
    assert (failure.value.usage.calls, failure.value.usage.retries) == (4, 3)
    assert nothing_written(memory)


def test_an_unknown_tool_gets_one_corrective_retry_then_fails(memory, server):
    server.queue_tool_call("delete_all_memories", vegetarian())
    server.queue_tool_call("delete_all_memories", vegetarian())
    server.queue_tool_call("extract_memory", vegetarian())  # never reached

    with pytest.raises(ExtractionError) as failure:
        memory.add("Alice is vegetarian.", user_id=USER, occurred_at=WHEN)

    assert len(server.requests) == 2 and server.remaining == 1
    assert [e["type"] for e in failure.value.errors] == ["unknown_tool"]
    assert (failure.value.usage.calls, failure.value.usage.retries) == (2, 1)
    first, retry = (r.json["messages"] for r in server.requests)
    assert retry[: len(first)] == first
    assert [m["role"] for m in retry[len(first) :]] == ["assistant", "user"]
    assert "delete_all_memories" in retry[-1]["content"]
    assert tool_names(server) == ["extract_memory", "extract_memory"]
    assert nothing_written(memory)


def test_an_ambiguous_fact_costs_exactly_one_resolution_call(memory, server):
    server.queue_tool_call("extract_memory", vegetarian(), prompt_tokens=100, completion_tokens=10)
    memory.add("Alice is vegetarian.", user_id=USER, occurred_at=WHEN)
    assert len(server.requests) == 1

    server.queue_tool_call(
        "extract_memory",
        vegetarian("Alice is no longer vegetarian."),
        prompt_tokens=200,
        completion_tokens=20,
    )
    server.queue_tool_call(
        "resolve_memory",
        {"decisions": [{"new": 0, "existing": 0, "action": "INVALIDATE"}]},
        prompt_tokens=50,
        completion_tokens=5,
    )
    server.queue_tool_call("resolve_memory", {"decisions": []})  # a third call would take this
    later = datetime(2025, 1, 1, tzinfo=timezone.utc)
    result = memory.add("Alice eats meat again.", user_id=USER, occurred_at=later)

    assert len(server.requests) == 3 and server.remaining == 1
    assert tool_names(server) == ["extract_memory", "extract_memory", "resolve_memory"]
    assert (result.usage.calls, result.usage.retries) == (2, 0)
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (250, 25)
    assert '"id": 0' in server.requests[2].json["messages"][-1]["content"]
    assert [e.event for e in result.events] == ["ADD", "INVALIDATE"]
    assert {f.text for f in memory.get_all(user_id=USER)} == {"Alice is no longer vegetarian."}
