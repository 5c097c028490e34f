"""Every error graphmem raises, as one tree you can catch at any level.

::

    GraphMemError
    ├── ConfigError                      bad or contradictory settings
    ├── InputError (also ValueError)     bad arguments: messages, scope, ids, text too long
    │   ├── ScopeError                   no user_id/agent_id/run_id, or a malformed one
    │   └── InvalidIdentifierError       a label or relationship type that may not enter Cypher
    ├── NotFoundError (also KeyError)    no memory with that id in that scope
    ├── StoreError                       the graph database
    │   ├── StoreUnavailableError        cannot connect, server died, start-up failed
    │   ├── QueryError                   the database rejected a statement
    │   └── SchemaError                  index/constraint mismatch (e.g. embedding dimension)
    ├── LLMError                         the language model
    │   ├── LLMTimeoutError              retryable
    │   ├── LLMRateLimitError            retryable (429)
    │   ├── LLMUnavailableError          no LLM configured, or a 5xx that outlived the retries
    │   └── ExtractionError              an answer that does not fit the tool contract
    └── EmbeddingError                   the embedding model

Errors from the libraries underneath (redis/FalkorDB, neo4j, openai) are translated at the
boundary with ``raise ... from exc``, so the original stays on ``__cause__``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "EmbeddingError",
    "ExtractionError",
    "GraphMemError",
    "InputError",
    "InvalidIdentifierError",
    "LLMError",
    "LLMRateLimitError",
    "LLMTimeoutError",
    "LLMUnavailableError",
    "NotFoundError",
    "QueryError",
    "SchemaError",
    "ScopeError",
    "StoreError",
    "StoreUnavailableError",
    "WriteConflictError",
]


class GraphMemError(Exception):
    """Base class of every error graphmem raises on purpose."""


class ConfigError(GraphMemError):
    """A setting is missing, malformed or contradicts another."""


class InputError(GraphMemError, ValueError):
    """An argument cannot be accepted (empty or malformed messages, oversized text...)."""


class ScopeError(InputError):
    """No scope id was given, or one is malformed."""


class InvalidIdentifierError(InputError):
    """A label or relationship type failed validation and may not enter a query."""


class NotFoundError(GraphMemError, KeyError):
    """No memory with this id exists (in the caller's scope)."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class StoreError(GraphMemError):
    """The graph database failed."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached or started."""


class QueryError(StoreError):
    """The database rejected or failed a statement."""

    def __init__(self, message: str, *, query_name: str | None = None) -> None:
        super().__init__(message)
        self.query_name = query_name


class WriteConflictError(QueryError):
    """Another writer changed the scope between this write's decision and its write.

    ``Memory`` retries such writes itself (re-reading and re-deciding); callers of the public API
    only see it if a scope stays contended for every attempt.
    """


class SchemaError(StoreError):
    """The database schema does not match this configuration."""


class LLMError(GraphMemError):
    """The language model call failed."""


class LLMTimeoutError(LLMError):
    """The call timed out (retryable)."""


class LLMRateLimitError(LLMError):
    """The provider answered 429 (retryable)."""


class LLMUnavailableError(LLMError):
    """No LLM is configured, or the provider kept failing."""


class ExtractionError(LLMError):
    """The model's answer does not fit the tool contract, even after one corrective retry.

    Attributes:
        errors: the validation errors of the last attempt.
        raw: the raw tool arguments (or text) of the last attempt, truncated to 10 kB.
    """

    def __init__(self, message: str, *, errors: list[Any] | None = None, raw: str = "") -> None:
        super().__init__(message)
        self.errors = errors or []
        self.raw = raw[:10_000]


class EmbeddingError(GraphMemError):
    """The embedding model failed to load or to embed."""
