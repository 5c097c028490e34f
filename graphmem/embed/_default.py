"""The default embedder: MiniLM on ONNX Runtime when available, torch otherwise (logged)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from graphmem.embed._base import Embedder
from graphmem.embed._onnx import OnnxEmbedder, onnx_available
from graphmem.embed._sentence_transformers import DEFAULT_MODEL, SentenceTransformerEmbedder
from graphmem.errors import EmbeddingError

__all__ = ["FallbackEmbedder", "default_embedder"]

logger = logging.getLogger("graphmem")


class FallbackEmbedder:
    """ONNX first; if export or loading fails, sentence-transformers (the reason is logged).

    ``fallback_reason`` says why the torch path is in use (``None`` while ONNX serves).
    """

    def __init__(self, primary: OnnxEmbedder, fallback: SentenceTransformerEmbedder) -> None:
        self.dimension = primary.dimension
        self._primary: Embedder = primary
        self._fallback = fallback
        self._decided = False
        self._lock = threading.Lock()
        self.fallback_reason: str | None = None

    @property
    def model_name(self) -> str:
        """The model both embedders serve (the shipped MiniLM by default)."""
        return str(self._fallback.model_name)

    @property
    def active(self) -> Embedder:
        """The embedder that serves (decided on first use)."""
        if not self._decided:
            with self._lock:
                if not self._decided:
                    primary = self._primary
                    assert isinstance(primary, OnnxEmbedder)
                    try:
                        primary.load()
                    except EmbeddingError as exc:
                        self.fallback_reason = str(exc)
                        logger.warning(
                            "ONNX embedder unavailable, using sentence-transformers: %s", exc
                        )
                        self._primary = self._fallback
                    self._decided = True
        return self._primary

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed with the active embedder."""
        return self.active.embed(texts)

    def clear_cache(self) -> None:
        """Forget the active embedder's cached text vectors, if it keeps any."""
        clear = getattr(self.active, "clear_cache", None)
        if clear is not None:
            clear()


def default_embedder(
    model: str | None = None,
    *,
    backend: str = "auto",
    quantize: bool = False,
    threads: int | None = None,
    cache_dir: str | Path | None = None,
) -> Embedder:
    """The embedder ``Memory`` uses when none is given.

    Args:
        model: a model path or name; ``None`` means the shipped MiniLM.
        backend: ``"auto"`` (ONNX for the shipped MiniLM when onnxruntime is installed, else
            torch), ``"onnx"`` (ONNX, no fallback) or ``"torch"`` (sentence-transformers).
        quantize: int8 weights on ONNX (opt-in; see README "Embeddings").
        threads: ONNX Runtime session threads (default 1); for torch, a process-wide
            ``torch.set_num_threads`` applied only when given.
        cache_dir: where the exported ONNX file is cached.
    """
    shipped = model in (None, DEFAULT_MODEL)
    torch_embedder = SentenceTransformerEmbedder(model, threads=threads)
    if backend == "torch" or (backend == "auto" and (not shipped or not onnx_available())):
        return torch_embedder
    onnx = OnnxEmbedder(
        None if shipped else model, cache_dir=cache_dir, quantize=quantize, threads=threads or 1
    )
    if backend == "onnx":
        return onnx
    return FallbackEmbedder(onnx, torch_embedder)
