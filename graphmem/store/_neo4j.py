"""Neo4j backend (5.26 LTS and 2025.x; 5.23+ for ``reset()``) through the official driver.

Statements come from the ``neo4j`` dialect of the catalog. Reads are routed to readers and writes
to the leader through ``Driver.execute_query``, whose managed transactions retry transient errors
and whose driver-wide bookmark manager keeps reads causally after earlier writes (a cluster or
Aura follower never serves a read that misses this process's last write). A statement with
``CALL { ... } IN TRANSACTIONS`` needs an auto-commit transaction and gets one, with the same
bookmark manager.

Vectors are plain lists of floats (no ``vecf32``); Neo4j stores them as float arrays that its
vector indexes read, so no ``db.create.setNodeVectorProperty`` call is needed.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from graphmem.errors import (
    ConfigError,
    QueryError,
    SchemaError,
    StoreUnavailableError,
    WriteConflictError,
)
from graphmem.store._base import NEO4J_DIALECT, Dialect, Row, Vectors
from graphmem.store._queries import QueryCatalog, Segment, query_catalog
from graphmem.store._vector_log import VectorLog
from graphmem.store._vectors import vectors_from_lists

__all__ = ["Neo4jStore", "map_store_errors"]

logger = logging.getLogger("graphmem.store")

_SCHEMA_STATEMENTS = ("schema/indexes", "schema/fulltext_indexes", "schema/vector_indexes")
# A concurrent bootstrap may lose the race between IF NOT EXISTS and the creation.
_ALREADY_EXISTS = ("already exists",)
# Clauses that make a statement a write (comments are stripped by the catalog; graphmem's
# statements hold no such word in a string literal).
_WRITE_CLAUSE = re.compile(
    r"(?<![\w.$`])(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH|DROP|LOAD\s+CSV)\b", re.IGNORECASE
)
_IN_TRANSACTIONS = re.compile(r"\bIN\s+(?:\d+\s+CONCURRENT\s+)?TRANSACTIONS\b", re.IGNORECASE)


@contextlib.contextmanager
def map_store_errors(query_name: str | None = None) -> Iterator[None]:
    """Translate neo4j driver exceptions into graphmem's store errors (the original on
    ``__cause__``)."""
    where = f" in {query_name}" if query_name else ""
    try:
        yield
    except neo4j_errors.AuthError as exc:
        raise StoreUnavailableError(f"Neo4j refused the credentials: {exc}") from exc
    except neo4j_errors.ConfigurationError as exc:
        raise ConfigError(f"invalid Neo4j driver configuration: {exc}") from exc
    except (
        neo4j_errors.ServiceUnavailable,
        neo4j_errors.SessionExpired,
        neo4j_errors.DatabaseUnavailable,
        neo4j_errors.ConnectionPoolError,
        OSError,
    ) as exc:
        raise StoreUnavailableError(f"Neo4j is unreachable: {exc}") from exc
    except neo4j_errors.ConstraintError as exc:
        raise QueryError(
            f"Neo4j rejected a write{where} (constraint): {exc}", query_name=query_name
        ) from exc
    except neo4j_errors.Neo4jError as exc:  # ClientError, CypherSyntaxError, Transient, Database
        if "by zero" in str(exc).lower():  # the scope guard (common/write/scope_guard)
            raise WriteConflictError(
                f"a concurrent write changed the scope{where}", query_name=query_name
            ) from exc
        raise QueryError(
            f"Neo4j rejected a statement{where}: {exc}", query_name=query_name
        ) from exc
    except neo4j_errors.DriverError as exc:
        raise StoreUnavailableError(f"the Neo4j driver failed{where}: {exc}") from exc


@lru_cache(maxsize=512)
def _is_write(text: str) -> bool:
    return _WRITE_CLAUSE.search(text) is not None


@lru_cache(maxsize=512)
def _needs_autocommit(text: str) -> bool:
    return _IN_TRANSACTIONS.search(text) is not None


def _statements(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class Neo4jStore:
    """A graph in a Neo4j database.

    Args:
        uri: ``neo4j://``, ``neo4j+s://`` (clusters, Aura) or ``bolt://`` URI.
        user: user name (ignored without a password).
        password: password; ``None`` connects without authentication.
        database: database name; ``None`` uses the user's home database.
        driver: an existing ``neo4j.Driver`` to use instead of creating one (``uri`` and the
            credentials are then unused); the caller keeps ownership and ``close()`` leaves it
            open.

    Constructors do no I/O: the driver is created, and connectivity checked, on first use.

    Example:
        >>> store = Neo4jStore("bolt://localhost:7687", password="graphmem")
        >>> store.bootstrap(384)
        >>> store.close()
    """

    dialect: Dialect = NEO4J_DIALECT

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
        *,
        driver: neo4j.Driver | None = None,
    ) -> None:
        self._uri = uri
        self._auth = (user, password) if password is not None else None
        self._database = database or None
        self._catalog: QueryCatalog = query_catalog("neo4j")
        self._lock = threading.Lock()
        self._driver: neo4j.Driver | None = driver
        self._owns_driver = driver is None
        self._closed = False

    # -- connection ------------------------------------------------------------------------
    def _connect(self) -> neo4j.Driver:
        with self._lock:
            if self._closed:
                raise StoreUnavailableError("this store is closed")
            if self._driver is None:
                from graphmem import __version__

                with map_store_errors():
                    driver = neo4j.GraphDatabase.driver(
                        self._uri, auth=self._auth, user_agent=f"graphmem/{__version__}"
                    )
                    # Fail fast on a wrong address or password instead of letting the managed
                    # transactions retry for 30 s; later outages are retried (leader changes).
                    try:
                        driver.verify_connectivity()
                    except BaseException:
                        driver.close()
                        raise
                self._driver = driver
            return self._driver

    def _execute(self, text: str, params: Mapping[str, Any], name: str) -> list[Row]:
        driver = self._connect()
        with map_store_errors(name):
            if _needs_autocommit(text):
                with driver.session(
                    database=self._database,
                    bookmark_manager=driver.execute_query_bookmark_manager,
                ) as session:
                    return [record.data() for record in session.run(text, dict(params))]
            routing = neo4j.RoutingControl.WRITE if _is_write(text) else neo4j.RoutingControl.READ
            result = driver.execute_query(
                text, dict(params), routing_=routing, database_=self._database
            )
            return [record.data() for record in result.records]

    # -- GraphStore ------------------------------------------------------------------------
    def run(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        scope_fields: Sequence[str] = (),
    ) -> list[Row]:
        """Run one named statement (read or write, routed accordingly); rows as dicts."""
        text = self._catalog.render(name, scope_fields=scope_fields)
        return self._execute(text, params or {}, name)

    def scalar_rows(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        scope_fields: Sequence[str] = (),
    ) -> list[Row]:
        """As :meth:`run` (the driver's values need no extra parsing)."""
        return self.run(name, params, scope_fields=scope_fields)

    def vectors(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        scope_fields: Sequence[str] = (),
    ) -> Vectors:
        """``id, embedding`` rows as ids and one float32 matrix."""
        rows = self.run(name, params, scope_fields=scope_fields)
        return vectors_from_lists(rows)

    def apply(self, segments: Sequence[Segment]) -> None:
        """One composed statement in one write transaction: all or nothing."""
        live = [segment for segment in segments if segment.rows]
        if not live:
            return
        text, params = self._catalog.compose(live)
        self._execute(text, params, "write-plan")

    def vector_log(self, dimension: int) -> VectorLog | None:
        """None: a shared server's facts change where no local mirror could follow."""
        return None

    def bootstrap(self, dimension: int) -> None:
        """Create constraints and range, full-text and vector indexes (IF NOT EXISTS), wait until
        they are online, then check the vector dimension.

        Raises:
            SchemaError: the existing Fact vector index has another dimension.
        """
        params = {"dimension": int(dimension)}
        for name in _SCHEMA_STATEMENTS:
            for statement in _statements(self._catalog.render(name)):
                try:
                    self._execute(statement, params, name)
                except QueryError as exc:
                    if not any(marker in str(exc).lower() for marker in _ALREADY_EXISTS):
                        raise
                    logger.debug("schema statement of %s already applied: %s", name, exc)
        rows = self.run("schema/vector_dimension")
        existing = rows[0].get("dimension") if rows else None
        if existing is not None and int(existing) != dimension:
            raise SchemaError(
                f"the Fact vector index has dimension {existing}, but the embedder produces "
                f"{dimension}; use another database or drop the fact_embedding and "
                "entity_embedding indexes"
            )

    def drop(self) -> None:
        """Delete every graphmem node and relationship, in batches (used by ``reset()``).

        Other data in the database is left alone, and so are the indexes and constraints
        (``bootstrap`` is idempotent).
        """
        self.run("admin/reset")

    def close(self) -> None:
        """Close the driver and its connections (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            driver, self._driver = self._driver, None
        if driver is not None and self._owns_driver:
            with contextlib.suppress(Exception):
                driver.close()
