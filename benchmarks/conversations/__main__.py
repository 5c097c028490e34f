"""CLI: ``python -m benchmarks.conversations [--people N --seed S --sessions N --quick]``.

Writes ``benchmarks/results/conversations.json`` and ``conversations.md`` (``--quick``:
``conversations_quick.*``; ``--out NAME``: ``NAME.*``). Set ``HF_HUB_OFFLINE=1``.

Comparing search settings: ``--search '{"neighbour_weight": 0.5}'`` runs graphmem with those
``SearchConfig`` fields; ``--variants '{"nb": {"neighbour_weight": 0.5}, ...}'`` (or a JSON
file) also runs each named variant over the same ingested store, reported side by side;
``--data-dir DIR`` keeps the store, and a later run on the same dataset reuses it.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from benchmarks._common import RESULTS_DIR, write_json
from benchmarks.conversations._generate import REUSE_WORDING, generate
from benchmarks.conversations._report import render


def json_arg(value: str) -> dict[str, Any]:
    """A JSON object given inline (``{...}``) or as the path of a file holding one."""
    try:
        inline = value.lstrip()[:1] in ("{", "[")
        parsed = json.loads(value if inline else Path(value).read_text(encoding="utf-8"))
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"neither JSON nor a readable file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError("expected a JSON object")
    return parsed


FULL_SESSIONS = 12
QUICK_SESSIONS = 4


def main(argv: list[str] | None = None) -> int:
    """Generate, run, write the JSON and the report; print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conversations", description=__doc__)
    parser.add_argument("--people", type=int, default=10, help="tenants in the one store (>= 10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sessions", type=int, default=None, help="sessions per person")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SESSIONS} sessions/person")
    parser.add_argument(
        "--alone", type=int, default=None, help="tenants also measured alone (default all; quick 2)"
    )
    parser.add_argument(
        "--reuse-wording",
        type=float,
        default=REUSE_WORDING,
        help="chance a question reuses an evidence word when a wording can (default 0.65)",
    )
    parser.add_argument("--out", default=None, help="result file stem (default conversations)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--dump", type=Path, default=None, help="also write the dataset JSON here")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the store here; reuse graphs already ingested from the same dataset",
    )
    parser.add_argument(
        "--search",
        type=json_arg,
        default=None,
        help="SearchConfig fields for graphmem, JSON (default: the engine defaults)",
    )
    parser.add_argument(
        "--variants",
        type=json_arg,
        default=None,
        help='name -> SearchConfig fields, JSON or a JSON file: {"nb": {"neighbour_weight": 1}}',
    )
    args = parser.parse_args(argv)
    for name, fields in (args.variants or {}).items():
        if not isinstance(fields, dict):
            parser.error(f"--variants: {name!r} must map to an object of SearchConfig fields")
    sessions = args.sessions or (QUICK_SESSIONS if args.quick else FULL_SESSIONS)
    alone = args.alone if args.alone is not None else (2 if args.quick else args.people)
    stem = args.out or ("conversations_quick" if args.quick else "conversations")
    dataset = generate(
        seed=args.seed, people=args.people, sessions=sessions, reuse_wording=args.reuse_wording
    )
    if args.dump:
        args.dump.write_text(json.dumps(dataset.to_dict(), indent=1) + "\n", encoding="utf-8")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from benchmarks.conversations._run import run

    command = "python -m benchmarks.conversations " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    result = run(
        dataset,
        alone=min(alone, args.people),
        command=command.strip(),
        data_dir=args.data_dir,
        search=args.search,
        variants=args.variants,
    )
    write_json(args.results_dir / f"{stem}.json", result)
    report = render(result)
    (args.results_dir / f"{stem}.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
