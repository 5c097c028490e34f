"""``add(infer=True)``: extract (1 LLM call) -> resolve entities -> resolve facts (0 or 1 LLM
call) -> one write plan. Nothing is written here; the caller applies the plan in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphmem._ids import new_id, text_hash
from graphmem._keys import name_key
from graphmem._ontology import DEFAULT_ONTOLOGY, Ontology
from graphmem._temporal import Clock
from graphmem.config import MemoryConfig
from graphmem.embed import Embedder, embed_in_background
from graphmem.ingest._contracts import (
    EXTRACT_TOOL_NAME,
    RESOLVE_TOOL_NAME,
    ExtractMemory,
    ResolveMemory,
)
from graphmem.ingest._plan import WritePlan
from graphmem.ingest._prompts import (
    EXTRACT_DESCRIPTION,
    RESOLVE_DESCRIPTION,
    Prompts,
    render_extraction,
    render_resolution,
)
from graphmem.ingest._resolution import (
    Candidate,
    Outcome,
    ProposedFact,
    Supersession,
    close_within_batch,
    resolve_by_rules,
)
from graphmem.ingest._sanitize import CleanEntity, CleanExtraction, sanitize_extraction
from graphmem.llm import LLMUsage, ToolInvoker, UsageLedger, create_llm
from graphmem.store._records import StoredEntity
from graphmem.store._repository import MemoryRepository
from graphmem.store._writes import NewEntity, NewFact
from graphmem.types import Message, Scope

__all__ = ["ENTITY_MERGE_SIMILARITY", "Ingestor"]

logger = logging.getLogger("graphmem.ingest")

# Two names this close (MiniLM cosine), with compatible types, are the same entity.
ENTITY_MERGE_SIMILARITY = 0.93
CONTEXT_CHARS = 300


@dataclass
class _EntityMap:
    """Extraction key -> stored key, and stored key -> display name."""

    keys: dict[str, str]
    names: dict[str, str]


class Ingestor:
    """Builds the write plan of one ``add(infer=True)``.

    Args:
        repository: reads candidates and entities.
        embedder: embeds fact texts and entity names.
        llm: an ``LLMProvider`` (``graphmem.llm``); default from ``config.llm``.
        config: the Memory configuration.
        ontology: entity/relation types and cardinalities; default :data:`DEFAULT_ONTOLOGY`.
        clock: the system clock (``recorded_at``/``expired_at``).
        prompts: replace the system prompts.
        ledger: where LLM usage is aggregated.
    """

    def __init__(
        self,
        repository: MemoryRepository,
        embedder: Embedder,
        llm: Any,
        config: MemoryConfig,
        *,
        ontology: Ontology | None = None,
        clock: Clock,
        prompts: Prompts | None = None,
        ledger: UsageLedger | None = None,
    ) -> None:
        self._repository = repository
        self._embedder = embedder
        self._llm = llm
        self._config = config
        self.ontology = ontology or DEFAULT_ONTOLOGY
        self._clock = clock
        self._prompts = prompts or Prompts()
        self._ledger = ledger
        self._invoker: ToolInvoker | None = None

    def invoker(self) -> ToolInvoker:
        """The tool invoker, created on first use (constructing it does no I/O)."""
        if self._invoker is None:
            llm = self._llm or create_llm(self._config.llm.provider, **self._config.llm.config)
            self._invoker = ToolInvoker(llm, ledger=self._ledger)
        return self._invoker

    def plan(
        self,
        scope: Scope,
        messages: list[Message],
        occurred_at: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
    ) -> tuple[WritePlan, str, LLMUsage]:
        """Extract, resolve and plan one episode. Raises ``LLMError`` and writes nothing."""
        extraction, usage = self.extract(scope, messages, occurred_at)
        plan, episode_id, more = self.resolve(
            scope, extraction, messages, occurred_at, digest, metadata
        )
        return plan, episode_id, usage + more

    def extract(
        self, scope: Scope, messages: list[Message], occurred_at: datetime
    ) -> tuple[CleanExtraction, LLMUsage]:
        """The extraction call (reads only the scope's recent episodes, decides nothing)."""
        return self._extract(scope, messages, occurred_at)

    def resolve(
        self,
        scope: Scope,
        extraction: CleanExtraction,
        messages: list[Message],
        occurred_at: datetime,
        digest: str,
        metadata: dict[str, Any] | None,
        *,
        version: int | None = None,
    ) -> tuple[WritePlan, str, LLMUsage]:
        """Resolve an extraction against the stored graph and plan its write.

        ``version`` is the scope's write clock read before any of the reads made here; the
        plan is guarded by it, so it can only be applied if nothing changed meanwhile.
        """
        usage = LLMUsage()
        plan = WritePlan(scope, self._clock(), actor=scope.agent_id or scope.user_id)
        if version is not None:
            plan.guard(version)
        episode_id = new_id()
        plan.add_episode(episode_id, messages, occurred_at, digest, metadata)
        # The facts' texts are the extraction's own: they are embedded on a worker thread
        # while entities are resolved and candidate facts read (embed_in_background).
        texts = [fact.text for fact in extraction.facts]
        embedding = embed_in_background(self._embedder, texts) if texts else None
        entities = self._resolve_entities(scope, extraction, plan)
        proposals = [self._propose(fact, entities, occurred_at) for fact in extraction.facts]
        close_within_batch(proposals, self.ontology)
        candidates = self._candidates(scope, proposals)
        vectors = embedding.result() if embedding is not None else []
        outcomes = []
        for index, (proposal, vector) in enumerate(zip(proposals, vectors)):
            related = [c for c in candidates if _shares_entity(proposal, c)]
            similarity = self._repository.score_facts(scope, [c.id for c in related], vector)
            outcomes.append(resolve_by_rules(index, proposal, related, self.ontology, similarity))
        if any(o.action == "ASK" for o in outcomes):
            usage = usage + self._ask(proposals, outcomes, candidates, occurred_at)
        self._fill_plan(
            plan, episode_id, proposals, vectors, outcomes, candidates, entities, metadata
        )
        return plan, episode_id, usage

    # -- steps -----------------------------------------------------------------------------
    def _extract(
        self, scope: Scope, messages: list[Message], occurred_at: datetime
    ) -> tuple[CleanExtraction, LLMUsage]:
        user_name = next((m.name for m in messages if m.role == "user" and m.name), None)
        system, chat = render_extraction(
            self._prompts,
            messages,
            reference_time=occurred_at,
            ontology=self.ontology,
            user_name=user_name or scope.user_id or "User",
            agent_name=scope.agent_id,
            context=self._context(scope, occurred_at),
        )
        result = self.invoker().invoke(
            ExtractMemory, EXTRACT_TOOL_NAME, EXTRACT_DESCRIPTION, system, chat, operation="add"
        )
        clean = sanitize_extraction(
            result.value, ontology=self.ontology, reference_time=occurred_at
        )
        return clean, result.usage

    def _context(self, scope: Scope, before: datetime) -> list[str]:
        lines: list[str] = []
        episodes = self._repository.recent_episodes(scope, before, self._config.context_episodes)
        for episode in reversed(episodes):
            for message in episode.messages:
                content = str(message.get("content", ""))[:CONTEXT_CHARS]
                lines.append(f"[{message.get('role', 'user')}] {content}")
        return lines

    def _resolve_entities(
        self, scope: Scope, extraction: CleanExtraction, plan: WritePlan
    ) -> _EntityMap:
        mapping = _EntityMap(keys={}, names={})
        wanted = sorted({k for e in extraction.entities.values() for k in e.lookup_keys()})
        by_key: dict[str, StoredEntity] = {}
        for stored in self._repository.entities_by_keys(scope, wanted):
            by_key.setdefault(stored.key, stored)
            for alias_key in stored.alias_keys:
                by_key.setdefault(alias_key, stored)
        unmatched: list[CleanEntity] = []
        for entity in extraction.entities.values():
            found: StoredEntity | None = by_key.get(entity.key) or next(
                (by_key[k] for k in sorted(entity.lookup_keys()) if k in by_key), None
            )
            if found is None:
                unmatched.append(entity)
                continue
            self._link_existing(entity.key, [entity.name, *entity.aliases], found, mapping, plan)
        vectors = self._embedder.embed([e.name for e in unmatched]) if unmatched else []
        for entity, vector in zip(unmatched, vectors):
            match = next(
                (
                    similar
                    for similar in self._repository.similar_entities(scope, vector, 3)
                    if similar.similarity >= ENTITY_MERGE_SIMILARITY
                    and _compatible(similar.type, entity.type)
                ),
                None,
            )
            if match is not None:
                full = StoredEntity(match.id, match.key, match.name, match.type)
                for stored in self._repository.entities_by_keys(scope, [match.key]):
                    full = stored
                self._link_existing(entity.key, [entity.name, *entity.aliases], full, mapping, plan)
                continue
            plan.upsert_entity(
                NewEntity(
                    key=entity.key,
                    name=entity.name,
                    type=entity.type,
                    aliases=entity.aliases,
                    embedding=vector,
                ),
                label=entity.type,
            )
            mapping.keys[entity.key] = entity.key
            mapping.names[entity.key] = entity.name
        return mapping

    @staticmethod
    def _link_existing(
        extraction_key: str,
        names: Sequence[str],
        stored: StoredEntity,
        mapping: _EntityMap,
        plan: WritePlan,
    ) -> None:
        mapping.keys[extraction_key] = stored.key
        mapping.names[stored.key] = stored.name
        aliases = list(stored.aliases)
        known = {stored.key, *(name_key(a) for a in aliases)}
        fresh = [n for n in names if name_key(n) not in known]
        if fresh:
            aliases.extend(dict.fromkeys(fresh))
            plan.set_entity_aliases(stored.key, aliases, sorted({name_key(a) for a in aliases}))

    @staticmethod
    def _propose(fact: Any, entities: _EntityMap, occurred_at: datetime) -> ProposedFact:
        def resolved(key: str | None) -> str | None:
            return entities.keys.get(key, key) if key else None

        return ProposedFact(
            text=fact.text,
            valid_from=fact.valid_from,  # unknown stays unknown: open towards the past
            stated_at=occurred_at,
            valid_to=fact.valid_to,
            predicate=fact.predicate,
            subject_key=resolved(fact.subject_key),
            object_key=resolved(fact.object_key),
            about_keys=[k for k in (resolved(k) for k in fact.about_keys) if k],
        )

    def _candidates(self, scope: Scope, proposals: list[ProposedFact]) -> list[Candidate]:
        keys = sorted({k for p in proposals for k in _keys_of(p)})
        predicates = sorted({p.predicate for p in proposals if p.predicate})
        rows = self._repository.candidate_facts(
            scope,
            keys,
            hashes=sorted({text_hash(p.text) for p in proposals}),
            slot_predicates=[p for p in predicates if self.ontology.is_single_valued(p)],
            predicates=predicates,
        )
        candidates = []
        for fact, entity_keys, roles in rows:
            by_role = dict(zip(roles, entity_keys))
            candidates.append(
                Candidate(
                    id=fact.id,
                    text=fact.text,
                    predicate=fact.predicate,
                    subject_key=by_role.get("subject"),
                    object_key=by_role.get("object"),
                    valid_from=fact.valid_from,
                    valid_to=fact.valid_to,
                    entity_keys=tuple(entity_keys),
                )
            )
        return candidates

    def _ask(
        self,
        proposals: list[ProposedFact],
        outcomes: list[Outcome],
        candidates: list[Candidate],
        occurred_at: datetime,
    ) -> LLMUsage:
        """One batched ``resolve_memory`` call for every ambiguous new fact."""
        by_id = {c.id: c for c in candidates}
        small: dict[str, int] = {}
        items = []
        for index, outcome in enumerate(outcomes):
            if outcome.action != "ASK":
                continue
            existing = []
            for candidate_id in outcome.ask_about:
                number = small.setdefault(candidate_id, len(small))
                existing.append({"id": number, "fact": by_id[candidate_id].text})
            items.append({"new": index, "fact": proposals[index].text, "existing": existing})
        system, chat = render_resolution(self._prompts, items)
        result = self.invoker().invoke(
            ResolveMemory, RESOLVE_TOOL_NAME, RESOLVE_DESCRIPTION, system, chat, operation="add"
        )
        reverse = {number: candidate_id for candidate_id, number in small.items()}
        for outcome in outcomes:
            if outcome.action == "ASK":
                outcome.action = "ADD"  # the default when the model is silent about a fact
        for decision in result.value.decisions:
            if decision.new >= len(outcomes) or not outcomes[decision.new].ask_about:
                logger.warning(
                    "resolve_memory: ignoring decision for unknown new fact %s", decision.new
                )
                continue
            outcome = outcomes[decision.new]
            target = reverse.get(decision.existing) if decision.existing is not None else None
            if decision.action in ("MERGE", "INVALIDATE") and (
                target is None or target not in outcome.ask_about
            ):
                logger.warning("resolve_memory: ignoring unknown existing id %s", decision.existing)
                continue
            if decision.action == "MERGE":
                outcome.action, outcome.merge_into = "MERGE", target
            elif decision.action == "INVALIDATE" and target is not None:
                valid_to = proposals[decision.new].start or occurred_at
                outcome.supersedes.append(Supersession(target, decision.new, valid_to))
            elif decision.action == "NOOP":
                outcome.action = "NOOP"
        return result.usage

    def _fill_plan(
        self,
        plan: WritePlan,
        episode_id: str,
        proposals: list[ProposedFact],
        vectors: list[list[float]],
        outcomes: list[Outcome],
        candidates: list[Candidate],
        entities: _EntityMap,
        metadata: dict[str, Any] | None,
    ) -> None:
        by_id = {c.id: c for c in candidates}
        new_ids: dict[int, str] = {}
        retired: set[str] = set()
        for index, (proposal, vector, outcome) in enumerate(zip(proposals, vectors, outcomes)):
            if outcome.action == "MERGE" and outcome.merge_into in by_id:
                old = by_id[outcome.merge_into]
                # A repeat may add what the first mention lacked: a start, or an end
                # ("moved away from Turin in 2023" closes "lives in Turin").
                plan.merge(
                    old.id,
                    old.text,
                    episode_id,
                    _earliest(old.valid_from, proposal.valid_from),
                    old.valid_to or proposal.valid_to,
                )
                continue
            if outcome.action == "NOOP":
                plan.record("NOOP", "", new=proposal.text)
                continue
            fact = NewFact(
                text=proposal.text,
                embedding=vector,
                valid_from=proposal.valid_from,
                valid_to=proposal.valid_to,
                predicate=proposal.predicate,
                subject=entities.names.get(proposal.subject_key or ""),
                object=entities.names.get(proposal.object_key or ""),
                subject_key=proposal.subject_key,
                object_key=proposal.object_key,
                about_keys=[
                    k
                    for k in proposal.about_keys
                    if k not in (proposal.subject_key, proposal.object_key)
                ],
                metadata=dict(metadata or {}),
            )
            new_ids[index] = fact.id
            plan.create_fact(fact, episode_id, rel_type=proposal.predicate)
            for supersession in outcome.supersedes:
                if supersession.old_id in retired or supersession.old_id not in by_id:
                    continue
                retired.add(supersession.old_id)
                plan.supersede(
                    supersession.old_id,
                    by_id[supersession.old_id].text,
                    fact.id,
                    supersession.valid_to,
                )


def _keys_of(proposal: ProposedFact) -> list[str]:
    keys = [k for k in (proposal.subject_key, proposal.object_key) if k]
    return keys + proposal.about_keys


def _shares_entity(proposal: ProposedFact, candidate: Candidate) -> bool:
    return bool(set(_keys_of(proposal)) & set(candidate.entity_keys))


def _compatible(existing_type: str | None, new_type: str) -> bool:
    return existing_type in (None, new_type, "Thing") or new_type == "Thing"


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)
