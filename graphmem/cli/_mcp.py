"""``mcp``: serve memory to MCP clients (agent desktops, editors) over stdio."""

from __future__ import annotations

import argparse
from typing import Any

from graphmem.cli._common import EXIT_OK, open_memory


def register(
    commands: Any, common: argparse.ArgumentParser, scoped: argparse.ArgumentParser
) -> None:
    """Add ``mcp`` to the ``graphmem`` parser."""
    mcp = commands.add_parser(
        "mcp",
        parents=[common, scoped],
        help="run the MCP server on stdio (needs graphmem[mcp])",
        description="Serve the tools add, search, get_all, update, delete, history and "
        "neighbors over stdio. --user/--agent/--run set the default scope of every call.",
    )
    mcp.add_argument(
        "--lock-scope",
        action="store_true",
        help="reject calls that name a scope other than the configured one",
    )
    mcp.set_defaults(run=run_mcp)


def run_mcp(args: argparse.Namespace) -> int:
    """``mcp``: blocks until the client closes stdin."""
    from graphmem.mcp_server import serve

    scope = {f"{n}_id": getattr(args, f"{n}_id", None) for n in ("user", "agent", "run")}
    with open_memory(args) as memory:
        serve(memory, scope, lock_scope=args.lock_scope)
    return EXIT_OK
