"""Embedding off the caller's thread (see :mod:`graphmem._background`)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future

from graphmem._background import in_background
from graphmem.embed._base import Embedder

__all__ = ["embed_in_background"]


def embed_in_background(embedder: Embedder, texts: Sequence[str]) -> Future[list[list[float]]]:
    """Start embedding ``texts`` on a shared worker thread; ``.result()`` returns the vectors
    or raises what ``embedder.embed`` raised (an ``EmbeddingError`` for the default one)."""
    return in_background(embedder.embed, list(texts))
