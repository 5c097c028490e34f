"""Embedders: MiniLM on ONNX Runtime by default (offline), sentence-transformers, or your own."""

from __future__ import annotations

from graphmem.embed._background import embed_in_background
from graphmem.embed._base import Embedder
from graphmem.embed._default import FallbackEmbedder, default_embedder
from graphmem.embed._onnx import OnnxEmbedder, default_cache_dir, onnx_available
from graphmem.embed._sentence_transformers import (
    DEFAULT_MODEL,
    SentenceTransformerEmbedder,
    default_model_path,
)

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "FallbackEmbedder",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "default_cache_dir",
    "default_embedder",
    "default_model_path",
    "embed_in_background",
    "onnx_available",
]
