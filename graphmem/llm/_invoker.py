"""The one way graphmem calls a model: a forced tool call, validated against a Pydantic model.

:class:`ToolInvoker` wraps any :class:`~graphmem.llm.LLMProvider` with, in this order:

1. the tool schema, built from the Pydantic model (strict-mode compatible, see ``_schema``);
2. the process-wide concurrency limit, held for each raw call only (never while sleeping);
3. the retry policy for transient failures (429, timeouts, 5xx);
4. validation of the answer, with exactly one corrective retry: the bad answer and the
   validation errors are appended to the conversation and the model is asked again; a second
   failure raises ``ExtractionError`` (with ``errors`` and ``raw``). An answer over
   ``max_answer_chars`` (1 MB) is rejected at once, unparsed and without a retry;
5. usage accounting for every call, failed and retried ones included, into the optional
   :class:`~graphmem.llm.UsageLedger` under the caller's operation name.

The validation protocol is written once, without I/O, as a generator (:func:`_validation_flow`)
that yields requests and receives responses; :meth:`ToolInvoker.invoke` and
:meth:`ToolInvoker.ainvoke` are the thin sync and async drivers.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ExtractionError, GraphMemError, InputError, LLMError
from ._base import LLMProvider, Message, ToolRequest, ToolResponse
from ._lenient import recover_arguments
from ._limits import ConcurrencyLimiter, global_limiter
from ._retry import RetryPolicy
from ._schema import tool_json_schema
from ._usage import CallUsage, LLMUsage, UsageLedger

__all__ = ["DEFAULT_TIMEOUT", "MAX_ANSWER_CHARS", "InvokeResult", "ToolInvoker"]

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT = 120.0
MAX_ANSWER_CHARS = 1_000_000
_ECHO_CHARS = 8_000  # how much of a bad answer is shown back to the model
_MAX_LISTED_ERRORS = 20
_ROLES = frozenset({"system", "user", "assistant"})
_log = logging.getLogger("graphmem.llm")


@dataclass(frozen=True)
class InvokeResult(Generic[M]):
    """A validated answer.

    Attributes:
        value: the tool arguments as an instance of the requested Pydantic model.
        usage: every call this invocation made (retries included).
        model: the model that produced the accepted answer, as the provider reported it.
    """

    value: M
    usage: LLMUsage
    model: str = ""


# --- validation, without I/O -------------------------------------------------------------------


@dataclass(frozen=True)
class _Verdict(Generic[M]):
    value: M | None = None
    errors: tuple[dict[str, Any], ...] = ()
    raw: str = ""
    fatal: bool = False


def _problem(kind: str, msg: str) -> dict[str, Any]:
    return {"type": kind, "loc": [], "msg": msg}


def _judge(
    model_cls: type[M], tool_name: str, response: ToolResponse, max_chars: int
) -> _Verdict[M]:
    """Validate one raw answer against the tool contract."""
    args = response.arguments
    if response.tool_name is None:
        text = response.text or ""
        if len(text) > max_chars:
            return _too_large(len(text), max_chars, text)
        args = recover_arguments(text, tool_name)  # local servers that ignore tool_choice
        if args is None:
            msg = f"no call to the tool `{tool_name}`: answer by calling it"
            return _Verdict(errors=(_problem("no_tool_call", msg),), raw=text)
    elif response.tool_name != tool_name:
        msg = f"called unknown tool `{response.tool_name}`; the only tool is `{tool_name}`"
        return _Verdict(errors=(_problem("unknown_tool", msg),), raw=_as_text(args))
    if args is None:
        msg = f"the call to `{tool_name}` has no arguments"
        return _Verdict(errors=(_problem("missing_arguments", msg),))
    raw = args if isinstance(args, str) else _as_text(args)
    if len(raw) > max_chars:
        return _too_large(len(raw), max_chars, raw)
    # fenced, wrapped, double-encoded or prose-trailed arguments, when only one reading exists
    recovered = recover_arguments(args, tool_name)
    if recovered is not None and not (isinstance(args, str) and _plain_json(args, recovered)):
        args = recovered
    try:
        if isinstance(args, str):
            value = model_cls.model_validate_json(args)
        else:
            value = model_cls.model_validate(args)
    except ValidationError as exc:
        errors = json.loads(exc.json(include_url=False, include_input=False))
        return _Verdict(errors=tuple(errors), raw=raw)
    return _Verdict(value=value, raw=raw)


def _plain_json(text: str, value: dict[str, Any]) -> bool:
    """True if ``text`` is exactly ``value`` as JSON (validated as JSON then, not as Python)."""
    try:
        return bool(json.loads(text) == value)
    except ValueError:
        return False


def _as_text(args: str | dict[str, Any] | None) -> str:
    if args is None or isinstance(args, str):
        return args or ""
    return json.dumps(args, ensure_ascii=False, default=str)


def _too_large(size: int, limit: int, raw: str) -> _Verdict[Any]:
    msg = f"the answer has {size} characters, over the limit of {limit}; rejected unparsed"
    return _Verdict(errors=(_problem("answer_too_large", msg),), raw=raw[:10_000], fatal=True)


def _format_errors(errors: Sequence[dict[str, Any]]) -> str:
    lines = []
    for err in errors[:_MAX_LISTED_ERRORS]:
        loc = ".".join(str(part) for part in err.get("loc", ())) or "(arguments)"
        lines.append(f"- {loc}: {err.get('msg', err.get('type', 'invalid'))}")
    if len(errors) > _MAX_LISTED_ERRORS:
        lines.append(f"- ... and {len(errors) - _MAX_LISTED_ERRORS} more")
    return "\n".join(lines)


def _corrective_request(request: ToolRequest, verdict: _Verdict[Any]) -> ToolRequest:
    """The request again, plus the bad answer and a user message showing what was wrong."""
    echo = verdict.raw[:_ECHO_CHARS] + (" ...[truncated]" if len(verdict.raw) > _ECHO_CHARS else "")
    feedback = (
        f"Your previous answer could not be used: it does not fit the `{request.tool_name}` "
        f"tool contract.\nValidation errors:\n{_format_errors(verdict.errors)}\n"
        f"Call `{request.tool_name}` again with complete, corrected arguments."
    )
    extra = (
        {"role": "assistant", "content": echo or "(no answer)"},
        {"role": "user", "content": feedback},
    )
    return replace(request, messages=(*request.messages, *extra))


def _failure(
    request: ToolRequest, verdict: _Verdict[Any], model: str, retried: bool
) -> ExtractionError:
    first = _format_errors(verdict.errors[:1]).removeprefix("- ")
    when = "after one corrective retry" if retried else "at once"
    return ExtractionError(
        f"the answer of {model or 'the model'} to `{request.tool_name}` does not fit the tool "
        f"contract ({len(verdict.errors)} error(s), failed {when}): {first}",
        errors=list(verdict.errors),
        raw=verdict.raw,
    )


def _validation_flow(
    model_cls: type[M], request: ToolRequest, max_chars: int
) -> Generator[ToolRequest, ToolResponse, tuple[M, str]]:
    """Yield the requests to make; receive their responses; return (value, model) or raise."""
    response = yield request
    verdict = _judge(model_cls, request.tool_name, response, max_chars)
    if verdict.value is not None:
        return verdict.value, response.model
    if verdict.fatal:
        raise _failure(request, verdict, response.model, retried=False)
    _log.warning(
        "answer to %s did not validate (%d error(s)); asking the model once more",
        request.tool_name,
        len(verdict.errors),
    )
    retry_request = _corrective_request(request, verdict)
    response = yield retry_request
    verdict = _judge(model_cls, request.tool_name, response, max_chars)
    if verdict.value is not None:
        return verdict.value, response.model
    raise _failure(retry_request, verdict, response.model, retried=not verdict.fatal)


# --- accounting --------------------------------------------------------------------------------


class _Tally:
    """Usage of one invocation (one thread or task at a time)."""

    def __init__(self) -> None:
        self.usage = LLMUsage()

    def add(self, call: CallUsage, started: float) -> None:
        measured = (time.perf_counter() - started) * 1000.0
        call = replace(call, latency_ms=call.latency_ms or measured)
        self.usage += LLMUsage.from_call(call, retry=self.usage.calls > 0)


def _provider_error(llm: LLMProvider, exc: Exception) -> LLMError:
    return LLMError(f"{type(llm).__name__} failed: {type(exc).__name__}: {exc}")


# --- the invoker -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _schema_for(model_cls: type[BaseModel]) -> tuple[dict[str, Any], bool]:
    return tool_json_schema(model_cls)


def _checked_messages(messages: Sequence[Message]) -> tuple[Message, ...]:
    out = []
    for i, msg in enumerate(messages):
        role, content = msg.get("role"), msg.get("content")
        if role not in _ROLES or not isinstance(content, str):
            raise InputError(f"message {i} needs a role in {sorted(_ROLES)} and a string content")
        out.append({"role": role, "content": content})
    return tuple(out)


class ToolInvoker:
    """Calls a tool on any provider and returns the answer as a validated Pydantic model.

    Args:
        llm: the provider (``OpenAIProvider``, ``LangChainProvider``, ``ScriptedLLM``...).
        retry: transient-failure policy; default ``RetryPolicy()`` (4 attempts, backoff).
        limiter: concurrency limit; default the process-wide :func:`global_limiter`.
        ledger: where to record usage per operation (failed invocations too); optional.
        timeout: seconds per raw call, passed to the provider.
        max_answer_chars: longer answers are rejected unparsed (default 1 MB).

    Usage::

        invoker = ToolInvoker(create_llm("openai"), ledger=UsageLedger())
        result = invoker.invoke(ExtractMemory, "extract_memory", "Extract...", system, messages,
                                operation="add")
        result.value.entities, result.usage.calls
    """

    def __init__(
        self,
        llm: LLMProvider,
        *,
        retry: RetryPolicy | None = None,
        limiter: ConcurrencyLimiter | None = None,
        ledger: UsageLedger | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_answer_chars: int = MAX_ANSWER_CHARS,
    ) -> None:
        self.llm = llm
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter if limiter is not None else global_limiter()
        self.ledger = ledger
        self.timeout = timeout
        self.max_answer_chars = max_answer_chars

    def build_request(
        self,
        model_cls: type[BaseModel],
        tool_name: str,
        description: str,
        system: str,
        messages: Sequence[Message],
    ) -> ToolRequest:
        """The first :class:`ToolRequest` of an invocation (no I/O)."""
        schema, strict = _schema_for(model_cls)
        return ToolRequest(
            system=system,
            messages=_checked_messages(messages),
            tool_name=tool_name,
            tool_description=description,
            tool_schema=copy.deepcopy(schema),  # the cached original stays safe from providers
            timeout=self.timeout,
            strict=strict,
        )

    def invoke(
        self,
        model_cls: type[M],
        tool_name: str,
        description: str,
        system: str,
        messages: Sequence[Message],
        *,
        operation: str = "default",
    ) -> InvokeResult[M]:
        """Make the tool call and return the validated answer.

        Raises:
            ExtractionError: the answer did not validate, even after one corrective retry.
            LLMRateLimitError, LLMTimeoutError, LLMUnavailableError: transient failures that
                outlived the retry policy, or no LLM configured.
            LLMError: any other provider failure (bad request, authentication...).
        """
        request = self.build_request(model_cls, tool_name, description, system, messages)
        flow = _validation_flow(model_cls, request, self.max_answer_chars)
        tally = _Tally()
        try:
            pending = next(flow)
            while True:
                response = self.retry.call(functools.partial(self._call, pending, tally))
                try:
                    pending = flow.send(response)
                except StopIteration as done:
                    value, model = done.value
                    return InvokeResult(value=value, usage=tally.usage, model=model)
        except BaseException as exc:
            exc.usage = tally.usage  # type: ignore[attr-defined]
            raise
        finally:
            if self.ledger is not None:
                self.ledger.record(operation, tally.usage)

    async def ainvoke(
        self,
        model_cls: type[M],
        tool_name: str,
        description: str,
        system: str,
        messages: Sequence[Message],
        *,
        operation: str = "default",
    ) -> InvokeResult[M]:
        """Async twin of :meth:`invoke`."""
        request = self.build_request(model_cls, tool_name, description, system, messages)
        flow = _validation_flow(model_cls, request, self.max_answer_chars)
        tally = _Tally()
        try:
            pending = next(flow)
            while True:
                response = await self.retry.acall(functools.partial(self._acall, pending, tally))
                try:
                    pending = flow.send(response)
                except StopIteration as done:
                    value, model = done.value
                    return InvokeResult(value=value, usage=tally.usage, model=model)
        except BaseException as exc:
            exc.usage = tally.usage  # type: ignore[attr-defined]
            raise
        finally:
            if self.ledger is not None:
                self.ledger.record(operation, tally.usage)

    def _call(self, request: ToolRequest, tally: _Tally) -> ToolResponse:
        with self.limiter.hold():
            started = time.perf_counter()
            try:
                response = self.llm.complete_tool(request)
            except GraphMemError:
                tally.add(CallUsage(), started)
                raise
            except Exception as exc:
                tally.add(CallUsage(), started)
                raise _provider_error(self.llm, exc) from exc
        tally.add(response.usage, started)
        return response

    async def _acall(self, request: ToolRequest, tally: _Tally) -> ToolResponse:
        async with self.limiter.ahold():
            started = time.perf_counter()
            try:
                response = await self.llm.acomplete_tool(request)
            except GraphMemError:
                tally.add(CallUsage(), started)
                raise
            except Exception as exc:
                tally.add(CallUsage(), started)
                raise _provider_error(self.llm, exc) from exc
        tally.add(response.usage, started)
        return response

    def __repr__(self) -> str:
        return f"ToolInvoker({self.llm!r}, limiter={self.limiter!r})"
