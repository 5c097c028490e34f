"""The in-process link index reads a scope's links once, then only those of new facts."""

from __future__ import annotations

from graphmem.search._catalogue import ScopeCatalogue
from graphmem.search._links import LinkIndex


def _snapshot(ids: list[str]) -> ScopeCatalogue:
    catalogue = ScopeCatalogue()
    catalogue.upsert(
        {"id": i, "text": f"turn {i}", "metadata_json": '{"role": "user"}'} for i in ids
    )
    return catalogue


def test_facts_without_links_are_not_read_again() -> None:
    reads: list[list[str] | None] = []
    link = {"fact_id": "f1", "entity_id": "e1", "name": "Ana", "rel_type": None, "object_id": None}

    def fetch(ids: list[str] | None) -> list[dict[str, object]]:
        reads.append(None if ids is None else sorted(ids))
        return [link] if ids is None or "f1" in ids else []

    index = LinkIndex()
    index.ensure(fetch, _snapshot(["f1", "f2", "f3"]))  # f2, f3: raw turns, no links
    assert reads == [None]
    index.ensure(fetch, _snapshot(["f1", "f2", "f3", "f4"]))
    assert reads == [None, ["f4"]]  # only the new fact
    assert index.about == {"e1": ["f1"]}  # f1's link read once
