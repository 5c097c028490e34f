"""ScriptedLLM and the create_llm factory."""

from __future__ import annotations

import asyncio
import logging

import pytest

from graphmem.errors import ConfigError, LLMTimeoutError, LLMUnavailableError
from graphmem.ingest._contracts import EXTRACT_TOOL_NAME, ExtractedEntity, ExtractMemory
from graphmem.llm import (
    REPLAY_MODEL,
    OpenAIProvider,
    ScriptedLLM,
    ToolInvoker,
    ToolRequest,
    ToolResponse,
    create_llm,
)

REQUEST = ToolRequest(
    system="s",
    messages=({"role": "user", "content": "hi"},),
    tool_name=EXTRACT_TOOL_NAME,
    tool_description="d",
    tool_schema={"type": "object"},
)


def test_answers_are_replayed_in_order() -> None:
    model_answer = ExtractMemory(entities=[ExtractedEntity(name="Bo", type="Person")])
    llm = ScriptedLLM([{"a": 1}, "raw text", model_answer, ToolResponse(None, None, text="hm")])
    first, second, third, fourth = (llm.complete_tool(REQUEST) for _ in range(4))
    assert (first.tool_name, first.arguments, first.model) == (
        EXTRACT_TOOL_NAME,
        {"a": 1},
        REPLAY_MODEL,
    )
    assert second.arguments == "raw text"
    assert isinstance(third.arguments, dict) and third.arguments["entities"][0]["name"] == "Bo"
    assert (fourth.tool_name, fourth.text, fourth.model) == (None, "hm", REPLAY_MODEL)
    assert llm.calls == 4 and llm.requests == [REQUEST] * 4 and llm.remaining == 0


def test_exceptions_are_raised() -> None:
    llm = ScriptedLLM([LLMTimeoutError("slow"), LLMTimeoutError])
    with pytest.raises(LLMTimeoutError, match="slow"):
        llm.complete_tool(REQUEST)
    with pytest.raises(LLMTimeoutError):
        llm.complete_tool(REQUEST)


def test_running_out_is_unavailable() -> None:
    llm = ScriptedLLM([])
    with pytest.raises(LLMUnavailableError, match="no scripted answer left"):
        llm.complete_tool(REQUEST)
    assert llm.calls == 1


def test_callable_script_sees_each_request() -> None:
    def respond(request: ToolRequest) -> object:
        return {"turn": request.messages[-1]["content"]}

    llm = ScriptedLLM(respond)
    assert llm.complete_tool(REQUEST).arguments == {"turn": "hi"}
    assert llm.complete_tool(REQUEST).arguments == {"turn": "hi"}
    assert llm.calls == 2


def test_every_call_logs_a_replay(caplog: pytest.LogCaptureFixture) -> None:
    llm = ScriptedLLM([{"entities": []}])
    with caplog.at_level(logging.INFO, logger="graphmem.llm"):
        result = ToolInvoker(llm).invoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", [])
    assert result.model == REPLAY_MODEL
    assert any("no model was called" in r.getMessage() for r in caplog.records)


def test_async_twin() -> None:
    llm = ScriptedLLM([{"x": 1}])
    assert asyncio.run(llm.acomplete_tool(REQUEST)).arguments == {"x": 1}


def test_unsupported_answer_type() -> None:
    with pytest.raises(ConfigError):
        ScriptedLLM([42]).complete_tool(REQUEST)  # type: ignore[list-item]


# --- factory -----------------------------------------------------------------------------------


def test_create_scripted() -> None:
    llm = create_llm("scripted", answers=[{"a": 1}])
    assert isinstance(llm, ScriptedLLM) and llm.remaining == 1


def test_create_openai_does_no_io(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("GRAPHMEM_LLM_MODEL", raising=False)
    llm = create_llm("openai")
    assert isinstance(llm, OpenAIProvider) and llm.model == "gpt-4.1-mini"


@pytest.mark.parametrize(
    ("alias", "url"),
    [
        ("ollama", "http://localhost:11434/v1"),
        ("vllm", "http://localhost:8000/v1"),
        ("lmstudio", "http://localhost:1234/v1"),
        ("LM-Studio", "http://localhost:1234/v1"),
        ("llama.cpp", "http://localhost:8080/v1"),
    ],
)
def test_local_aliases_default_their_base_url(
    alias: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    llm = create_llm(alias, model="qwen2.5:7b")
    assert isinstance(llm, OpenAIProvider)
    assert llm._base_url == url and llm.model == "qwen2.5:7b"


def test_alias_base_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box:9000/v1")
    assert create_llm("ollama")._base_url == "http://gpu-box:9000/v1"  # type: ignore[attr-defined]
    llm = create_llm("ollama", openai_base_url="http://other:1/v1")  # mem0's key name
    assert llm._base_url == "http://other:1/v1"  # type: ignore[attr-defined]
    assert create_llm("llamacpp")._tool_choice == "required"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("provider", "config", "match"),
    [
        ("anthropic-direct", {}, "unknown LLM provider"),
        ("openai", {"modle": "x"}, "unknown setting"),
        ("scripted", {"answer": []}, "unknown setting"),
    ],
)
def test_factory_rejects_bad_config(provider: str, config: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        create_llm(provider, **config)
