"""The embedder interface: texts in, unit-length float vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["Embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors of a fixed ``dimension``."""

    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed a batch of texts (one vector each, same order)."""
        ...
