"""The in-process entity table that seeds graph expansion (``search/_entities``).

Rows come from plain functions standing in for ``search/scope_entities`` and
``search/entity_vectors`` (their store side is tested in tests/integration/
test_graph_in_process.py); here: ranking, freshness and the loading fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphmem.search._entities import SKEW_MS, EntityTable

ROWS: list[dict[str, Any]] = [
    {"id": "ana", "name": "Ana", "aliases": ["Ana Sofia Ribeiro dos Santos"], "updated_at": 10},
    {"id": "race", "name": "Lisbon Marathon", "aliases": [], "updated_at": 20},
    {"id": "city", "name": "Lisbon", "aliases": [], "updated_at": 30},
    {"id": "bob", "name": "Bob", "aliases": [], "updated_at": 40},
]
VECTORS = {
    "ana": [1.0, 0.0, 0.0],
    "race": [0.0, 1.0, 0.0],
    "city": [0.0, 0.8, 0.6],
    "bob": [0.0, 0.0, 1.0],
    "eve": [0.6, 0.0, 0.8],
}


class Source:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.asked: list[int] = []
        self.vector_reads: list[Sequence[str] | None] = []

    def since(self, stamp: int) -> list[dict[str, Any]]:
        self.asked.append(stamp)
        return [row for row in self.rows if row["updated_at"] >= stamp]

    def vectors(self, ids: Sequence[str] | None) -> tuple[list[str], np.ndarray]:
        self.vector_reads.append(ids)
        chosen = [r["id"] for r in self.rows if ids is None or r["id"] in ids]
        return chosen, np.asarray([VECTORS[i] for i in chosen], dtype=np.float32)


class Snapshot:
    """Stands in for a catalogue snapshot (the table holds a weak reference to it)."""


def _table(source: Source, snapshot: object) -> EntityTable:
    table = EntityTable()
    table.sync(source.since, source.vectors, snapshot)
    return table


def test_entities_named_in_full_come_before_better_keyword_matches() -> None:
    table = _table(Source(ROWS), Snapshot())
    found = table.named("did ana run the marathon in lisbon", 3)
    # BM25 alone ranks "Lisbon Marathon" (two words) above Ana; named entities lead
    assert [(i, full) for i, _, _, full in found] == [
        ("ana", True),
        ("city", True),
        ("race", False),
    ]
    assert [i for i, *_ in table.named("did ana run the marathon in lisbon", 2)] == [
        "ana",
        "city",
    ]
    assert table.named("the weather today", 3) == []


def test_similar_ranks_name_vectors_exactly() -> None:
    table = _table(Source(ROWS), Snapshot())
    assert table.vectors.ready
    found = table.similar([0.0, 0.6, 0.8], 2)
    assert found is not None
    assert [i for i, _, _ in found] == ["city", "bob"]
    assert abs(found[0][2] - 0.96) < 1e-6


def test_resyncs_once_per_snapshot_and_rereads_a_window_before_its_newest_stamp() -> None:
    source = Source(list(ROWS))
    snapshot = Snapshot()
    table = _table(source, snapshot)
    table.sync(source.since, source.vectors, snapshot)
    assert source.asked == [0]  # same snapshot: no read
    # a slow writer commits an entity stamped before the newest one the table holds
    source.rows.append({"id": "eve", "name": "Eve", "aliases": [], "updated_at": 35})
    table.sync(source.since, source.vectors, Snapshot())
    assert source.asked == [0, max(0, 40 - SKEW_MS)]
    assert [i for i, *_ in table.named("eve", 1)] == ["eve"]
    assert source.vector_reads[-1] == ["eve"]  # only the new entity's vector is read


def test_similar_is_none_until_the_vectors_are_loaded() -> None:
    table = EntityTable()
    assert table.similar([1.0, 0.0, 0.0], 3) is None
