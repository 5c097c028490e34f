"""``export``: a scope as GraphML, JSON, or a Cypher script that replays it into any Neo4j.

Underneath is ``Memory.graph()`` (networkx) plus the scope's facts. The Cypher script is made
of the ``cypher/common/export/*`` statements, each preceded by a ``:param rows => [...]`` line
whose value is a Cypher literal written by :func:`cypher_literal` (every string escaped, map
keys checked), so no exported text can change a statement. Replay it with
``cypher-shell -f export.cypher``. Times are epoch milliseconds (UTC), as graphmem stores them,
so the Neo4j Browser guide (``cypher/browser/``) works on a replayed graph.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx as nx

from graphmem._temporal import to_ms
from graphmem.cli._common import EXIT_OK, emit, open_memory, scope_kwargs, to_jsonable
from graphmem.errors import InputError
from graphmem.store._queries import query_catalog
from graphmem.types import Fact

__all__ = ["cypher_literal", "cypher_script", "register"]

BATCH = 200
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def register(
    commands: Any, common: argparse.ArgumentParser, scoped: argparse.ArgumentParser
) -> None:
    """Add ``export`` to the ``graphmem`` parser."""
    export = commands.add_parser(
        "export",
        parents=[common, scoped],
        help="export a scope as GraphML, JSON or a Cypher script for Neo4j",
        description="Export the scope's entities, relationships and facts. 'cypher' writes "
        "a script to replay into any Neo4j: cypher-shell -f FILE.",
    )
    export.add_argument("--format", choices=("graphml", "json", "cypher"), default="json")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    export.add_argument("--as-of", help="the world as of this time (default now)")
    export.add_argument(
        "--history", action="store_true", help="include superseded facts and relationships"
    )
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    """``export``."""
    scope = scope_kwargs(args)
    with open_memory(args) as memory:
        graph = memory.graph(**scope, as_of=args.as_of, include_history=args.history)
        facts = memory.get_all(**scope, limit=1000, include_expired=args.history)
    if args.format == "graphml":
        text = "\n".join(nx.generate_graphml(_graphml_ready(graph)))
    elif args.format == "json":
        text = json.dumps(export_json(graph, facts), ensure_ascii=False, indent=2)
    else:
        text = cypher_script(graph, facts, scope)
    if args.output is None:
        sys.stdout.write(text + "\n")
        return EXIT_OK
    args.output.write_text(text + "\n", encoding="utf-8")
    summary = {
        "output": str(args.output),
        "format": args.format,
        "entities": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
        "facts": len(facts),
    }
    emit(
        args,
        summary,
        lambda: print(
            f"wrote {args.output}: {summary['entities']} entities, "
            f"{summary['relationships']} relationships, {summary['facts']} facts"
        ),
    )
    return EXIT_OK


def _graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML takes scalars only: times as ISO strings, missing values dropped."""
    out: nx.MultiDiGraph = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, **_scalars(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        out.add_edge(source, target, key=key, **_scalars(data))
    return out


def _scalars(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in data.items()
        if v is not None and isinstance(v, (str, int, float, bool, datetime))
    }


def export_json(graph: nx.MultiDiGraph, facts: list[Fact]) -> dict[str, Any]:
    """``{"entities": [...], "relationships": [...], "facts": [...]}``."""
    return {
        "entities": [{"id": node, **to_jsonable(data)} for node, data in graph.nodes(data=True)],
        "relationships": [
            {"source": s, "target": t, "fact_id": k, **to_jsonable(data)}
            for s, t, k, data in graph.edges(keys=True, data=True)
        ],
        "facts": [fact.model_dump(mode="json") for fact in facts],
    }


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a JSON-like value; strings are escaped, never interpolated raw.

    Raises:
        InputError: a value Cypher cannot hold (NaN, an unsupported type, a bad map key).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"cannot export the number {value!r}")
        return repr(value)
    if isinstance(value, str):
        # Other control characters are dropped (graphmem's own text never has them), so the
        # only escapes left are \" \\ \t \n \r, which every Cypher parser reads alike.
        return json.dumps(_CONTROL.sub("", value), ensure_ascii=False)
    if isinstance(value, datetime):
        return str(to_ms(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            if not isinstance(key, str) or not _KEY.match(key):
                raise InputError(f"cannot export the map key {key!r}")
            parts.append(f"{key}: {cypher_literal(item)}")
        return "{" + ", ".join(parts) + "}"
    raise InputError(f"cannot export a value of type {type(value).__name__}")


def cypher_script(
    graph: nx.MultiDiGraph, facts: list[Fact], scope: Mapping[str, str | None] | None = None
) -> str:
    """The replay script: ``:param rows => ...`` then its statement, batch by batch."""
    catalog = query_catalog("neo4j")
    by_id = {fact.id: fact for fact in facts}
    lines = [
        "// graphmem export: replay into Neo4j with  cypher-shell -f <this file>",
        f"// {graph.number_of_nodes()} entities, {graph.number_of_edges()} relationships, "
        f"{len(facts)} facts; times are epoch milliseconds (UTC).",
    ]
    entities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        props = {"name": data.get("name"), "type": data.get("type"), **(scope or {})}
        entities[str(data.get("type") or "Entity")].append({"id": node, "props": props})
    for label, rows in sorted(entities.items()):
        lines += _batches(catalog.render("export/entities", identifiers={"label": label}), rows)
    relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for source, target, key, data in graph.edges(keys=True, data=True):
        fact = by_id.get(key)
        props = {
            "text": data.get("text"),
            "valid_from": _ms(data.get("valid_from")),
            "valid_to": _ms(data.get("valid_to")),
            **(_fact_times(fact) if fact else {}),
        }
        relations[str(data["type"])].append(
            {"source": source, "target": target, "fact_id": key, "props": props}
        )
    for rel_type, rows in sorted(relations.items()):
        statement = catalog.render("export/relations", identifiers={"rel_type": rel_type})
        lines += _batches(statement, rows)
    fact_rows = [{"id": fact.id, "props": _fact_props(fact)} for fact in facts]
    lines += _batches(catalog.render("export/facts"), fact_rows)
    return "\n".join(lines)


def _batches(statement: str, rows: list[dict[str, Any]]) -> Iterator[str]:
    for start in range(0, len(rows), BATCH):
        yield f":param rows => {cypher_literal(rows[start : start + BATCH])}"
        yield statement.rstrip() + ";"


def _ms(value: Any) -> int | None:
    return to_ms(value) if isinstance(value, datetime) else None


def _fact_times(fact: Fact) -> dict[str, Any]:
    return {
        "recorded_at": _ms(fact.recorded_at),
        "expired_at": _ms(fact.expired_at),
        "user_id": fact.user_id,
        "agent_id": fact.agent_id,
        "run_id": fact.run_id,
    }


def _fact_props(fact: Fact) -> dict[str, Any]:
    return {
        "text": fact.text,
        "predicate": fact.predicate,
        "subject": fact.subject,
        "object": fact.object,
        "valid_from": _ms(fact.valid_from),
        "valid_to": _ms(fact.valid_to),
        "mentions": fact.mentions,
        **_fact_times(fact),
    }
