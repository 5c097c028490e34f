"""What ``Memory`` and ``AsyncMemory`` share and that does no I/O: collaborators and requests.

:class:`_BaseMemory` builds the store, embedder, repository and searcher (constructors do no
I/O), and turns the arguments of each public call into a checked request: the scope, parsed
messages, times, limits and filters. ``Memory`` (``_memory.py``) only does the I/O.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphmem._arguments import (
    MAX_LIMIT,
    check_filters,
    check_flag,
    check_hops,
    check_limit,
    check_metadata,
    check_threshold,
    check_time,
    reject_unsupported,
)
from graphmem._ids import content_hash
from graphmem._mem0 import Mem0Filters, merge_scope, split_filters
from graphmem._messages import normalize_messages, validate_text
from graphmem._ontology import Ontology
from graphmem._temporal import Clock, ensure_utc, system_clock
from graphmem.config import MemoryConfig
from graphmem.embed import Embedder, default_embedder
from graphmem.errors import InputError
from graphmem.llm import LLMProvider, UsageLedger
from graphmem.search._searcher import HybridSearcher, Reranker, SearchRequest
from graphmem.store import GraphStore, create_store
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import Message, Scope

LIST_PAGE = MAX_LIMIT
"""Facts read per page by a filtered ``get_all()``: pages are read until ``limit`` pass."""

__all__ = ["AddRequest", "ListRequest"]


@dataclass(frozen=True)
class AddRequest:
    """One checked ``add()``: what to remember, where and when."""

    scope: Scope
    messages: list[Message]
    metadata: dict[str, Any] | None
    occurred_at: datetime
    digest: str
    """The episode's content hash: a repeat of the same messages and time is skipped."""


@dataclass(frozen=True)
class ListRequest:
    """One checked ``get_all()``."""

    scope: Scope
    limit: int
    fetch: int
    """How many to read per page: more than ``limit`` when a mem0 condition is checked on each
    page (pages are read until ``limit`` facts pass or the scope is exhausted)."""
    include_expired: bool
    wanted: Mem0Filters


class _BaseMemory:
    """Configuration, collaborators and every check that needs no I/O."""

    def __init__(
        self,
        config: MemoryConfig | None = None,
        *,
        store: GraphStore | None = None,
        embedder: Embedder | None = None,
        llm: LLMProvider | None = None,
        ontology: Ontology | None = None,
        reranker: Reranker | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config or MemoryConfig.from_env()
        self._store = store or create_store(self.config.graph_store)
        self._embedder = embedder or default_embedder(
            self.config.embedder.model,
            backend=self.config.embedder.backend,
            quantize=self.config.embedder.quantize,
            threads=self.config.embedder.threads,
        )
        self._llm = llm
        self._ontology = ontology
        self._clock = clock or system_clock
        self._repository = MemoryRepository(self._store)
        self._searcher = HybridSearcher(
            self._repository, self._embedder, self.config.search, ontology, reranker=reranker
        )
        self._ready = False
        self._ready_lock = threading.Lock()
        self._ingestor: Any = None
        self._scope_locks = [threading.Lock() for _ in range(64)]
        self.usage = UsageLedger()
        """LLM calls, tokens and latency of this Memory, per operation (``usage.usage("add")``)."""

    @staticmethod
    def _scope(user_id: str | None, agent_id: str | None, run_id: str | None) -> Scope:
        return Scope(user_id=user_id, agent_id=agent_id, run_id=run_id)

    def _now(self) -> datetime:
        return ensure_utc(self._clock())

    def _ingest(self) -> Any:
        """The ``infer=True`` pipeline, built on first use (building it does no I/O)."""
        if self._ingestor is None:
            from graphmem.ingest._pipeline import Ingestor

            self._ingestor = Ingestor(
                self._repository,
                self._embedder,
                self._llm,
                self.config,
                ontology=self._ontology,
                clock=self._now,
                ledger=self.usage,
            )
        return self._ingestor

    def _write_lock(self, scope: Scope) -> threading.Lock:
        """One of a fixed set of locks (striped by scope: bounded memory, rare sharing)."""
        return self._scope_locks[hash(scope.key()) % len(self._scope_locks)]

    # -- requests --------------------------------------------------------------------------
    def _add_request(
        self,
        messages: Any,
        *,
        user_id: str | None,
        agent_id: str | None,
        run_id: str | None,
        metadata: object,
        occurred_at: object,
        memory_type: str | None = None,
        prompt: str | None = None,
    ) -> AddRequest:
        reject_unsupported(memory_type=memory_type, prompt=prompt)
        scope = self._scope(user_id, agent_id, run_id)
        parsed = normalize_messages(messages, max_chars=self.config.max_text_chars)
        checked = check_metadata(metadata)
        when = check_time(occurred_at, "occurred_at") or self._now()
        return AddRequest(scope, parsed, checked, when, content_hash(parsed, when))

    def _search_request(
        self,
        query: str,
        *,
        user_id: str | None,
        agent_id: str | None,
        run_id: str | None,
        limit: int,
        filters: dict[str, Any] | None,
        threshold: float | None,
        as_of: datetime | None,
        include_history: bool,
        hops: int | None,
        top_k: int | None,
        rerank: bool,
    ) -> tuple[SearchRequest, Mem0Filters, int]:
        """The searcher's request, mem0's condition (checked on the hits) and the limit."""
        wanted = split_filters(filters)
        ids = merge_scope(
            {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}, wanted.scope
        )
        scope = self._scope(ids["user_id"], ids["agent_id"], ids["run_id"])
        text = validate_text(query, max_chars=self.config.max_text_chars, what="query")
        check_flag(rerank, "rerank")
        limit = check_limit(limit if top_k is None else top_k)
        request = SearchRequest(
            query=text,
            scope=scope,
            # a mem0 condition is checked on the hits: fetch more, then keep ``limit``
            limit=limit if wanted.condition is None else min(MAX_LIMIT, max(50, limit * 5)),
            as_of=check_time(as_of, "as_of") or self._now(),
            as_of_given=as_of is not None,
            include_history=check_flag(include_history, "include_history"),
            threshold=check_threshold(threshold),
            filters=check_filters(wanted.native),
            hops=self.config.search.hops if hops is None else check_hops(hops),
            fanout=self.config.search.fanout,
        )
        return request, wanted, limit

    def _list_request(
        self,
        *,
        user_id: str | None,
        agent_id: str | None,
        run_id: str | None,
        limit: int,
        include_expired: bool,
        filters: dict[str, Any] | None,
        top_k: int | None,
    ) -> ListRequest:
        wanted = split_filters(filters)
        if wanted.native:
            raise InputError(f"get_all filters do not take {sorted(wanted.native)}")
        ids = merge_scope(
            {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}, wanted.scope
        )
        scope = self._scope(ids["user_id"], ids["agent_id"], ids["run_id"])
        limit = check_limit(limit if top_k is None else top_k)
        return ListRequest(
            scope=scope,
            limit=limit,
            fetch=limit if wanted.condition is None else LIST_PAGE,
            include_expired=check_flag(include_expired, "include_expired"),
            wanted=wanted,
        )

    def _time_filter(self, as_of: object, include_history: object = False) -> TimeFilter:
        return TimeFilter(
            check_time(as_of, "as_of") or self._now(),
            check_flag(include_history, "include_history"),
        )
