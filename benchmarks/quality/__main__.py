"""CLI: ``python -m benchmarks.quality --size small|default|large --seed 7 [--live]``.

Writes ``benchmarks/results/quality_<size>.json`` (``quality_<size>_live.json`` with
``--live``) and regenerates ``quality.md`` and ``quality.png`` from every result file there.
Set ``HF_HUB_OFFLINE=1`` (the embedder is loaded from its local wheel).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks._common import RESULTS_DIR


def write_json(path: Path, payload: object) -> None:
    """Write ``payload`` as JSON, one-space indented (the files hold every hit), atomically."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _size(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    parser.add_argument("--size", type=_size, default="small", help="small, default, large or N")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--live",
        action="store_true",
        help="extract and answer with the model at OPENAI_BASE_URL / GRAPHMEM_LLM_MODEL",
    )
    parser.add_argument("--judge", action="store_true", help="live: also grade with an LLM judge")
    parser.add_argument(
        "--no-raw-answers",
        action="store_true",
        help="live: answer from graphmem only (not also from the raw-turn baseline)",
    )
    parser.add_argument("--threshold", type=float, default=0.5, help="abstention probe")
    parser.add_argument("--as-of-samples", type=int, default=24)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--keep-data", action="store_true", help="keep the FalkorDB data dir")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.live and not os.environ.get("GRAPHMEM_LLM_MODEL"):
        parser.error("--live needs GRAPHMEM_LLM_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY)")

    from benchmarks.quality._report import write_reports
    from benchmarks.quality._run import RunOptions, run_quality
    from benchmarks.world import generate_world

    world = generate_world(args.seed, args.size)
    options = RunOptions(
        live=args.live,
        judge=args.judge,
        threshold=args.threshold,
        as_of_samples=args.as_of_samples,
        keep_data=args.keep_data,
        progress=not args.quiet,
        answer_raw_turns=not args.no_raw_answers,
    )
    result = run_quality(world, size=args.size, options=options)
    suffix = "_live" if args.live else ""
    out = args.results_dir / f"quality_{args.size}{suffix}.json"
    write_json(out, result)
    written = [out, *write_reports(args.results_dir)]
    for row in result["targets"]:
        mark = "PASS" if row["pass"] else "MISS"
        print(f"{mark}  {row['label']}: {row['value']} (target {row['target']})")
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
