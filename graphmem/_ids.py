"""Identities shared by the write path and the store: memory ids and content hashes."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime

from graphmem._temporal import to_ms
from graphmem.types import Message

__all__ = ["content_hash", "new_id", "text_hash"]


def new_id() -> str:
    """A fresh memory id (UUID4 string, as mem0 uses)."""
    return str(uuid.uuid4())


def text_hash(text: str) -> str:
    """The md5 of a memory's text (mem0's ``hash`` field)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def content_hash(messages: list[Message], occurred_at: datetime) -> str:
    """Identity of an episode: its messages and its reference time."""
    payload = json.dumps(
        [[m.role, m.name, m.content] for m in messages] + [to_ms(occurred_at)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
