"""The data graphmem returns and accepts: plain Pydantic models, no persistence on them.

Clocks: ``valid_from``/``valid_to`` are *world time* (when a fact held in the world);
``recorded_at``/``expired_at`` are *system time* (when graphmem learned it and when it retired it).
``occurred_at`` is the episode's reference time given by the caller. Every datetime is UTC-aware.
"""

from __future__ import annotations

import re
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from graphmem._temporal import ensure_utc
from graphmem.errors import ScopeError

__all__ = [
    "AddResult",
    "Entity",
    "EventType",
    "Fact",
    "FactList",
    "HistoryEvent",
    "MemoryEvent",
    "Message",
    "PathStep",
    "Relation",
    "Scope",
    "SearchHit",
    "SearchResult",
    "UTCDateTime",
]

UTCDateTime = Annotated[datetime, AfterValidator(ensure_utc)]
"""A datetime normalized to UTC; a naive value is taken to be UTC."""

EventType = Literal["ADD", "UPDATE", "DELETE", "INVALIDATE", "MERGE", "NOOP"]

MEM0_EVENTS: dict[str, str] = {
    "ADD": "ADD",
    "UPDATE": "UPDATE",
    "MERGE": "UPDATE",  # mem0 rewrites the memory with the merged text
    "INVALIDATE": "DELETE",  # mem0 drops a contradicted memory; graphmem closes its validity
    "DELETE": "DELETE",
    "NOOP": "NONE",
}
"""graphmem's event names as mem0 reports them."""

_SCOPE_ID = re.compile(r"[^\x00-\x1f\x7f]{1,256}")


class _Mem0Mapping:
    """Read access in mem0's dict shape: ``obj["memory"]``, ``obj.get("score")``, ``obj.keys()``.

    The typed attributes stay the primary API; ``to_mem0()`` is the dict these methods read.
    """

    def to_mem0(self) -> dict[str, Any]:
        raise NotImplementedError

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise TypeError(f"{type(self).__name__} keys are strings, not {key!r}")
        return self.to_mem0()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """mem0's ``dict.get``."""
        return self.to_mem0().get(key, default)

    def keys(self) -> KeysView[str]:
        """The keys of the mem0 dict."""
        return self.to_mem0().keys()

    def values(self) -> ValuesView[Any]:
        """The values of the mem0 dict."""
        return self.to_mem0().values()

    def items(self) -> ItemsView[str, Any]:
        """The items of the mem0 dict."""
        return self.to_mem0().items()

    def __contains__(self, key: object) -> bool:
        return key in self.to_mem0()

    def __iter__(self) -> Iterator[str]:
        """Iterate over the mem0 keys, as a dict does (``SearchResult`` iterates its hits)."""
        return iter(self.to_mem0())

    def __len__(self) -> int:
        return len(self.to_mem0())


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


class Scope(_Model):
    """Who a memory belongs to. At least one id is required; reads filter on every id given.

    A read with ``user_id="alice"`` returns only memories written with ``user_id="alice"``
    (whatever their agent or run), never anyone else's.
    """

    user_id: str | None = None
    agent_id: str | None = None
    run_id: str | None = None

    def __init__(self, **data: Any) -> None:
        # Pydantic wraps a ValueError raised by a validator (ScopeError is one) in its own
        # ValidationError; callers are promised ScopeError, so unwrap it here.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ScopeError(_validation_message(exc)) from exc

    @field_validator("user_id", "agent_id", "run_id")
    @classmethod
    def _well_formed(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if (
            not isinstance(value, str)
            or not _SCOPE_ID.fullmatch(value)
            or value != value.strip()
            or not value
            or not _encodable(value)
        ):
            # Leading/trailing whitespace is refused, not stripped: FalkorDB's range index
            # trims it, so "bob " would be stored as "bob " but found by user_id="bob".
            raise ScopeError(
                "scope ids must be strings of 1-256 characters without control characters "
                f"or leading/trailing whitespace, got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _at_least_one(self) -> Scope:
        if self.user_id is None and self.agent_id is None and self.run_id is None:
            raise ScopeError("one of user_id, agent_id or run_id is required")
        return self

    def params(self) -> dict[str, str | None]:
        """The scope as query parameters (``None`` means "any")."""
        return {"user_id": self.user_id, "agent_id": self.agent_id, "run_id": self.run_id}

    def key(self) -> str:
        """A canonical string of the full scope, used to key what is written in it."""
        return "\x1f".join(
            f"{name}={value}" for name, value in self.params().items() if value is not None
        )

    def entity_key(self) -> str:
        """The scope entities live in: user and agent, without the run (runs are sessions).

        Alice's "Berlin" is one entity across all of Alice's runs; a run-only scope keeps its own.
        """
        if self.user_id is None and self.agent_id is None:
            return self.key()
        return Scope(user_id=self.user_id, agent_id=self.agent_id).key()


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _validation_message(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        where = ".".join(map(str, error["loc"]))
        problems.append(str(cause) if cause is not None else f"{where}: {error['msg']}")
    return "; ".join(problems)


class Message(_Model):
    """One conversation turn, OpenAI style."""

    role: Literal["user", "assistant", "system", "tool"]
    content: str
    name: str | None = None


class Entity(_Model):
    """A typed node: a person, place, organization, ..."""

    id: str
    name: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    summary: str | None = None
    user_id: str | None = None
    agent_id: str | None = None
    run_id: str | None = None
    created_at: UTCDateTime | None = None
    updated_at: UTCDateTime | None = None


class Fact(_Mem0Mapping, _Model):  # type: ignore[misc]
    """The unit of truth: one self-contained sentence with its validity and provenance.

    ``memory`` mirrors ``text`` for mem0 users.
    """

    id: str
    text: str
    predicate: str | None = None
    subject: str | None = Field(default=None, description="Subject entity name, if any.")
    object: str | None = Field(default=None, description="Object entity name, if any.")
    valid_from: UTCDateTime | None = Field(default=None, description="World time it began.")
    valid_to: UTCDateTime | None = Field(default=None, description="World time it ended.")
    recorded_at: UTCDateTime = Field(description="System time graphmem learned it.")
    expired_at: UTCDateTime | None = Field(default=None, description="System time retired.")
    updated_at: UTCDateTime | None = None
    confidence: float = 1.0
    mentions: int = 1
    hash: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    user_id: str | None = None
    agent_id: str | None = None
    run_id: str | None = None
    episode_ids: list[str] = Field(default_factory=list)

    @property
    def memory(self) -> str:
        """The fact text (mem0's name for it)."""
        return self.text

    def is_current(self, at: datetime | None = None) -> bool:
        """True if the fact is not retired and holds at ``at`` (default: open-ended now)."""
        if self.expired_at is not None and (at is None or self.expired_at <= ensure_utc(at)):
            return False
        if at is None:
            return self.valid_to is None
        at = ensure_utc(at)
        starts_ok = self.valid_from is None or self.valid_from <= at
        return starts_ok and (self.valid_to is None or at < self.valid_to)

    def to_mem0(self) -> dict[str, Any]:
        """The mem0-compatible dict of this memory."""
        item: dict[str, Any] = {
            "id": self.id,
            "memory": self.text,
            "hash": self.hash,
            "metadata": self.metadata or None,
            "created_at": self.recorded_at.isoformat(),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
        for name in ("user_id", "agent_id", "run_id"):
            if getattr(self, name) is not None:
                item[name] = getattr(self, name)
        return item


class Relation(_Model):
    """A (subject, predicate, object) triple between entities, with its validity."""

    source: str
    relationship: str
    destination: str
    fact_id: str | None = None
    valid_from: UTCDateTime | None = None
    valid_to: UTCDateTime | None = None


class PathStep(_Model):
    """One hop of the path that brought a hit into the results."""

    source: str
    relationship: str
    destination: str


class SearchHit(_Mem0Mapping, _Model):  # type: ignore[misc]
    """One search result: a fact, why it was found, and how well it scored."""

    fact: Fact
    score: float
    is_current: bool
    entities: list[str] = Field(default_factory=list)
    sources: list[str] = Field(
        default_factory=list,
        description="Which retrievers found it: vector, fulltext, graph; for raw turns also "
        "reply and name (SearchConfig.reply_weight / name_weight, on by default) and, when "
        "turned on, feedback and neighbour (feedback_weight / neighbour_weight).",
    )
    path: list[PathStep] = Field(default_factory=list)
    superseded_by: str | None = None
    context: list[str] = Field(
        default_factory=list,
        description="A raw turn's neighbouring turns in its conversation (across add() calls "
        "within an hour), 'Speaker: text', in order.",
    )

    def to_mem0(self) -> dict[str, Any]:
        """The mem0-compatible dict, with graphmem's extras."""
        item = self.fact.to_mem0()
        item["score"] = self.score
        item["valid_from"] = self.fact.valid_from.isoformat() if self.fact.valid_from else None
        item["valid_to"] = self.fact.valid_to.isoformat() if self.fact.valid_to else None
        item["is_current"] = self.is_current
        return item


class SearchResult(_Mem0Mapping, _Model):
    """What ``search()`` returns: typed ``.hits``, and mem0's ``{"results", "relations"}`` dict.

    ``result["results"]`` and ``result.to_dict()`` are mem0's shape; iterating or ``len()``
    works on the typed hits.
    """

    hits: list[SearchHit] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[SearchHit]:  # type: ignore[override]
        """Iterate over the hits (not the model's fields)."""
        return iter(self.hits)

    def to_mem0(self) -> dict[str, Any]:
        """mem0's search result: ``{"results": [...], "relations": [...]}``."""
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """mem0-compatible view: ``{"results": [...], "relations": [...]}``."""
        return {
            "results": [hit.to_mem0() for hit in self.hits],
            "relations": [
                {"source": r.source, "relationship": r.relationship, "destination": r.destination}
                for r in self.relations
            ],
        }

    def to_context(self, max_tokens: int = 1_000) -> str:
        """Render the hits as a compact, dated block for a prompt, within a token budget.

        Current facts come first, then history; a multi-hop hit carries the chain that led to
        it ("[via Alice MANAGED_BY Carla Sousa]"). Tokens are estimated at 4 characters each.

        Example:
            >>> result = memory.search("where does Alice live?", user_id="bob")
            >>> prompt = f"Memories:\\n{result.to_context(max_tokens=300)}"
        """
        budget = max(0, max_tokens) * 4
        ordered = sorted(self.hits, key=lambda h: (not h.is_current, -h.score))
        lines: list[str] = []
        used = 0
        for hit in ordered:
            speaker = _speaker(hit.fact)
            said = f"{speaker}: " if speaker else ""
            line = "- " + said + hit.fact.text + _date_suffix(hit) + _via(hit)
            # a raw turn's neighbouring turns of the same conversation, in order
            line += "".join(f"\n  | {turn}" for turn in hit.context)
            if used + len(line) + 1 > budget:
                break
            lines.append(line)
            used += len(line) + 1
        return "\n".join(lines)


def _via(hit: SearchHit) -> str:
    # A multi-hop hit is only meaningful with the chain that led to it.
    links = [f"{s.source} {s.relationship} {s.destination}" for s in hit.path[:-1]]
    return f" [via {'; '.join(links)}]" if links else ""


def _speaker(fact: Fact) -> str | None:
    # A raw turn (add(..., infer=False)) keeps who said it: the message name, else its role.
    if fact.predicate is not None or "role" not in fact.metadata:
        return None
    name = fact.metadata.get("name") or fact.metadata.get("role")
    return str(name) if name else None


def _date_suffix(hit: SearchHit) -> str:
    if _speaker(hit.fact) is not None and hit.fact.valid_from is not None:
        return f" (said {hit.fact.valid_from.date().isoformat()})"
    start = hit.fact.valid_from.date().isoformat() if hit.fact.valid_from else None
    end = hit.fact.valid_to.date().isoformat() if hit.fact.valid_to else None
    if hit.is_current:
        return f" (since {start})" if start else ""
    return f" (past: {start or '?'} to {end or '?'})"


class HistoryEvent(_Mem0Mapping, _Model):  # type: ignore[misc]
    """One change to a memory: what it was, what it became, who did it and when."""

    id: str
    memory_id: str
    event: EventType
    old_memory: str | None = None
    new_memory: str | None = None
    actor: str | None = None
    created_at: UTCDateTime
    is_deleted: bool = False

    def to_mem0(self) -> dict[str, Any]:
        """mem0's history row (``event`` in ADD/UPDATE/DELETE/NONE)."""
        return {
            "id": self.id,
            "memory_id": self.memory_id,
            "old_memory": self.old_memory,
            "new_memory": self.new_memory,
            "event": MEM0_EVENTS[self.event],
            "created_at": self.created_at.isoformat(),
            "updated_at": None,
            "is_deleted": self.is_deleted,
            "actor_id": self.actor,
            "role": None,
        }


class MemoryEvent(_Mem0Mapping, _Model):  # type: ignore[misc]
    """What one ``add()``, ``update()`` or ``delete()`` did to one memory."""

    id: str
    memory: str
    event: EventType
    previous_memory: str | None = None
    message: str | None = Field(
        default=None, description="mem0's confirmation text, set by update() and delete()."
    )

    def to_mem0(self) -> dict[str, Any]:
        """mem0's shape: ``{"id", "memory", "event"}`` (+ ``previous_memory``, ``message``)."""
        item: dict[str, Any] = {"id": self.id, "memory": self.memory}
        item["event"] = MEM0_EVENTS[self.event]
        if self.previous_memory is not None and self.event != "ADD":
            item["previous_memory"] = self.previous_memory
        if self.message is not None:
            item["message"] = self.message
        return item


class AddResult(_Mem0Mapping, _Model):  # type: ignore[misc]
    """What ``add()`` returns: typed ``.events``, and mem0's ``{"results", "relations"}`` dict."""

    episode_id: str | None = None
    events: list[MemoryEvent] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    usage: Any = None
    duplicate: bool = Field(default=False, description="True if this episode was already stored.")

    def to_mem0(self) -> dict[str, Any]:
        """mem0's add result: ``{"results": [{"id", "memory", "event"}], "relations": [...]}``."""
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """mem0-compatible view: ``{"results": [...], "relations": [...]}``."""
        return {
            "results": [e.to_mem0() for e in self.events],
            "relations": [
                {"source": r.source, "relationship": r.relationship, "target": r.destination}
                for r in self.relations
            ],
        }


class FactList(list[Fact]):
    """What ``get_all()`` returns: a list of :class:`Fact`, readable as mem0's dict too.

    ``facts["results"]`` is mem0's ``[{"id", "memory", ...}]``; integer indexes, slices,
    iteration and ``len()`` work on the typed facts.
    """

    def to_mem0(self) -> dict[str, Any]:
        """mem0's ``get_all`` result: ``{"results": [...]}``."""
        return {"results": [fact.to_mem0() for fact in self]}

    def to_dict(self) -> dict[str, Any]:
        """Same as :meth:`to_mem0`."""
        return self.to_mem0()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self.to_mem0()[key]
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """mem0's ``dict.get`` (``facts.get("results")``)."""
        return self.to_mem0().get(key, default)

    def keys(self) -> KeysView[str]:
        """The keys of mem0's dict."""
        return self.to_mem0().keys()
