"""``Memory`` and ``AsyncMemory``: the mem0-compatible facade over the store, ingest and search.

All argument checking and plan building lives once in :class:`_BaseMemory` (no I/O there);
``Memory`` does the I/O; ``AsyncMemory`` mirrors it method for method and runs each call in a
worker thread (``asyncio.to_thread``), so no event loop is ever blocked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphmem._ids import content_hash, text_hash
from graphmem._mem0 import mem0_config, merge_scope, split_filters
from graphmem._messages import check_storable, normalize_messages, stored_texts, validate_text
from graphmem._temporal import Clock, ensure_utc, parse_time, system_clock
from graphmem.config import MemoryConfig
from graphmem.embed import Embedder, default_embedder
from graphmem.errors import InputError, NotFoundError, WriteConflictError
from graphmem.ingest._ontology import Ontology
from graphmem.ingest._plan import WritePlan
from graphmem.ingest._raw import raw_plan
from graphmem.llm import LLMProvider, LLMUsage, UsageLedger
from graphmem.search._searcher import HybridSearcher, Reranker, SearchRequest
from graphmem.search._views import neighbors, scope_graph
from graphmem.store import GraphStore, create_store
from graphmem.store._repository import MemoryRepository, TimeFilter
from graphmem.types import (
    AddResult,
    Fact,
    FactList,
    HistoryEvent,
    MemoryEvent,
    Message,
    Relation,
    Scope,
    SearchResult,
)

if TYPE_CHECKING:
    from graphmem._bulk import BulkResult

__all__ = ["AsyncMemory", "Memory"]

logger = logging.getLogger("graphmem")

MAX_LIMIT = 1_000
MAX_HOPS = 4  # as SearchConfig.hops
MAX_METADATA_BYTES = 64 * 1024  # as UTF-8 JSON; stored on the episode and on each fact
MAX_METADATA_DEPTH = 32
WRITE_ATTEMPTS = 50  # decide+write rounds of one add() while other processes write the scope


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

    # -- checks ----------------------------------------------------------------------------
    @staticmethod
    def _scope(user_id: str | None, agent_id: str | None, run_id: str | None) -> Scope:
        return Scope(user_id=user_id, agent_id=agent_id, run_id=run_id)

    @staticmethod
    def _limit(limit: int) -> int:
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be an integer from 1 to {MAX_LIMIT}, got {limit!r}")
        return limit

    @staticmethod
    def _memory_id(memory_id: object) -> str:
        if not isinstance(memory_id, str) or not memory_id.strip() or len(memory_id) > 128:
            raise InputError(f"memory_id must be a non-empty string, got {memory_id!r}")
        return memory_id

    @staticmethod
    def _time(value: object, what: str) -> datetime | None:
        """A datetime or an ISO-8601 string (``Z`` allowed), as UTC; ``None`` stays ``None``."""
        if value is None or isinstance(value, (datetime, str)):
            try:
                return parse_time(value)
            except ValueError as exc:
                raise InputError(
                    f"{what} is not an ISO-8601 time in years 1-9999: {value!r}"
                ) from exc
        raise InputError(f"{what} must be a datetime or an ISO-8601 string, not {value!r}")

    @staticmethod
    def _metadata(metadata: object) -> dict[str, Any] | None:
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise InputError("metadata must be a dict")
        _check_metadata_shape(metadata)
        try:
            size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
        except (TypeError, ValueError) as exc:
            raise InputError(f"metadata must be JSON-serializable: {exc}") from exc
        if size > MAX_METADATA_BYTES:
            raise InputError(f"metadata is {size} bytes as JSON; the limit is {MAX_METADATA_BYTES}")
        return metadata

    @staticmethod
    def _flag(value: object, what: str) -> bool:
        if not isinstance(value, bool):
            raise InputError(f"{what} must be True or False, got {value!r}")
        return value

    def _now(self) -> datetime:
        return ensure_utc(self._clock())


class Memory(_BaseMemory):
    """Long-term memory for agents in a knowledge graph (mem0-compatible API).

    ``Memory()`` with no arguments uses the embedded FalkorDB in the default data directory,
    the offline MiniLM embedder and an OpenAI-compatible LLM (for ``add(infer=True)`` only).

    Example:
        >>> with Memory() as memory:
        ...     memory.add("I moved to Berlin.", user_id="alice", infer=False)
        ...     print(memory.search("where do I live?", user_id="alice").to_context())
    """

    @classmethod
    def from_config(cls, config: dict[str, Any], **kwargs: Any) -> Memory:
        """Build from a mem0-style dict (see :class:`MemoryConfig`).

        mem0's own keys are accepted: ``vector_store``/``history_db_path``/``version`` are
        ignored with a warning; unsupported values raise :class:`ConfigError`.
        """
        return cls(MemoryConfig.from_dict(mem0_config(config)), **kwargs)

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self._store.bootstrap(self._embedder.dimension)
                self._ready = True

    def add(
        self,
        messages: Any,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        occurred_at: datetime | None = None,
        infer: bool = True,
        memory_type: str | None = None,
        prompt: str | None = None,
    ) -> AddResult:
        """Remember a conversation turn (or several).

        Args:
            messages: a string, a message dict, or a list of OpenAI-style message dicts.
            user_id: whose memory (at least one of user_id/agent_id/run_id is required).
            agent_id: the agent's own memory, or the agent a user talks to.
            run_id: one session.
            metadata: stored with the episode and its facts.
            occurred_at: when the conversation happened (default now); relative times in it
                ("last week") are resolved against this.
            infer: ``True``: one LLM call extracts entities, relations and facts;
                ``False``: each message is stored as a fact, with no LLM call.
            memory_type, prompt: mem0's procedural-memory and custom-prompt options; not
                supported (InputError if given), accepted so mem0 calls bind.

        Returns:
            The events (ADD/MERGE/INVALIDATE/NOOP), relations written and LLM usage.

        Raises:
            InputError: malformed or oversized messages; ScopeError: no scope id.
            LLMError: the model failed or answered off-contract (nothing is written).
            StoreError: the database failed (nothing is written).
        """
        _unsupported(memory_type=memory_type, prompt=prompt)
        scope = self._scope(user_id, agent_id, run_id)
        parsed = normalize_messages(messages, max_chars=self.config.max_text_chars)
        metadata = self._metadata(metadata)
        when = self._time(occurred_at, "occurred_at") or self._now()
        digest = content_hash(parsed, when)
        self._ensure_ready()
        usage: LLMUsage | None = None
        extraction = None
        vectors: list[list[float]] = []
        # A repeat costs no LLM call and no embedding; the slow step (the model or the
        # embedder) runs once, outside the scope's turn, and is not redone on a retry.
        duplicate = self._repository.find_episode(scope, digest)
        if duplicate is not None:
            return AddResult(episode_id=duplicate, duplicate=True)
        if infer:
            extraction, usage = self._ingest().extract(scope, parsed, when)
        else:
            vectors = self._embedder.embed(stored_texts(parsed))
        return self._decide_and_write(
            scope,
            parsed,
            when,
            digest,
            metadata,
            extraction=extraction,
            vectors=vectors,
            usage=usage,
        )

    def _decide_and_write(
        self,
        scope: Scope,
        parsed: list[Message],
        when: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
        *,
        extraction: Any = None,
        vectors: list[list[float]] | None = None,
        usage: LLMUsage | None = None,
    ) -> AddResult:
        """Resolve one add against the scope and write it, atomically (shared by add_many).

        Threads of this Memory take turns per scope; other processes are caught by the scope
        guard in the write (WriteConflictError), and the loser re-reads and re-decides, so
        concurrent adds end as sequential ones would. ``extraction`` (infer=True) or
        ``vectors`` (infer=False, one per stored message) come from the slow step, done once.
        """
        with self._write_lock(scope):
            for attempt in range(WRITE_ATTEMPTS):
                version = self._repository.scope_version(scope)
                duplicate = self._repository.find_episode(scope, digest)
                if duplicate is not None:
                    return AddResult(episode_id=duplicate, duplicate=True, usage=usage)
                if extraction is not None:
                    plan, episode_id, more = self._ingest().resolve(
                        scope, extraction, parsed, when, digest, metadata, version=version
                    )
                    usage = more if usage is None else usage + more
                else:
                    plan, episode_id = self._raw_plan_now(
                        scope, parsed, when, digest, metadata, vectors or []
                    )
                    plan.guard(version)
                try:
                    self._repository.apply(plan.changes)
                except WriteConflictError:
                    if attempt == WRITE_ATTEMPTS - 1:
                        raise
                    time.sleep(random.uniform(0.0, 0.01 * (attempt + 1)))
                    continue
                return AddResult(
                    episode_id=episode_id, events=plan.events, relations=plan.relations, usage=usage
                )
        raise AssertionError("unreachable")

    def _raw_plan_now(
        self,
        scope: Scope,
        parsed: list[Message],
        when: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
        vectors: list[list[float]],
    ) -> tuple[WritePlan, str]:
        hashes = [text_hash(t) for t in stored_texts(parsed)]
        existing = {f.hash: f for f in self._repository.facts_by_hash(scope, hashes)}
        plan = WritePlan(scope, self._now(), actor=_actor(scope))
        episode_id = raw_plan(plan, parsed, when, digest, metadata, existing, vectors)
        return plan, episode_id

    def _write_lock(self, scope: Scope) -> threading.Lock:
        """One of a fixed set of locks (striped by scope: bounded memory, rare sharing)."""
        return self._scope_locks[hash(scope.key()) % len(self._scope_locks)]

    def add_many(self, items: Iterable[Any], **options: Any) -> BulkResult:
        """Add many conversations: bounded concurrency, a progress bar, errors collected.

        Args:
            items: each a message string/list, or a dict ``{"messages": ..., "user_id": ...,
                "occurred_at": ..., "metadata": ..., "infer": ...}`` overriding the defaults.
            **options: default ``user_id``/``agent_id``/``run_id``/``metadata``/``infer``;
                ``concurrency`` (scopes added in parallel, default 4; LLM calls also obey the
                process-wide limit), ``batch_size`` (texts per embedding call for
                ``infer=False``, 64), ``progress`` (tqdm bar; default: when stderr is a
                terminal), ``on_item(index, AddResult | None, error | None)``.

        Returns:
            A :class:`~graphmem.BulkResult`: ``added`` and ``skipped`` (already stored: same
            messages and ``occurred_at``, so re-running an interrupted import resumes) by
            input position, and ``failed`` items with their errors (nothing of them written).
        """
        from graphmem._bulk import add_many

        return add_many(self, items, **options)

    def _ingest(self) -> Any:
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

    def search(
        self,
        query: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 10,
        filters: dict[str, Any] | None = None,
        threshold: float | None = None,
        as_of: datetime | None = None,
        include_history: bool = False,
        hops: int | None = None,
        top_k: int | None = None,
        rerank: bool = True,
    ) -> SearchResult:
        """Find memories relevant to ``query`` (no LLM call).

        Args:
            query: the question or topic.
            user_id, agent_id, run_id: the scope (at least one); filtered inside the database.
            limit: number of hits (1-1000).
            filters: applied before ranking; graphmem's ``predicate`` (str or list), ``entity``,
                ``metadata`` (dict of equal values), ``valid_after``/``valid_before``; and
                mem0's: scope ids (``{"user_id": "alice"}``), metadata keys, ``AND``/``OR``/
                ``NOT`` and the operators eq, ne, gt, gte, lt, lte, in, nin, contains,
                icontains, ``"*"`` (on metadata, ``created_at``, ``updated_at``, ...).
            threshold: minimum cosine similarity for hits found by vector search.
            as_of: the world time to answer for (default now).
            include_history: also return superseded facts, with their intervals.
            hops: graph expansion depth (default from config, 2).
            top_k: mem0 2.x's name for ``limit`` (wins when given).
            rerank: accepted for mem0; graphmem always fuses and reranks its retrievers.

        Returns:
            A :class:`SearchResult`: typed ``.hits``; ``result["results"]`` and
            ``.to_dict()`` are mem0's shape.
        """
        wanted = split_filters(filters)
        ids = merge_scope(
            {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}, wanted.scope
        )
        scope = self._scope(ids["user_id"], ids["agent_id"], ids["run_id"])
        text = validate_text(query, max_chars=self.config.max_text_chars, what="query")
        self._flag(rerank, "rerank")
        limit = self._limit(limit if top_k is None else top_k)
        request = SearchRequest(
            query=text,
            scope=scope,
            # a mem0 condition is checked on the hits: fetch more, then keep ``limit``
            limit=limit if wanted.condition is None else min(MAX_LIMIT, max(50, limit * 5)),
            as_of=self._time(as_of, "as_of") or self._now(),
            as_of_given=as_of is not None,
            include_history=self._flag(include_history, "include_history"),
            threshold=_threshold(threshold),
            filters=_filters(wanted.native),
            hops=self.config.search.hops if hops is None else _hops(hops),
            fanout=self.config.search.fanout,
        )
        self._ensure_ready()
        result = self._searcher.search(request)
        if wanted.condition is None:
            return result
        hits = [hit for hit in result.hits if wanted.matches(hit.fact)][:limit]
        return result.model_copy(update={"hits": hits})

    def graph(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        as_of: datetime | None = None,
        include_history: bool = False,
    ) -> nx.MultiDiGraph:
        """The scope's entities and typed relationships as a networkx MultiDiGraph.

        Nodes are entity ids (``name``, ``type``); each edge is one relationship (key: its
        fact id; ``type``, ``text``, ``valid_from``, ``valid_to``), valid at ``as_of`` (default
        now) unless ``include_history``.

        Example:
            >>> g = memory.graph(user_id="bob")
            >>> nx.shortest_path(g.to_undirected(), alice_id, lisbon_id)
        """
        scope = self._scope(user_id, agent_id, run_id)
        when = TimeFilter(
            self._time(as_of, "as_of") or self._now(),
            self._flag(include_history, "include_history"),
        )
        self._ensure_ready()
        return scope_graph(self._repository, scope, when)

    def neighbors(
        self,
        entity: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        hops: int = 1,
        as_of: datetime | None = None,
    ) -> list[Relation]:
        """The relations within ``hops`` of an entity (by name or alias), nearest first."""
        scope = self._scope(user_id, agent_id, run_id)
        name = validate_text(entity, max_chars=200, what="entity")
        when = TimeFilter(self._time(as_of, "as_of") or self._now())
        self._ensure_ready()
        return neighbors(
            self._repository,
            scope,
            name,
            when,
            hops=_hops(hops),
            fanout=self.config.search.fanout,
        )

    def get(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> Fact:
        """One memory by id; if scope ids are given, it must belong to that scope.

        Raises:
            NotFoundError: no such memory (in that scope).
        """
        given = (user_id, agent_id, run_id)
        scope = self._scope(*given) if any(v is not None for v in given) else None
        fact = self._repository.get_fact(self._memory_id(memory_id), scope)
        if fact is None or not _in_scope(fact, user_id, agent_id, run_id):
            raise NotFoundError(f"no memory with id {memory_id!r}")
        return fact

    def get_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 100,
        include_expired: bool = False,
        filters: dict[str, Any] | None = None,
        top_k: int | None = None,
    ) -> FactList:
        """The scope's memories, newest first (current ones unless ``include_expired``).

        ``filters`` takes mem0's filters (scope ids, metadata, AND/OR/NOT, operators, see
        :meth:`search`); ``top_k`` is mem0 2.x's name for ``limit``. The result is a list of
        :class:`Fact`; ``facts["results"]`` is mem0's shape.
        """
        wanted = split_filters(filters)
        if wanted.native:
            raise InputError(f"get_all filters do not take {sorted(wanted.native)}")
        ids = merge_scope(
            {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}, wanted.scope
        )
        scope = self._scope(ids["user_id"], ids["agent_id"], ids["run_id"])
        limit = self._limit(limit if top_k is None else top_k)
        self._ensure_ready()
        facts = self._repository.list_facts(
            scope,
            limit=limit if wanted.condition is None else MAX_LIMIT,
            include_expired=self._flag(include_expired, "include_expired"),
        )
        return FactList([f for f in facts if wanted.matches(f)][:limit])

    def update(
        self,
        memory_id: str,
        data: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> MemoryEvent:
        """Replace a memory's text (re-embedded), and its typed relationship's text; the old
        text stays in its history. With scope ids, only a memory of that scope is found."""
        text = validate_text(data, max_chars=self.config.max_text_chars, what="data")
        vector: list[float] | None = None
        for attempt in range(WRITE_ATTEMPTS):
            fact = self.get(memory_id, user_id=user_id, agent_id=agent_id, run_id=run_id)
            scope = self._scope(fact.user_id, fact.agent_id, fact.run_id)
            plan = WritePlan(scope, self._now(), actor=_actor(scope))
            if attempt and fact.text == text:  # our refused write had in fact committed
                return MemoryEvent(
                    id=fact.id, memory=text, event="UPDATE", message="Memory updated successfully!"
                )
            plan.guard(self._repository.scope_version(scope))
            vector = vector or self._embedder.embed([text])[0]
            plan.update_text(fact.id, fact.text, text, vector)
            try:
                self._repository.apply(plan.changes)
            except WriteConflictError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                continue
            return plan.events[0].model_copy(update={"message": "Memory updated successfully!"})
        raise AssertionError("unreachable")

    def delete(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> MemoryEvent:
        """Really delete a memory (right to be forgotten), in one transaction.

        The fact, its typed relationship, the raw messages of its episodes (they may quote it)
        and whatever is left orphaned are deleted; its history keeps that it changed, not what
        it said. Returns the DELETE event (mem0's ``{"message": ...}`` via ``["message"]``).
        """
        fact = self.get(memory_id, user_id=user_id, agent_id=agent_id, run_id=run_id)
        scope = self._scope(fact.user_id, fact.agent_id, fact.run_id)
        plan = WritePlan(scope, self._now(), actor=_actor(scope))
        plan.delete_fact(fact.id)
        self._repository.apply(plan.changes)
        # the text is not echoed back: a deletion may be of something secret
        return MemoryEvent(
            id=fact.id, memory="", event="DELETE", message="Memory deleted successfully!"
        )

    def delete_all(
        self, *, user_id: str | None = None, agent_id: str | None = None, run_id: str | None = None
    ) -> int:
        """Delete every memory, entity and episode of the scope; returns how many memories."""
        scope = self._scope(user_id, agent_id, run_id)
        self._ensure_ready()
        deleted = self._repository.scope_fact_ids(scope)
        plan = WritePlan(scope, self._now(), actor=_actor(scope))
        for memory_id in deleted:
            plan.delete_fact(memory_id)
        self._repository.apply(plan.changes)
        self._repository.delete_scope_leftovers(scope)
        return len(deleted)

    def history(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> list[HistoryEvent]:
        """Every change of a memory (ADD, UPDATE, MERGE, INVALIDATE, DELETE), oldest first.

        Give the caller's scope ids to see only changes made in that scope.
        """
        given = (user_id, agent_id, run_id)
        scope = self._scope(*given) if any(v is not None for v in given) else None
        return self._repository.history(self._memory_id(memory_id), scope)

    def reset(self) -> None:
        """Delete everything in this graph (all scopes), then recreate the indexes."""
        self._repository.reset()
        self._ready = False
        self._ensure_ready()

    def close(self) -> None:
        """Release the database (the embedded server stops when its last user closes)."""
        self._store.close()


class AsyncMemory:
    """The asyncio twin of :class:`Memory`: same methods, awaited; runs them in threads."""

    def __init__(self, config: MemoryConfig | None = None, **kwargs: Any) -> None:
        self._sync = Memory(config, **kwargs)

    @classmethod
    def from_config(cls, config: dict[str, Any], **kwargs: Any) -> AsyncMemory:
        """Build from a mem0-style dict (see :class:`MemoryConfig`).

        mem0's own keys are accepted: ``vector_store``/``history_db_path``/``version`` are
        ignored with a warning; unsupported values raise :class:`ConfigError`.
        """
        return cls(MemoryConfig.from_dict(mem0_config(config)), **kwargs)

    async def __aenter__(self) -> AsyncMemory:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def add(
        self,
        messages: Any,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        occurred_at: datetime | None = None,
        infer: bool = True,
        memory_type: str | None = None,
        prompt: str | None = None,
    ) -> AddResult:
        """See :meth:`Memory.add`."""
        return await asyncio.to_thread(
            self._sync.add,
            messages,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            metadata=metadata,
            occurred_at=occurred_at,
            infer=infer,
            memory_type=memory_type,
            prompt=prompt,
        )

    async def add_many(self, items: Iterable[Any], **options: Any) -> BulkResult:
        """See :meth:`Memory.add_many`."""
        return await asyncio.to_thread(self._sync.add_many, list(items), **options)

    async def search(
        self,
        query: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 10,
        filters: dict[str, Any] | None = None,
        threshold: float | None = None,
        as_of: datetime | None = None,
        include_history: bool = False,
        hops: int | None = None,
        top_k: int | None = None,
        rerank: bool = True,
    ) -> SearchResult:
        """See :meth:`Memory.search`."""
        return await asyncio.to_thread(
            self._sync.search,
            query,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            limit=limit,
            filters=filters,
            threshold=threshold,
            as_of=as_of,
            include_history=include_history,
            hops=hops,
            top_k=top_k,
            rerank=rerank,
        )

    async def graph(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        as_of: datetime | None = None,
        include_history: bool = False,
    ) -> nx.MultiDiGraph:
        """See :meth:`Memory.graph`."""
        return await asyncio.to_thread(
            self._sync.graph,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            as_of=as_of,
            include_history=include_history,
        )

    async def neighbors(
        self,
        entity: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        hops: int = 1,
        as_of: datetime | None = None,
    ) -> list[Relation]:
        """See :meth:`Memory.neighbors`."""
        return await asyncio.to_thread(
            self._sync.neighbors,
            entity,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            hops=hops,
            as_of=as_of,
        )

    async def get(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> Fact:
        """See :meth:`Memory.get`."""
        return await asyncio.to_thread(
            self._sync.get, memory_id, user_id=user_id, agent_id=agent_id, run_id=run_id
        )

    async def get_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 100,
        include_expired: bool = False,
        filters: dict[str, Any] | None = None,
        top_k: int | None = None,
    ) -> FactList:
        """See :meth:`Memory.get_all`."""
        return await asyncio.to_thread(
            self._sync.get_all,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            limit=limit,
            include_expired=include_expired,
            filters=filters,
            top_k=top_k,
        )

    async def update(
        self,
        memory_id: str,
        data: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> MemoryEvent:
        """See :meth:`Memory.update`."""
        return await asyncio.to_thread(
            self._sync.update, memory_id, data, user_id=user_id, agent_id=agent_id, run_id=run_id
        )

    async def delete(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> MemoryEvent:
        """See :meth:`Memory.delete`."""
        return await asyncio.to_thread(
            self._sync.delete, memory_id, user_id=user_id, agent_id=agent_id, run_id=run_id
        )

    async def delete_all(
        self, *, user_id: str | None = None, agent_id: str | None = None, run_id: str | None = None
    ) -> int:
        """See :meth:`Memory.delete_all`."""
        return await asyncio.to_thread(
            self._sync.delete_all, user_id=user_id, agent_id=agent_id, run_id=run_id
        )

    async def history(
        self,
        memory_id: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> list[HistoryEvent]:
        """See :meth:`Memory.history`."""
        return await asyncio.to_thread(
            self._sync.history, memory_id, user_id=user_id, agent_id=agent_id, run_id=run_id
        )

    async def reset(self) -> None:
        """See :meth:`Memory.reset`."""
        await asyncio.to_thread(self._sync.reset)

    async def close(self) -> None:
        """See :meth:`Memory.close`."""
        await asyncio.to_thread(self._sync.close)


def _hops(hops: object) -> int:
    if not isinstance(hops, int) or isinstance(hops, bool) or not 0 <= hops <= MAX_HOPS:
        raise InputError(f"hops must be an integer from 0 to {MAX_HOPS}, got {hops!r}")
    return hops


def _threshold(threshold: object) -> float | None:
    if threshold is None:
        return None
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
        raise InputError(f"threshold must be a number, got {threshold!r}")
    return float(threshold)


def _filters(filters: object) -> dict[str, Any]:
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise InputError(f"filters must be a dict, not {type(filters).__name__}")
    entity = filters.get("entity")
    if entity is not None and not isinstance(entity, str):
        raise InputError(f"filters['entity'] must be an entity name, not {entity!r}")
    return dict(filters)


def _unsupported(**options: object) -> None:
    given = [name for name, value in options.items() if value is not None]
    if given:
        raise InputError(f"graphmem does not support mem0's {', '.join(given)} option(s)")


def _check_metadata_shape(metadata: dict[str, Any]) -> None:
    """Depth and text of metadata, walked without recursion (no RecursionError on deep input)."""
    stack: list[tuple[object, int]] = [(metadata, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_METADATA_DEPTH:
            raise InputError(f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels")
        if isinstance(value, str):
            check_storable(value, "a metadata value")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    check_storable(key, "a metadata key")
                stack.append((item, depth + 1))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)


def _actor(scope: Scope) -> str | None:
    return scope.agent_id or scope.user_id or scope.run_id


def _in_scope(fact: Fact, user_id: str | None, agent_id: str | None, run_id: str | None) -> bool:
    wanted = {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}
    return all(value is None or getattr(fact, name) == value for name, value in wanted.items())
