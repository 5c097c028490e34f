"""The one place Cypher text is read: named ``.cypher`` files, loaded once, looked up by name.

Layout (shipped in the wheel as ``graphmem/_cypher``; ``cypher/`` at the top of a source tree):

    cypher/common/<area>/<name>.cypher     runs unchanged on every backend; name "<area>/<name>"
    cypher/neo4j/<area>/<name>.cypher      Neo4j only (vector and full-text calls, index DDL)
    cypher/falkordb/<area>/<name>.cypher   FalkorDB only (vecf32, db.idx.*, index DDL)
    cypher/browser/                        Neo4j Browser material, not statements

A name is either common or has a file in every dialect folder, never both (tests check this,
that every common statement passes Neo4j's linter and FalkorDB's planner, and that the
dialect variants of a name take the same ``$params``).

A file starts with ``//`` header lines naming its ``$params`` and returned columns; they are
stripped before execution. Three kinds of placeholder may appear, and :meth:`QueryCatalog.render`
fills them only from closed sets or through :func:`cypher_identifier`:

* ``{{scope x}}``: equality predicates on the scope ids given (``x.user_id = $user_id AND ...``);
  equality (not ``$p IS NULL OR ...``) so that range indexes are used.
* ``{{entity_scope x}}``: the same for entities, which live in the user/agent scope (no run).
* ``{{label}}`` / ``{{rel_type}}``: a validated, backticked label or relationship type.

Write plans are composed from ``write/*`` fragments that read their rows from a variable
``rows``: :meth:`QueryCatalog.compose` chains them into one statement (one transaction on every
backend; FalkorDB rolls a failing statement back as a whole).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from graphmem._identifiers import cypher_identifier
from graphmem.errors import QueryError

__all__ = ["COMMON", "DIALECTS", "QueryCatalog", "Segment", "cypher_root", "query_catalog"]

DIALECTS = ("falkordb", "neo4j")
COMMON = "common"
SCOPE_FIELDS = ("user_id", "agent_id", "run_id")

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)(?:\s+(\w+))?\s*\}\}")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def cypher_root() -> Traversable:
    """Where the ``.cypher`` files are: inside the installed package, else the source tree."""
    packaged = resources.files("graphmem").joinpath("_cypher")
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[2] / "cypher"
    if source.is_dir():
        return source
    raise QueryError("graphmem's cypher/ folder is missing from this installation")


def _walk(root: Traversable, prefix: str = "") -> Iterable[tuple[str, Traversable]]:
    for child in root.iterdir():
        if child.is_dir():
            yield from _walk(child, f"{prefix}{child.name}/")
        elif child.name.endswith(".cypher"):
            yield f"{prefix}{child.name[: -len('.cypher')]}", child


def _read_folder(root: Traversable, folder: str) -> dict[str, str]:
    """The statements below ``root/folder``, by name relative to it."""
    path = root.joinpath(folder)
    if not path.is_dir():
        return {}
    return {name: file.read_text(encoding="utf-8") for name, file in _walk(path)}


def _strip_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class Segment:
    """One write fragment of a composed statement, with its rows and identifiers."""

    name: str
    rows: Sequence[Mapping[str, object]]
    identifiers: Mapping[str, str] = field(default_factory=dict)


class QueryCatalog:
    """Every statement of one dialect, by name.

    Example:
        >>> catalog = query_catalog("falkordb")
        >>> text = catalog.render("facts/get")
    """

    def __init__(self, dialect: str, root: Traversable | None = None) -> None:
        if dialect not in DIALECTS:
            raise QueryError(f"unknown Cypher dialect {dialect!r}; expected one of {DIALECTS}")
        self.dialect = dialect
        root = root or cypher_root()
        common = _read_folder(root, COMMON)
        own = _read_folder(root, dialect)
        both = sorted(set(common) & set(own))
        if both:
            raise QueryError(f"{both} are in cypher/{COMMON}/ and in cypher/{dialect}/: pick one")
        self.common_names = frozenset(common)
        """Statements that run unchanged on every backend (``cypher/common/``)."""
        self.dialect_names = frozenset(own)
        """Statements written for this dialect only (``cypher/<dialect>/``)."""
        self._raw = {**common, **own}
        self._text = {name: _strip_comments(text) for name, text in self._raw.items()}

    def names(self) -> list[str]:
        """Every statement name available in this dialect."""
        return sorted(self._text)

    def raw(self, name: str) -> str:
        """The file text, header comments included."""
        return self._raw[self._checked(name)]

    def params(self, name: str) -> set[str]:
        """The ``$parameters`` a statement reads."""
        return set(_PARAM.findall(self._text[self._checked(name)]))

    def render(
        self,
        name: str,
        *,
        scope_fields: Iterable[str] = (),
        identifiers: Mapping[str, str] | None = None,
    ) -> str:
        """The executable text of ``name`` with its placeholders filled.

        Args:
            name: statement name, e.g. ``"facts/get"``.
            scope_fields: the scope ids the caller gave (a subset of user_id, agent_id, run_id).
            identifiers: values for ``{{label}}``/``{{rel_type}}``; validated here.

        Raises:
            QueryError: unknown name, or a placeholder left without a value.
            InvalidIdentifierError: an identifier failed validation.
        """
        return _render(self._text[self._checked(name)], tuple(scope_fields), identifiers or {})

    def compose(self, segments: Sequence[Segment]) -> tuple[str, dict[str, object]]:
        """Chain write fragments into one statement; returns its text and parameters.

        Each fragment reads ``rows``; segment *i* binds it from ``$s{i}``. ``WITH count(*)``
        between fragments always yields one row, so an empty segment never stops the rest.
        """
        parts: list[str] = []
        params: dict[str, object] = {}
        for index, segment in enumerate(segments):
            body = self.render(segment.name, identifiers=segment.identifiers)
            parts.append(f"WITH $s{index} AS rows\n{body}\nWITH count(*) AS _")
            params[f"s{index}"] = list(segment.rows)
        parts.append("RETURN 1 AS ok")
        return "\n".join(parts), params

    def _checked(self, name: str) -> str:
        if name not in self._text:
            raise QueryError(f"no Cypher statement named {name!r} for {self.dialect}")
        return name


def _scope_predicate(variable: str, fields: tuple[str, ...], *, entity: bool) -> str:
    if not variable.isidentifier():
        raise QueryError(f"bad variable {variable!r} in a scope placeholder")
    chosen = [f for f in SCOPE_FIELDS if f in fields]
    if entity and ("user_id" in chosen or "agent_id" in chosen):
        chosen = [f for f in chosen if f != "run_id"]
    if not chosen:
        raise QueryError("a scoped statement was rendered without any scope id")
    return "(" + " AND ".join(f"{variable}.{f} = ${f}" for f in chosen) + ")"


@lru_cache(maxsize=2048)
def _render_cached(
    text: str, fields: tuple[str, ...], identifiers: tuple[tuple[str, str], ...]
) -> str:
    values = dict(identifiers)

    def fill(match: re.Match[str]) -> str:
        kind, argument = match.group(1), match.group(2)
        if kind in ("scope", "entity_scope"):
            return _scope_predicate(argument or "", fields, entity=kind == "entity_scope")
        if kind == "label":
            return cypher_identifier(values.get("label"), kind="label")
        if kind == "rel_type":
            return cypher_identifier(values.get("rel_type"), kind="type")
        raise QueryError(f"unknown placeholder {{{{{kind}}}}}")

    return _PLACEHOLDER.sub(fill, text)


def _render(text: str, fields: tuple[str, ...], identifiers: Mapping[str, str]) -> str:
    return _render_cached(text, fields, tuple(sorted(identifiers.items())))


@cache
def query_catalog(dialect: str) -> QueryCatalog:
    """The loaded catalog of a dialect, read from disk once per process."""
    return QueryCatalog(dialect)
