"""Every read statement in cypher/ (both dialects) filters by scope inside the query.

A statement passes if it has a ``{{scope x}}``/``{{entity_scope x}}`` placeholder or compares a
``scope_key`` with a scope parameter. The only exceptions are listed (and reviewed) below.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graphmem.store._queries import DIALECTS, QueryCatalog, cypher_root

# Reviewed exceptions: schema and admin statements, write fragments (their rows carry the scope
# and they only touch nodes a scoped read chose), and the two documented unscoped by-id reads
# (Memory.get/history without scope ids: ids are random UUIDs, for admin tools), and the write
# clock of one scope (it is keyed by the scope itself and returns only a counter); export
# statements are writes too: `graphmem export --format cypher` replays a scope's rows, read
# through the scoped Memory.graph(), into another database.
ALLOWED_PREFIXES = ("admin/", "schema/", "write/", "export/")
ALLOWED = {"facts/get", "history/list", "scope/clock"}

_SCOPE_PLACEHOLDER = re.compile(r"\{\{\s*(?:scope|entity_scope)\s+\w+\s*\}\}")
_SCOPE_KEY = re.compile(r"scope_key\s*(?:=|:)\s*\$(?:scope_key|fact_scope_key)\b")


def unscoped_reads(catalog: QueryCatalog) -> list[str]:
    """Names of statements that read without a scope predicate."""
    missing = []
    for name in catalog.names():
        if name.startswith(ALLOWED_PREFIXES) or name in ALLOWED:
            continue
        text = catalog._text[name]  # comments stripped: a predicate in a comment does not count
        if not (_SCOPE_PLACEHOLDER.search(text) or _SCOPE_KEY.search(text)):
            missing.append(name)
    return missing


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_read_statement_filters_by_scope(dialect: str) -> None:
    assert unscoped_reads(QueryCatalog(dialect)) == []


@pytest.mark.parametrize(
    ("dialect", "path"),
    [
        ("neo4j", "common/facts/list.cypher"),
        ("neo4j", "common/graph/relations.cypher"),
        ("falkordb", "falkordb/search/vector_facts_exact.cypher"),
        ("neo4j", "common/facts/candidates.cypher"),
    ],
)
def test_a_read_without_its_scope_predicate_is_caught(
    tmp_path: Path, dialect: str, path: str
) -> None:
    root = tmp_path / "cypher"
    shutil.copytree(str(cypher_root()), root)
    file = root / path
    text = file.read_text(encoding="utf-8")
    stripped = _SCOPE_PLACEHOLDER.sub("true", _SCOPE_KEY.sub("true", text))
    assert stripped != text
    file.write_text(stripped, encoding="utf-8")
    name = path.split("/", 1)[1].removesuffix(".cypher")
    assert name in unscoped_reads(QueryCatalog(dialect, root))


def test_scope_placeholder_only_in_a_comment_does_not_count(tmp_path: Path) -> None:
    root = tmp_path / "cypher"
    shutil.copytree(str(cypher_root()), root)
    file = root / "common" / "facts" / "list.cypher"
    file.write_text(
        "// {{scope f}}\n" + _SCOPE_PLACEHOLDER.sub("true", file.read_text()), encoding="utf-8"
    )
    assert "facts/list" in unscoped_reads(QueryCatalog("neo4j", root))
