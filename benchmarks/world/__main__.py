"""Command line: write a generated world as JSON.

``python -m benchmarks.world --seed 7 --size small --out /tmp/world.json`` writes the world
(sessions with per-add ground truth, questions, truth tables) and prints its counts to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ._world import SIZES, SizeName, generate_world

__all__ = ["main"]


def _size(text: str) -> SizeName | int:
    if text in SIZES:
        return text  # type: ignore[return-value]
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size must be one of {sorted(SIZES)} or a number of people"
        ) from None


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the world, write it; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.world", description=__doc__)
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--size", type=_size, default="default", help="small, default, large or a people count"
    )
    parser.add_argument("--users", type=int, default=None, help="override the number of scopes")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: stdout)")
    parser.add_argument("--stats", action="store_true", help="only print the counts")
    args = parser.parse_args(argv)
    world = generate_world(args.seed, args.size, users=args.users)
    if not args.stats:
        if args.out is None:
            world.write_json(sys.stdout)
        else:
            with args.out.open("w", encoding="utf-8") as fp:
                world.write_json(fp)
    print(json.dumps(world.stats(), indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
