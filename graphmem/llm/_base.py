"""The provider seam: one raw tool call in (:class:`ToolRequest`), one raw answer out.

A provider knows how to talk to one kind of model (OpenAI-compatible HTTP, a LangChain chat
model, a script). It does no validation and no retries: :class:`~graphmem.llm.ToolInvoker`
does those once for every provider. A provider translates its library's errors into the
``graphmem.errors.LLMError`` tree and marks transient ones with
:func:`~graphmem.llm.mark_retryable` (rate limits and timeouts are always retryable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ._usage import CallUsage

__all__ = ["LLMProvider", "Message", "ToolRequest", "ToolResponse"]

Message = Mapping[str, str]
"""A chat message: ``{"role": "user" | "assistant" | "system", "content": "..."}``."""


@dataclass(frozen=True)
class ToolRequest:
    """One forced tool call to make.

    Attributes:
        system: the system prompt.
        messages: the conversation after the system prompt, oldest first.
        tool_name: the one tool the model must call.
        tool_description: what the tool is for (shown to the model).
        tool_schema: JSON schema of the tool arguments.
        timeout: seconds allowed for this call, or None for the provider's default.
        strict: whether the schema is OpenAI strict-mode compatible (providers that support
            strict function calling send ``strict: true`` when this is set).
    """

    system: str
    messages: tuple[Message, ...]
    tool_name: str
    tool_description: str
    tool_schema: Mapping[str, Any]
    timeout: float | None = None
    strict: bool = True

    def chat_messages(self) -> list[dict[str, str]]:
        """The system prompt followed by the messages, as plain role/content dicts."""
        out = [{"role": "system", "content": self.system}] if self.system else []
        out.extend({"role": m["role"], "content": m["content"]} for m in self.messages)
        return out


@dataclass(frozen=True)
class ToolResponse:
    """The raw answer to a :class:`ToolRequest`, not yet validated.

    Attributes:
        tool_name: the tool the model called, or None if it called none.
        arguments: the raw tool arguments: a JSON string as sent, or an already parsed dict
            (LangChain parses them), or None when no tool was called.
        model: the model that answered, as reported by the provider.
        usage: tokens and latency of this call.
        text: the free text the model wrote next to (or instead of) the tool call. Some local
            servers ignore ``tool_choice`` and put the JSON arguments here.
    """

    tool_name: str | None
    arguments: str | dict[str, Any] | None
    model: str = ""
    usage: CallUsage = field(default_factory=CallUsage)
    text: str | None = None


@runtime_checkable
class LLMProvider(Protocol):
    """Makes one raw tool call. Implemented by OpenAIProvider, LangChainProvider, ScriptedLLM.

    ``acomplete_tool`` must never block the event loop: use a native async client or
    ``asyncio.to_thread``. Both raise only ``graphmem.errors.LLMError`` subclasses.
    """

    def complete_tool(self, request: ToolRequest) -> ToolResponse:
        """Make the call and return the raw answer."""
        ...

    async def acomplete_tool(self, request: ToolRequest) -> ToolResponse:
        """Async twin of :meth:`complete_tool`."""
        ...
