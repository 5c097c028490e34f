"""Oracle extraction: a ``ScriptedLLM`` callable that replays the world's ground truth.

For ``extract_memory`` it answers with the ``extraction`` of the add call being ingested. The
runner announces the add (:meth:`OracleResponder.expect`) before calling ``Memory.add``, and
the responder checks that the request really carries that add's turns (the "NEW messages"
section of the prompt); if it does not, it looks the add up by its turns among every add of
the world, and fails loudly if none matches, so a replay can never silently answer for the
wrong conversation.

For ``resolve_memory`` (asked only when a new fact has existing candidates that no rule
settles) the world has no recorded answer; the oracle answers as a perfect resolver of this
world would: the world's unary facts (profession, diet, language, breed...) never change, so a
new fact is MERGEd with an existing candidate of identical text and ADDed otherwise. Every
resolve call is counted and reported.

Token counts are estimated (a scripted model reports none): 4 characters per token over the
system prompt, the messages and the tool schema for the prompt, over the answer JSON for the
completion. They say what a real model would be sent, not what it would write.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

from benchmarks.world import AddCall
from graphmem.llm import CallUsage, ToolRequest, ToolResponse

__all__ = ["CHARS_PER_TOKEN", "OracleResponder", "estimate_tokens"]

CHARS_PER_TOKEN = 4
_NEW = "NEW messages:"


def estimate_tokens(text: str) -> int:
    """Tokens of ``text`` at :data:`CHARS_PER_TOKEN` characters each (at least 1)."""
    return max(1, round(len(text) / CHARS_PER_TOKEN))


def _turn_key(contents: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(c.split()) for c in contents)


class OracleResponder:
    """``(ToolRequest) -> ToolResponse`` replaying the ground-truth extraction of each add."""

    def __init__(self, adds: Iterable[AddCall] = ()) -> None:
        self._lock = threading.Lock()
        self._expected: AddCall | None = None
        self._by_turns: dict[tuple[str, ...], AddCall] = {}
        for add in adds:
            self._by_turns.setdefault(_turn_key(t.content for t in add.turns), add)
        self.extract_calls = 0
        self.resolve_calls = 0
        self.resolve_decisions: dict[str, int] = {"ADD": 0, "MERGE": 0}
        self.lookups = 0  # answers found by content, not by announcement
        self.seconds = 0.0  # time spent inside the responder

    def expect(self, add: AddCall) -> None:
        """Announce the add call about to be ingested."""
        with self._lock:
            self._expected = add
            self._by_turns.setdefault(_turn_key(t.content for t in add.turns), add)

    def __call__(self, request: ToolRequest) -> ToolResponse:
        started = time.perf_counter()
        try:
            if request.tool_name == "extract_memory":
                arguments = self._extract(request)
            elif request.tool_name == "resolve_memory":
                arguments = self._resolve(request)
            else:
                raise RuntimeError(f"oracle: no ground truth for tool {request.tool_name!r}")
            prompt = request.system + "".join(m["content"] for m in request.messages)
            prompt += json.dumps(request.tool_schema)
            usage = CallUsage(
                prompt_tokens=estimate_tokens(prompt),
                completion_tokens=estimate_tokens(json.dumps(arguments)),
            )
            return ToolResponse(request.tool_name, arguments, usage=usage)
        finally:
            self.seconds += time.perf_counter() - started

    # -- extraction ------------------------------------------------------------------------
    def _extract(self, request: ToolRequest) -> dict[str, Any]:
        section = _new_section(request)
        with self._lock:
            self.extract_calls += 1
            expected = self._expected
        if expected is not None and _carries(section, expected):
            return expected.extraction
        for key, add in self._by_turns.items():
            if all(turn in section for turn in key):
                self.lookups += 1
                return add.extraction
        raise RuntimeError(
            "oracle: the extraction request matches no add call of the world:\n" + section[:500]
        )

    # -- resolution ------------------------------------------------------------------------
    def _resolve(self, request: ToolRequest) -> dict[str, Any]:
        self.resolve_calls += 1
        items = json.loads(request.messages[-1]["content"])
        decisions = []
        for item in items:
            text = " ".join(str(item["fact"]).split()).casefold()
            same = next(
                (
                    e["id"]
                    for e in item.get("existing", [])
                    if " ".join(str(e["fact"]).split()).casefold() == text
                ),
                None,
            )
            action = "MERGE" if same is not None else "ADD"
            self.resolve_decisions[action] += 1
            decisions.append({"new": item["new"], "existing": same, "action": action})
        return {"decisions": decisions}


def _new_section(request: ToolRequest) -> str:
    content = "\n".join(m["content"] for m in request.messages if m["role"] == "user")
    section = content.split(_NEW, 1)[1] if _NEW in content else content
    return " ".join(section.split())


def _carries(section: str, add: AddCall) -> bool:
    return all(turn in section for turn in _turn_key(t.content for t in add.turns))
