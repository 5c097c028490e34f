"""Real-conversation benchmark: a kept store reused across runs, and search variants scored
side by side (benchmarks/conversations/_run.py, _report.py, __main__.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.conversations import CATEGORIES, Question, generate
from benchmarks.conversations.__main__ import json_arg
from benchmarks.conversations._report import _variants
from benchmarks.conversations._run import (
    StoreMismatch,
    _ingest_once,
    _score_variant,
    dataset_fingerprint,
)
from benchmarks.conversations._scoring import Scored, summarize


class _Recorder:
    """Stands in for ``Memory``: records the add calls."""

    def __init__(self) -> None:
        self.adds: list[dict[str, Any]] = []

    def add(self, messages: list[dict[str, str]], **kwargs: Any) -> None:
        self.adds.append({"messages": messages, **kwargs})


def test_a_kept_store_is_ingested_once_per_dataset(tmp_path: Path) -> None:
    one = generate(seed=1, people=1, sessions=3).conversations
    other = generate(seed=2, people=1, sessions=3).conversations
    assert dataset_fingerprint(one) == dataset_fingerprint(one) != dataset_fingerprint(other)

    memory = _Recorder()
    tmp_path = tmp_path / "not yet made"
    times = _ingest_once(memory, tmp_path, "g", one)
    assert times is not None and len(times) == len(memory.adds) > 0
    assert all(add["infer"] is False for add in memory.adds)

    again = _Recorder()
    assert _ingest_once(again, tmp_path, "g", one) is None  # reused: nothing added
    assert again.adds == []
    with pytest.raises(StoreMismatch):  # the graph holds another dataset
        _ingest_once(_Recorder(), tmp_path, "g", other)
    assert _ingest_once(_Recorder(), tmp_path, "h", other)  # another graph is its own


def test_an_unfinished_ingest_is_not_reused(tmp_path: Path) -> None:
    conversations = generate(seed=1, people=1, sessions=3).conversations

    class _Failing(_Recorder):
        def add(self, messages: list[dict[str, str]], **kwargs: Any) -> None:
            if self.adds:
                raise RuntimeError("store went away")
            super().add(messages, **kwargs)

    with pytest.raises(RuntimeError):
        _ingest_once(_Failing(), tmp_path, "g", conversations)
    with pytest.raises(StoreMismatch):
        _ingest_once(_Recorder(), tmp_path, "g", conversations)


def test_json_arg_takes_inline_json_or_a_file(tmp_path: Path) -> None:
    assert json_arg('{"nb": {"neighbour_weight": 0.5}}') == {"nb": {"neighbour_weight": 0.5}}
    path = tmp_path / "variants.json"
    path.write_text(json.dumps({"fb": {"feedback_weight": 1.0}}))
    assert json_arg(str(path)) == {"fb": {"feedback_weight": 1.0}}
    with pytest.raises(argparse.ArgumentTypeError):
        json_arg("[1, 2]")
    with pytest.raises(argparse.ArgumentTypeError):
        json_arg("{not json")
    with pytest.raises(argparse.ArgumentTypeError):
        json_arg(str(tmp_path / "missing.json"))


def _scored(recall: float) -> Scored:
    return Scored({5: recall, 10: recall}, {5: recall == 1, 10: recall == 1}, recall, None)


def test_variants_are_scored_against_the_same_questions_and_rendered() -> None:
    questions = [
        Question("u/Q1", "u", "multi_hop", "what does her sister do?", "x", ("t1", "t2")),
        Question("u/Q2", "u", "single_hop", "where did she move?", "y", ("t3",)),
    ]
    index = {
        "intro": frozenset({"t1"}),
        "job": frozenset({"t2"}),
        "moved": frozenset({"t3"}),
    }
    found = {
        "u/Q1": {"texts": ["intro", "lol", "job"], "sources": [["vector"], [], ["neighbour"]]},
        "u/Q2": {"texts": ["nothing"], "sources": [["vector"]]},
    }
    scores = {
        "graphmem": [("multi_hop", _scored(0.5)), ("single_hop", _scored(1.0))],
        "dense": [("multi_hop", _scored(0.5)), ("single_hop", _scored(0.0))],
        "rrf": [("multi_hop", _scored(0.0)), ("single_hop", _scored(0.0))],
    }
    variant = {"search": {"neighbour_weight": 1.0}, "found": found, "times": [0.1, 0.2]}
    scored = _score_variant(variant, questions, {"u": index}, scores)

    assert scored["graphmem"]["multi_hop"]["recall@10"] == 1.0  # both evidence turns hit
    assert scored["graphmem"]["single_hop"]["recall@10"] == 0.0
    assert scored["first_rank"] == {"u/Q1": 1, "u/Q2": None}
    diffs = scored["differences_recall@10"]
    assert diffs["dense"]["multi_hop"]["mean"] == 0.5
    assert diffs["graphmem"]["single_hop"]["mean"] == -1.0
    assert diffs["rrf"]["all"]["mean"] == 0.5
    assert scored["hit_sources"] == {"neighbour": 0.25, "vector": 0.5}

    def table(key: str) -> dict[str, Any]:
        return summarize(scores[key], CATEGORIES)

    result = {
        "search": {},
        "systems": {"graphmem": table("graphmem"), "dense": table("dense"), "rrf": table("rrf")},
        "differences_recall@10": {
            other: {c: {"mean": 0.0, "ci95": [0.0, 0.0]} for c in [*CATEGORIES, "all"]}
            for other in ("dense", "rrf")
        },
        "variants": {"nb": scored},
    }
    lines = _variants(result)
    text = "\n".join(lines)
    assert "| nb | neighbour_weight=1.0 |" in text
    assert "| graphmem (this run) | defaults |" in text
    nb_row = next(line for line in lines if line.startswith("| nb | +0.500"))  # multi - dense
    assert "| -0.250 [" in nb_row  # all minus this run's graphmem: 0.5 - 0.75
    assert _variants({**result, "variants": {}}) == []
