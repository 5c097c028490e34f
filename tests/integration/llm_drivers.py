"""Three ways to drive graphmem's LLM layer from one script of answers.

A *driver* turns a list of scripted answers into a real :class:`~graphmem.llm.LLMProvider` and
records what the provider's model received, so one inference scenario can run through:

- ``scripted``: :class:`~graphmem.llm.ScriptedLLM` (no transport at all);
- ``openai``: :class:`~graphmem.llm.OpenAIProvider` with the real ``openai`` SDK client, over
  real HTTP to :class:`tests.fakes.FakeOpenAIServer` on 127.0.0.1 (real request encoding,
  response parsing and error classes);
- ``langchain``: :class:`~graphmem.llm.LangChainProvider` over a fake LangChain chat model that
  answers with ``AIMessage`` tool calls, built the way ``langchain-openai`` builds them.

Answers (one per model call, first in first out):

- a ``dict`` or Pydantic model: the tool arguments (sent as JSON where the transport is JSON);
- a ``str``: the raw argument text, as the model wrote it (may be invalid JSON on purpose). It
  reaches each provider in its natural form: ScriptedLLM gets the string, the HTTP server sends
  it verbatim as ``function.arguments``, the chat model reports it in ``invalid_tool_calls``
  (or in ``tool_calls`` when it does parse);
- :class:`ToolCall`: a call to a named tool (e.g. an unknown one);
- an ``int``: an HTTP status the model's API answered with (429 carries ``Retry-After: 0``).
  Over HTTP it is that response; elsewhere it is the error the ``openai`` SDK raises for it
  (ScriptedLLM: mapped by :func:`graphmem.llm.map_openai_errors`; LangChain: raised by the
  chat model, as ``ChatOpenAI`` would);
- an exception (instance or class): raised by the model. Over HTTP it becomes the status the
  OpenAI API uses for that kind of failure (see :func:`_http_error_for`);
- a callable ``(SeenRequest) -> answer``.

When the script runs out every driver fails the call without retrying.

Usage::

    with make_driver("openai", [{"entities": [], "relations": [], "facts": []}]) as driver:
        memory = Memory(config, llm=driver.llm)
        memory.add("Hi", user_id="u1")
        assert driver.calls == 1 and driver.requests[0].tool_name == "extract_memory"
"""

from __future__ import annotations

import itertools
import json
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel

from graphmem.errors import LLMRateLimitError, LLMTimeoutError, LLMUnavailableError
from graphmem.llm import (
    LangChainProvider,
    LLMProvider,
    OpenAIProvider,
    ScriptedLLM,
    ToolRequest,
    ToolResponse,
    is_retryable,
    map_openai_errors,
)
from tests.fakes import FakeOpenAIServer, FakeResponse, RecordedRequest, completion_body

try:  # the openai SDK builds its errors on httpx2 when installed, else on httpx
    import httpx2 as _httpx
except ImportError:  # pragma: no cover - depends on the openai version
    import httpx as _httpx  # type: ignore[no-redef]

__all__ = [
    "DRIVERS",
    "PROMPT_TOKENS",
    "COMPLETION_TOKENS",
    "LLMDriver",
    "SeenRequest",
    "ToolCall",
    "fast_retries",
    "make_driver",
    "openai_status_error",
]

DRIVERS = ("scripted", "openai", "langchain")
MODEL = "fake-model"
PROMPT_TOKENS = 11  # what the HTTP and LangChain fakes report per answer
COMPLETION_TOKENS = 7
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_ids = itertools.count(1)


@dataclass(frozen=True)
class ToolCall:
    """An answer calling the tool ``name`` (e.g. one that does not exist)."""

    name: str
    arguments: dict[str, Any] | str


@dataclass(frozen=True)
class SeenRequest:
    """What the model received, read back from the transport.

    Attributes:
        system: the system prompt.
        messages: the conversation after the system prompt, as ``{"role", "content"}`` dicts.
        tool_name: the tool the model was told to call.
        raw: the transport's own record (a ToolRequest, the HTTP request, the LangChain call).
    """

    system: str
    messages: list[dict[str, str]]
    tool_name: str
    raw: Any = field(repr=False, compare=False, default=None)


# --- answers in each provider's form -----------------------------------------------------------


def _arguments_text(arguments: Any) -> str:
    """Tool arguments as the JSON text a model sends (raw strings stay as written)."""
    if isinstance(arguments, str):
        return arguments
    if isinstance(arguments, BaseModel):
        return arguments.model_dump_json()
    return json.dumps(arguments, ensure_ascii=False)


def _resolve(answer: Any, seen: SeenRequest) -> Any:
    """Calls a callable answer; instantiates an exception class."""
    if isinstance(answer, type) and issubclass(answer, BaseException):
        return answer()
    if callable(answer) and not isinstance(answer, (BaseModel, ToolCall)):
        return _resolve(answer(seen), seen)
    return answer


def openai_status_error(
    status: int, message: str = "scripted error", *, code: str | None = None
) -> openai.APIStatusError:
    """The error the ``openai`` SDK raises for an HTTP ``status`` (429 with Retry-After: 0)."""
    request = _httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    headers = {"retry-after": "0"} if status == 429 else {}
    error = {"message": message, "type": "fake_error", "param": None, "code": code}
    response = _httpx.Response(status, headers=headers, json={"error": error}, request=request)
    classes: dict[int, type[openai.APIStatusError]] = {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        403: openai.PermissionDeniedError,
        404: openai.NotFoundError,
        429: openai.RateLimitError,
    }
    cls = classes.get(status, openai.InternalServerError if status >= 500 else None)
    cls = cls or openai.APIStatusError
    return cls(f"Error code: {status} - {error}", response=response, body=error)


def _http_error_for(exc: BaseException) -> FakeResponse:
    """The HTTP answer with which the OpenAI API reports a failure of this kind."""
    message = str(exc) or type(exc).__name__

    def error(status: int, code: str | None = None, **headers: str) -> FakeResponse:
        body = {"error": {"message": message, "type": "fake_error", "param": None, "code": code}}
        return FakeResponse(status, body, dict(headers))

    if isinstance(exc, LLMRateLimitError):
        return error(429, **{"retry-after": "0"})
    if isinstance(exc, LLMTimeoutError):
        return error(408)
    if isinstance(exc, LLMUnavailableError):
        # retryable: the server failed; not retryable: the account cannot be served at all
        return error(503) if is_retryable(exc) else error(429, "insufficient_quota")
    return error(400)


# --- the drivers -------------------------------------------------------------------------------


class LLMDriver(ABC):
    """A provider fed from a script, plus what its model received."""

    name: str
    llm: LLMProvider

    @property
    @abstractmethod
    def requests(self) -> list[SeenRequest]:
        """Every request the model received, oldest first."""

    @property
    def calls(self) -> int:
        """How many calls reached the model."""
        return len(self.requests)

    @property
    @abstractmethod
    def remaining(self) -> int:
        """Answers not used yet."""

    def close(self) -> None:  # noqa: B027 - optional hook: only the HTTP driver opens anything
        """Release what the driver opened."""

    def __enter__(self) -> LLMDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(calls={self.calls}, remaining={self.remaining})"


class ScriptedDriver(LLMDriver):
    """:class:`ScriptedLLM`, answers handed over as they are."""

    name = "scripted"

    def __init__(self, answers: Iterable[Any]) -> None:
        self._answers: deque[Any] = deque(answers)
        self._lock = threading.Lock()
        self.llm = self.scripted = ScriptedLLM(self._respond)

    def _respond(self, request: ToolRequest) -> Any:
        with self._lock:
            if not self._answers:
                raise LLMUnavailableError("the driver's script has no answer left")
            answer = self._answers.popleft()
        answer = _resolve(answer, self._seen(request))
        if isinstance(answer, int) and not isinstance(answer, bool):
            with map_openai_errors():
                raise openai_status_error(answer)
        if isinstance(answer, ToolCall):
            return ToolResponse(answer.name, answer.arguments)
        return answer

    @staticmethod
    def _seen(request: ToolRequest) -> SeenRequest:
        return SeenRequest(
            request.system, [dict(m) for m in request.messages], request.tool_name, request
        )

    @property
    def requests(self) -> list[SeenRequest]:
        return [self._seen(r) for r in self.scripted.requests]

    @property
    def calls(self) -> int:
        return self.scripted.calls

    @property
    def remaining(self) -> int:
        return len(self._answers)


class _ScriptedServer(FakeOpenAIServer):
    """FakeOpenAIServer answering from a driver script, rendered against each request."""

    def __init__(self, answers: Iterable[Any]) -> None:
        super().__init__(model=MODEL)
        self.answers: deque[Any] = deque(answers)

    def _record_and_next(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            if not self.answers:
                message = "fake server: no scripted response left"
                return FakeResponse(400, {"error": {"message": message}})
            answer = self.answers.popleft()
        try:
            return _http_answer(_resolve(answer, _seen_http(request)), _seen_http(request))
        except Exception as exc:  # a broken script must fail the test, not hang the client
            return FakeResponse(400, {"error": {"message": f"fake server: bad answer: {exc!r}"}})


def _seen_http(request: RecordedRequest) -> SeenRequest:
    body = request.json
    messages = [{"role": m["role"], "content": m["content"]} for m in body.get("messages", [])]
    system = messages.pop(0)["content"] if messages and messages[0]["role"] == "system" else ""
    choice = body.get("tool_choice")
    if isinstance(choice, Mapping):
        tool_name = choice["function"]["name"]
    else:  # "required"/"auto": the one tool offered
        tool_name = body["tools"][0]["function"]["name"]
    return SeenRequest(system, messages, tool_name, request)


def _http_answer(answer: Any, seen: SeenRequest) -> FakeResponse:
    if isinstance(answer, BaseException):
        return _http_error_for(answer)
    if isinstance(answer, int) and not isinstance(answer, bool):
        headers = {"retry-after": "0"} if answer == 429 else {}
        error = {"message": "scripted error", "type": "fake_error", "param": None, "code": None}
        return FakeResponse(answer, {"error": error}, headers)
    name, arguments = seen.tool_name, answer
    if isinstance(answer, ToolCall):
        name, arguments = answer.name, answer.arguments
    body = completion_body(
        model=MODEL,
        tool_calls=[(name, _arguments_text(arguments))],
        prompt_tokens=PROMPT_TOKENS,
        completion_tokens=COMPLETION_TOKENS,
    )
    return FakeResponse(200, body)


class OpenAIDriver(LLMDriver):
    """:class:`OpenAIProvider` over real HTTP to a local scripted OpenAI-compatible server."""

    name = "openai"

    def __init__(self, answers: Iterable[Any]) -> None:
        self.server = _ScriptedServer(answers).start()
        self.llm = self.provider = OpenAIProvider(
            MODEL, base_url=self.server.base_url, api_key="sk-test-driver"
        )

    @property
    def requests(self) -> list[SeenRequest]:
        return [_seen_http(r) for r in list(self.server.requests)]

    @property
    def remaining(self) -> int:
        return len(self.server.answers)

    def close(self) -> None:
        self.provider.close()
        self.server.stop()


class ToolCallingFakeChatModel(BaseChatModel):
    """A LangChain chat model with ``bind_tools`` whose answers come from ``respond``.

    ``respond(messages, tool_choice)`` returns an ``AIMessage`` or raises; ``bind_tools``
    binds the tools and ``tool_choice`` as call keyword arguments, as real chat models do.
    """

    respond: Callable[[list[BaseMessage], Any], AIMessage]

    @property
    def _llm_type(self) -> str:
        return "graphmem-test-fake"

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> Runnable[Any, BaseMessage]:
        return self.bind(tools=list(tools), tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self.respond(list(messages), kwargs.get("tool_choice"))
        return ChatResult(generations=[ChatGeneration(message=message)])


def _ai_message(name: str, arguments: Any) -> AIMessage:
    """The AIMessage ``langchain-openai`` builds from a raw OpenAI tool call."""
    raw = {
        "id": f"call_{next(_ids)}",
        "type": "function",
        "function": {"name": name, "arguments": _arguments_text(arguments)},
    }
    tool_calls, invalid = [], []
    try:
        parsed = parse_tool_call(raw, return_id=True)
    except Exception as exc:  # OutputParserException: the arguments are not JSON
        invalid.append(make_invalid_tool_call(raw, str(exc)))
    else:
        if parsed is not None:
            tool_calls.append(parsed)
    return AIMessage(
        content="",
        tool_calls=tool_calls,
        invalid_tool_calls=invalid,
        usage_metadata={
            "input_tokens": PROMPT_TOKENS,
            "output_tokens": COMPLETION_TOKENS,
            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        },
        response_metadata={"model_name": MODEL},
    )


class LangChainDriver(LLMDriver):
    """:class:`LangChainProvider` over :class:`ToolCallingFakeChatModel`."""

    name = "langchain"

    def __init__(self, answers: Iterable[Any]) -> None:
        self._answers: deque[Any] = deque(answers)
        self._seen: list[SeenRequest] = []
        self._lock = threading.Lock()
        self.model = ToolCallingFakeChatModel(respond=self._respond)
        self.llm = LangChainProvider(self.model)

    def _respond(self, messages: list[BaseMessage], tool_choice: Any) -> AIMessage:
        chat = [{"role": _ROLES[m.type], "content": str(m.content)} for m in messages]
        system = chat.pop(0)["content"] if chat and chat[0]["role"] == "system" else ""
        seen = SeenRequest(system, chat, str(tool_choice), (messages, tool_choice))
        with self._lock:
            self._seen.append(seen)
            if not self._answers:
                raise LLMUnavailableError("the driver's script has no answer left")
            answer = self._answers.popleft()
        answer = _resolve(answer, seen)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, int) and not isinstance(answer, bool):
            raise openai_status_error(answer)  # what ChatOpenAI raises
        if isinstance(answer, ToolCall):
            return _ai_message(answer.name, answer.arguments)
        return _ai_message(seen.tool_name, answer)

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._seen)

    @property
    def remaining(self) -> int:
        return len(self._answers)


def make_driver(kind: str, answers: Iterable[Any]) -> LLMDriver:
    """A driver of ``kind`` (one of :data:`DRIVERS`) answering from ``answers``."""
    drivers: dict[str, Callable[[Iterable[Any]], LLMDriver]] = {
        "scripted": ScriptedDriver,
        "openai": OpenAIDriver,
        "langchain": LangChainDriver,
    }
    if kind not in drivers:
        raise ValueError(f"unknown driver {kind!r}; choose one of {DRIVERS}")
    return drivers[kind](list(answers))


def fast_retries(memory: Any) -> list[float]:
    """Make ``memory``'s LLM retry waits instant; returns the list of waits it asked for.

    ``Memory``/``Ingestor`` offer no way to pass a ``RetryPolicy`` or ``ToolInvoker`` (the
    ingestor builds ``ToolInvoker(llm)`` with the default policy on first use), and a
    ``Retry-After: 0`` hint does not shorten the default backoff (the hint only lengthens it).
    So this reaches the memory's invoker and swaps only the policy's ``sleep`` (the documented
    injection point); when and how long to wait is still decided by the default policy.
    """
    slept: list[float] = []
    memory._ingest().invoker().retry.sleep = slept.append
    return slept
