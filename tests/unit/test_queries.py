"""The Cypher catalog: names used by code exist, dialects agree, placeholders are closed sets."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import graphmem
from graphmem import InvalidIdentifierError, QueryError
from graphmem.store._base import FALKORDB_DIALECT, NEO4J_DIALECT
from graphmem.store._queries import DIALECTS, QueryCatalog, Segment, cypher_root, query_catalog

PACKAGE = Path(graphmem.__file__).resolve().parent
LOADER = PACKAGE / "store" / "_queries.py"
STATEMENT_NAME = re.compile(r"(write|facts|entities|episodes|history|search|schema|admin)/[a-z_]+")
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# A Cypher keyword that starts a clause, then something only a statement has after it.
CYPHER_CLAUSE = re.compile(r"\b(?:MATCH |MERGE |UNWIND |DETACH DELETE)")
CYPHER_BODY = re.compile(r"\b(?:RETURN|SET|CREATE|DELETE|WHERE|WITH)\b|\$\w|\(\w*(?::\w+)?\)")


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _string_literals(path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line, text, is_docstring) of every string literal; f-strings give their fixed parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = _docstring_nodes(tree)
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant)]
            inside_fstrings.update(id(v) for v in parts)
            yield node.lineno, "".join(str(v.value) for v in parts), False
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings
        ):
            yield node.lineno, node.value, id(node) in docstrings


def _names_used_by_code() -> dict[str, str]:
    used: dict[str, str] = {}
    for path in _python_files():
        for line, text, _ in _string_literals(path):
            if STATEMENT_NAME.fullmatch(text):
                used.setdefault(text, f"{path.relative_to(PACKAGE.parent)}:{line}")
    return used


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def _other(dialect: str) -> str:
    return next(other for other in DIALECTS if other != dialect)


def _return_columns(text: str) -> list[str]:
    """The column names of the last RETURN clause (alias, else the bare expression)."""
    clause = re.split(r"\bRETURN\b", _body(text))[-1]
    clause = re.split(r"\b(?:ORDER BY|LIMIT|SKIP)\b", clause)[0]
    columns, depth, current = [], 0, ""
    for char in clause:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            columns.append(current)
            current = ""
        else:
            current += char
    columns.append(current)
    names = []
    for column in columns:
        alias = re.search(r"\bAS\s+(\w+)\s*$", column.strip())
        names.append(alias.group(1) if alias else column.strip())
    return names


# -- names ---------------------------------------------------------------------------------
def test_the_code_uses_statement_names() -> None:
    used = _names_used_by_code()
    assert {"facts/get", "write/fact_create", "search/vector_facts", "admin/reset"} <= set(used)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_name_the_code_uses_exists(dialect: str) -> None:
    names = set(query_catalog(dialect).names())
    if dialect == "falkordb":
        names |= VECTOR_INDEX_ONLY  # never run on FalkorDB (see below)
    missing = {name: where for name, where in _names_used_by_code().items() if name not in names}
    assert missing == {}


# Approximate (HNSW) vector lookups: only a store with Dialect.vector_index runs them, and
# FalkorDB keeps no such index (its lookups are the exact scoped *_exact statements).
VECTOR_INDEX_ONLY = {"search/vector_facts", "search/vector_entities"}


def test_every_dialect_specific_statement_exists_in_every_dialect() -> None:
    falkordb, neo4j = query_catalog("falkordb"), query_catalog("neo4j")
    assert not FALKORDB_DIALECT.vector_index and NEO4J_DIALECT.vector_index
    assert neo4j.dialect_names - falkordb.dialect_names == VECTOR_INDEX_ONLY
    assert falkordb.dialect_names <= neo4j.dialect_names
    assert falkordb.common_names == neo4j.common_names
    assert not falkordb.common_names & falkordb.dialect_names


def test_what_needs_vecf32_and_procedures_is_dialect_specific() -> None:
    specific = query_catalog("falkordb").dialect_names
    assert {
        "search/vector_facts_exact",
        "search/fulltext_facts",
        "write/fact_embedding",
    } <= specific


def _variants() -> list[tuple[str, str]]:
    return [
        (dialect, name)
        for dialect in DIALECTS
        for name in sorted(query_catalog(dialect).dialect_names - VECTOR_INDEX_ONLY)
        if not name.startswith("schema/")
    ]


@pytest.mark.parametrize(("dialect", "name"), _variants())
def test_dialect_variants_take_the_same_params(dialect: str, name: str) -> None:
    assert query_catalog(dialect).params(name) == query_catalog(_other(dialect)).params(name)


@pytest.mark.parametrize(
    ("dialect", "name"),
    # write fragments return nothing; compose() adds the only RETURN
    [(dialect, name) for dialect, name in _variants() if not name.startswith("write/")],
)
def test_dialect_variants_return_the_same_columns(dialect: str, name: str) -> None:
    other = query_catalog(_other(dialect)).raw(name)
    assert _return_columns(query_catalog(dialect).raw(name)) == _return_columns(other)


def _all_files() -> list[tuple[str, str]]:
    """Every statement file the catalog loads (browser/ holds Neo4j Browser material, not these)."""
    root = Path(str(cypher_root()))
    return [
        (str(path.relative_to(root)), path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.cypher"))
        if path.relative_to(root).parts[0] != "browser"
    ]


@pytest.mark.parametrize(("path", "text"), _all_files(), ids=lambda v: v[:40])
def test_every_file_has_a_header_naming_its_params(path: str, text: str) -> None:
    assert text.startswith("//"), f"{path} has no header comment"
    header = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("//"))
    for param in set(PARAM.findall(_body(text))):
        assert f"${param}" in header, f"{path}: ${param} is not named in the header"


def test_no_cypher_in_python_outside_the_loader() -> None:
    offenders = []
    for path in _python_files():
        if path == LOADER:
            continue
        for line, text, is_docstring in _string_literals(path):
            if is_docstring:
                continue
            if CYPHER_CLAUSE.search(text) and CYPHER_BODY.search(text):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {text[:60]!r}")
    assert offenders == []


def test_the_cypher_detector_detects_cypher() -> None:
    samples = [
        "MATCH (f:Fact) RETURN f",
        "UNWIND $rows AS row MERGE (n:Entity {key: row.key})",
        "MATCH (n) DETACH DELETE n",
    ]
    assert all(CYPHER_CLAUSE.search(s) and CYPHER_BODY.search(s) for s in samples)
    prose = "answer ADD, MERGE (same fact) or NOOP"
    assert not (CYPHER_CLAUSE.search(prose) and CYPHER_BODY.search(prose))


# -- rendering -----------------------------------------------------------------------------
@pytest.fixture
def tiny_catalog(tmp_path: Path) -> QueryCatalog:
    files = {
        "t/scoped.cypher": "// params: scope ids\nMATCH (f:Fact) WHERE {{scope f}} RETURN f",
        "t/entity.cypher": "// scope ids\nMATCH (n:Entity) WHERE {{entity_scope n}} RETURN n",
        "t/label.cypher": "// rows\nUNWIND rows AS row CREATE (n:{{label}})",
        "t/rel.cypher": "// rows\nUNWIND rows AS row MATCH (a), (b) CREATE (a)-[:{{rel_type}}]->()",
        "t/unknown.cypher": "// nothing\nMATCH (n) WHERE {{bogus n}} RETURN n",
        "t/badvar.cypher": "// nothing\nMATCH (n) WHERE {{scope 1n}} RETURN n",
        "t/novar.cypher": "// nothing\nMATCH (n) WHERE {{scope}} RETURN n",
    }
    for name, text in files.items():
        path = tmp_path / "common" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return QueryCatalog("neo4j", root=tmp_path)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (("user_id",), "(f.user_id = $user_id)"),
        (("agent_id",), "(f.agent_id = $agent_id)"),
        (("run_id",), "(f.run_id = $run_id)"),
        (("run_id", "user_id"), "(f.user_id = $user_id AND f.run_id = $run_id)"),
        (
            ("user_id", "agent_id", "run_id"),
            "(f.user_id = $user_id AND f.agent_id = $agent_id AND f.run_id = $run_id)",
        ),
    ],
)
def test_scope_renders_equality_predicates_for_given_fields_only(
    tiny_catalog: QueryCatalog, fields: tuple[str, ...], expected: str
) -> None:
    text = tiny_catalog.render("t/scoped", scope_fields=fields)
    assert text == f"MATCH (f:Fact) WHERE {expected} RETURN f"
    assert "IS NULL" not in text
    for field in {"user_id", "agent_id", "run_id"} - set(fields):
        assert field not in text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (("user_id", "run_id"), "(n.user_id = $user_id)"),
        (("agent_id", "run_id"), "(n.agent_id = $agent_id)"),
        (("run_id",), "(n.run_id = $run_id)"),
        (("user_id", "agent_id"), "(n.user_id = $user_id AND n.agent_id = $agent_id)"),
    ],
)
def test_entity_scope_drops_the_run_unless_it_is_alone(
    tiny_catalog: QueryCatalog, fields: tuple[str, ...], expected: str
) -> None:
    assert tiny_catalog.render("t/entity", scope_fields=fields) == (
        f"MATCH (n:Entity) WHERE {expected} RETURN n"
    )


def test_scope_without_fields_is_refused(tiny_catalog: QueryCatalog) -> None:
    with pytest.raises(QueryError, match="without any scope"):
        tiny_catalog.render("t/scoped")
    with pytest.raises(QueryError):
        tiny_catalog.render("t/scoped", scope_fields=("tenant_id",))


@pytest.mark.parametrize("name", ["t/unknown", "t/badvar", "t/novar"])
def test_bad_placeholders_raise_query_error(tiny_catalog: QueryCatalog, name: str) -> None:
    with pytest.raises(QueryError):
        tiny_catalog.render(name, scope_fields=("user_id",))


def test_unknown_names_raise_query_error(tiny_catalog: QueryCatalog) -> None:
    for call in (tiny_catalog.render, tiny_catalog.raw, tiny_catalog.params):
        with pytest.raises(QueryError, match="no Cypher statement"):
            call("t/missing")
    with pytest.raises(QueryError):
        query_catalog("falkordb").render("facts/nope")
    with pytest.raises(QueryError):
        QueryCatalog("sqlite")


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_layout_says_the_dialect_and_browser_is_not_a_statement(tmp_path: Path) -> None:
    _write_tree(
        tmp_path,
        {
            "common/t/plain.cypher": "// common\nMATCH (f) RETURN f",
            "neo4j/t/scoped.cypher": "// neo4j\nMATCH (f) WHERE {{scope f}} RETURN f",
            "falkordb/t/scoped.cypher": "// falkordb\nMATCH (g) WHERE {{scope g}} RETURN g",
            "browser/style.cypher": "// not a statement\nMATCH (n) RETURN n",
        },
    )
    falkordb = QueryCatalog("falkordb", root=tmp_path)
    neo4j = QueryCatalog("neo4j", root=tmp_path)
    assert falkordb.names() == neo4j.names() == ["t/plain", "t/scoped"]
    assert falkordb.render("t/scoped", scope_fields=("user_id",)).startswith("MATCH (g)")
    assert neo4j.render("t/scoped", scope_fields=("user_id",)).startswith("MATCH (f)")
    assert falkordb.raw("t/scoped").startswith("// falkordb")
    assert falkordb.raw("t/plain") == neo4j.raw("t/plain")
    assert falkordb.dialect_names == {"t/scoped"}
    assert falkordb.common_names == {"t/plain"}


def test_a_statement_is_common_or_dialect_specific_never_both(tmp_path: Path) -> None:
    _write_tree(
        tmp_path,
        {
            "common/t/x.cypher": "// common\nRETURN 1 AS one",
            "falkordb/t/x.cypher": "// falkordb\nRETURN 1 AS one",
        },
    )
    with pytest.raises(QueryError, match="pick one"):
        QueryCatalog("falkordb", root=tmp_path)
    assert QueryCatalog("neo4j", root=tmp_path).names() == ["t/x"]


def test_identifier_placeholders_are_validated(tiny_catalog: QueryCatalog) -> None:
    assert tiny_catalog.render("t/label", identifiers={"label": "Person"}).endswith(
        "CREATE (n:`Person`)"
    )
    assert "[:`LIVES_IN`]" in tiny_catalog.render("t/rel", identifiers={"rel_type": "LIVES_IN"})
    for bad in ("Person) DETACH DELETE (n", "Entity", ""):
        with pytest.raises(InvalidIdentifierError):
            tiny_catalog.render("t/label", identifiers={"label": bad})
    with pytest.raises(InvalidIdentifierError):
        tiny_catalog.render("t/label")
    with pytest.raises(InvalidIdentifierError):
        tiny_catalog.render("t/rel", identifiers={"rel_type": "X]->() DETACH DELETE a//"})


def test_comments_are_stripped_and_params_listed() -> None:
    catalog = query_catalog("falkordb")
    assert catalog.raw("facts/get").startswith("//")
    assert not catalog.render("facts/get").lstrip().startswith("//")
    assert catalog.params("facts/get") == {"id"}
    assert {"vector", "k", "limit", "as_of", "include_history"} == query_catalog("neo4j").params(
        "search/vector_facts"
    )


# -- compose ---------------------------------------------------------------------------------
def test_compose_shape() -> None:
    catalog = query_catalog("falkordb")
    rows0 = [{"id": "e1"}]
    rows2 = [{"scope_key": "k", "key": "alice", "aliases": [], "updated_at": 1, "props": {}}]
    text, params = catalog.compose(
        [
            Segment("write/episode_create", rows0),
            Segment("write/history_create", []),
            Segment("write/entity_upsert", rows2, {"label": "Person"}),
        ]
    )
    assert params == {"s0": rows0, "s1": [], "s2": rows2}
    assert text.startswith("WITH $s0 AS rows\n")
    assert text.index("WITH $s0 AS rows") < text.index("WITH $s1 AS rows")
    assert text.index("WITH $s1 AS rows") < text.index("WITH $s2 AS rows")
    assert text.count("WITH count(*) AS _") == 3
    assert text.endswith("RETURN 1 AS ok")
    assert "n:`Person`" in text
    assert "{{" not in text
    assert "//" not in text


def test_compose_validates_identifiers_and_names() -> None:
    catalog = query_catalog("neo4j")
    with pytest.raises(InvalidIdentifierError):
        catalog.compose([Segment("write/entity_upsert", [{}], {"label": "x`) DELETE n //"})])
    with pytest.raises(QueryError):
        catalog.compose([Segment("write/nope", [{}])])


def test_compose_of_nothing_is_a_no_op_statement() -> None:
    assert query_catalog("neo4j").compose([]) == ("RETURN 1 AS ok", {})


def test_query_catalog_is_loaded_once() -> None:
    assert query_catalog("falkordb") is query_catalog("falkordb")
