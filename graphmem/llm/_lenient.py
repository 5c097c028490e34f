"""Tool arguments as local models really send them (Ollama, vLLM, llama.cpp server).

They often ignore ``tool_choice``: the JSON arrives in the message content, in a code fence, with
prose around it, wrapped as ``{"name": ..., "arguments": {...}}``, as an object instead of a
string, or encoded twice. :func:`recover_arguments` finds the arguments when exactly one reading
is possible; the caller still validates them against the tool contract.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_objects", "recover_arguments"]

_WRAPPER_ARGS = ("arguments", "parameters", "args", "input")


def json_objects(text: str) -> list[dict[str, Any]]:
    """The top-level JSON objects written in ``text`` (fences and prose are skipped)."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    index = text.find("{")
    while index >= 0:
        try:
            value, end = decoder.raw_decode(text, index)
        except ValueError:
            index = text.find("{", index + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        index = text.find("{", end)
    return found


def recover_arguments(raw: str | dict[str, Any] | None, tool_name: str) -> dict[str, Any] | None:
    """The tool arguments in a raw answer, or None when there is no single unambiguous object.

    ``raw`` is a tool call's arguments or a message's text. Accepted: a JSON object string, a
    dict, a JSON string holding a JSON object (double-encoded), one object inside a code fence
    or prose, and a wrapper naming ``tool_name`` (``{"name": tool_name, "arguments": {...}}``,
    also ``parameters``, or OpenAI's ``{"function": {...}}``).
    """
    if raw is None:
        return None
    if isinstance(raw, dict):
        return _unwrap(raw, tool_name)
    text = raw.strip()
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, str):  # encoded twice
        return recover_arguments(value, tool_name)
    if isinstance(value, dict):
        return _unwrap(value, tool_name)
    objects = json_objects(text)
    if len(objects) != 1:  # none, or several: which one was meant is not clear
        return None
    return _unwrap(objects[0], tool_name)


def _unwrap(value: dict[str, Any], tool_name: str) -> dict[str, Any]:
    inner = value.get("function")
    if isinstance(inner, dict) and inner.get("name") == tool_name:
        value = inner
    if value.get("name") == tool_name and len(value) <= 3:
        for key in _WRAPPER_ARGS:
            args = value.get(key)
            if isinstance(args, str):
                parsed = recover_arguments(args, tool_name)
                if parsed is not None:
                    return parsed
            if isinstance(args, dict):
                return args
    return value
