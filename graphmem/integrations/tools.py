"""Memory as two tools for any agent framework: OpenAI tool schemas plus a dispatcher.

Example:
    >>> toolbox = MemoryToolbox(memory, user_id="alice")
    >>> response = client.chat.completions.create(model=..., messages=..., tools=openai_tools())
    >>> for call in response.choices[0].message.tool_calls or []:
    ...     output = toolbox.dispatch(call.function.name, call.function.arguments)
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from graphmem.errors import InputError

__all__ = [
    "SEARCH_TOOL",
    "SAVE_TOOL",
    "MemoryToolbox",
    "SaveMemoryArgs",
    "SearchMemoryArgs",
    "openai_tools",
]

SEARCH_TOOL = "search_memory"
SAVE_TOOL = "save_memory"
SEARCH_DESCRIPTION = (
    "Search the long-term memory about the user for facts relevant to a question. "
    "Returns dated facts, current ones first."
)
SAVE_DESCRIPTION = (
    "Save something worth remembering about the user (a preference, a fact about their life, "
    "a plan) to long-term memory, as one self-contained sentence."
)


class SearchMemoryArgs(BaseModel):
    """Arguments of ``search_memory``."""

    query: str = Field(description="What to look for, as a question or topic.")
    limit: int = Field(default=5, ge=1, le=50, description="How many facts at most.")


class SaveMemoryArgs(BaseModel):
    """Arguments of ``save_memory``."""

    text: str = Field(description="The fact to remember, as one self-contained sentence.")


def openai_tools() -> list[dict[str, Any]]:
    """The two memory tools as OpenAI ``tools=[...]`` entries (JSON schema parameters)."""
    return [
        _schema(SEARCH_TOOL, SEARCH_DESCRIPTION, SearchMemoryArgs),
        _schema(SAVE_TOOL, SAVE_DESCRIPTION, SaveMemoryArgs),
    ]


def _schema(name: str, description: str, model: type[BaseModel]) -> dict[str, Any]:
    parameters = model.model_json_schema()
    parameters.pop("title", None)
    for prop in parameters.get("properties", {}).values():
        prop.pop("title", None)
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


class MemoryToolbox:
    """The memory tools bound to one ``Memory`` and one scope.

    Args:
        memory: a :class:`graphmem.Memory`.
        user_id, agent_id, run_id: the scope every call reads and writes (never from the model).
        infer: ``save_memory`` extracts with the LLM (True) or stores the sentence as is.
        max_tokens: budget of the text ``search_memory`` returns.
    """

    def __init__(
        self,
        memory: Any,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        infer: bool = True,
        max_tokens: int = 500,
    ) -> None:
        self.memory = memory
        self.scope = {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}
        self.infer = infer
        self.max_tokens = max_tokens

    def search(self, query: str, limit: int = 5) -> str:
        """``search_memory``: the relevant facts as dated lines, or a note that there are none."""
        result = self.memory.search(query, limit=limit, **self.scope)
        return result.to_context(max_tokens=self.max_tokens) or "No relevant memories."

    def save(self, text: str) -> str:
        """``save_memory``: remember ``text``; says what changed."""
        added = self.memory.add(text, infer=self.infer, **self.scope)
        if added.duplicate:
            return "Already remembered."
        changes = [f"{e.event} {e.memory}" for e in added.events if e.event != "NOOP"]
        return "Saved: " + "; ".join(changes) if changes else "Nothing new to remember."

    def dispatch(self, name: str, arguments: str | dict[str, Any]) -> str:
        """Run one tool call from an OpenAI-style response; returns the tool's text output.

        Raises:
            InputError: an unknown tool name or arguments that do not fit the schema.
        """
        try:
            raw = json.loads(arguments) if isinstance(arguments, str) else arguments
            if name == SEARCH_TOOL:
                search = SearchMemoryArgs.model_validate(raw)
                return self.search(search.query, search.limit)
            if name == SAVE_TOOL:
                return self.save(SaveMemoryArgs.model_validate(raw).text)
        except (ValueError, ValidationError) as exc:
            raise InputError(f"bad arguments for {name}: {exc}") from exc
        raise InputError(f"unknown memory tool {name!r}; expected {SEARCH_TOOL} or {SAVE_TOOL}")
