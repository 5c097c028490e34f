"""``Memory``: the mem0-compatible facade; it does the I/O, :class:`_BaseMemory` the rest.

Every check and request is built once in :mod:`graphmem._memory_base` (no I/O there); each
method here reads, decides through ``ingest/`` or ``search/`` and writes through the
repository. ``AsyncMemory`` (:mod:`graphmem._async_memory`) runs these methods in threads.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphmem._arguments import (
    MAX_LIMIT,
    actor,
    check_hops,
    check_memory_id,
    in_scope,
    optional_scope,
)
from graphmem._ids import text_hash
from graphmem._mem0 import mem0_config
from graphmem._memory_base import AddRequest, _BaseMemory
from graphmem._messages import stored_texts, validate_text
from graphmem.config import MemoryConfig
from graphmem.errors import NotFoundError, WriteConflictError
from graphmem.ingest._plan import WritePlan
from graphmem.ingest._raw import raw_plan
from graphmem.llm import LLMUsage
from graphmem.search._views import neighbors, scope_graph
from graphmem.types import (
    AddResult,
    Fact,
    FactList,
    HistoryEvent,
    MemoryEvent,
    Relation,
    SearchResult,
)

if TYPE_CHECKING:
    from graphmem._bulk import BulkResult

__all__ = ["Memory"]

logger = logging.getLogger("graphmem")

WRITE_ATTEMPTS = 50  # decide+write rounds of one add() while other processes write the scope


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
                self._repository.vector_log = self._store.vector_log(self._embedder.dimension)
                self._repository.label_scope_clocks()
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
        request = self._add_request(
            messages,
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            metadata=metadata,
            occurred_at=occurred_at,
            memory_type=memory_type,
            prompt=prompt,
        )
        self._ensure_ready()
        usage: LLMUsage | None = None
        extraction = None
        vectors: list[list[float]] = []
        # A repeat costs no LLM call and no embedding; the slow step (the model or the
        # embedder) runs once, outside the scope's turn, and is not redone on a retry.
        duplicate = self._repository.find_episode(request.scope, request.digest)
        if duplicate is not None:
            return AddResult(episode_id=duplicate, duplicate=True)
        if infer:
            extraction, usage = self._ingest().extract(
                request.scope, request.messages, request.occurred_at
            )
        else:
            vectors = self._embedder.embed(stored_texts(request.messages))
        return self._decide_and_write(request, extraction=extraction, vectors=vectors, usage=usage)

    def _decide_and_write(
        self,
        request: AddRequest,
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
        scope = request.scope
        with self._write_lock(scope):
            for attempt in range(WRITE_ATTEMPTS):
                version = self._repository.scope_version(scope)
                duplicate = self._repository.find_episode(scope, request.digest)
                if duplicate is not None:
                    return AddResult(episode_id=duplicate, duplicate=True, usage=usage)
                if extraction is not None:
                    plan, episode_id, more = self._ingest().resolve(
                        scope,
                        extraction,
                        request.messages,
                        request.occurred_at,
                        request.digest,
                        request.metadata,
                        version=version,
                    )
                    usage = more if usage is None else usage + more
                else:
                    plan, episode_id = self._raw_plan(request, vectors or [])
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

    def _raw_plan(self, request: AddRequest, vectors: list[list[float]]) -> tuple[WritePlan, str]:
        """``infer=False``: read the repeats among the messages, then plan (``ingest/_raw``)."""
        hashes = [text_hash(t) for t in stored_texts(request.messages)]
        existing = {f.hash: f for f in self._repository.facts_by_hash(request.scope, hashes)}
        plan = WritePlan(request.scope, self._now(), actor=actor(request.scope))
        episode_id = raw_plan(
            plan,
            request.messages,
            request.occurred_at,
            request.digest,
            request.metadata,
            existing,
            vectors,
        )
        return plan, episode_id

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
        request, wanted, limit = self._search_request(
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
        self._ensure_ready()
        result = self._searcher.search(request)
        if wanted.condition is None:
            return result
        # mem0's condition is checked on the hits: widen the search until ``limit`` pass or
        # the scope has no more candidates, so a selective condition is not starved
        while True:
            hits = [hit for hit in result.hits if wanted.matches(hit.fact)]
            if len(hits) >= limit or len(result.hits) < request.limit or request.limit >= MAX_LIMIT:
                break
            request = replace(request, limit=min(MAX_LIMIT, request.limit * 4))
            result = self._searcher.search(request)
        return result.model_copy(update={"hits": hits[:limit]})

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
        when = self._time_filter(as_of, include_history)
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
        when = self._time_filter(as_of)
        self._ensure_ready()
        return neighbors(
            self._repository,
            scope,
            name,
            when,
            hops=check_hops(hops),
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
        scope = optional_scope(user_id, agent_id, run_id)
        fact = self._repository.get_fact(check_memory_id(memory_id), scope)
        if fact is None or not in_scope(fact, user_id, agent_id, run_id):
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
        request = self._list_request(
            user_id=user_id,
            agent_id=agent_id,
            run_id=run_id,
            limit=limit,
            include_expired=include_expired,
            filters=filters,
            top_k=top_k,
        )
        self._ensure_ready()
        kept: list[Fact] = []
        skip = 0
        while len(kept) < request.limit:
            page = self._repository.list_facts(
                request.scope,
                skip=skip,
                limit=request.fetch,
                include_expired=request.include_expired,
            )
            kept += [fact for fact in page if request.wanted.matches(fact)]
            if len(page) < request.fetch or request.wanted.condition is None:
                break
            skip += len(page)
        return FactList(kept[: request.limit])

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
            plan = WritePlan(scope, self._now(), actor=actor(scope))
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
        with self._write_lock(scope):
            for attempt in range(WRITE_ATTEMPTS):
                # Guarded like every write of the scope: an add that read the fact before this
                # delete committed re-reads and re-decides instead of counting a new mention
                # (or an update) on a fact that no longer exists.
                plan = WritePlan(scope, self._now(), actor=actor(scope))
                plan.guard(self._repository.scope_version(scope))
                if attempt and self._repository.get_fact(fact.id, scope) is None:
                    break  # our refused write had in fact committed, or another delete did
                plan.delete_fact(fact.id)
                try:
                    self._repository.apply(plan.changes)
                except WriteConflictError:
                    if attempt == WRITE_ATTEMPTS - 1:
                        raise
                    continue
                break
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
        plan = WritePlan(scope, self._now(), actor=actor(scope))
        for memory_id in deleted:
            plan.delete_fact(memory_id)
        self._repository.apply(plan.changes)
        self._repository.delete_scope_leftovers(scope)
        # every exact scope under this one changed: searches re-read, racing adds re-decide
        self._repository.bump_scope_clocks(scope)
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
        scope = optional_scope(user_id, agent_id, run_id)
        return self._repository.history(check_memory_id(memory_id), scope)

    def reset(self) -> None:
        """Delete everything in this graph (all scopes), then recreate the indexes."""
        self._repository.reset()
        self._ready = False
        self._ensure_ready()

    def close(self) -> None:
        """Release the database (the embedded server stops when its last user closes)."""
        self._store.close()
