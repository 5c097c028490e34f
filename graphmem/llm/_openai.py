"""Provider for any OpenAI-compatible chat completions endpoint, on the ``openai`` SDK.

OpenAI, Azure (pass a client), vLLM, Ollama, llama.cpp server, LM Studio... The SDK's own
retries are switched off (``max_retries=0``): graphmem's :class:`~graphmem.llm.RetryPolicy`
retries, once, for every provider. SDK errors are translated in one place,
:func:`map_openai_errors`. Clients are created on first use, never in the constructor, and the
``openai`` package itself is imported only then (it takes most of a second to import).

Credentials follow the SDK: ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` (or the ``api_key`` and
``base_url`` arguments). With a base URL but no key (a local server), a placeholder key is
sent, since local servers ignore it and the SDK refuses to start without one. With neither,
the first call raises ``LLMUnavailableError`` explaining how to configure one.
"""

from __future__ import annotations

import email.utils
import os
import sys
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from ..errors import LLMError, LLMRateLimitError, LLMTimeoutError, LLMUnavailableError
from ._base import ToolRequest, ToolResponse
from ._retry import mark_retryable
from ._usage import CallUsage

if TYPE_CHECKING:
    import asyncio

    from openai import AsyncOpenAI, OpenAI

__all__ = ["DEFAULT_MODEL", "MODEL_ENV_VAR", "OpenAIProvider", "map_openai_errors"]

DEFAULT_MODEL = "gpt-4.1-mini"
MODEL_ENV_VAR = "GRAPHMEM_LLM_MODEL"
_PLACEHOLDER_KEY = "sk-no-key-required"
_NOT_CONFIGURED = (
    "No LLM is configured. Set OPENAI_API_KEY to use OpenAI, or OPENAI_BASE_URL to use a local "
    "OpenAI-compatible server (Ollama: http://localhost:11434/v1, vLLM: "
    "http://localhost:8000/v1, llama.cpp server: http://localhost:8080/v1, LM Studio: "
    "http://localhost:1234/v1), and GRAPHMEM_LLM_MODEL to pick the model. Or pass "
    "api_key=/base_url= in the llm config, or use add(..., infer=False) to store messages "
    "without an LLM."
)
ToolChoice = Literal["named", "required", "auto"]


# --- errors ------------------------------------------------------------------------------------


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from Retry-After-Ms / Retry-After (seconds or an HTTP date), if present."""
    if not headers:
        return None
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return float(ms) / 1000.0
        if (value := headers.get("retry-after")) is None:
            return None
        try:
            return float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def _status_error(exc: Any) -> LLMError:
    """Map an ``openai.APIStatusError`` by its HTTP status."""
    status = int(getattr(exc, "status_code", 0) or 0)
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        body = body["error"]
    message = body.get("message") if isinstance(body, Mapping) else None
    detail = f"HTTP {status}: {str(message or getattr(exc, 'message', exc))[:500]}"
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if status == 429:
        if getattr(exc, "code", None) == "insufficient_quota":
            return LLMUnavailableError(f"the LLM account has no quota left ({detail})")
        return mark_retryable(
            LLMRateLimitError(f"rate limited by the LLM provider ({detail})"),
            retry_after=_retry_after(headers),
        )
    if status == 408:
        return LLMTimeoutError(f"the LLM server timed out ({detail})")
    if status >= 500:
        return mark_retryable(
            LLMUnavailableError(f"the LLM server failed ({detail})"),
            retry_after=_retry_after(headers),
        )
    if status in (401, 403):
        return LLMError(
            f"the LLM provider refused the credentials; check OPENAI_API_KEY ({detail})"
        )
    if status == 404:
        return LLMError(f"not found; check the model name and OPENAI_BASE_URL ({detail})")
    return LLMError(f"the LLM provider rejected the request ({detail})")


def _translate(exc: BaseException) -> LLMError | None:
    openai = sys.modules.get("openai")
    if openai is None or not isinstance(exc, openai.OpenAIError):
        return None
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeoutError(f"the LLM call timed out: {exc}")
    if isinstance(exc, openai.APIConnectionError):
        return mark_retryable(LLMUnavailableError(f"cannot reach the LLM server: {exc}"))
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc)
    return LLMError(f"OpenAI SDK error: {type(exc).__name__}: {exc}")


@contextmanager
def map_openai_errors() -> Iterator[None]:
    """Translate ``openai`` exceptions raised inside the block into the ``LLMError`` tree.

    RateLimitError (429) -> LLMRateLimitError (retryable, with Retry-After); APITimeoutError and
    408 -> LLMTimeoutError; APIConnectionError and 5xx -> LLMUnavailableError marked retryable;
    a 429 ``insufficient_quota`` -> LLMUnavailableError (not retryable); other 4xx and SDK
    errors -> LLMError (not retryable). The original stays on ``__cause__``.

    Usage::

        with map_openai_errors():
            client.chat.completions.create(...)
    """
    try:
        yield
    except Exception as exc:
        mapped = _translate(exc)
        if mapped is None:
            raise
        raise mapped from exc


# --- the provider ------------------------------------------------------------------------------


class OpenAIProvider:
    """One forced tool call per request against an OpenAI-compatible chat completions API.

    Args:
        model: model name; default ``GRAPHMEM_LLM_MODEL`` or ``"gpt-4.1-mini"``.
        api_key: default ``OPENAI_API_KEY`` (read by the SDK).
        base_url: default ``OPENAI_BASE_URL`` (read by the SDK), else OpenAI.
        tool_choice: ``"named"`` forces the one tool by name (default); ``"required"`` for
            servers that only accept the string form; ``"auto"`` leaves it to the model.
        strict: send ``strict: true`` with the function (default: when the schema allows).
        temperature: sent only when given (some reasoning models reject it).
        max_tokens: sent as ``max_tokens`` only when given.
        request_options: extra keyword arguments for ``chat.completions.create``
            (e.g. ``{"extra_body": {...}}``).
        client_options: extra keyword arguments for ``OpenAI(...)``/``AsyncOpenAI(...)``
            (``organization``, ``default_headers``, ``http_client``...).
        client, async_client: ready SDK clients (e.g. ``AzureOpenAI``); used with
            ``max_retries=0``.

    Usage::

        llm = OpenAIProvider("qwen2.5:7b", base_url="http://localhost:11434/v1")
        invoker = ToolInvoker(llm)
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        tool_choice: ToolChoice = "named",
        strict: bool | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        request_options: Mapping[str, Any] | None = None,
        client_options: Mapping[str, Any] | None = None,
        client: OpenAI | None = None,
        async_client: AsyncOpenAI | None = None,
    ) -> None:
        if tool_choice not in ("named", "required", "auto"):
            raise ValueError(
                f"tool_choice must be 'named', 'required' or 'auto', not {tool_choice!r}"
            )
        self.model = model or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL
        self._api_key = api_key
        self._base_url = base_url
        self._tool_choice = tool_choice
        self._strict = strict
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._request_options = dict(request_options or {})
        self._client_options = dict(client_options or {})
        self._given_client = client
        self._given_async_client = async_client
        self._client: OpenAI | None = None
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncOpenAI]
        self._async_clients = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    # -- clients (created lazily; the constructor does no I/O) --

    def _client_kwargs(self) -> dict[str, Any]:
        api_key = self._api_key or os.environ.get("OPENAI_API_KEY")
        base_url = self._base_url or os.environ.get("OPENAI_BASE_URL")
        if not api_key and not base_url:
            raise LLMUnavailableError(_NOT_CONFIGURED)
        kwargs: dict[str, Any] = {**self._client_options, "max_retries": 0}
        if self._base_url:
            kwargs["base_url"] = self._base_url  # otherwise the SDK reads OPENAI_BASE_URL
        if self._api_key:
            kwargs["api_key"] = self._api_key  # otherwise the SDK reads OPENAI_API_KEY
        elif not api_key:
            kwargs["api_key"] = _PLACEHOLDER_KEY  # a local server without authentication
        return kwargs

    def _sync_client(self) -> OpenAI:
        with self._lock:
            if self._client is None:
                if self._given_client is not None:
                    self._client = self._given_client.with_options(max_retries=0)
                else:
                    kwargs = self._client_kwargs()
                    with map_openai_errors():
                        from openai import OpenAI

                        self._client = OpenAI(**kwargs)
            return self._client

    def _async_client(self) -> AsyncOpenAI:
        # One client per event loop: pooled connections belong to the loop that opened them.
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.get(loop)
            if client is None:
                if self._given_async_client is not None:
                    client = self._given_async_client.with_options(max_retries=0)
                else:
                    kwargs = self._client_kwargs()
                    with map_openai_errors():
                        from openai import AsyncOpenAI

                        client = AsyncOpenAI(**kwargs)
                self._async_clients[loop] = client
            return client

    # -- the call --

    def _create_kwargs(self, request: ToolRequest) -> dict[str, Any]:
        function: dict[str, Any] = {
            "name": request.tool_name,
            "description": request.tool_description,
            "parameters": dict(request.tool_schema),
        }
        if request.strict and self._strict is not False:
            function["strict"] = True
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": request.chat_messages(),
            "tools": [{"type": "function", "function": function}],
        }
        if self._tool_choice == "named":
            kwargs["tool_choice"] = {"type": "function", "function": {"name": request.tool_name}}
        else:
            kwargs["tool_choice"] = self._tool_choice
        if self._temperature is not None:
            kwargs["temperature"] = self._temperature
        if self._max_tokens is not None:
            kwargs["max_tokens"] = self._max_tokens
        if request.timeout is not None:
            kwargs["timeout"] = request.timeout
        kwargs.update(self._request_options)
        return kwargs

    def _to_response(self, completion: Any, request: ToolRequest, started: float) -> ToolResponse:
        latency_ms = (time.perf_counter() - started) * 1000.0
        usage = getattr(completion, "usage", None)
        call_usage = CallUsage(
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            latency_ms=latency_ms,
        )
        model = str(getattr(completion, "model", "") or self.model)
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        text = getattr(message, "content", None) or getattr(message, "refusal", None)
        calls = [c for c in (getattr(message, "tool_calls", None) or []) if _function(c)]
        if not calls:
            return ToolResponse(None, None, model=model, usage=call_usage, text=text)
        chosen = next((c for c in calls if _function(c).name == request.tool_name), calls[0])
        fn = _function(chosen)
        return ToolResponse(fn.name, fn.arguments, model=model, usage=call_usage, text=text)

    def complete_tool(self, request: ToolRequest) -> ToolResponse:
        """Make the tool call (blocking)."""
        client = self._sync_client()
        kwargs = self._create_kwargs(request)
        started = time.perf_counter()
        with map_openai_errors():
            completion = client.chat.completions.create(**kwargs)
        return self._to_response(completion, request, started)

    async def acomplete_tool(self, request: ToolRequest) -> ToolResponse:
        """Make the tool call with the SDK's native async client."""
        client = self._async_client()
        kwargs = self._create_kwargs(request)
        started = time.perf_counter()
        with map_openai_errors():
            completion = await client.chat.completions.create(**kwargs)
        return self._to_response(completion, request, started)

    def close(self) -> None:
        """Close the sync client (the async ones close with :meth:`aclose`)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None and self._given_client is None:
            client.close()

    async def aclose(self) -> None:
        """Close the async client of the running loop, and the sync client."""
        import asyncio

        with self._lock:
            client = self._async_clients.pop(asyncio.get_running_loop(), None)
        if client is not None and self._given_async_client is None:
            await client.close()
        self.close()

    def __repr__(self) -> str:
        where = self._base_url or os.environ.get("OPENAI_BASE_URL") or "api.openai.com"
        return f"OpenAIProvider(model={self.model!r}, base_url={where!r})"


def _function(tool_call: Any) -> Any:
    """The ``function`` part of a tool call (None for non-function tool calls)."""
    fn = getattr(tool_call, "function", None)
    return fn if getattr(fn, "name", None) else None
