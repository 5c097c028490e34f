"""The real-conversation benchmark end to end at its quick size (real FalkorDB, real MiniLM).

Ten tenants in one store, ingested with ``add(infer=False)``; graphmem and the in-process
baselines are scored in the same run. The floors are on the generator's own data: if the
generator stops putting the answers in the evidence turns, or scoring stops mapping hits back
to turns, the baselines collapse and this fails.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.conversations import CATEGORIES
from benchmarks.conversations.__main__ import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("conv-results")
    assert main(["--quick", "--results-dir", str(out), "--alone", "1"]) == 0
    result = json.loads((out / "conversations_quick.json").read_text())
    report = (out / "conversations_quick.md").read_text()
    return result, report


def test_report_structure(quick_run: tuple[dict, str]) -> None:
    result, report = quick_run
    assert result["command"].startswith("python -m benchmarks.conversations --quick")
    assert result["engine"]["sha256"] and result["machine"]["load_avg_at_start"] is not None
    assert result["dataset"]["people"] >= 10
    assert set(result["systems"]) == {"graphmem", "dense", "bm25", "rrf"}
    for table in [*result["systems"].values(), *result["baselines_with_speaker"].values()]:
        assert set(table) == {*CATEGORIES, "all"}
        for cell in table.values():
            for key in ("recall@5", "recall@10", "mrr@10"):
                lo, hi = cell[f"{key}_ci95"]
                assert 0.0 <= lo <= cell[key] <= hi <= 1.0
            assert cell["recall@5"] <= cell["recall@10"]
    n = sum(result["dataset"]["questions"].values())
    assert result["systems"]["graphmem"]["all"]["n"] == n == len(result["questions"])
    ind = result["tenant_independence"]
    assert ind["tenants"] == ["chat-00"] and ind["other_tenants_in_shared_store"] >= 9
    assert 0.0 <= ind["top10_differs_fraction"] <= 1.0
    assert 0.0 <= ind["top10_differs_on_rerun_same_store_fraction"] <= 1.0
    assert result["context_exposed"] in (True, False)
    for heading in ("Evidence recall@10 (headline)", "Tenant independence", "MRR@10"):
        assert heading in report
    assert result["command"] in report


def test_baselines_are_sane_on_the_generated_data(quick_run: tuple[dict, str]) -> None:
    systems = quick_run[0]["systems"]
    # measured at the quick size, seed 7: dense 0.86, bm25 0.60, rrf 0.77 overall
    assert systems["dense"]["all"]["recall@10"] >= 0.6
    assert systems["bm25"]["all"]["recall@10"] >= 0.35
    assert systems["rrf"]["all"]["recall@10"] >= systems["bm25"]["all"]["recall@10"]
    assert systems["bm25"]["temporal"]["recall@10"] >= 0.5  # temporal questions name the thing
    assert systems["graphmem"]["all"]["recall@10"] > 0.3
