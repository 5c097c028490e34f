"""``graphmem``: remember, search, inspect and export agent memory from the shell.

Exit codes: 0 ok; 1 error (store, model, input); 2 usage (bad arguments); 3 not found;
4 finished with problems (some imported items failed, or ``doctor`` found a problem);
130 interrupted (Ctrl-C; ``add``/``import`` resume where they stopped when run again).

Scope: ``--user/--agent/--run``, defaulting to ``GRAPHMEM_USER_ID``/``GRAPHMEM_AGENT_ID``/
``GRAPHMEM_RUN_ID``. Store and model: the ``GRAPHMEM_*`` variables of ``Memory()``
(``--data-dir``/``--graph`` override the embedded store's).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from graphmem.cli._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    common_options,
    scope_options,
)

__all__ = ["main"]

EPILOG = """exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 finished with problems,
130 interrupted. Run 'graphmem <command> --help' for a command's options."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every subcommand has ``--help``)."""
    from graphmem import __version__
    from graphmem.cli import _doctor, _export, _mcp, _memory_cmds

    parser = argparse.ArgumentParser(
        prog="graphmem",
        description="Knowledge-graph memory for LLM agents, from the shell.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"graphmem {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = common_options()
    scoped = scope_options()

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="remember a short story and answer questions, offline",
        description="Remember a short story (recorded LLM answers) and answer questions.",
    )
    demo.set_defaults(run=_run_demo)
    _memory_cmds.register(commands, common, scoped)
    _export.register(commands, common, scoped)
    _doctor.register(commands, common)
    _mcp.register(commands, common, scoped)
    return parser


def _run_demo(args: argparse.Namespace) -> int:
    from graphmem._demo import run_demo

    run_demo(args.data_dir)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``graphmem`` command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help/--version: 0, bad usage: 2
        return int(exit_.code or 0)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("graphmem.llm").setLevel(logging.ERROR)
    from graphmem.errors import GraphMemError, InputError, NotFoundError, ScopeError

    try:
        return int(args.run(args))
    except CliError as error:
        print(f"graphmem {args.command}: {error}", file=sys.stderr)
        return error.code
    except NotFoundError as error:
        print(f"graphmem {args.command}: {error}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except (InputError, ScopeError) as error:
        print(f"graphmem {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, ScopeError) else EXIT_ERROR
    except GraphMemError as error:
        print(f"graphmem {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"graphmem {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
