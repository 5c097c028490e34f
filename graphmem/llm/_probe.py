"""Does the configured model call tools? One tiny request, classified (for ``graphmem doctor``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from graphmem.errors import LLMError

from ._base import LLMProvider, ToolRequest
from ._lenient import recover_arguments

__all__ = ["PROBE_TOOL", "ToolCallingReport", "probe_tool_calling"]

PROBE_TOOL = "record_city"
_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "description": "The city named by the user."}},
    "required": ["city"],
    "additionalProperties": False,
}
_ADVICE = {
    "tool_call": "",
    "content_json": (
        "the model answers with JSON in its message instead of a tool call; graphmem accepts "
        "that, but a model or server with native tool calling is more reliable (Ollama: a "
        "model tagged 'tools'; vLLM: --enable-auto-tool-choice --tool-call-parser ...; "
        "llama.cpp server: --jinja)"
    ),
    "none": (
        "the model did not call the tool nor write its JSON: add(infer=True) will fail; use a "
        "model with tool calling, or add(..., infer=False)"
    ),
    "error": "the endpoint failed: check OPENAI_BASE_URL, OPENAI_API_KEY, GRAPHMEM_LLM_MODEL",
}

Mode = Literal["tool_call", "content_json", "none", "error"]


@dataclass(frozen=True)
class ToolCallingReport:
    """How the configured model answered a forced tool call.

    Attributes:
        mode: ``tool_call`` (a real tool call), ``content_json`` (the arguments as JSON in
            the message text, accepted by graphmem), ``none`` (no usable answer) or ``error``.
        ok: True when graphmem can extract with this model (``tool_call``/``content_json``).
        model: the model the server reported.
        latency_ms: round trip of the probe.
        detail: what came back (the arguments, the text, or the error), shortened.
        advice: how to fix it, empty when ``mode == "tool_call"``.
    """

    mode: Mode
    ok: bool
    model: str
    latency_ms: float
    detail: str
    advice: str


def probe_tool_calling(provider: LLMProvider, *, timeout: float = 30.0) -> ToolCallingReport:
    """Ask the model for one tiny tool call and report how it answered (one LLM call).

    Never raises for a model or endpoint failure: that is ``mode="error"`` in the report.
    """
    request = ToolRequest(
        system="You record facts by calling the tool. Always call the tool.",
        messages=({"role": "user", "content": "I live in Lisbon."},),
        tool_name=PROBE_TOOL,
        tool_description="Record the city the user lives in.",
        tool_schema=_SCHEMA,
        timeout=timeout,
    )
    started = time.perf_counter()
    try:
        response = provider.complete_tool(request)
    except LLMError as exc:
        elapsed = (time.perf_counter() - started) * 1000.0
        return _report("error", "", elapsed, f"{type(exc).__name__}: {exc}")
    elapsed = (time.perf_counter() - started) * 1000.0
    if response.tool_name == PROBE_TOOL:
        args = recover_arguments(response.arguments, PROBE_TOOL)
        if args is not None and isinstance(args.get("city"), str):
            return _report("tool_call", response.model, elapsed, str(args))
        return _report("none", response.model, elapsed, f"bad arguments: {response.arguments!r}")
    args = recover_arguments(response.text, PROBE_TOOL)
    if args is not None and isinstance(args.get("city"), str):
        return _report("content_json", response.model, elapsed, str(args))
    shown = response.text or f"(called {response.tool_name!r})"
    return _report("none", response.model, elapsed, shown)


def _report(mode: Mode, model: str, latency_ms: float, detail: str) -> ToolCallingReport:
    return ToolCallingReport(
        mode=mode,
        ok=mode in ("tool_call", "content_json"),
        model=model,
        latency_ms=round(latency_ms, 1),
        detail=detail[:300],
        advice=_ADVICE[mode],
    )
