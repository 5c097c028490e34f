"""A provider that replays scripted answers: for tests, demos and benchmark replays.

No model is ever called. Every call says so in the log (logger ``graphmem.llm``, level INFO)
and in its answer (``ToolResponse.model == "scripted-replay"``), so a replayed run can never be
mistaken for a real one.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from ..errors import ConfigError, LLMUnavailableError
from ._base import ToolRequest, ToolResponse
from ._usage import CallUsage

__all__ = ["REPLAY_MODEL", "ScriptedAnswer", "ScriptedLLM"]

REPLAY_MODEL = "scripted-replay"
_log = logging.getLogger("graphmem.llm")

ScriptedAnswer = (
    dict[str, Any]
    | str
    | BaseModel
    | ToolResponse
    | BaseException
    | type[BaseException]
    | Callable[[ToolRequest], Any]
)
"""One scripted answer: tool arguments (a dict or a Pydantic model), raw argument text (may
be invalid on purpose), a full :class:`ToolResponse` (e.g. a call to another tool, or no call),
an exception to raise, or a callable ``(ToolRequest) -> answer``."""


class ScriptedLLM:
    """Answers each tool call from a script instead of a model.

    Args:
        answers: a list of answers, used first in first out, or one callable
            ``(ToolRequest) -> answer`` asked on every call (e.g. to replay ground truth per
            turn). See :data:`ScriptedAnswer`. When a list runs out, calls raise
            ``LLMUnavailableError``.

    Attributes:
        calls: how many calls were made.
        requests: every :class:`ToolRequest` received, in order.

    Usage::

        llm = ScriptedLLM([{"entities": [], "relations": [], "facts": []}])
        ToolInvoker(llm).invoke(ExtractMemory, "extract_memory", "...", "system", messages)
        assert llm.calls == 1
    """

    def __init__(
        self, answers: Iterable[ScriptedAnswer] | Callable[[ToolRequest], Any] = ()
    ) -> None:
        self._responder: Callable[[ToolRequest], Any] | None = None
        self._queue: deque[ScriptedAnswer] = deque()
        if callable(answers) and not isinstance(answers, (list, tuple)):
            self._responder = answers
        else:
            self._queue.extend(answers)
        self._lock = threading.Lock()
        self.calls = 0
        self.requests: list[ToolRequest] = []

    @property
    def remaining(self) -> int:
        """Answers left in the script (0 for a callable script)."""
        return len(self._queue)

    def add(self, *answers: ScriptedAnswer) -> None:
        """Append answers to the script."""
        with self._lock:
            self._queue.extend(answers)

    def complete_tool(self, request: ToolRequest) -> ToolResponse:
        """Replay the next answer (or raise the scripted exception)."""
        with self._lock:
            self.calls += 1
            self.requests.append(request)
            number = self.calls
            if self._responder is not None:
                answer: Any = self._responder
            elif self._queue:
                answer = self._queue.popleft()
            else:
                raise LLMUnavailableError(
                    f"ScriptedLLM has no scripted answer left for call {number} "
                    f"(tool {request.tool_name!r}); no model is configured"
                )
        _log.info(
            "ScriptedLLM: replaying a scripted answer for %s (call %d); no model was called",
            request.tool_name,
            number,
        )
        return _to_response(answer, request)

    async def acomplete_tool(self, request: ToolRequest) -> ToolResponse:
        """Async twin of :meth:`complete_tool` (does no I/O, so it runs inline)."""
        return self.complete_tool(request)

    def __repr__(self) -> str:
        script = "callable" if self._responder is not None else f"{len(self._queue)} left"
        return f"ScriptedLLM({script}, calls={self.calls})"


def _to_response(answer: Any, request: ToolRequest) -> ToolResponse:
    if isinstance(answer, type) and issubclass(answer, BaseException):
        raise answer()
    if isinstance(answer, BaseException):
        raise answer
    if isinstance(answer, ToolResponse):
        return answer if answer.model else replace(answer, model=REPLAY_MODEL)
    if callable(answer) and not isinstance(answer, BaseModel):
        return _to_response(answer(request), request)
    if isinstance(answer, BaseModel):
        answer = answer.model_dump(mode="json")
    if isinstance(answer, (dict, str)):
        return ToolResponse(request.tool_name, answer, model=REPLAY_MODEL, usage=CallUsage())
    raise ConfigError(f"unsupported scripted answer of type {type(answer).__name__}")
