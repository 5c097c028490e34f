"""graphmem: a knowledge-graph memory for LLM agents that grows and corrects itself.

Example:
    >>> from graphmem import Memory
    >>> memory = Memory()
    >>> memory.add("I moved to Berlin in March.", user_id="alice")
    >>> memory.search("Where does Alice live?", user_id="alice").to_context()
"""

from __future__ import annotations

from graphmem._async_memory import AsyncMemory
from graphmem._bulk import BulkFailure, BulkResult
from graphmem._memory import Memory
from graphmem._ontology import DEFAULT_ONTOLOGY, EntityType, Ontology, RelationType
from graphmem.config import (
    EmbedderConfig,
    GraphStoreConfig,
    LLMConfig,
    MemoryConfig,
    SearchConfig,
)
from graphmem.errors import (
    ConfigError,
    EmbeddingError,
    ExtractionError,
    GraphMemError,
    InputError,
    InvalidIdentifierError,
    LLMError,
    LLMRateLimitError,
    LLMTimeoutError,
    LLMUnavailableError,
    NotFoundError,
    QueryError,
    SchemaError,
    ScopeError,
    StoreError,
    StoreUnavailableError,
    WriteConflictError,
)
from graphmem.types import (
    AddResult,
    Entity,
    Fact,
    FactList,
    HistoryEvent,
    MemoryEvent,
    Message,
    PathStep,
    Relation,
    Scope,
    SearchHit,
    SearchResult,
)

__all__ = [
    "AddResult",
    "AsyncMemory",
    "BulkFailure",
    "BulkResult",
    "ConfigError",
    "DEFAULT_ONTOLOGY",
    "EmbedderConfig",
    "EmbeddingError",
    "Entity",
    "EntityType",
    "ExtractionError",
    "Fact",
    "FactList",
    "GraphMemError",
    "GraphStoreConfig",
    "HistoryEvent",
    "InputError",
    "InvalidIdentifierError",
    "LLMConfig",
    "LLMError",
    "LLMRateLimitError",
    "LLMTimeoutError",
    "LLMUnavailableError",
    "Memory",
    "MemoryConfig",
    "MemoryEvent",
    "Message",
    "NotFoundError",
    "Ontology",
    "PathStep",
    "QueryError",
    "Relation",
    "RelationType",
    "SchemaError",
    "Scope",
    "ScopeError",
    "SearchConfig",
    "SearchHit",
    "SearchResult",
    "StoreError",
    "StoreUnavailableError",
    "WriteConflictError",
]

__version__ = "0.1.0"

for _name in ("AsyncMemory", "Memory"):
    globals()[_name].__module__ = "graphmem"
