"""graphmem's LLM layer: validated tool calls over any OpenAI-compatible or LangChain model.

The rest of graphmem talks to models only through :class:`ToolInvoker`: one forced tool call,
its answer validated against a Pydantic model (one corrective retry, then ``ExtractionError``),
transient failures retried by a :class:`RetryPolicy`, at most N calls in flight per process
(:func:`set_global_concurrency`), and every call counted in a :class:`UsageLedger`.

Providers (each implements :class:`LLMProvider`):

- :class:`OpenAIProvider`: OpenAI and any OpenAI-compatible server (vLLM, Ollama, llama.cpp,
  LM Studio), configured by ``OPENAI_API_KEY``/``OPENAI_BASE_URL``/``GRAPHMEM_LLM_MODEL``;
- :class:`LangChainProvider`: any LangChain ``BaseChatModel`` with ``bind_tools``;
- :class:`ScriptedLLM`: replays scripted answers; no model is called.

Usage::

    from graphmem.llm import ToolInvoker, create_llm
    invoker = ToolInvoker(create_llm("openai"))
    result = invoker.invoke(ExtractMemory, "extract_memory", "Extract memories.", system, msgs)
"""

from __future__ import annotations

import contextlib as _contextlib

from ._base import LLMProvider, ToolRequest, ToolResponse
from ._factory import create_llm
from ._invoker import InvokeResult, ToolInvoker
from ._langchain import LangChainProvider
from ._lenient import recover_arguments
from ._limits import ConcurrencyLimiter, global_limiter, set_global_concurrency
from ._openai import DEFAULT_MODEL, OpenAIProvider, map_openai_errors
from ._probe import ToolCallingReport, probe_tool_calling
from ._retry import (
    RetryPolicy,
    RetryState,
    Stop,
    Wait,
    is_retryable,
    mark_retryable,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
    wait_fixed,
    wait_retry_after,
)
from ._schema import strict_json_schema, tool_json_schema
from ._scripted import REPLAY_MODEL, ScriptedLLM
from ._usage import CallUsage, LLMUsage, UsageLedger

__all__ = [
    "DEFAULT_MODEL",
    "REPLAY_MODEL",
    "CallUsage",
    "ConcurrencyLimiter",
    "InvokeResult",
    "LLMProvider",
    "LLMUsage",
    "LangChainProvider",
    "OpenAIProvider",
    "RetryPolicy",
    "RetryState",
    "ScriptedLLM",
    "Stop",
    "ToolCallingReport",
    "ToolInvoker",
    "ToolRequest",
    "ToolResponse",
    "UsageLedger",
    "Wait",
    "create_llm",
    "global_limiter",
    "is_retryable",
    "map_openai_errors",
    "mark_retryable",
    "probe_tool_calling",
    "recover_arguments",
    "set_global_concurrency",
    "stop_after_attempt",
    "stop_after_delay",
    "strict_json_schema",
    "tool_json_schema",
    "wait_exponential_jitter",
    "wait_fixed",
    "wait_retry_after",
]

# Show the public path in reprs and docs (graphmem.llm.ToolInvoker, not graphmem.llm._invoker).
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        with _contextlib.suppress(AttributeError, TypeError):  # builtins and the like
            _obj.__module__ = __name__
del _name, _obj
