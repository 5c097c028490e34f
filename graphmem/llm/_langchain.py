"""Provider for any LangChain chat model (``langchain_core.language_models.BaseChatModel``).

The tool is bound with ``model.bind_tools([openai-style tool dict], tool_choice=<tool name>)``;
the answer is read from ``AIMessage.tool_calls`` (parsed arguments), or from
``invalid_tool_calls`` when the model's arguments did not parse (the invoker then asks once
more), and tokens from ``AIMessage.usage_metadata``. Errors of the model's own library are
translated by :func:`map_langchain_errors` (OpenAI-based models through
:func:`~graphmem.llm.map_openai_errors`' rules, others by name and HTTP status).

Timeouts: the async call is bounded by ``request.timeout`` (``asyncio.wait_for``); a sync call
cannot be interrupted from outside, so configure the chat model's own timeout for sync use.
``langchain_core`` is imported only when a call is made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import (
    ConfigError,
    GraphMemError,
    LLMError,
    LLMRateLimitError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from ._base import ToolRequest, ToolResponse
from ._openai import _translate as _translate_openai
from ._retry import mark_retryable
from ._usage import CallUsage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage
    from langchain_core.runnables import Runnable

__all__ = ["LangChainProvider", "map_langchain_errors"]


def _status_of(exc: BaseException) -> int:
    for holder in (exc, getattr(exc, "response", None)):
        status = getattr(holder, "status_code", None)
        if isinstance(status, int):
            return status
    return 0


def _translate(exc: BaseException) -> GraphMemError | None:
    openai_mapped = _translate_openai(exc)
    if openai_mapped is not None:
        return openai_mapped
    name, status = type(exc).__name__, _status_of(exc)
    detail = f"{name}: {str(exc)[:500]}"
    if isinstance(exc, NotImplementedError):
        return ConfigError(f"this chat model does not support tool calling ({detail})")
    if status == 429 or "RateLimit" in name:
        return mark_retryable(LLMRateLimitError(f"rate limited by the chat model ({detail})"))
    if isinstance(exc, TimeoutError) or "Timeout" in name or status == 408:
        return LLMTimeoutError(f"the chat model timed out ({detail})")
    if status >= 500 or isinstance(exc, ConnectionError) or "Connection" in name:
        return mark_retryable(LLMUnavailableError(f"the chat model is unavailable ({detail})"))
    return LLMError(f"the chat model failed ({detail})")


@contextmanager
def map_langchain_errors() -> Iterator[None]:
    """Translate a chat model's exceptions into the ``LLMError`` tree (``raise ... from``).

    Usage::

        with map_langchain_errors():
            message = model.invoke(messages)
    """
    try:
        yield
    except GraphMemError:
        raise
    except Exception as exc:
        mapped = _translate(exc)
        if mapped is None:  # pragma: no cover - _translate always maps
            raise
        raise mapped from exc


class LangChainProvider:
    """One forced tool call per request through a LangChain chat model.

    Args:
        model: any ``BaseChatModel`` that implements ``bind_tools``.
        bind_options: extra keyword arguments for ``bind_tools`` (e.g. ``{"strict": True}``
            for ``ChatOpenAI``).

    Usage::

        from langchain_openai import ChatOpenAI
        invoker = ToolInvoker(LangChainProvider(ChatOpenAI(model="gpt-4.1-mini")))
    """

    def __init__(self, model: BaseChatModel, *, bind_options: Mapping[str, Any] | None = None):
        if not callable(getattr(model, "bind_tools", None)):
            raise ConfigError(f"{type(model).__name__} is not a LangChain chat model")
        self.model = model
        self._bind_options = dict(bind_options or {})

    def _prepare(self, request: ToolRequest) -> tuple[Runnable[Any, Any], list[BaseMessage]]:
        from langchain_core.messages import convert_to_messages

        tool = {
            "type": "function",
            "function": {
                "name": request.tool_name,
                "description": request.tool_description,
                "parameters": dict(request.tool_schema),
            },
        }
        bound = self.model.bind_tools([tool], tool_choice=request.tool_name, **self._bind_options)
        return bound, convert_to_messages(request.chat_messages())

    def complete_tool(self, request: ToolRequest) -> ToolResponse:
        """Make the tool call (blocking)."""
        started = time.perf_counter()
        with map_langchain_errors():
            bound, messages = self._prepare(request)
            message = bound.invoke(messages)
        return self._to_response(message, request, started)

    async def acomplete_tool(self, request: ToolRequest) -> ToolResponse:
        """Make the tool call with the model's ``ainvoke`` (bounded by ``request.timeout``)."""
        started = time.perf_counter()
        with map_langchain_errors():
            bound, messages = self._prepare(request)
            message = await asyncio.wait_for(bound.ainvoke(messages), request.timeout)
        return self._to_response(message, request, started)

    def _to_response(self, message: Any, request: ToolRequest, started: float) -> ToolResponse:
        usage_meta = getattr(message, "usage_metadata", None) or {}
        usage = CallUsage(
            prompt_tokens=int(usage_meta.get("input_tokens", 0) or 0),
            completion_tokens=int(usage_meta.get("output_tokens", 0) or 0),
            latency_ms=(time.perf_counter() - started) * 1000.0,
        )
        meta = getattr(message, "response_metadata", None) or {}
        model = str(
            meta.get("model_name")
            or meta.get("model")
            or getattr(self.model, "model_name", None)
            or getattr(self.model, "model", None)
            or type(self.model).__name__
        )
        text = _text_of(message)
        name, args = _pick_call(message, request.tool_name)
        return ToolResponse(name, args, model=model, usage=usage, text=text)

    def __repr__(self) -> str:
        return f"LangChainProvider({type(self.model).__name__})"


def _pick_call(message: Any, tool_name: str) -> tuple[str | None, str | dict[str, Any] | None]:
    """(tool name, arguments) of the best matching call; parsed calls before invalid ones."""
    for field in ("tool_calls", "invalid_tool_calls"):
        calls = [c for c in (getattr(message, field, None) or []) if isinstance(c, Mapping)]
        if calls:
            chosen = next((c for c in calls if c.get("name") == tool_name), calls[0])
            args = chosen.get("args")
            return chosen.get("name"), args if isinstance(args, (str, dict)) else None
    return None, None


def _text_of(message: Any) -> str | None:
    text = getattr(message, "text", None)
    if callable(text) and not isinstance(text, str):  # langchain-core < 1.0: a method
        text = text()
    if isinstance(text, str):
        return text or None
    content = getattr(message, "content", None)
    return content if isinstance(content, str) and content else None
