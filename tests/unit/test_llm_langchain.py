"""LangChainProvider + ToolInvoker, driven by langchain-core's fake chat model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import Field

from graphmem.errors import ConfigError, ExtractionError, LLMError, LLMTimeoutError
from graphmem.ingest._contracts import EXTRACT_TOOL_NAME, ExtractMemory
from graphmem.llm import (
    LangChainProvider,
    RetryPolicy,
    ToolInvoker,
    create_llm,
    is_retryable,
    stop_after_attempt,
)

MESSAGES = [{"role": "user", "content": "Alice lives in Berlin."}]
VALID = {
    "entities": [{"name": "Alice", "type": "Person", "aliases": []}],
    "relations": [],
    "facts": [],
}
USAGE = {"input_tokens": 40, "output_tokens": 9, "total_tokens": 49}


class ToolFakeChatModel(GenericFakeChatModel):
    """GenericFakeChatModel with just enough added for tool calling.

    GenericFakeChatModel does not implement ``bind_tools`` (BaseChatModel's raises
    NotImplementedError), so this subclass records what was bound and binds it as call kwargs,
    like real chat models do. It answers from ``script`` (AIMessages, or exceptions to raise)
    and records the messages each call received.
    """

    messages: Any = Field(default_factory=lambda: iter(()))
    script: list[Any] = Field(default_factory=list)
    bound: list[dict[str, Any]] = Field(default_factory=list)
    received: list[list[BaseMessage]] = Field(default_factory=list)

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[Any, AIMessage]:
        self.bound.append({"tools": list(tools), "tool_choice": tool_choice, **kwargs})
        return self.bind(tools=list(tools), tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.received.append(list(messages))
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return ChatResult(generations=[ChatGeneration(message=item)])


def tool_message(args: dict[str, Any], name: str = EXTRACT_TOOL_NAME) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args, "id": "call_1"}],
        usage_metadata=USAGE,
        response_metadata={"model_name": "fake-chat"},
    )


def invoker_for(model: ToolFakeChatModel) -> ToolInvoker:
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.0)
    return ToolInvoker(LangChainProvider(model), retry=policy, timeout=5.0)


def extract(invoker: ToolInvoker) -> Any:
    return invoker.invoke(ExtractMemory, EXTRACT_TOOL_NAME, "Extract.", "You extract.", MESSAGES)


def test_valid_tool_call() -> None:
    model = ToolFakeChatModel(script=[tool_message(VALID)])
    result = extract(invoker_for(model))

    assert result.value.entities[0].name == "Alice"
    assert result.model == "fake-chat"
    assert (result.usage.calls, result.usage.prompt_tokens, result.usage.completion_tokens) == (
        1,
        40,
        9,
    )
    bound = model.bound[0]
    assert bound["tool_choice"] == EXTRACT_TOOL_NAME
    function = bound["tools"][0]["function"]
    assert function["name"] == EXTRACT_TOOL_NAME
    assert function["parameters"]["required"] == ["entities", "relations", "facts"]
    sent = model.received[0]
    assert [m.type for m in sent] == ["system", "human"]
    assert sent[1].content == MESSAGES[0]["content"]


def test_invalid_then_valid() -> None:
    broken = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "name": EXTRACT_TOOL_NAME,
                "args": '{"entities": [',
                "id": "c1",
                "error": "bad json",
                "type": "invalid_tool_call",
            }
        ],
    )
    model = ToolFakeChatModel(script=[broken, tool_message(VALID)])
    result = extract(invoker_for(model))

    assert (result.usage.calls, result.usage.retries) == (2, 1)
    retry = model.received[1]
    assert [m.type for m in retry] == ["system", "human", "ai", "human"]
    assert retry[2].content == '{"entities": ['
    assert "Invalid JSON" in str(retry[3].content)


def test_invalid_twice_raises_extraction_error() -> None:
    bad = tool_message({"entities": [{"name": "Alice"}]})
    model = ToolFakeChatModel(script=[bad, bad])
    with pytest.raises(ExtractionError) as info:
        extract(invoker_for(model))
    assert info.value.errors[0]["loc"] == ["entities", 0, "type"]
    assert json.loads(info.value.raw) == {"entities": [{"name": "Alice"}]}


def test_async_invalid_then_valid() -> None:
    model = ToolFakeChatModel(script=[tool_message({"entities": 5}), tool_message(VALID)])
    invoker = invoker_for(model)
    result = asyncio.run(
        invoker.ainvoke(ExtractMemory, EXTRACT_TOOL_NAME, "Extract.", "sys", MESSAGES)
    )
    assert result.value.entities[0].type == "Person"
    assert result.usage.calls == 2


def test_json_in_content_without_tool_call() -> None:
    model = ToolFakeChatModel(script=[AIMessage(content=json.dumps(VALID))])
    assert extract(invoker_for(model)).value.entities[0].name == "Alice"


class RateLimitError(Exception):
    """Named like the provider SDKs' errors (openai, anthropic...)."""


class APIStatusError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"status {status_code}")
        self.status_code = status_code


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (RateLimitError("slow down"), True),
        (APIStatusError(502), True),
        (ConnectionError("reset"), True),
        (TimeoutError("slow"), True),
        (APIStatusError(400), False),
        (ValueError("nope"), False),
    ],
)
def test_model_errors_are_mapped(error: Exception, retryable: bool) -> None:
    model = ToolFakeChatModel(script=[error, tool_message(VALID)])
    if retryable:
        assert extract(invoker_for(model)).usage.retries == 1
    else:
        with pytest.raises(LLMError) as info:
            extract(invoker_for(model))
        assert info.value.__cause__ is error
        assert not is_retryable(info.value)


def test_model_without_bind_tools_is_a_config_error() -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage(content="hi")]))
    with pytest.raises(ConfigError, match="tool calling"):
        extract(ToolInvoker(LangChainProvider(model)))


def test_async_timeout_is_enforced() -> None:
    class SlowModel(ToolFakeChatModel):
        async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
            await asyncio.sleep(10)
            raise AssertionError("not reached")

    invoker = ToolInvoker(
        LangChainProvider(SlowModel()),
        retry=RetryPolicy(stop=stop_after_attempt(1)),
        timeout=0.05,
    )
    with pytest.raises(LLMTimeoutError):
        asyncio.run(invoker.ainvoke(ExtractMemory, EXTRACT_TOOL_NAME, "d", "s", MESSAGES))


def test_factory_builds_langchain_provider() -> None:
    model = ToolFakeChatModel(script=[tool_message(VALID)])
    llm = create_llm("langchain", model=model)
    assert isinstance(llm, LangChainProvider) and llm.model is model
    with pytest.raises(ConfigError, match="BaseChatModel"):
        create_llm("langchain")
    with pytest.raises(ConfigError, match="not a LangChain chat model"):
        create_llm("langchain", model=object())
