"""The ``graphmem`` command end to end, in a temporary data dir (in-process ``main(argv)`` for
most cases, a real subprocess for a few). Offline: ``--no-infer`` or ``--llm-script``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import falkordb
import networkx as nx
import pytest

from graphmem import InputError
from graphmem.cli import main
from graphmem.llm._probe import PROBE_TOOL
from graphmem.store._embedded import EmbeddedFalkorDB
from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
NASTY = 'Alice said "hi" \\ bye\'; MATCH (n) DETACH DELETE n // ü'  # stored as is


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-data")
    yield path
    with EmbeddedFalkorDB(str(path)):
        pass  # a last lease: releasing it stops the server the CLI runs left


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> Any:
    graph = "g_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50]

    def run(*argv: str, graph_name: str = graph) -> tuple[int, str, str]:
        code = main([*argv, "--data-dir", str(data_dir), "--graph", graph_name])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _answer(*relations: tuple[str, str, str, str, str | None]) -> dict[str, Any]:
    names = sorted({r[0] for r in relations} | {r[2] for r in relations})
    return {
        "entities": [
            {"name": n, "type": "Place" if n in {"Berlin", "Lisbon"} else "Person", "aliases": []}
            for n in names
        ],
        "relations": [
            {"subject": s, "predicate": p, "object": o, "fact": f, "valid_from": since}
            for s, p, o, f, since in relations
        ],
        "facts": [],
    }


def test_version_help_and_usage_errors(cli: Any) -> None:
    assert main(["--version"]) == 0
    assert main(["--help"]) == 0
    for command in (
        "add",
        "import",
        "search",
        "get",
        "history",
        "delete",
        "export",
        "stats",
        "doctor",
        "mcp",
        "demo",
    ):
        assert main([command, "--help"]) == 0
    assert main(["frobnicate"]) == 2
    code, _, err = cli("search", "anything")  # no scope anywhere
    assert code == 2 and "--user" in err


def test_add_search_get_history_delete(cli: Any) -> None:
    code, out, _ = cli(
        "add", "I moved to Berlin in 2021.", "--user", "alice", "--no-infer", "--json"
    )
    assert code == 0
    event = json.loads(out)["results"][0]
    memory_id = event["id"]
    code, out, _ = cli("search", "where do I live", "--user", "alice", "--json")
    hits = json.loads(out)["results"]
    assert code == 0 and [h["fact"]["id"] for h in hits] == [memory_id]
    code, out, _ = cli("search", "where do I live", "--user", "bob")
    assert code == 0 and "no memories found" in out  # another scope sees nothing
    code, out, _ = cli("get", memory_id)
    assert code == 0 and "I moved to Berlin in 2021." in out and "user_id=alice" in out
    code, out, _ = cli("history", memory_id, "--json")
    assert code == 0 and [e["event"] for e in json.loads(out)] == ["ADD"]
    code, _, err = cli("get", memory_id, "--user", "bob")
    assert code == 3 and "no memory" in err
    code, _, err = cli("delete", "--all", "--user", "alice")
    assert code == 2 and "--yes" in err
    assert cli("delete", memory_id)[0] == 0
    assert cli("get", memory_id)[0] == 3


def test_add_file_resumes_without_duplicates(cli: Any, tmp_path: Path) -> None:
    turns = tmp_path / "conversation.jsonl"
    lines = [
        {"role": "user", "content": "Alice lives in Berlin."},
        {"role": "user", "content": "Bob lives in Lisbon."},
        {"messages": [{"role": "user", "content": "Carol knows Alice."}]},
        "Dan knows Bob.",
    ]
    turns.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    answers = [
        _answer(("Alice", "LIVES_IN", "Berlin", "Alice lives in Berlin.", None)),
        _answer(("Bob", "LIVES_IN", "Lisbon", "Bob lives in Lisbon.", None)),
        _answer(("Carol", "KNOWS", "Alice", "Carol knows Alice.", None)),
        _answer(("Dan", "KNOWS", "Bob", "Dan knows Bob.", None)),
    ]
    first = tmp_path / "first.json"
    first.write_text(json.dumps(answers[:2]))  # the "model" dies after two turns
    code, out, _ = cli("add", "--file", str(turns), "--user", "u", "--llm-script", str(first))
    assert code == 4 and "2 added" in out and "2 failed" in out and "LLMUnavailableError" in out
    rest = tmp_path / "rest.json"
    rest.write_text(json.dumps(answers[2:]))  # only two answers: a repeat of turn 1 would fail
    code, out, err = cli(
        "add", "--file", str(turns), "--user", "u", "--llm-script", str(rest), "--json"
    )
    assert code == 0, out + err
    summary = json.loads(out)
    assert summary["skipped"] == [0, 1] and summary["added"] == [2, 3]
    code, out, _ = cli("stats", "--user", "u", "--json")
    stats = json.loads(out)
    assert stats["memories"]["current"] == 4
    assert stats["relationships"] == {"KNOWS": 2, "LIVES_IN": 2}
    # Without the checkpoint's start time the same turns are new episodes again:
    code, out, _ = cli(
        "add", "--file", str(turns), "--user", "u", "--no-infer", "--restart", "--json"
    )
    assert code == 0 and json.loads(out)["added"] == [0, 1, 2, 3]


def test_import_many_scopes_and_mem0_export(cli: Any, tmp_path: Path) -> None:
    mem0 = tmp_path / "mem0.json"
    mem0.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "id": "m1",
                        "memory": "Likes green tea",
                        "user_id": "ann",
                        "created_at": "2024-01-02T03:04:05Z",
                    },
                    {"id": "m2", "memory": "Works as a nurse", "user_id": "ben"},
                    {"id": "m3", "memory": "", "user_id": "ben"},
                ]
            }
        )
    )
    code, out, _ = cli("import", str(mem0), "--no-infer", "--json")
    result = json.loads(out)
    assert code == 4 and result["added"] == [0, 1] and result["failed"][0]["index"] == 2
    code, out, _ = cli("search", "tea", "--user", "ann", "--json")
    fact = json.loads(out)["results"][0]["fact"]
    assert fact["text"] == "Likes green tea" and fact["valid_from"].startswith("2024-01-02T03:04")
    code, out, _ = cli("stats", "--user", "ben")
    assert code == 0 and "1 current" in out


def _story(cli: Any, tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps(
            [
                _answer(("Alice", "LIVES_IN", "Berlin", NASTY, "2021-03-01T00:00:00Z")),
                _answer(
                    (
                        "Alice",
                        "LIVES_IN",
                        "Lisbon",
                        "Alice lives in Lisbon.",
                        "2023-09-01T00:00:00Z",
                    ),
                    ("Bob", "KNOWS", "Alice", "Bob knows Alice.", None),
                ),
            ]
        )
    )
    turns = tmp_path / "turns.json"
    turns.write_text(
        json.dumps(
            [
                {"messages": "Alice moved to Berlin.", "occurred_at": "2021-03-10T00:00:00Z"},
                {
                    "messages": "Alice moved to Lisbon; Bob knows her.",
                    "occurred_at": "2023-09-15T00:00:00Z",
                },
            ]
        )
    )
    code, out, err = cli("add", "-f", str(turns), "--user", "alice", "--llm-script", str(script))
    assert code == 0, out + err


def test_search_as_of_history_and_hops(cli: Any, tmp_path: Path) -> None:
    _story(cli, tmp_path)
    code, out, _ = cli("search", "Where does Alice live?", "--user", "alice", "--json")
    texts = [h["fact"]["text"] for h in json.loads(out)["results"]]
    assert "Alice lives in Lisbon." in texts and NASTY not in texts
    code, out, _ = cli(
        "search", "Where does Alice live?", "--user", "alice", "--as-of", "2022-01-01", "--json"
    )
    texts = [h["fact"]["text"] for h in json.loads(out)["results"]]
    assert NASTY in texts and "Alice lives in Lisbon." not in texts
    code, out, _ = cli("search", "Where does Alice live?", "--user", "alice", "--history")
    assert code == 0 and "past" in out and "current" in out
    assert cli("search", "x", "--user", "alice", "--hops", "9")[0] == 1


def test_export_formats_and_cypher_replay(cli: Any, tmp_path: Path, data_dir: Path) -> None:
    _story(cli, tmp_path)
    graphml = tmp_path / "g.graphml"
    code, out, _ = cli("export", "--user", "alice", "--format", "graphml", "-o", str(graphml))
    assert code == 0 and "3 entities" in out  # Alice, Lisbon, Bob (now)
    graph = nx.read_graphml(graphml)
    assert sorted(d["name"] for _, d in graph.nodes(data=True)) == ["Alice", "Bob", "Lisbon"]
    code, out, _ = cli("export", "--user", "alice", "--format", "json", "--history")
    exported = json.loads(out)
    assert {r["type"] for r in exported["relationships"]} == {"LIVES_IN", "KNOWS"}
    assert NASTY in [f["text"] for f in exported["facts"]]
    script = tmp_path / "replay.cypher"
    code, _, _ = cli(
        "export", "--user", "alice", "--format", "cypher", "--history", "-o", str(script)
    )
    assert code == 0
    replayed = _replay(script.read_text(), data_dir)
    assert replayed["texts"] == sorted(["Alice lives in Lisbon.", "Bob knows Alice.", NASTY])
    assert replayed["relations"] == [
        ("Alice", "LIVES_IN", "Berlin"),
        ("Alice", "LIVES_IN", "Lisbon"),
        ("Bob", "KNOWS", "Alice"),
    ]


def _replay(script: str, data_dir: Path) -> dict[str, Any]:
    """Run a ``:param``/statement script as cypher-shell would, on a fresh FalkorDB graph.

    Each ``:param rows => <literal>`` is evaluated by the database itself (``RETURN <literal>``),
    so the test fails if any exported string is not a well-escaped Cypher literal.
    """
    with EmbeddedFalkorDB(str(data_dir)) as server:
        db = falkordb.FalkorDB(unix_socket_path=str(server.socket_path))
        graph = db.select_graph("replay")
        rows: Any = None
        statement: list[str] = []
        for line in script.splitlines():
            if line.startswith("//") or not line.strip():
                continue
            if line.startswith(":param rows => "):
                rows = graph.query("RETURN " + line[len(":param rows => ") :]).result_set[0][0]
                continue
            statement.append(line)
            if line.rstrip().endswith(";"):
                graph.query("\n".join(statement).rstrip(";"), {"rows": rows})
                statement = []
        texts = graph.query("MATCH (f:Fact) RETURN f.text ORDER BY f.text").result_set
        relations = graph.query(
            "MATCH (s:Entity)-[r]->(o:Entity) RETURN s.name, type(r), o.name "
            "ORDER BY s.name, o.name"
        ).result_set
        graph.delete()
    return {"texts": [t[0] for t in texts], "relations": [tuple(r) for r in relations]}


def test_cypher_literals_round_trip_through_a_real_parser(data_dir: Path) -> None:
    from graphmem.cli._export import cypher_literal

    values: list[Any] = [
        NASTY,
        "tab\tnew\nline\r end",
        "back\\slash\\",
        "\\u0041 not an escape",
        "😀 emoji",
        "",
        None,
        True,
        3,
        -2.5,
        [1, "a"],
        {"k": "v'\"", "n": None},
    ]
    with EmbeddedFalkorDB(str(data_dir)) as server:
        graph = falkordb.FalkorDB(unix_socket_path=str(server.socket_path)).select_graph("lit")
        for value in values:
            assert graph.query("RETURN " + cypher_literal(value)).result_set[0][0] == value
        control = "a\x00b\x1fc\x0bd"  # control characters other than \t \n \r are dropped
        assert graph.query("RETURN " + cypher_literal(control)).result_set[0][0] == "abcd"
    with pytest.raises(InputError):
        cypher_literal({"bad key`) DETACH DELETE n //": 1})
    with pytest.raises(InputError):
        cypher_literal(float("nan"))


def test_doctor(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = cli("doctor", "--skip-llm")
    assert code == 0 and "all checks passed" in out and "384 dimensions" in out
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("GRAPHMEM_LLM_MODEL", "fake-model")
    with FakeOpenAIServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        server.queue_tool_call(PROBE_TOOL, {"city": "Lisbon"})
        code, out, _ = cli("doctor", "--json")
        report = json.loads(out)
        assert code == 0 and report["ok"], out
        server.queue_content("Sure! Everything is fine.")
        code, out, _ = cli("doctor")
        assert code == 4 and "no tool call" in out and "fix:" in out
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    code, out, _ = cli("doctor", "--timeout", "2")
    assert code == 4 and "[FAIL] llm endpoint" in out and "OPENAI_BASE_URL" in out


def test_real_process(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "GRAPHMEM_DATA_DIR": str(tmp_path / "d"),
        "GRAPHMEM_USER_ID": "carol",
    }

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "graphmem", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("graphmem ")
    added = run("add", "Carol plays the cello.", "--no-infer")
    assert added.returncode == 0 and "ADD" in added.stdout
    assert "Loading weights" not in added.stderr  # the model loads quietly
    found = run("search", "which instrument?")
    assert found.returncode == 0 and "Carol plays the cello." in found.stdout
    assert run("get", "no-such-id").returncode == 3
    assert run("search").returncode == 2
    with EmbeddedFalkorDB(str(tmp_path / "d")):
        pass  # a last lease: releasing it stops the server the subprocess left
