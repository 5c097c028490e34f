"""The Graphiti peer benchmark runs end to end on a tiny world, and never calls an LLM."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

pytest.importorskip("graphiti_core", reason="graphiti-core is in the optional 'bench' extra")

from benchmarks.peers import graphiti_search


def test_stubs_fail_loudly() -> None:
    llm, cross, _ = graphiti_search._graphiti_clients(graphiti_search._CachedEmbedder(None))
    with pytest.raises(AssertionError, match="LLM"):
        asyncio.run(llm._generate_response([]))
    with pytest.raises(AssertionError, match="cross-encoder"):
        asyncio.run(cross.rank("q", ["p"]))


def test_tiny_run_measures_both_systems(tmp_path: Path) -> None:
    out = tmp_path / "peers.json"
    args = ["--facts", "60", "--tenants", "2", "--other-facts", "10", "--queries", "6"]
    assert graphiti_search.main([*args, "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["facts_in_measured_tenant"] == 60
    for system in ("graphmem", "graphiti"):
        assert result[system]["search_p50_ms"] > 0
        # both systems find the expected facts in this world (ingest and search work)
        assert result[system]["hit@10"] > 0.3, result[system]
    assert result["versions"]["graphiti-core"].startswith("0.31")
