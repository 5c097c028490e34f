"""Validation of what callers pass to ``add()``: messages in any accepted shape, and limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from graphmem.errors import InputError
from graphmem.types import Message

__all__ = ["MAX_MESSAGES", "check_storable", "normalize_messages", "stored_texts", "validate_text"]

MAX_MESSAGES = 200


def check_storable(text: str, what: str) -> str:
    """Reject what no backend can store as text: a NUL character or a lone surrogate.

    Raises:
        InputError: naming ``what``.
    """
    if "\x00" in text:
        raise InputError(f"{what} contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} is not valid Unicode (lone surrogate at {exc.start})") from exc
    return text


def normalize_messages(messages: object, *, max_chars: int) -> list[Message]:
    """Accept a string, one message dict, or a list of OpenAI-style message dicts.

    Raises:
        InputError: anything else, an empty conversation, an unknown role, non-string content,
            or text over ``max_chars`` characters in total.
    """
    if isinstance(messages, str):
        raw: list[Any] = [{"role": "user", "content": messages}]
    elif isinstance(messages, Mapping):
        raw = [messages]
    elif isinstance(messages, (list, tuple)):
        raw = list(messages)
    else:
        raise InputError(
            "messages must be a string, a message dict or a list of message dicts, "
            f"not {type(messages).__name__}"
        )
    if not raw:
        raise InputError("messages is empty")
    if len(raw) > MAX_MESSAGES:
        raise InputError(f"at most {MAX_MESSAGES} messages per add(), got {len(raw)}")
    parsed: list[Message] = []
    for index, item in enumerate(raw):
        if isinstance(item, Message):
            parsed.append(item)
            continue
        if not isinstance(item, Mapping):
            raise InputError(f"message {index} must be a dict, not {type(item).__name__}")
        try:
            parsed.append(Message.model_validate(dict(item), strict=True))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise InputError(f"message {index} is malformed: {problems}") from exc
    for index, message in enumerate(parsed):
        check_storable(message.content, f"message {index} content")
        if message.name is not None:
            check_storable(message.name, f"message {index} name")
    usable = [m for m in parsed if m.content.strip()]
    if not usable:
        raise InputError("every message is empty")
    total = sum(len(m.content) for m in usable)
    if total > max_chars:
        raise InputError(f"messages hold {total} characters; the limit is {max_chars}")
    return usable


def validate_text(text: object, *, max_chars: int, what: str = "text") -> str:
    """A non-empty string within the size limit, stripped."""
    if not isinstance(text, str):
        raise InputError(f"{what} must be a string, not {type(text).__name__}")
    stripped = check_storable(text, what).strip()
    if not stripped:
        raise InputError(f"{what} is empty")
    if len(stripped) > max_chars:
        raise InputError(f"{what} has {len(stripped)} characters; the limit is {max_chars}")
    return stripped


def stored_texts(messages: list[Message]) -> list[str]:
    """The texts ``add(infer=False)`` stores, one per message: every non-system one, stripped."""
    return [m.content.strip() for m in messages if m.role != "system"]
