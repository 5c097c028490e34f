"""One quality run: ingest a world, ask its questions, score graphmem and the baselines.

Phases (each over every scope of the world, in order):

1. **Ingest** every add call with ``Memory.add(messages, user_id, occurred_at)`` into a fresh
   graph. Oracle mode: a ``ScriptedLLM`` replays the ground-truth extraction (see
   ``_oracle``); live mode: the configured model extracts.
2. **Ask** every question with ``Memory.search(text, user_id, limit=10, as_of=q.as_of,
   include_history=(category == "history"))`` and, on the same graph and the same filters,
   the dense-only (``vector_facts``) and BM25-only (``fulltext_facts``) baselines; score answer
   and support ranks; probe abstention (see ``README``).
3. **State**: current-state and as-of triple accuracy from the stored facts; duplicate entities.
4. **Raw turns** baseline: the same messages with ``infer=False`` into a second graph of the
   same server, then the same searches.
5. Live mode only: answers by the model from ``to_context()``, exact match and optional judge.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks._common import (
    machine_info,
    percentile,
    process_hwm_mb,
    process_rss_mb,
    python_peak_rss_mb,
    summarize_ms,
)
from benchmarks.quality._oracle import OracleResponder
from benchmarks.quality._scoring import (
    KS,
    FactView,
    NameResolver,
    SetScore,
    answer_rank,
    duplicate_entities,
    first_mentions,
    gold_coverage,
    knowable_at,
    parse_iso,
    recall_table,
    sample_times,
    score_sets,
    store_triples,
    summarize,
    support_rank,
    triples_valid_at,
)
from benchmarks.quality._stages import StageTimer
from benchmarks.world import (
    QUESTION_CATEGORIES,
    AddCall,
    Question,
    ScopeWorld,
    World,
)

__all__ = ["LIMIT", "RunOptions", "SYSTEMS", "TARGETS", "run_quality"]

LIMIT = 10
SYSTEMS = ("graphmem", "dense_only", "bm25_only", "raw_turns")
BASELINES = SYSTEMS[1:]
# Not baselines: views inside graphmem that locate a miss (see README "Diagnostics").
DIAGNOSTICS = ("graph_only", "graphmem_deeper")
WORLD_PREDICATES = (
    "LIVES_IN",
    "WORKS_AT",
    "MANAGED_BY",
    "PARTNER_OF",
    "SIBLING_OF",
    "PARENT_OF",
    "FRIEND_OF",
    "HAS_PET",
    "ENJOYS",
)
MULTI_HOP = ("multi_hop_2", "multi_hop_3")

# name, what it measures, comparison, threshold (see README "Targets").
TARGETS: tuple[tuple[str, str, str, float], ...] = (
    ("multi_hop_recall_at_10", "multi-hop recall@10 (2 and 3 hops pooled)", ">=", 0.90),
    ("multi_hop_gain_over_dense", "multi-hop recall@10 minus dense-only (points)", ">=", 20.0),
    ("as_of_accuracy", "as-of accuracy (F1 vs truth.true_at)", ">=", 0.95),
    ("current_state_accuracy", "current-state accuracy (F1 vs truth.current)", ">=", 0.98),
    ("duplicate_entities", "duplicate entities", "<=", 0.0),
    ("llm_calls_per_add", "LLM calls per add", "<=", 1.2),
    ("engine_ms_per_add_p50", "engine ms per add, p50 (LLM time excluded)", "<=", 40.0),
)


@dataclass
class RunOptions:
    """Knobs of a run (all have the CLI's defaults)."""

    live: bool = False
    judge: bool = False
    threshold: float = 0.5
    as_of_samples: int = 24
    keep_data: bool = False
    data_dir: Path | None = None
    progress: bool = True
    answer_raw_turns: bool = True


@dataclass
class _Hit:
    id: str
    view: FactView
    score: float | None = None
    sources: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    is_current: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"text": self.view.text}
        if self.score is not None:
            item["score"] = self.score
        if self.view.predicate:
            item["triple"] = [self.view.subject, self.view.predicate, self.view.object]
        if self.view.valid_from or self.view.valid_to:
            item["valid"] = [_iso(self.view.valid_from), _iso(self.view.valid_to)]
        if self.sources:
            item["sources"] = self.sources
        if self.path:
            item["path"] = self.path
        if self.is_current is not None:
            item["is_current"] = self.is_current
        return item


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _log(options: RunOptions, message: str) -> None:
    if options.progress:
        print(message, file=sys.stderr, flush=True)


class _Clock:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()

    def __call__(self) -> float:
        return round(time.perf_counter() - self.t0, 1)


def _messages(add: AddCall, user_name: str | None) -> list[dict[str, str]]:
    """The add's messages; in live mode user turns carry the user's name (``name``), the
    documented way to tell the extractor who "I" is."""
    messages = add.messages
    if user_name is None:
        return messages
    return [{**m, "name": user_name} if m["role"] == "user" else m for m in messages]


def _memory(data_dir: Path, graph: str, embedder: Any, llm: Any) -> Any:
    from graphmem import Memory
    from graphmem.config import MemoryConfig

    config = MemoryConfig.from_dict(
        {
            "graph_store": {
                "provider": "falkordb",
                "config": {"data_dir": str(data_dir), "graph": graph},
            }
        }
    )
    return Memory(config, embedder=embedder, llm=llm)


def _engine_fingerprint() -> dict[str, Any]:
    """Which engine was measured: the commit, and a digest of graphmem/ and cypher/ as run
    (the working tree may differ from the commit)."""
    import hashlib

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    files = sorted(
        [*(root / "graphmem").rglob("*.py"), *(root / "cypher").rglob("*.cypher")],
        key=lambda p: p.as_posix(),
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return {"source_sha256": digest.hexdigest()[:16], "files": len(files)}


def _calibrate(embedder: Any, runs: int = 20) -> dict[str, Any]:
    """How busy the machine is: single-query embedding latency and the load average."""
    times = []
    for i in range(runs):
        started = time.perf_counter()
        embedder.embed([f"calibration query number {i} about someone's home town"])
        times.append(time.perf_counter() - started)
    return {
        "embed_one_query_ms": summarize_ms(times),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def _redis_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "server.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _memory_snapshot(data_dir: Path) -> dict[str, Any]:
    pid = _redis_pid(data_dir)
    return {
        "python_peak_rss_mb": python_peak_rss_mb(),
        "python_rss_mb": process_rss_mb(os.getpid()),
        "redis_peak_rss_mb": process_hwm_mb(pid) if pid else None,
        "redis_rss_mb": process_rss_mb(pid) if pid else None,
    }


# -- ingestion -----------------------------------------------------------------------------


def _ingest(
    memory: Any,
    scopes: Iterable[ScopeWorld],
    *,
    infer: bool,
    oracle: OracleResponder | None,
    live: bool,
    options: RunOptions,
    label: str,
    timer: StageTimer | None = None,
) -> dict[str, Any]:
    """Add every add call; per-add calls, tokens, wall/LLM/engine times and events."""
    timer = timer or StageTimer()
    with timer.attach(memory):
        return _ingest_all(memory, scopes, infer, oracle, live, options, label)


def _ingest_all(
    memory: Any,
    scopes: Iterable[ScopeWorld],
    infer: bool,
    oracle: OracleResponder | None,
    live: bool,
    options: RunOptions,
    label: str,
) -> dict[str, Any]:
    records: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    clock = _Clock()
    for scope in scopes:
        user_name = scope.user_name if live and infer else None
        for add in scope.iter_adds():
            if oracle is not None:
                oracle.expect(add)
            before = oracle.seconds if oracle is not None else 0.0
            started = time.perf_counter()
            try:
                result = memory.add(
                    _messages(add, user_name),
                    user_id=add.user_id,
                    occurred_at=parse_iso(add.occurred_at),
                    infer=infer,
                )
            except Exception as exc:  # live models fail; count it and go on
                if not live:
                    raise
                failures.append({"add_id": add.add_id, "error": f"{type(exc).__name__}: {exc}"})
                continue
            wall = time.perf_counter() - started
            usage = result.usage
            llm_ms = float(usage.latency_ms) if usage is not None else 0.0
            if oracle is not None:
                llm_ms = max(llm_ms, 1000.0 * (oracle.seconds - before))
            events = Counter(e.event for e in result.events)
            records.append(
                {
                    "add_id": add.add_id,
                    "tags": list(add.tags),
                    "llm_calls": usage.calls if usage is not None else 0,
                    "prompt_tokens": usage.prompt_tokens if usage is not None else 0,
                    "completion_tokens": usage.completion_tokens if usage is not None else 0,
                    "wall_ms": round(1000.0 * wall, 3),
                    "llm_ms": round(llm_ms, 3),
                    "engine_ms": round(max(0.0, 1000.0 * wall - llm_ms), 3),
                    "events": dict(events),
                    "duplicate": result.duplicate,
                }
            )
            if len(records) % 100 == 0:
                _log(options, f"  [{clock():6.1f}s] {label}: {len(records)} adds")
    return {"records": records, "failures": failures}


def _ingest_summary(records: list[dict[str, Any]], failures: list[Any]) -> dict[str, Any]:
    n = len(records)
    calls = [r["llm_calls"] for r in records]
    prompt = [r["prompt_tokens"] for r in records]
    completion = [r["completion_tokens"] for r in records]
    events: Counter[str] = Counter()
    for r in records:
        events.update(r["events"])
    return {
        "adds": n,
        "failed_adds": len(failures),
        "failures": failures[:20],
        "llm_calls_total": sum(calls),
        "llm_calls_per_add": round(sum(calls) / n, 4) if n else None,
        "llm_calls_histogram": {str(k): v for k, v in sorted(Counter(calls).items())},
        "prompt_tokens_per_add": round(sum(prompt) / n, 1) if n else None,
        "completion_tokens_per_add": round(sum(completion) / n, 1) if n else None,
        "tokens_per_add": round((sum(prompt) + sum(completion)) / n, 1) if n else None,
        "engine_ms": summarize_ms(r["engine_ms"] / 1000.0 for r in records),
        "wall_ms": summarize_ms(r["wall_ms"] / 1000.0 for r in records),
        "llm_ms_total": round(sum(r["llm_ms"] for r in records), 1),
        "events": dict(events),
    }


# -- questions -----------------------------------------------------------------------------


def _view(fact: Any) -> FactView:
    return FactView.of(fact)


def _search_graphmem(memory: Any, q: Question, **extra: Any) -> tuple[list[_Hit], float]:
    started = time.perf_counter()
    result = memory.search(
        q.text,
        user_id=q.user_id,
        limit=LIMIT,
        as_of=parse_iso(q.as_of),
        include_history=q.category == "history",
        **extra,
    )
    elapsed = time.perf_counter() - started
    hits = [
        _Hit(
            id=h.fact.id,
            view=_view(h.fact),
            score=h.score,
            sources=list(h.sources),
            path=[f"{s.source} -{s.relationship}-> {s.destination}" for s in h.path],
            is_current=h.is_current,
        )
        for h in result.hits
    ]
    return hits, elapsed


def _when(q: Question) -> Any:
    from graphmem.store._repository import TimeFilter

    as_of = parse_iso(q.as_of) or datetime.now(timezone.utc)
    return TimeFilter(as_of, q.category == "history")


def _search_single(
    memory: Any, q: Question, retriever: str, vector: Sequence[float] | None
) -> tuple[list[_Hit], float]:
    """Dense-only or BM25-only over the same fact graph, same scope and time filter."""
    from graphmem.types import Scope

    repository = memory._repository
    scope = Scope(user_id=q.user_id)
    started = time.perf_counter()
    if retriever == "dense_only":
        vec = vector if vector is not None else memory._embedder.embed([q.text])[0]
        ranked = repository.vector_facts(scope, vec, LIMIT, _when(q))
    else:
        ranked = repository.fulltext_facts(scope, q.text, LIMIT, _when(q))
    ids = [fact_id for fact_id, _ in ranked[:LIMIT]]
    facts = repository.facts_by_ids(ids, scope)
    elapsed = time.perf_counter() - started
    scores = dict(ranked)
    hits = [
        _Hit(id=i, view=_view(facts[i][0]), score=round(scores[i], 6)) for i in ids if i in facts
    ]
    return hits, elapsed


def _deeper(memory: Any) -> int:
    """One hop more than the configured default (at most 4, the API's limit)."""
    return min(int(memory.config.search.hops) + 1, 4)


def _search_graph_only(memory: Any, q: Question) -> tuple[list[_Hit], float]:
    """The graph retriever's own ranking, as ``search()`` builds it before fusion.

    Uses the searcher's internals (seeds from names and the top dense hits, expansion, path
    scores); a diagnostic of where a multi-hop answer is lost, not a baseline.
    """
    from graphmem.search import _searcher
    from graphmem.types import Scope

    repository = memory._repository
    scope = Scope(user_id=q.user_id)
    config = memory.config.search
    started = time.perf_counter()
    vector = memory._embedder.embed([q.text])[0]
    when = _when(q)
    pool = max(LIMIT * _searcher.CANDIDATE_FACTOR, _searcher.MIN_CANDIDATES)
    dense = repository.vector_facts(scope, vector, pool, when)
    graph = memory._searcher._graph.candidates(
        scope,
        q.text,
        vector,
        when,
        hops=config.hops,
        fanout=config.fanout,
        extra_seed_facts=lambda: [fact_id for fact_id, _ in dense[: _searcher.DENSE_SEED_FACTS]],
        pagerank_weight=config.pagerank_weight,
    )
    ids = graph.ranked[:LIMIT]
    facts = repository.facts_by_ids(ids, scope)
    elapsed = time.perf_counter() - started
    hits = [
        _Hit(
            id=i,
            view=_view(facts[i][0]),
            score=round(graph.scores[i], 6),
            path=[
                f"{s.source} -{s.relationship}-> {s.destination}" for s in graph.paths.get(i, [])
            ],
        )
        for i in ids
        if i in facts
    ]
    return hits, elapsed


def _top_cosine(memory: Any, q: Question, hits: list[_Hit]) -> float | None:
    """The highest cosine similarity between the query and any returned hit."""
    from graphmem.types import Scope

    if not hits:
        return None
    vector = memory._embedder.embed([q.text])[0]
    sims = memory._repository.score_facts(Scope(user_id=q.user_id), [h.id for h in hits], vector)
    return round(max(sims.values()), 4) if sims else None


def _ask(
    memory: Any,
    scopes: Iterable[ScopeWorld],
    systems: Sequence[str],
    options: RunOptions,
    resolvers: dict[str, NameResolver],
    timer: StageTimer | None = None,
) -> dict[str, Any]:
    """Every question against each system; ranks, hits and timings (``timer``: stages of
    the first system's searches)."""
    timer = timer or StageTimer()
    records: list[dict[str, Any]] = []
    latency: dict[str, list[float]] = defaultdict(list)
    clock = _Clock()
    for scope in scopes:
        resolver = resolvers[scope.user_id]
        for q in scope.questions:
            record: dict[str, Any] = {
                "question_id": q.question_id,
                "category": q.category,
                "text": q.text,
                "gold": list(q.gold),
                "as_of": q.as_of,
                "support": [iv.fact for iv in q.support],
                "systems": {},
            }
            for system in systems:
                if system in ("graphmem", "raw_turns"):
                    with timer.attach(memory):
                        hits, elapsed = _search_graphmem(memory, q)
                elif system == "graphmem_deeper":
                    hits, elapsed = _search_graphmem(memory, q, hops=_deeper(memory))
                elif system == "graph_only":
                    hits, elapsed = _search_graph_only(memory, q)
                else:
                    hits, elapsed = _search_single(memory, q, system, None)
                latency[system].append(elapsed)
                texts = [h.view.text for h in hits]
                entry: dict[str, Any] = {
                    "answer_rank": answer_rank(q, texts),
                    "coverage@10": round(gold_coverage(q, texts), 3),
                    "hits": [h.to_dict() for h in hits],
                }
                if system != "raw_turns":
                    entry["support_rank"] = support_rank(q, [h.view for h in hits], resolver)
                if system in ("graphmem", "raw_turns"):
                    entry["top_score"] = hits[0].score if hits else None
                    entry["top_cosine"] = _top_cosine(memory, q, hits)
                    probe, _ = _search_graphmem(memory, q, threshold=options.threshold)
                    entry["hits_at_threshold"] = len(probe)
                if system == "graphmem_deeper":
                    del entry["hits"]  # ranks suffice; keeps the result file small
                record["systems"][system] = entry
            records.append(record)
        _log(options, f"  [{clock():6.1f}s] {'/'.join(systems)}: {len(records)} questions")
    return {"records": records, "latency": latency}


def _recall(records: list[dict[str, Any]], system: str, key: str) -> dict[str, Any]:
    ranks: dict[str, list[int | None]] = {c: [] for c in QUESTION_CATEGORIES if c != "unanswerable"}
    for r in records:
        if r["category"] == "unanswerable" or system not in r["systems"]:
            continue
        if key not in r["systems"][system]:
            return {}
        ranks[r["category"]].append(r["systems"][system][key])
    ranks["multi_hop"] = ranks["multi_hop_2"] + ranks["multi_hop_3"]
    ranks["all_answerable"] = [x for c in QUESTION_CATEGORIES[:-1] for x in ranks[c]]
    return recall_table(ranks, KS)


def _abstention(records: list[dict[str, Any]], system: str, threshold: float) -> dict[str, Any]:
    def stats(values: list[float]) -> dict[str, Any]:
        return {
            "n": len(values),
            "p5": round(percentile(values, 5), 4) if values else None,
            "p50": round(percentile(values, 50), 4) if values else None,
            "p95": round(percentile(values, 95), 4) if values else None,
        }

    out: dict[str, Any] = {"threshold": threshold}
    for label, keep in (
        ("unanswerable", lambda c: c == "unanswerable"),
        ("answerable", lambda c: c != "unanswerable"),
    ):
        rows = [r["systems"][system] for r in records if keep(r["category"])]
        if not rows:
            continue
        out[label] = {
            "questions": len(rows),
            "top_fused_score": stats([x["top_score"] for x in rows if x["top_score"] is not None]),
            "top_cosine": stats([x["top_cosine"] for x in rows if x["top_cosine"] is not None]),
            "mean_hits": round(sum(len(x["hits"]) for x in rows) / len(rows), 2),
            "empty_at_threshold": round(
                sum(1 for x in rows if x["hits_at_threshold"] == 0) / len(rows), 4
            ),
            "cosine_below_threshold": round(
                sum(1 for x in rows if (x["top_cosine"] or 0.0) < threshold) / len(rows), 4
            ),
        }
    return out


# -- state ---------------------------------------------------------------------------------


def _state(memory: Any, scope: ScopeWorld, resolver: NameResolver, samples: int) -> dict[str, Any]:
    from graphmem.types import Scope

    repository = memory._repository
    gm_scope = Scope(user_id=scope.user_id)
    current_facts = [_view(f) for f in repository.list_facts(gm_scope, limit=10**7)]
    all_facts = [
        _view(f) for f in repository.list_facts(gm_scope, limit=10**7, include_expired=True)
    ]
    current = score_sets(
        store_triples(current_facts, resolver, WORLD_PREDICATES), set(scope.truth.current())
    )
    first = first_mentions(scope.iter_adds())
    strict: list[SetScore] = []
    knowable: list[SetScore] = []
    per_time = []
    for t in sample_times(scope.window_start, scope.window_end, samples):
        stored = triples_valid_at(all_facts, t, resolver, WORLD_PREDICATES)
        true = set(scope.truth.true_at(t))
        s = score_sets(stored, true)
        k = score_sets(stored, knowable_at(scope.truth, first, t), also_correct=true)
        strict.append(s)
        knowable.append(k)
        per_time.append({"t": _iso(t), "strict": s.to_dict(5), "knowable": k.to_dict(5)})
    entities = [
        e.model_dump(include={"name", "aliases", "type"})
        for e in repository.list_entities(gm_scope, limit=10**6)
    ]
    return {
        "current": current,
        "as_of_strict": strict,
        "as_of_knowable": knowable,
        "as_of_times": per_time,
        "entities": {**duplicate_entities(entities, resolver), "people": len(scope.people)},
        "facts_current": len(current_facts),
        "facts_all": len(all_facts),
    }


def _resolver(scope: ScopeWorld) -> NameResolver:
    names = {e["name"] for add in scope.iter_adds() for e in add.extraction.get("entities", [])}
    # In live mode the model may name the user by the scope id.
    return NameResolver(scope.people, names, extra={scope.user_id: scope.user_name})


# -- the run -------------------------------------------------------------------------------


def run_quality(
    world: World,
    *,
    size: str | int,
    options: RunOptions | None = None,
    llm: Any = None,
    answer_llm: Any = None,
) -> dict[str, Any]:
    """Run the benchmark on ``world`` and return the full result (see module docstring).

    Args:
        world: the generated world.
        size: its size label (for the report).
        options: knobs; defaults as the CLI's.
        llm: live mode: the extraction model (default: from the environment); ignored in
            oracle mode, which always replays the ground truth.
        answer_llm: live mode: the answering/judging model (default: same as extraction).
    """
    from graphmem.embed import SentenceTransformerEmbedder
    from graphmem.llm import ScriptedLLM

    options = options or RunOptions()
    clock = _Clock()
    data_dir = options.data_dir or Path(tempfile.mkdtemp(prefix="graphmem-quality-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "benchmark": "quality",
        "mode": "live" if options.live else "oracle",
        "size": size,
        "seed": world.seed,
        "machine": machine_info(),
        "engine": _engine_fingerprint(),
        "world": world.stats(),
        "options": {
            "limit": LIMIT,
            "threshold": options.threshold,
            "as_of_samples": options.as_of_samples,
            "judge": options.judge,
        },
    }
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    result["calibration"] = {"start": _calibrate(embedder)}
    oracle: OracleResponder | None = None
    if options.live:
        extract_llm = llm
        model_name = os.environ.get("GRAPHMEM_LLM_MODEL")
        result["options"]["model"] = model_name
        result["options"]["base_url"] = os.environ.get("OPENAI_BASE_URL")
    else:
        oracle = OracleResponder(world.iter_adds())
        extract_llm = ScriptedLLM(oracle)
    graphmem = _memory(data_dir, "quality_graphmem", embedder, extract_llm)
    raw = _memory(data_dir, "quality_raw_turns", embedder, None)
    try:
        graphmem.reset()
        raw.reset()
        _log(options, f"[{clock():6.1f}s] ingest (graphmem, {result['mode']} extraction)")
        add_stages = StageTimer()
        ingest = _ingest(
            graphmem,
            world.scopes,
            infer=True,
            oracle=oracle,
            live=options.live,
            options=options,
            label="graphmem",
            timer=add_stages,
        )
        result["ingest"] = {"graphmem": _ingest_summary(ingest["records"], ingest["failures"])}
        result["ingest"]["graphmem"]["stages"] = add_stages.per_call(len(ingest["records"]))
        if oracle is not None:
            result["ingest"]["graphmem"]["oracle"] = {
                "extract_calls": oracle.extract_calls,
                "resolve_calls": oracle.resolve_calls,
                "resolve_decisions": oracle.resolve_decisions,
                "found_by_content": oracle.lookups,
            }
        result["adds"] = ingest["records"]

        resolvers = {scope.user_id: _resolver(scope) for scope in world.scopes}
        _log(options, f"[{clock():6.1f}s] questions (graphmem, dense-only, BM25-only)")
        graphmem.search("warm up", user_id=world.user_ids[0])
        search_stages = StageTimer()
        asked = _ask(graphmem, world.scopes, SYSTEMS[:3], options, resolvers, search_stages)
        default_hops, deeper_hops = int(graphmem.config.search.hops), _deeper(graphmem)
        _log(options, f"[{clock():6.1f}s] diagnostics (graph retriever alone; hops={deeper_hops})")
        diagnosed = _ask(graphmem, world.scopes, DIAGNOSTICS, options, resolvers)
        for record, extra in zip(asked["records"], diagnosed["records"]):
            record["systems"].update(extra["systems"])

        _log(options, f"[{clock():6.1f}s] state and entities")
        states = [
            _state(graphmem, scope, resolvers[scope.user_id], options.as_of_samples)
            for scope in world.scopes
        ]
        result["memory"] = {"after_graphmem": _memory_snapshot(data_dir)}

        _log(options, f"[{clock():6.1f}s] ingest (raw turns, infer=False)")
        raw_ingest = _ingest(
            raw, world.scopes, infer=False, oracle=None, live=False, options=options, label="raw"
        )
        result["ingest"]["raw_turns"] = _ingest_summary(
            raw_ingest["records"], raw_ingest["failures"]
        )
        _log(options, f"[{clock():6.1f}s] questions (raw turns)")
        raw.search("warm up", user_id=world.user_ids[0])
        raw_asked = _ask(raw, world.scopes, ("raw_turns",), options, resolvers)
        for record, raw_record in zip(asked["records"], raw_asked["records"]):
            record["systems"]["raw_turns"] = raw_record["systems"]["raw_turns"]
        latency = {**asked["latency"], **diagnosed["latency"], **raw_asked["latency"]}

        if options.live:
            _log(options, f"[{clock():6.1f}s] live answers")
            result["live"] = _live_answers(
                graphmem, raw, world, asked["records"], options, answer_llm or llm
            )
        result["memory"]["end"] = _memory_snapshot(data_dir)
        result["calibration"]["end"] = _calibrate(embedder)
    finally:
        graphmem.close()
        raw.close()
        if not options.keep_data and options.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)

    records = asked["records"]
    result["retrieval"] = {
        system: {
            "recall": _recall(records, system, "answer_rank"),
            "support_recall": _recall(records, system, "support_rank"),
            "latency_ms": summarize_ms(latency[system]),
        }
        for system in SYSTEMS
    }
    result["retrieval"]["graphmem"]["stages"] = search_stages.per_call(len(latency["graphmem"]))
    result["diagnostics"] = {
        system: {
            "recall": _recall(records, system, "answer_rank"),
            "support_recall": _recall(records, system, "support_rank"),
            "latency_ms": summarize_ms(latency[system]),
        }
        for system in DIAGNOSTICS
    }
    result["diagnostics"]["graphmem_deeper"]["hops"] = deeper_hops
    result["diagnostics"]["graphmem"] = {"hops": default_hops}
    result["deltas"] = _deltas(result["retrieval"])
    result["graph_sources"] = _sources(records)
    result["unanswerable"] = {
        system: _abstention(records, system, options.threshold)
        for system in ("graphmem", "raw_turns")
    }
    result["state"] = _state_summary(states)
    result["targets"] = _targets(result)
    result["questions"] = records
    result["elapsed_s"] = clock()
    if options.keep_data:
        result["data_dir"] = str(data_dir)
    _log(options, f"[{clock():6.1f}s] done")
    return result


def _deltas(retrieval: dict[str, Any]) -> dict[str, Any]:
    ours = retrieval["graphmem"]["recall"]
    out: dict[str, Any] = {}
    for baseline in BASELINES:
        theirs = retrieval[baseline]["recall"]
        out[baseline] = {
            category: {
                f"r@{k}": round(100 * (row[f"r@{k}"] - theirs[category][f"r@{k}"]), 1) for k in KS
            }
            for category, row in ours.items()
        }
    return out


def _sources(records: list[dict[str, Any]]) -> dict[str, Any]:
    """For graphmem: which retrievers found the first hit naming the gold, per category."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        entry = r["systems"]["graphmem"]
        rank = entry.get("answer_rank")
        if rank is None:
            out[r["category"]]["(not answered)"] += 1
            continue
        hit = entry["hits"][rank - 1]
        out[r["category"]]["+".join(sorted(hit.get("sources", []))) or "?"] += 1
    return {c: dict(v) for c, v in out.items()}


def _state_summary(states: list[dict[str, Any]]) -> dict[str, Any]:
    entity_reports = [s["entities"] for s in states]
    return {
        "current": summarize([s["current"] for s in states]),
        "current_detail": [s["current"].to_dict() for s in states][:3],
        "as_of": summarize([x for s in states for x in s["as_of_strict"]]),
        "as_of_knowable": summarize([x for s in states for x in s["as_of_knowable"]]),
        "as_of_times": [t for s in states for t in s["as_of_times"]][:48],
        "entities": {
            "entities": sum(e["entities"] for e in entity_reports),
            "people": sum(e["people"] for e in entity_reports),
            "people_with_an_entity": sum(e["people_with_an_entity"] for e in entity_reports),
            "person_entities": sum(e["person_entities"] for e in entity_reports),
            "duplicates": sum(e["duplicates"] for e in entity_reports),
            "conflated": sum(len(e["conflated"]) for e in entity_reports),
            "alias_collisions": sum(len(e["alias_collisions"]) for e in entity_reports),
            "detail": entity_reports[:3],
        },
        "facts_current": sum(s["facts_current"] for s in states),
        "facts_all": sum(s["facts_all"] for s in states),
    }


def _targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    recall = result["retrieval"]["graphmem"]["recall"]
    dense = result["retrieval"]["dense_only"]["recall"]
    ingest = result["ingest"]["graphmem"]
    state = result["state"]
    values = {
        "multi_hop_recall_at_10": recall["multi_hop"]["r@10"],
        "multi_hop_gain_over_dense": round(
            100 * (recall["multi_hop"]["r@10"] - dense["multi_hop"]["r@10"]), 1
        ),
        "as_of_accuracy": state["as_of"]["f1"],
        "current_state_accuracy": state["current"]["f1"],
        "duplicate_entities": float(state["entities"]["duplicates"]),
        "llm_calls_per_add": ingest["llm_calls_per_add"],
        "engine_ms_per_add_p50": ingest["engine_ms"].get("p50"),
    }
    rows = []
    for name, label, op, threshold in TARGETS:
        value = values[name]
        ok = value is not None and (value >= threshold if op == ">=" else value <= threshold)
        rows.append(
            {
                "name": name,
                "label": label,
                "value": value,
                "target": f"{op} {threshold:g}",
                "pass": bool(ok),
                "gap": None if value is None else round(value - threshold, 4),
            }
        )
    return rows


# -- live answers --------------------------------------------------------------------------


def _live_answers(
    graphmem: Any,
    raw: Any,
    world: World,
    records: list[dict[str, Any]],
    options: RunOptions,
    answer_llm: Any,
) -> dict[str, Any]:
    from benchmarks.quality._live import LiveAnswerer
    from graphmem.llm import create_llm

    if answer_llm is None:
        config = graphmem.config.llm
        answer_llm = create_llm(config.provider, **config.config)
    systems: list[tuple[str, Any]] = [("graphmem", graphmem)]
    if options.answer_raw_turns:
        systems.append(("raw_turns", raw))
    by_id = {r["question_id"]: r for r in records}
    table: dict[str, dict[str, dict[str, list[bool]]]] = {}
    calls = 0
    tokens = 0
    errors: list[str] = []
    for scope in world.scopes:
        answerer = LiveAnswerer(answer_llm, judge=options.judge, today=scope.window_end[:10])
        for q in scope.questions:
            for system, memory in systems:
                result = memory.search(
                    q.text,
                    user_id=q.user_id,
                    limit=LIMIT,
                    as_of=parse_iso(q.as_of),
                    include_history=q.category == "history",
                )
                try:
                    answer = answerer.answer(q, result.to_context(max_tokens=1_000))
                except Exception as exc:
                    errors.append(f"{q.question_id}/{system}: {type(exc).__name__}: {exc}")
                    continue
                calls += answer.usage.calls
                tokens += answer.usage.total_tokens
                by_id[q.question_id]["systems"][system]["live"] = answer.to_dict()
                row = table.setdefault(system, {}).setdefault(
                    q.category, {"exact": [], "judged": []}
                )
                row["exact"].append(answer.exact)
                if answer.judged is not None:
                    row["judged"].append(answer.judged)
    accuracy: dict[str, Any] = {}
    for system, categories in table.items():
        accuracy[system] = {}
        pooled: dict[str, list[bool]] = {"exact": [], "judged": []}
        for category in QUESTION_CATEGORIES:
            row = categories.get(category)
            if row is None:
                continue
            pooled["exact"] += row["exact"]
            pooled["judged"] += row["judged"]
            accuracy[system][category] = _accuracy_row(row)
        accuracy[system]["all"] = _accuracy_row(pooled)
    return {"accuracy": accuracy, "llm_calls": calls, "tokens": tokens, "errors": errors[:20]}


def _accuracy_row(row: dict[str, list[bool]]) -> dict[str, Any]:
    exact, judged = row["exact"], row["judged"]
    return {
        "n": len(exact),
        "exact": round(sum(exact) / len(exact), 4) if exact else None,
        "judged": round(sum(judged) / len(judged), 4) if judged else None,
    }
