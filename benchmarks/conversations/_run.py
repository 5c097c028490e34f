"""The run: ingest every tenant into one store, question graphmem and the baselines, score.

1. Every session chunk of every tenant is one ``Memory.add(messages, user_id=...,
   occurred_at=<session date + chunk seconds>, metadata={"session": n}, infer=False)``, in
   session-date order across tenants, into one fresh embedded FalkorDB graph.
2. Each question goes to ``Memory.search(q, user_id=..., limit=10)`` and to the baselines over
   that tenant's distinct turn texts (dense MiniLM cosine, BM25, RRF k=60), in the same run.
3. Tenant independence: some tenants are also ingested alone, each in its own graph, and their
   questions re-run; a query "differs" when its top-10 hit texts (in order) differ.
4. Search variants (optional): the same questions again on the same ingested store, each through
   a ``Memory`` reopened with another ``SearchConfig``, scored the same way, side by side.

With a kept ``data_dir`` a graph that was already ingested from the same dataset (its marker
file records the dataset's fingerprint) is reused rather than ingested again, so several search
configurations can be compared without the ~10-30 minute ingest each time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import machine_info, source_digest, summarize_ms
from benchmarks.conversations._baselines import Baselines
from benchmarks.conversations._generate import CATEGORIES, Conversation, Dataset, Question
from benchmarks.conversations._scoring import (
    Scored,
    entries_from_texts,
    paired_diff_ci,
    score_question,
    summarize,
    text_index,
)

__all__ = ["SYSTEMS", "StoreMismatch", "context_texts", "dataset_fingerprint", "run"]

SYSTEMS = ("graphmem", "dense", "bm25", "rrf")
SPEAKER_SUFFIX = "+speaker"
SPEAKER_SYSTEMS = tuple(s + SPEAKER_SUFFIX for s in SYSTEMS[1:])
LIMIT = 10
ALONE_TWICE = 3  # tenants ingested alone a second time, as a control
_CONTEXT_FIELDS = ("context", "neighbors", "neighbours", "adjacent", "context_facts")


def context_texts(hit: Any) -> list[str] | None:
    """Texts the engine returns beside a hit (neighbouring turns), or None if it exposes none.

    Looks for a list-valued attribute named like ``context``/``neighbors`` on the hit; items may
    be strings, facts (``.text``), hits (``.fact.text``) or dicts (``"text"``/``"memory"``).
    """
    for name in _CONTEXT_FIELDS:
        value = getattr(hit, name, None)
        if not isinstance(value, (list, tuple)):
            continue
        texts = []
        for item in value:
            if isinstance(item, str):
                texts.append(item)
            elif isinstance(item, dict):
                texts.append(str(item.get("text") or item.get("memory") or ""))
            elif hasattr(item, "fact"):
                texts.append(str(item.fact.text))
            elif hasattr(item, "text"):
                texts.append(str(item.text))
        return texts
    return None


def _spoken(speaker: str, text: str) -> str:
    """A baseline document that carries its speaker: ``"Ana: moved to Lisbon"``."""
    return f"{speaker}: {text.strip()}"


def _memory(
    data_dir: Path, graph: str, embedder: Any, search: Mapping[str, Any] | None = None
) -> Any:
    from graphmem import Memory
    from graphmem.config import MemoryConfig

    config = MemoryConfig.from_dict(
        {
            "graph_store": {
                "provider": "falkordb",
                "config": {"data_dir": str(data_dir), "graph": graph},
            },
            "search": dict(search or {}),
        }
    )
    return Memory(config, embedder=embedder)


class StoreMismatch(RuntimeError):
    """A kept data dir holds a partial ingest of a graph, or one of another dataset."""


def dataset_fingerprint(conversations: Sequence[Conversation]) -> str:
    """sha256 of every add call (time, tenant, session, messages): equal means same ingest."""
    digest = hashlib.sha256()
    for when, user_id, session, messages in _chunks(conversations):
        line = [when.isoformat(), user_id, session, messages]
        digest.update(json.dumps(line, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _marker(data_dir: Path, graph: str) -> Path:
    return data_dir / f"{graph}.ingested.json"


def _ingest_once(
    memory: Any, data_dir: Path, graph: str, conversations: Sequence[Conversation]
) -> list[float] | None:
    """Ingest into ``graph`` unless its marker says this very dataset is already there (then
    None). A graph begun but never finished, or ingested from other data, raises."""
    fingerprint = dataset_fingerprint(conversations)
    data_dir.mkdir(parents=True, exist_ok=True)  # the embedded store may create it lazily
    marker = _marker(data_dir, graph)
    if marker.exists():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if recorded.get("fingerprint") == fingerprint and recorded.get("complete"):
            return None
        raise StoreMismatch(
            f"{data_dir} holds graph {graph!r} from another dataset or an unfinished ingest "
            f"({marker.name}); use a fresh --data-dir"
        )
    marker.write_text(json.dumps({"fingerprint": fingerprint, "complete": False}) + "\n")
    times = _ingest(memory, conversations)
    marker.write_text(
        json.dumps({"fingerprint": fingerprint, "complete": True, "adds": len(times)}) + "\n"
    )
    return times


def _chunks(conversations: Sequence[Conversation]) -> list[tuple[Any, ...]]:
    """Every add call, ordered by time across tenants: (when, user_id, session, messages)."""
    calls = []
    for conv in conversations:
        for session in conv.sessions:
            for i, chunk in enumerate(session.chunks()):
                when = session.date + timedelta(seconds=i)
                calls.append((when, conv.user_id, session.number, [t.message() for t in chunk]))
    calls.sort(key=lambda c: (c[0], c[1]))
    return calls


def _ingest(memory: Any, conversations: Sequence[Conversation]) -> list[float]:
    times = []
    for when, user_id, session, messages in _chunks(conversations):
        started = time.perf_counter()
        memory.add(
            messages, user_id=user_id, occurred_at=when, metadata={"session": session}, infer=False
        )
        times.append(time.perf_counter() - started)
    return times


def _search(memory: Any, questions: Sequence[Question]) -> tuple[dict[str, Any], list[float]]:
    """Top-10 hit texts (and context texts, if exposed) per question id."""
    out: dict[str, Any] = {}
    times = []
    for q in questions:
        started = time.perf_counter()
        result = memory.search(q.text, user_id=q.user_id, limit=LIMIT)
        times.append(time.perf_counter() - started)
        hits = list(result.hits)
        contexts = [context_texts(h) for h in hits]
        out[q.id] = {
            "texts": [h.fact.text for h in hits],
            "sources": [list(h.sources) for h in hits],
            "context": None if all(c is None for c in contexts) else [c or [] for c in contexts],
        }
    return out, times


def _source_shares(found: dict[str, Any], questions: Sequence[Question]) -> dict[str, float]:
    """Share of graphmem's top-10 hits each retriever found (a hit may have several)."""
    counts: dict[str, int] = {}
    hits = 0
    for q in questions:
        for sources in found[q.id]["sources"]:
            hits += 1
            for source in sources:
                counts[source] = counts.get(source, 0) + 1
    return {s: round(n / hits, 3) for s, n in sorted(counts.items())} if hits else {}


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(
    dataset: Dataset,
    *,
    alone: int,
    command: str,
    data_dir: Path | None = None,
    search: Mapping[str, Any] | None = None,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Callable[[str], None] = _progress,
) -> dict[str, Any]:
    """Run the track on ``dataset``; ``alone`` tenants are also measured alone in a store.

    ``search``: the ``SearchConfig`` fields graphmem runs with (default: the engine's defaults);
    ``variants``: name -> other ``SearchConfig`` fields, each run over the same ingested store
    and reported beside graphmem; ``data_dir``: keep the store there (and reuse it when it
    already holds this dataset) instead of a temporary directory.
    """
    from graphmem.embed import SentenceTransformerEmbedder

    started = time.perf_counter()
    result: dict[str, Any] = {
        "command": command,
        "machine": machine_info(),
        "engine": source_digest(),
        "dataset": {"seed": dataset.seed, **dataset.stats()},
        "search": dict(search or {}),
    }
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    own_dir = data_dir is None
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="graphmem-conv-"))
    conversations = dataset.conversations
    questions = list(dataset.questions())
    try:
        memory = _memory(data_dir, "conv_all", embedder, search)
        progress(f"ingesting {len(conversations)} tenants into one store")
        ingested = _ingest_once(memory, data_dir, "conv_all", conversations)
        result["store"] = {"kept": not own_dir, "reused": ingested is None}
        add_times = ingested or []
        progress(f"{len(add_times)} adds; searching {len(questions)} questions")
        found, search_times = _search(memory, questions)
        # control for the independence measure: the same queries again on the same store
        alone_ids = [c.user_id for c in conversations[:alone]]
        again, _ = _search(memory, [q for q in questions if q.user_id in alone_ids])
        memory.close()
        tried: dict[str, Any] = {}
        for name, fields in (variants or {}).items():
            progress(f"variant {name}: {json.dumps(dict(fields), sort_keys=True)}")
            other = _memory(data_dir, "conv_all", embedder, {**(search or {}), **fields})
            got, times = _search(other, questions)
            other.close()
            tried[name] = {"search": dict(fields), "found": got, "times": times}

        progress("baselines")
        ranked: dict[str, dict[str, list[str]]] = {
            q.id: {"graphmem": found[q.id]["texts"]} for q in questions
        }
        baseline_times = []
        for conv in conversations:
            docs = list(dict.fromkeys(t.text.strip() for t in conv.turns()))
            spoken = list(dict.fromkeys(_spoken(t.speaker, t.text) for t in conv.turns()))
            t0 = time.perf_counter()
            base = Baselines(docs, embedder)
            qs = list(conv.questions)
            vectors = embedder.embed([q.text for q in qs])
            for q, vector in zip(qs, vectors, strict=True):
                ranked[q.id].update(base.rank_all(q.text, vector, LIMIT))
            baseline_times.append(time.perf_counter() - t0)
            base = Baselines(spoken, embedder)
            for q, vector in zip(qs, vectors, strict=True):
                for name, texts in base.rank_all(q.text, vector, LIMIT).items():
                    ranked[q.id][name + SPEAKER_SUFFIX] = texts

        independence: dict[str, Any] = {"tenants": alone_ids}
        alone_found: dict[str, Any] = {}
        for number, conv in enumerate(conversations[:alone]):
            progress(f"tenant independence: {conv.user_id} alone")
            solo = _memory(data_dir, f"conv_alone_{number}", embedder, search)
            _ingest_once(solo, data_dir, f"conv_alone_{number}", [conv])
            got, _ = _search(solo, conv.questions)
            alone_found.update(got)
            solo.close()
        # control: a tenant alone twice (fresh graphs, so fresh fact ids): what differs here
        # is the engine's run-to-run variation (e.g. ties broken by id), not other tenants
        alone_again: dict[str, Any] = {}
        for number, conv in enumerate(conversations[:ALONE_TWICE][:alone]):
            progress(f"tenant independence control: {conv.user_id} alone again")
            solo = _memory(data_dir, f"conv_alone_again_{number}", embedder, search)
            _ingest_once(solo, data_dir, f"conv_alone_again_{number}", [conv])
            got, _ = _search(solo, conv.questions)
            alone_again.update(got)
            solo.close()
    finally:
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)

    # -- scoring -----------------------------------------------------------------------------
    scores: dict[str, list[tuple[str, Scored]]] = {s: [] for s in (*SYSTEMS, *SPEAKER_SYSTEMS)}
    context_scores: list[tuple[str, Scored]] = []
    context_exposed = any(found[q.id]["context"] is not None for q in questions)
    per_question = []
    by_conv = {c.user_id: c for c in conversations}
    indexes = {c.user_id: text_index((t.id, t.text) for t in c.turns()) for c in conversations}
    spoken_indexes = {
        c.user_id: text_index((t.id, _spoken(t.speaker, t.text)) for t in c.turns())
        for c in conversations
    }
    for q in questions:
        index = indexes[q.user_id]
        row: dict[str, Any] = {
            "id": q.id,
            "category": q.category,
            "question": q.text,
            "answer": q.answer,
        }
        tmap = by_conv[q.user_id].turn_map()
        row["evidence"] = [tmap[e].text for e in q.evidence]
        for system in SYSTEMS:
            scored = score_question(q.evidence, entries_from_texts(ranked[q.id][system], index))
            scores[system].append((q.category, scored))
            row[f"{system}_first_rank"] = scored.first_rank
        for system in SPEAKER_SYSTEMS:
            entries = entries_from_texts(ranked[q.id][system], spoken_indexes[q.user_id])
            scores[system].append((q.category, score_question(q.evidence, entries)))
        if context_exposed:
            entries = entries_from_texts(found[q.id]["texts"], index, found[q.id]["context"])
            context_scores.append((q.category, score_question(q.evidence, entries)))
        row["graphmem_top10"] = ranked[q.id]["graphmem"]
        per_question.append(row)

    result["systems"] = {s: summarize(scores[s], CATEGORIES) for s in SYSTEMS}
    result["baselines_with_speaker"] = {
        s: summarize(scores[s], CATEGORIES) for s in SPEAKER_SYSTEMS
    }
    result["graphmem_with_context"] = (
        summarize(context_scores, CATEGORIES) if context_exposed else None
    )
    result["differences_recall@10"] = {
        other: {
            category: paired_diff_ci(
                [s.recall[10] for c, s in scores["graphmem"] if category in ("all", c)],
                [s.recall[10] for c, s in scores[other] if category in ("all", c)],
            )
            for category in [*CATEGORIES, "all"]
        }
        for other in ("dense", "bm25", "rrf")
    }

    differ = differ_set = rerun_differ = 0
    alone_scores, together_scores = [], []
    alone_questions = [q for q in questions if q.user_id in independence["tenants"]]
    for q in alone_questions:
        a, t = alone_found[q.id]["texts"], found[q.id]["texts"]
        differ += a != t
        differ_set += set(a) != set(t)
        rerun_differ += again[q.id]["texts"] != t
        index = indexes[q.user_id]
        alone_scores.append(score_question(q.evidence, entries_from_texts(a, index)).recall[10])
        together_scores.append(score_question(q.evidence, entries_from_texts(t, index)).recall[10])
    n = len(alone_questions)
    twice = [q for q in alone_questions if q.id in alone_again]
    twice_differ = sum(alone_again[q.id]["texts"] != alone_found[q.id]["texts"] for q in twice)
    twice_shared = sum(found[q.id]["texts"] != alone_found[q.id]["texts"] for q in twice)
    twice_set = sum(
        set(alone_again[q.id]["texts"]) != set(alone_found[q.id]["texts"]) for q in twice
    )
    independence["control_alone_twice"] = {
        "tenants": sorted({q.user_id for q in twice}),
        "questions": len(twice),
        "top10_differs_alone_vs_alone_fraction": round(twice_differ / len(twice), 4)
        if twice
        else None,
        "top10_set_differs_alone_vs_alone_fraction": round(twice_set / len(twice), 4)
        if twice
        else None,
        "top10_differs_alone_vs_shared_fraction": round(twice_shared / len(twice), 4)
        if twice
        else None,
    }
    independence.update(
        {
            "questions": n,
            "other_tenants_in_shared_store": len(conversations) - 1,
            "top10_differs_fraction": round(differ / n, 4) if n else None,
            "top10_set_differs_fraction": round(differ_set / n, 4) if n else None,
            "top10_differs_on_rerun_same_store_fraction": round(rerun_differ / n, 4) if n else None,
            "graphmem_recall@10_alone": round(sum(alone_scores) / n, 4) if n else None,
            "graphmem_recall@10_shared": round(sum(together_scores) / n, 4) if n else None,
        }
    )
    result["tenant_independence"] = independence
    result["timing"] = {
        "add_ms": summarize_ms(add_times),
        "graphmem_search_ms": summarize_ms(search_times),
        "baseline_index_and_rank_s_per_tenant": summarize_ms(baseline_times),
        "total_s": round(time.perf_counter() - started, 1),
        "load_avg_at_end": list(os.getloadavg()),
    }
    result["context_exposed"] = context_exposed
    result["graphmem_hit_sources"] = _source_shares(found, questions)
    result["variants"] = {
        name: _score_variant(variant, questions, indexes, scores) for name, variant in tried.items()
    }
    result["questions"] = per_question
    return result


def _score_variant(
    variant: dict[str, Any],
    questions: Sequence[Question],
    indexes: Mapping[str, Mapping[str, frozenset[str]]],
    scores: Mapping[str, list[tuple[str, Scored]]],
) -> dict[str, Any]:
    """One search variant's hits, scored like graphmem's, with paired differences against
    graphmem (the run's own configuration), dense and rrf over the same questions."""
    found = variant["found"]
    rows = [
        (
            q.category,
            score_question(
                q.evidence, entries_from_texts(found[q.id]["texts"], indexes[q.user_id])
            ),
        )
        for q in questions
    ]
    differences = {
        other: {
            category: paired_diff_ci(
                [s.recall[10] for c, s in rows if category in ("all", c)],
                [s.recall[10] for c, s in scores[other] if category in ("all", c)],
            )
            for category in [*CATEGORIES, "all"]
        }
        for other in ("graphmem", "dense", "rrf")
    }
    return {
        "search": variant["search"],
        "graphmem": summarize(rows, CATEGORIES),
        "differences_recall@10": differences,
        "hit_sources": _source_shares(found, questions),
        "search_ms": summarize_ms(variant["times"]),
        "first_rank": {q.id: s.first_rank for q, (_, s) in zip(questions, rows, strict=True)},
    }
