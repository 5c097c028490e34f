"""Configuration: defaults, ``GRAPHMEM_*`` environment variables, and mem0-style dicts.

Precedence: explicit values (``Memory.from_config``) > environment > defaults.

| setting | variable | default |
|---|---|---|
| graph_store.provider | GRAPHMEM_STORE | ``falkordb`` (embedded) |
| graph_store.data_dir | GRAPHMEM_DATA_DIR | the user data dir (platformdirs) |
| graph_store.url | GRAPHMEM_FALKORDB_URL | none: embedded |
| graph_store.graph | GRAPHMEM_GRAPH | ``graphmem`` |
| graph_store.uri/user/password/database | GRAPHMEM_NEO4J_URI/USER/PASSWORD/DATABASE | neo4j |
| llm.provider | GRAPHMEM_LLM_PROVIDER | ``openai`` (OPENAI_API_KEY, OPENAI_BASE_URL) |
| llm.model | GRAPHMEM_LLM_MODEL | the provider's default |
| embedder.model | GRAPHMEM_EMBEDDER_MODEL | all-MiniLM-L6-v2 (offline) |
| max_text_chars | GRAPHMEM_MAX_TEXT_CHARS | 20000 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graphmem.errors import ConfigError

__all__ = ["EmbedderConfig", "GraphStoreConfig", "LLMConfig", "MemoryConfig", "SearchConfig"]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GraphStoreConfig(_Config):
    """Which graph database, and how to reach it."""

    provider: Literal["falkordb", "neo4j"] = "falkordb"
    data_dir: str | None = Field(default=None, description="Embedded FalkorDB data directory.")
    url: str | None = Field(default=None, description="A running FalkorDB: falkor://host:port.")
    graph: str = Field(default="graphmem", pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    vector_log: bool = True
    """Mirror fact vectors in a file in the embedded data directory, so that a large scope's
    in-process search table loads in about a second after a restart instead of tens of seconds
    of reading vectors back from FalkorDB (embedded FalkorDB only; see ``store/_vector_log``)."""
    uri: str | None = Field(default=None, description="Neo4j bolt/neo4j URI.")
    user: str = "neo4j"
    password: str | None = None
    database: str | None = Field(default=None, description="Neo4j database name.")


class LLMConfig(_Config):
    """Which LLM extracts and resolves memories (``add(infer=True)`` only)."""

    provider: str = "openai"
    config: dict[str, Any] = Field(default_factory=dict)


class EmbedderConfig(_Config):
    """Which embedding model."""

    provider: Literal["sentence_transformers", "huggingface"] = "sentence_transformers"
    model: str | None = None
    threads: int | None = None
    """ONNX Runtime session threads (default 1); for torch, applied process-wide only if set."""
    backend: Literal["auto", "onnx", "torch"] = "auto"
    """``auto``: the shipped MiniLM on ONNX Runtime when installed, else sentence-transformers."""
    quantize: bool = False
    """int8 ONNX weights (faster, slightly different vectors; opt-in)."""


class SearchConfig(_Config):
    """Defaults of ``search()``; see README "Search" for what each knob does."""

    hops: int = Field(default=3, ge=0, le=4)
    fanout: int = Field(default=25, ge=1, le=1_000)
    rrf_k: int = Field(default=10, ge=1)
    graph_weight: float = Field(default=4.0, ge=0.0)
    keyword_weight: float = Field(default=0.5, ge=0.0)
    pagerank_weight: float = Field(default=1.0, ge=0.0)
    mmr_lambda: float | None = Field(default=None, ge=0.0, le=1.0)
    short_turn_words: int = Field(default=5, ge=0, le=50)
    context_turns: int = Field(default=1, ge=0, le=10)
    dense_in_process: bool = True
    """Rank the dense leg in process over the scope's vectors (loaded once per process, in the
    background for large scopes); False: always ask the store (exact scoped query)."""
    dense_cache_mb: int = Field(default=1024, ge=0)
    """Memory for in-process scope vectors (1.5 KB per fact at 384 dimensions); least recently
    searched scopes are dropped beyond it (the scope being searched is always kept)."""
    feedback_weight: float = Field(default=0.0, ge=0.0)
    neighbour_weight: float = Field(default=0.0, ge=0.0)
    graph_in_process: bool = True
    """Walk the scope's entity links in process (read once per process and fact); False: one
    store query per hop (``search/expand``, ``search/entity_facts``)."""
    reply_weight: float = Field(default=0.75, ge=0.0)
    """Every candidate raw turn that asks a question (has a ``?``) lends this share of its fused
    score to the reply right after it (another speaker's next turn); 0 turns it off."""
    name_weight: float = Field(default=0.5, ge=0.0)
    """The first pass's top raw turns (and the questions their replies answer) lend this share
    of their score to the other turns mentioning one of their rare proper names ("so what's
    Camille's job?" -> "met someone at a friend's bbq. Camille."); 0 turns it off."""


class MemoryConfig(_Config):
    """Everything a :class:`~graphmem.Memory` needs; every field has a default."""

    graph_store: GraphStoreConfig = Field(default_factory=GraphStoreConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    embedder: EmbedderConfig = Field(default_factory=EmbedderConfig)
    search: SearchConfig = Field(default_factory=SearchConfig)
    max_text_chars: int = Field(default=20_000, ge=1)
    context_episodes: int = Field(default=3, ge=0, le=50)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MemoryConfig:
        """Defaults overridden by ``GRAPHMEM_*`` variables."""
        return cls.from_dict({}, environ=environ)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
    ) -> MemoryConfig:
        """Build from a mem0-style dict, over the environment and defaults.

        Accepts ``{"graph_store": {"provider": ..., "config": {...}}, "llm": {...},
        "embedder": {...}}`` as mem0 writes it, and flat sections too.

        Raises:
            ConfigError: unknown keys or values of the wrong type.
        """
        merged = _env_layer(os.environ if environ is None else environ)
        for section, value in data.items():
            if isinstance(value, Mapping) and section in ("graph_store", "embedder"):
                flat = {k: v for k, v in value.items() if k != "config"}
                flat.update(value.get("config") or {})
                if section == "embedder" and "model" not in flat and "model_name" in flat:
                    flat["model"] = flat.pop("model_name")
                merged.setdefault(section, {}).update(flat)
            elif isinstance(value, Mapping) and section in ("llm", "search"):
                merged.setdefault(section, {}).update(value)
            else:
                merged[section] = value
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise ConfigError(f"invalid graphmem configuration: {exc}") from exc


def _env_layer(env: Mapping[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    store: dict[str, Any] = {}
    for variable, key in (
        ("GRAPHMEM_STORE", "provider"),
        ("GRAPHMEM_DATA_DIR", "data_dir"),
        ("GRAPHMEM_FALKORDB_URL", "url"),
        ("GRAPHMEM_GRAPH", "graph"),
        ("GRAPHMEM_NEO4J_URI", "uri"),
        ("GRAPHMEM_NEO4J_USER", "user"),
        ("GRAPHMEM_NEO4J_PASSWORD", "password"),
        ("GRAPHMEM_NEO4J_DATABASE", "database"),
    ):
        if env.get(variable):
            store[key] = env[variable]
    if store:
        layer["graph_store"] = store
    llm: dict[str, Any] = {}
    if env.get("GRAPHMEM_LLM_PROVIDER"):
        llm["provider"] = env["GRAPHMEM_LLM_PROVIDER"]
    if env.get("GRAPHMEM_LLM_MODEL"):
        llm["config"] = {"model": env["GRAPHMEM_LLM_MODEL"]}
    if llm:
        layer["llm"] = llm
    if env.get("GRAPHMEM_EMBEDDER_MODEL"):
        layer["embedder"] = {"model": env["GRAPHMEM_EMBEDDER_MODEL"]}
    if env.get("GRAPHMEM_MAX_TEXT_CHARS"):
        try:
            layer["max_text_chars"] = int(env["GRAPHMEM_MAX_TEXT_CHARS"])
        except ValueError as exc:
            raise ConfigError("GRAPHMEM_MAX_TEXT_CHARS must be an integer") from exc
    return layer
