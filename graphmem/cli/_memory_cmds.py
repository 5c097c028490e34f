"""``add``, ``import``, ``search``, ``get``, ``history``, ``delete``, ``stats``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from graphmem.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    CliError,
    emit,
    open_memory,
    scope_kwargs,
    short_time,
)
from graphmem.cli._files import load_items, stable_times


def register(
    commands: Any, common: argparse.ArgumentParser, scoped: argparse.ArgumentParser
) -> None:
    """Add the memory commands to the ``graphmem`` parser."""
    parents = [common, scoped]
    add = commands.add_parser(
        "add",
        parents=parents,
        help="remember text, or a JSON/JSONL conversation file (resumable)",
        description="Remember one text, or each turn of a JSON/JSONL conversation file in "
        "order. Interrupted file imports resume without duplicates when run again.",
    )
    add.add_argument("text", nargs="?", help="what to remember (or use --file)")
    add.add_argument("--file", "-f", type=Path, help="JSON or JSONL file of turns/conversations")
    _add_write_options(add)
    add.add_argument("--occurred-at", help="when it happened (ISO-8601; default now)")
    add.set_defaults(run=run_add, concurrency=1)

    imp = commands.add_parser(
        "import",
        parents=parents,
        help="bulk-import a JSON/JSONL file with add_many (parallel across scopes)",
        description="Bulk import: items may carry their own user_id/agent_id/run_id, "
        "occurred_at and metadata (mem0 exports too). Failed items are reported, not fatal.",
    )
    imp.add_argument("file", type=Path, help="JSON or JSONL file")
    _add_write_options(imp)
    imp.add_argument("--concurrency", type=int, default=4, help="scopes in parallel (4)")
    imp.set_defaults(run=run_add, text=None, occurred_at=None, bulk=True)

    search = commands.add_parser(
        "search",
        parents=parents,
        help="search memories (no LLM call)",
        description="Hybrid vector + keyword + graph search, at a point in time if asked.",
    )
    search.add_argument("query")
    search.add_argument("--limit", "-n", type=int, default=10)
    search.add_argument("--as-of", help="answer as of this world time (ISO-8601)")
    search.add_argument("--history", action="store_true", help="include superseded facts")
    search.add_argument("--hops", type=int, help="graph expansion depth 0-4 (default 3)")
    search.set_defaults(run=run_search)

    get = commands.add_parser("get", parents=parents, help="show one memory by id")
    get.add_argument("memory_id")
    get.set_defaults(run=run_get)
    history = commands.add_parser("history", parents=parents, help="a memory's change history")
    history.add_argument("memory_id")
    history.set_defaults(run=run_history)
    delete = commands.add_parser(
        "delete", parents=parents, help="delete one memory, or --all of the scope"
    )
    delete.add_argument("memory_id", nargs="?")
    delete.add_argument("--all", action="store_true", help="delete every memory of the scope")
    delete.add_argument("--yes", action="store_true", help="confirm --all")
    delete.set_defaults(run=run_delete)
    stats = commands.add_parser("stats", parents=parents, help="counts for the scope")
    stats.set_defaults(run=run_stats)


def _add_write_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-infer",
        dest="infer",
        action="store_false",
        help="store each message as a memory, with no LLM call",
    )
    parser.add_argument("--checkpoint", type=Path, help="checkpoint file (default: next to it)")
    parser.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="always show the progress bar (default: on a terminal)",
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false")


def run_add(args: argparse.Namespace) -> int:
    """``add`` and ``import``."""
    path: Path | None = args.file
    if (path is None) == (args.text is None):
        raise CliError("give a text or --file (not both)", EXIT_USAGE)
    bulk = getattr(args, "bulk", False)
    scope: dict[str, Any] = _optional_scope(args) if bulk else scope_kwargs(args)
    with open_memory(args) as memory:
        if path is None:
            result = memory.add(args.text, **scope, occurred_at=args.occurred_at, infer=args.infer)

            def human() -> None:
                if result.duplicate:
                    print(f"already stored (episode {result.episode_id})")
                for event in result.events:
                    print(f"{event.event:<10} {event.id}  {event.memory}")
                if not result.events and not result.duplicate:
                    print("nothing new to remember")

            data = {"episode_id": result.episode_id, "duplicate": result.duplicate}
            emit(args, {**data, **result.to_dict()}, human)
            return EXIT_OK
        items, resuming, checkpoint = stable_times(
            load_items(path), path, args.checkpoint, args.restart
        )
        if resuming and not args.json:
            print(f"resuming {path} (checkpoint {checkpoint})", file=sys.stderr)
        outcome = memory.add_many(
            items,
            **scope,
            infer=args.infer,
            concurrency=args.concurrency,
            progress=args.progress,
        )

    def report() -> None:
        print(outcome.summary())
        for failure in outcome.failed:
            print(f"  item {failure.index}: {failure.error}: {failure.message}")

    emit(
        args,
        {
            "total": outcome.total,
            "added": sorted(outcome.added),
            "skipped": outcome.skipped,
            "failed": outcome.failed,
            "memories": sum(len(r.events) for r in outcome.added.values()),
        },
        report,
    )
    return EXIT_OK if outcome.ok else EXIT_PROBLEMS


def _optional_scope(args: argparse.Namespace) -> dict[str, Any]:
    return {f"{n}_id": getattr(args, f"{n}_id", None) for n in ("user", "agent", "run")}


def run_search(args: argparse.Namespace) -> int:
    """``search``."""
    with open_memory(args) as memory:
        result = memory.search(
            args.query,
            **scope_kwargs(args),
            limit=args.limit,
            as_of=args.as_of,
            include_history=args.history,
            hops=args.hops,
        )
    hits = list(result.hits)

    def human() -> None:
        if not hits:
            print("no memories found")
        for hit in hits:
            fact = hit.fact
            state = "current" if hit.is_current else "past"
            since = (
                f" [{short_time(fact.valid_from)} .. {short_time(fact.valid_to)}]"
                if (fact.valid_from or fact.valid_to)
                else ""
            )
            print(f"{hit.score:.3f}  {state:<7} {fact.text}{since}")
            print(f"       id {fact.id}" + (f"  via {_path(hit)}" if hit.path else ""))

    emit(args, {"results": hits, "relations": list(result.relations)}, human)
    return EXIT_OK


def _path(hit: Any) -> str:
    return " -> ".join(f"{s.source} {s.relationship} {s.destination}" for s in hit.path)


def run_get(args: argparse.Namespace) -> int:
    """``get``."""
    with open_memory(args) as memory:
        fact = memory.get(args.memory_id, **_optional_scope(args))

    def human() -> None:
        print(fact.text)
        print(f"  id          {fact.id}")
        for label, value in (
            ("valid", f"{short_time(fact.valid_from)} .. {short_time(fact.valid_to)}"),
            ("recorded", short_time(fact.recorded_at)),
            ("expired", short_time(fact.expired_at) if fact.expired_at else "no (current)"),
            ("predicate", fact.predicate or "-"),
            ("scope", _scope_text(fact)),
            ("mentions", str(fact.mentions)),
        ):
            print(f"  {label:<11} {value}")

    emit(args, fact, human)
    return EXIT_OK


def _scope_text(fact: Any) -> str:
    parts = [f"{n}={getattr(fact, n)}" for n in ("user_id", "agent_id", "run_id")]
    return " ".join(p for p in parts if not p.endswith("=None"))


def run_history(args: argparse.Namespace) -> int:
    """``history``."""
    with open_memory(args) as memory:
        events = memory.history(args.memory_id, **_optional_scope(args))
    if not events:
        raise CliError(f"no history for memory {args.memory_id!r}", 3)

    def human() -> None:
        for event in events:
            change = event.new_memory or event.old_memory or "(content deleted)"
            if event.event == "UPDATE" and event.old_memory:
                change = f"{event.old_memory} -> {event.new_memory}"
            print(f"{event.created_at:%Y-%m-%d %H:%M:%S}  {event.event:<10} {change}")

    emit(args, events, human)
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    """``delete``."""
    if args.all == (args.memory_id is not None):
        raise CliError("give a memory id or --all", EXIT_USAGE)
    if args.all and not args.yes:
        raise CliError("delete --all deletes every memory of the scope: add --yes", EXIT_USAGE)
    with open_memory(args) as memory:
        if args.all:
            count = memory.delete_all(**scope_kwargs(args))
            emit(args, {"deleted": count}, lambda: print(f"deleted {count} memories"))
        else:
            memory.delete(args.memory_id, **_optional_scope(args))
            emit(args, {"deleted": 1}, lambda: print(f"deleted {args.memory_id}"))
    return EXIT_OK


def run_stats(args: argparse.Namespace) -> int:
    """``stats``: memories (current and past), entities by type, relationships by type."""
    scope = scope_kwargs(args)
    with open_memory(args) as memory:
        facts = memory.get_all(**scope, limit=1000, include_expired=True)
        graph = memory.graph(**scope, include_history=True)
    current = sum(1 for f in facts if f.expired_at is None)
    types = Counter(str(data.get("type")) for _, data in graph.nodes(data=True))
    relations = Counter(str(data.get("type")) for *_, data in graph.edges(data=True))
    data = {
        "memories": {
            "current": current,
            "past": len(facts) - current,
            "capped_at_1000": len(facts) >= 1000,
        },
        "entities": dict(sorted(types.items())),
        "relationships": dict(sorted(relations.items())),
    }

    def human() -> None:
        more = "+" if len(facts) >= 1000 else ""
        print(f"memories       {current} current, {len(facts) - current} past{more}")
        print(f"entities       {sum(types.values())}  " + _counts(types))
        print(f"relationships  {sum(relations.values())}  " + _counts(relations))

    emit(args, data, human)
    return EXIT_OK


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common())
