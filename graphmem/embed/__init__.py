"""Embedders: local sentence-transformers by default (offline MiniLM), or your own."""

from __future__ import annotations

from graphmem.embed._base import Embedder
from graphmem.embed._sentence_transformers import (
    DEFAULT_MODEL,
    SentenceTransformerEmbedder,
    default_model_path,
)

__all__ = ["DEFAULT_MODEL", "Embedder", "SentenceTransformerEmbedder", "default_model_path"]
