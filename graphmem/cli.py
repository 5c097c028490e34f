"""``python -m graphmem``: the offline demo (more commands may follow)."""

from __future__ import annotations

import argparse
import logging
import os

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``graphmem`` command."""
    parser = argparse.ArgumentParser(prog="graphmem", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="remember a short story and answer questions, offline")
    demo.add_argument(
        "--data-dir", help="embedded FalkorDB data directory (default: user data dir)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("graphmem.llm").setLevel(logging.ERROR)
    from graphmem._demo import run_demo

    run_demo(args.data_dir)
    return 0
