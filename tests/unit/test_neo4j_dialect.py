"""The Neo4j dialect, checked without a Neo4j server.

Every statement of the ``neo4j`` catalog (write fragments as the composed statement the store
runs), and the Browser queries of ``cypher/browser/explore.cypher``, go through Neo4j's own
Cypher linter, ``lintCypherQuery`` from the npm package ``@neo4j-cypher/language-support``
(``tests/tools/lint_cypher.mjs``), with the built-in functions and procedures of a Neo4j 5
server. Only "Parameter $x is not defined." is tolerated, and only for parameters the statement
really has. The checker itself is tested on broken statements and on FalkorDB-only Cypher
(``vecf32``, ``db.idx.*``), which it must reject.

The linter needs Node.js: the npm package is installed into ``tests/tools/node_modules`` on first
use (``npm ci``, npm registry only); without ``node`` these tests skip.

:class:`Neo4jStore` itself is tested with a fake driver: routing, one transaction per write plan,
bootstrap and the error mapping.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import pytest
from neo4j import exceptions as neo4j_errors

from graphmem import ConfigError, QueryError, SchemaError, StoreUnavailableError
from graphmem.store._neo4j import Neo4jStore, map_store_errors
from graphmem.store._queries import QueryCatalog, Segment

TOOLS = Path(__file__).resolve().parents[1] / "tools"
LINTER = TOOLS / "lint_cypher.mjs"
PACKAGE = TOOLS / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"

SCOPE_FIELDS = ("user_id", "agent_id", "run_id")
IDENTIFIERS = {"label": "Person", "rel_type": "LIVES_IN"}
UNDEFINED_PARAMETER = re.compile(r"Parameter \$(\w+) is not defined\.")
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A write plan in the order ingest builds one, so the linter sees every fragment chained.
WRITE_PLAN_ORDER = (
    "write/episode_create",
    "write/entity_upsert",
    "write/entity_aliases",
    "write/entity_embedding",
    "write/fact_create",
    "write/fact_embedding",
    "write/fact_about",
    "write/relation_create",
    "write/fact_merge",
    "write/fact_update",
    "write/fact_supersede",
    "write/history_create",
)

NEO4J = QueryCatalog("neo4j")
FALKORDB = QueryCatalog("falkordb")


# -- statements --------------------------------------------------------------------------------
def _split(text: str) -> list[str]:
    """Statements as the store runs them (schema files hold several, separated by ';')."""
    return [part.strip() for part in text.split(";") if part.strip()]


def _compose(catalog: QueryCatalog, names: list[str]) -> str:
    segments = [Segment(name, [{}], IDENTIFIERS) for name in names]
    return catalog.compose(segments)[0]


def _statements(catalog: QueryCatalog) -> dict[str, str]:
    """Every executable statement of a catalog, by a readable id."""
    out: dict[str, str] = {}
    writes = [name for name in catalog.names() if name.startswith("write/")]
    for name in catalog.names():
        if name in writes:
            out[f"compose[{name}]"] = _compose(catalog, [name])
            continue
        parts = _split(catalog.render(name, scope_fields=SCOPE_FIELDS, identifiers=IDENTIFIERS))
        for index, part in enumerate(parts):
            out[name if len(parts) == 1 else f"{name}#{index + 1}"] = part
    ordered = [name for name in WRITE_PLAN_ORDER if name in writes]
    ordered += [name for name in writes if name not in ordered]
    out["compose[full write plan]"] = _compose(catalog, ordered)
    return out


def _browser_statements() -> dict[str, str]:
    """The queries shipped for Neo4j Browser users (``cypher/browser/*.cypher``, not in the
    catalog): the exploration queries and the guide."""
    out: dict[str, str] = {}
    folder = Path(__file__).resolve().parents[2] / "cypher" / "browser"
    for path in sorted(folder.glob("*.cypher")):
        body = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("//")
        )
        for i, part in enumerate(_split(body)):
            out[f"browser/{path.stem}#{i + 1}"] = part
    return out


NEO4J_STATEMENTS = {**_statements(NEO4J), **_browser_statements()}
BROKEN = {
    "broken: unclosed node pattern": "MATCH (f:Fact WHERE f.id = $id RETURN f",
    "broken: undefined variable": "MATCH (f:Fact) RETURN g.id AS id",
    "broken: APOC is not assumed": "RETURN apoc.text.join(['a', 'b'], ',') AS joined",
}
FALKORDB_ONLY = {
    f"falkordb {name}": text
    for name, text in _statements(FALKORDB).items()
    if name in ("search/vector_facts_exact", "search/score_facts", "compose[write/fact_embedding]")
    or name.startswith(("schema/vector_indexes", "schema/fulltext_indexes", "schema/drop_vector"))
}


# -- the linter --------------------------------------------------------------------------------
def _ensure_linter() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "node is not installed: the Neo4j dialect is checked with Neo4j's Cypher linter "
            "(npm @neo4j-cypher/language-support), which runs on Node.js"
        )
    if not PACKAGE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("node is installed but npm is not: run `npm ci --prefix tests/tools`")
        done = subprocess.run(
            [npm, "ci", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--loglevel=error"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or not PACKAGE.is_file():
            pytest.fail(f"`npm ci --prefix tests/tools` failed:\n{done.stdout}\n{done.stderr}")
    return node


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list[dict[str, Any]]]:
    """Diagnostics of every statement of this module, from one linter process."""
    node = _ensure_linter()
    every = {**NEO4J_STATEMENTS, **BROKEN, **FALKORDB_ONLY}
    items = [{"name": name, "query": query} for name, query in every.items()]
    done = subprocess.run(
        [node, str(LINTER)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"lint_cypher.mjs failed:\n{done.stderr}"
    return {entry["name"]: entry["diagnostics"] for entry in json.loads(done.stdout)}


def _problems(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [
        f"line {d['line']}:{d['character']} {d['message']} [{d['text']}]"
        for d in diagnostics
        if not UNDEFINED_PARAMETER.fullmatch(d["message"])
    ]


@pytest.mark.parametrize("name", sorted(NEO4J_STATEMENTS))
def test_neo4j_statement_passes_neo4j_linter(
    name: str, lint_results: dict[str, list[dict[str, Any]]]
) -> None:
    problems = _problems(lint_results[name])
    assert not problems, f"{name}:\n" + "\n".join(problems) + f"\n---\n{NEO4J_STATEMENTS[name]}"


@pytest.mark.parametrize("name", sorted(NEO4J_STATEMENTS))
def test_only_real_parameters_are_reported_undefined(
    name: str, lint_results: dict[str, list[dict[str, Any]]]
) -> None:
    """The tolerated diagnostics name exactly the statement's own parameters."""
    reported = {
        match.group(1)
        for d in lint_results[name]
        if (match := UNDEFINED_PARAMETER.fullmatch(d["message"]))
    }
    assert reported == set(PARAM.findall(NEO4J_STATEMENTS[name]))


def test_common_and_dialect_statements_are_told_apart() -> None:
    assert FALKORDB.dialect_names <= NEO4J.dialect_names  # + Neo4j's HNSW lookups
    assert NEO4J.common_names == FALKORDB.common_names
    assert NEO4J.common_names  # the lint below covers them: they are Neo4j's statements too


def test_every_statement_and_write_fragment_is_linted() -> None:
    linted = " ".join(NEO4J_STATEMENTS)
    for name in NEO4J.names():
        assert name in linted, name
    assert len([n for n in NEO4J_STATEMENTS if n.startswith("compose[")]) >= 2
    assert any(n.startswith("browser/explore#") for n in NEO4J_STATEMENTS)
    assert sum(n.startswith("browser/guide#") for n in NEO4J_STATEMENTS) == 5


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_linter_rejects_broken_cypher(
    name: str, lint_results: dict[str, list[dict[str, Any]]]
) -> None:
    assert _problems(lint_results[name]), f"the linter accepted {BROKEN[name]!r}"


@pytest.mark.parametrize("name", sorted(FALKORDB_ONLY))
def test_linter_rejects_falkordb_only_cypher(
    name: str, lint_results: dict[str, list[dict[str, Any]]]
) -> None:
    problems = _problems(lint_results[name])
    assert problems, f"the linter accepted FalkorDB-only Cypher:\n{FALKORDB_ONLY[name]}"
    text = FALKORDB_ONLY[name]
    for marker in ("vecf32", "db.idx.vector.queryNodes", "db.idx.fulltext.createNodeIndex"):
        if marker in text:
            assert any(marker in problem for problem in problems), (marker, problems)


def test_falkordb_only_examples_are_present() -> None:
    joined = "\n".join(FALKORDB_ONLY.values())
    assert "vecf32(" in joined
    assert "db.idx.fulltext.createNodeIndex" in joined
    assert "DROP VECTOR INDEX FOR" in joined


# -- Neo4jStore with a fake driver -----------------------------------------------------------
@dataclass
class FakeRecord:
    row: dict[str, Any]

    def data(self) -> dict[str, Any]:
        return dict(self.row)


@dataclass
class FakeResult:
    records: list[FakeRecord]


@dataclass
class Call:
    text: str
    params: dict[str, Any]
    mode: str  # "read", "write" or "autocommit"


@dataclass
class FakeDriver:
    """Answers like ``neo4j.Driver`` for the calls Neo4jStore makes; records every call."""

    answer: Callable[[str, Mapping[str, Any]], list[dict[str, Any]]] = lambda text, params: []
    calls: list[Call] = field(default_factory=list)
    closed: bool = False
    execute_query_bookmark_manager: object = field(default_factory=object)

    def _reply(self, call: Call) -> list[FakeRecord]:
        self.calls.append(call)
        return [FakeRecord(row) for row in self.answer(call.text, call.params)]

    def execute_query(
        self,
        text: str,
        params: dict[str, Any],
        routing_: neo4j.RoutingControl,
        database_: str | None,
    ) -> FakeResult:
        mode = "read" if routing_ == neo4j.RoutingControl.READ else "write"
        return FakeResult(self._reply(Call(text, params, mode)))

    def session(self, *, database: str | None, bookmark_manager: object) -> Any:
        assert bookmark_manager is self.execute_query_bookmark_manager
        driver = self

        class Session:
            def __enter__(self) -> Session:
                return self

            def __exit__(self, *exc: object) -> None:
                return None

            def run(self, text: str, params: dict[str, Any]) -> Iterator[FakeRecord]:
                return iter(driver._reply(Call(text, params, "autocommit")))

        return Session()

    def close(self) -> None:
        self.closed = True


def _store(driver: FakeDriver) -> Neo4jStore:
    return Neo4jStore("bolt://unused:7687", driver=driver)  # type: ignore[arg-type]


def test_reads_go_to_readers_writes_to_the_leader_batches_auto_commit() -> None:
    driver = FakeDriver(answer=lambda text, params: [{"fact": None, "episode_ids": []}])
    store = _store(driver)
    rows = store.run("facts/get", {"id": "f1"})
    store.run("facts/list", {"user_id": "u", "limit": 5}, scope_fields=["user_id"])
    store.run("facts/delete_scope", {"user_id": "u"}, scope_fields=["user_id"])
    store.run("facts/list", {"user_id": "u", "limit": 5}, scope_fields=["user_id"])
    store.run("admin/reset")
    assert rows == [{"fact": None, "episode_ids": []}]
    assert [call.mode for call in driver.calls] == ["read", "read", "write", "read", "autocommit"]
    assert "f.user_id = $user_id" in driver.calls[1].text
    assert "IN TRANSACTIONS" in driver.calls[-1].text


def test_apply_runs_one_composed_write_and_skips_empty_segments() -> None:
    driver = FakeDriver()
    store = _store(driver)
    store.apply([Segment("write/fact_embedding", [])])
    assert driver.calls == []
    row = {"id": "f1", "text": "x", "hash": "h", "updated_at": 1}
    store.apply(
        [
            Segment("write/fact_update", [row]),
            Segment("write/fact_embedding", []),
            Segment("write/fact_embedding", [{"id": "f1", "embedding": [0.1, 0.2]}]),
        ]
    )
    (call,) = driver.calls
    assert call.mode == "write"
    assert call.params == {"s0": [row], "s1": [{"id": "f1", "embedding": [0.1, 0.2]}]}
    assert "vecf32" not in call.text


def _schema_answer(dimension: int | None) -> Callable[[str, Mapping[str, Any]], list[Any]]:
    def answer(text: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if text.startswith("SHOW VECTOR INDEXES"):
            return [] if dimension is None else [{"dimension": dimension}]
        return []

    return answer


def test_bootstrap_creates_every_index_then_checks_the_dimension() -> None:
    driver = FakeDriver(answer=_schema_answer(384))
    _store(driver).bootstrap(384)
    expected = [
        part
        for name in ("schema/indexes", "schema/fulltext_indexes", "schema/vector_indexes")
        for part in _split(NEO4J.render(name))
    ]
    texts = [call.text for call in driver.calls]
    assert texts[: len(expected)] == expected
    assert texts[-1].startswith("SHOW VECTOR INDEXES")
    assert all(call.params == {"dimension": 384} for call in driver.calls[:-1])
    assert any("db.awaitIndexes" in text for text in texts)
    assert all("IF NOT EXISTS" in text for text in texts if text.startswith("CREATE"))


def test_bootstrap_rejects_another_dimension_naming_both() -> None:
    with pytest.raises(SchemaError, match=r"384.*768"):
        _store(FakeDriver(answer=_schema_answer(384))).bootstrap(768)


def test_bootstrap_tolerates_a_concurrent_creation() -> None:
    def answer(text: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if "graphmem_fact_hash" in text:
            raise neo4j_errors.ClientError("An equivalent index already exists")
        return _schema_answer(None)(text, params)

    _store(FakeDriver(answer=answer)).bootstrap(384)


def test_close_leaves_a_borrowed_driver_open_and_refuses_later_calls() -> None:
    driver = FakeDriver()
    store = _store(driver)
    store.close()
    store.close()
    assert not driver.closed
    with pytest.raises(StoreUnavailableError, match="closed"):
        store.run("facts/get", {"id": "x"})


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (neo4j_errors.ServiceUnavailable("down"), StoreUnavailableError),
        (neo4j_errors.SessionExpired("gone"), StoreUnavailableError),
        (neo4j_errors.AuthError("bad password"), StoreUnavailableError),
        (neo4j_errors.DatabaseUnavailable("starting"), StoreUnavailableError),
        (neo4j_errors.CypherSyntaxError("Invalid input"), QueryError),
        (neo4j_errors.ConstraintError("already exists with label"), QueryError),
        (neo4j_errors.ClientError("Type mismatch"), QueryError),
        (neo4j_errors.TransientError("deadlock"), QueryError),
        (neo4j_errors.ConfigurationError("URI scheme 'x' is not supported"), ConfigError),
    ],
)
def test_driver_errors_are_translated_with_the_cause_kept(
    error: Exception, expected: type[Exception]
) -> None:
    def fail(text: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        raise error

    with pytest.raises(expected) as caught:
        _store(FakeDriver(answer=fail)).run("facts/get", {"id": "x"})
    assert caught.value.__cause__ is error
    with pytest.raises(expected), map_store_errors("direct"):
        raise error


def test_constructor_does_no_io() -> None:
    store = Neo4jStore("bolt://127.0.0.1:1", password="unused")
    store.close()
