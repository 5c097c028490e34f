"""``graphmem mcp``: the official ``mcp`` client talks to a real server subprocess over stdio."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp", reason="needs the mcp extra: pip install -e '.[mcp]'")

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from graphmem.store._embedded import EmbeddedFalkorDB

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"add", "search", "get_all", "update", "delete", "history", "neighbors"}


def _answer() -> dict[str, Any]:
    return {
        "entities": [
            {"name": "Alice", "type": "Person", "aliases": []},
            {"name": "Bob", "type": "Person", "aliases": []},
            {"name": "Lisbon", "type": "Place", "aliases": []},
        ],
        "relations": [
            {
                "subject": "Alice",
                "predicate": "KNOWS",
                "object": "Bob",
                "fact": "Alice knows Bob.",
                "valid_from": None,
            },
            {
                "subject": "Bob",
                "predicate": "LIVES_IN",
                "object": "Lisbon",
                "fact": "Bob lives in Lisbon.",
                "valid_from": "2020-01-01T00:00:00Z",
            },
        ],
        "facts": [],
    }


def _serve(
    tmp_path: Path, *extra: str
) -> Callable[[Callable[[ClientSession], Awaitable[None]]], None]:
    script = tmp_path / "llm.json"
    script.write_text(json.dumps([_answer()]))
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "graphmem",
            "mcp",
            "--data-dir",
            str(tmp_path / "data"),
            "--llm-script",
            str(script),
            *extra,
        ],
        env={"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "GRAPHMEM_USER_ID": "alice"},
        cwd=str(ROOT),
    )

    def run(body: Callable[[ClientSession], Awaitable[None]]) -> None:
        async def session() -> None:
            async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
                await s.initialize()
                await body(s)

        try:
            asyncio.run(asyncio.wait_for(session(), 180))
        finally:
            with EmbeddedFalkorDB(str(tmp_path / "data")):
                pass  # a last lease: releasing it stops the server the subprocess left

    return run


def _field(result: Any, snake: str, camel: str) -> Any:
    """mcp 2.x names fields in snake_case, mcp 1.x in camelCase."""
    return getattr(result, snake) if hasattr(result, snake) else getattr(result, camel)


def _data(result: Any) -> dict[str, Any]:
    assert not _field(result, "is_error", "isError"), result.content
    content = _field(result, "structured_content", "structuredContent")
    if content is not None:
        return content.get("result", content) if set(content) == {"result"} else content
    return json.loads(result.content[0].text)


def _error_text(result: Any) -> str:
    assert _field(result, "is_error", "isError")
    return " ".join(getattr(block, "text", "") for block in result.content)


def test_tools_over_stdio(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> None:
        tools = await session.list_tools()
        assert {tool.name for tool in tools.tools} == TOOLS
        added = _data(
            await session.call_tool(
                "add",
                {
                    "text": "Alice knows Bob, who lives in Lisbon.",
                    "occurred_at": "2024-01-01T00:00:00Z",
                },
            )
        )
        assert {e["memory"] for e in added["results"]} == {
            "Alice knows Bob.",
            "Bob lives in Lisbon.",
        }
        found = _data(await session.call_tool("search", {"query": "Where does Bob live?"}))
        assert found["results"][0]["memory"] == "Bob lives in Lisbon."
        past = _data(
            await session.call_tool(
                "search", {"query": "Where does Bob live?", "as_of": "2019-01-01T00:00:00Z"}
            )
        )
        assert "Bob lives in Lisbon." not in [r["memory"] for r in past["results"]]
        # The server's default scope is alice; another user sees nothing.
        other = _data(await session.call_tool("get_all", {"user_id": "mallory"}))
        assert other["results"] == []
        listed = _data(await session.call_tool("get_all", {}))
        by_text = {m["memory"]: m["id"] for m in listed["results"]}
        near = _data(await session.call_tool("neighbors", {"entity": "Alice", "hops": 2}))
        assert {(r["source"], r["relationship"], r["destination"]) for r in near["relations"]} == {
            ("Alice", "KNOWS", "Bob"),
            ("Bob", "LIVES_IN", "Lisbon"),
        }
        fact_id = by_text["Alice knows Bob."]
        updated = _data(
            await session.call_tool(
                "update", {"memory_id": fact_id, "text": "Alice knows Bob well."}
            )
        )
        assert updated["event"] == "UPDATE"
        events = _data(await session.call_tool("history", {"memory_id": fact_id}))["events"]
        assert [e["event"] for e in events] == ["ADD", "UPDATE"]
        assert _data(await session.call_tool("delete", {"memory_id": fact_id}))
        missing = await session.call_tool("history", {"memory_id": "no-such-id"})
        assert _data(missing)["events"] == []
        bad = await session.call_tool("search", {"query": "x", "hops": 9})
        assert "InputError" in _error_text(bad)

    _serve(tmp_path)(body)


def test_locked_scope_rejects_other_users(tmp_path: Path) -> None:
    async def body(session: ClientSession) -> None:
        denied = await session.call_tool("get_all", {"user_id": "mallory"})
        assert "ScopeError" in _error_text(denied)
        assert _data(await session.call_tool("get_all", {"user_id": "alice"}))["results"] == []

    _serve(tmp_path, "--lock-scope")(body)
