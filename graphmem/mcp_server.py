"""graphmem as an MCP server (stdio), for agent desktops and editors: ``graphmem mcp``.

Tools: ``add``, ``search`` (``as_of``, ``include_history``, ``hops``), ``get_all``, ``update``,
``delete``, ``history``, ``neighbors``. Each takes optional ``user_id``/``agent_id``/``run_id``;
missing ones come from the server's default scope (``--user/--agent/--run`` or
``GRAPHMEM_USER_ID``...). With ``lock_scope`` a call may not name another scope (one user's
desktop cannot read another user's memory through the server).

Needs the official ``mcp`` package: ``pip install 'graphmem[mcp]'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphmem.errors import ConfigError, GraphMemError, ScopeError

if TYPE_CHECKING:
    from graphmem._memory import Memory

__all__ = ["build_server", "serve"]

INSTRUCTIONS = (
    "Long-term memory in a knowledge graph. Call search before answering questions about the "
    "user; call add with what the user said after each turn. Facts have validity intervals: "
    "use as_of for 'at that time' questions and include_history for 'before' questions."
)


def _mcp_api() -> tuple[Any, type[Exception]]:
    """The server class and the error type whose message reaches the model (mcp 2.x or 1.x)."""
    try:
        from mcp.server.mcpserver import MCPServer  # mcp 2.x
        from mcp.server.mcpserver.exceptions import ToolError

        return MCPServer, ToolError
    except ImportError:
        try:
            from mcp.server.fastmcp import FastMCP  # type: ignore[attr-defined,unused-ignore]
            from mcp.server.fastmcp.exceptions import (  # type: ignore[import-not-found,unused-ignore]
                ToolError as ToolError1,
            )

            return FastMCP, ToolError1
        except ImportError as exc:
            raise ConfigError(
                "the MCP server needs the 'mcp' package: pip install 'graphmem[mcp]'"
            ) from exc


class _Scopes:
    """The server's default scope, merged with a call's own ids."""

    def __init__(self, default: Mapping[str, str | None], lock: bool) -> None:
        self.default = {k: v for k, v in default.items() if v}
        self.lock = lock

    def __call__(
        self, user_id: str | None, agent_id: str | None, run_id: str | None
    ) -> dict[str, Any]:
        given = {"user_id": user_id, "agent_id": agent_id, "run_id": run_id}
        if self.lock:
            for key, value in given.items():
                if value and value != self.default.get(key):
                    raise ScopeError(f"this server is locked to its configured scope ({key})")
        merged = {**self.default, **{k: v for k, v in given.items() if v}}
        return {k: merged.get(k) for k in given}


def build_server(
    memory: Memory,
    default_scope: Mapping[str, str | None] | None = None,
    *,
    lock_scope: bool = False,
) -> Any:
    """An MCP server (``mcp``'s MCPServer/FastMCP) exposing ``memory`` as tools."""
    scopes = _Scopes(default_scope or {}, lock_scope)
    server_class, tool_error = _mcp_api()
    server = server_class(name="graphmem", instructions=INSTRUCTIONS)

    def _call(run: Any) -> dict[str, Any]:
        """Run a tool; graphmem's typed errors reach the model as a one-line message."""
        try:
            return dict(run())
        except GraphMemError as exc:
            raise tool_error(f"{type(exc).__name__}: {exc}") from exc

    def add(
        text: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        occurred_at: str | None = None,
        infer: bool = True,
    ) -> dict[str, Any]:
        return _call(
            lambda: memory.add(
                text,
                **scopes(user_id, agent_id, run_id),
                occurred_at=_when(occurred_at),
                infer=infer,
            ).to_dict()
        )

    def search(
        query: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 10,
        as_of: str | None = None,
        include_history: bool = False,
        hops: int | None = None,
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            result = memory.search(
                query,
                **scopes(user_id, agent_id, run_id),
                limit=limit,
                as_of=_when(as_of),
                include_history=include_history,
                hops=hops,
            )
            return {
                "results": [hit.to_mem0() for hit in result.hits],
                "relations": [r.model_dump(mode="json") for r in result.relations],
                "context": result.to_context(),
            }

        return _call(run)

    def get_all(
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 100,
        include_expired: bool = False,
    ) -> dict[str, Any]:
        return _call(
            lambda: {
                "results": [
                    f.to_mem0()
                    for f in memory.get_all(
                        **scopes(user_id, agent_id, run_id),
                        limit=limit,
                        include_expired=include_expired,
                    )
                ]
            }
        )

    def update(
        memory_id: str,
        text: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> dict[str, Any]:
        return _call(
            lambda: memory.update(memory_id, text, **scopes(user_id, agent_id, run_id)).model_dump(
                mode="json"
            )
        )

    def delete(
        memory_id: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            memory.delete(memory_id, **scopes(user_id, agent_id, run_id))
            return {"deleted": memory_id}

        return _call(run)

    def history(
        memory_id: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
    ) -> dict[str, Any]:
        return _call(
            lambda: {
                "events": [
                    e.model_dump(mode="json")
                    for e in memory.history(memory_id, **scopes(user_id, agent_id, run_id))
                ]
            }
        )

    def neighbors(
        entity: str,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        hops: int = 1,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        return _call(
            lambda: {
                "relations": [
                    r.model_dump(mode="json")
                    for r in memory.neighbors(
                        entity, **scopes(user_id, agent_id, run_id), hops=hops, as_of=_when(as_of)
                    )
                ]
            }
        )

    server.tool(description="Remember a conversation turn (text). Returns what changed.")(add)
    server.tool(
        description="Search memories (no LLM call). as_of: ISO time to answer for; "
        "include_history: also superseded facts; hops: graph depth 0-4."
    )(search)
    server.tool(description="List the scope's memories, newest first.")(get_all)
    server.tool(description="Replace a memory's text (its history keeps the old text).")(update)
    server.tool(description="Delete a memory for good (right to be forgotten).")(delete)
    server.tool(description="Every change of a memory, oldest first.")(history)
    server.tool(description="Relations within `hops` of an entity (name or alias).")(neighbors)
    return server


def _when(value: str | None) -> Any:
    """ISO strings go to Memory as they are (it parses and validates them)."""
    return value


def serve(
    memory: Memory,
    default_scope: Mapping[str, str | None] | None = None,
    *,
    lock_scope: bool = False,
) -> None:
    """Serve ``memory`` over stdio until the client disconnects."""
    build_server(memory, default_scope, lock_scope=lock_scope).run("stdio")
