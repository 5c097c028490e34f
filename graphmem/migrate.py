"""Move memories from mem0 into graphmem, without an LLM and without duplicates on a re-run.

Example:
    >>> import json
    >>> exported = json.load(open("mem0_export.json"))   # what mem0's get_all(...) returned
    >>> report = import_mem0(memory, exported)
    >>> report.imported, report.duplicates, report.errors
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphmem.errors import GraphMemError

__all__ = ["ImportReport", "import_mem0"]


@dataclass
class ImportReport:
    """What :func:`import_mem0` did.

    Attributes:
        imported: memories written.
        duplicates: memories already there (an earlier run imported them).
        errors: ``(index, message)`` of records that were skipped.
        ids: mem0 id -> graphmem memory id, for the imported ones.
    """

    imported: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)


def import_mem0(
    memory: Any,
    records: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    run_id: str | None = None,
) -> ImportReport:
    """Import mem0 memories (``get_all`` output or a list of its items) with ``infer=False``.

    Each record's ``memory`` becomes one fact, in the record's own scope (``user_id``/
    ``agent_id``/``run_id``) unless scope ids are given here; its ``created_at`` becomes the
    episode's ``occurred_at`` and its metadata is kept, with ``mem0_id`` added. Bad records
    are reported in ``errors`` and skipped; importing the same export twice writes nothing new.
    """
    items = records.get("results", []) if isinstance(records, Mapping) else records
    report = ImportReport()
    override = {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}
    given = any(v is not None for v in override.values())
    for index, record in enumerate(items):
        try:
            if not isinstance(record, Mapping) or not isinstance(record.get("memory"), str):
                raise ValueError("not a mem0 memory (no 'memory' text)")
            scope = override if given else {k: record.get(k) for k in override}
            metadata = dict(record.get("metadata") or {})
            if record.get("id") is not None:
                metadata["mem0_id"] = str(record["id"])
            added = memory.add(
                record["memory"],
                infer=False,
                occurred_at=record.get("created_at"),
                metadata=metadata,
                **scope,
            )
        except (GraphMemError, ValueError, TypeError) as exc:
            report.errors.append((index, f"{type(exc).__name__}: {exc}"))
            continue
        if added.duplicate:
            report.duplicates += 1
            continue
        report.imported += 1
        if record.get("id") is not None and added.events:
            report.ids[str(record["id"])] = added.events[0].id
    return report
