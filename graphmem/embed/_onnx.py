"""MiniLM on ONNX Runtime: the shipped weights exported once, cached, run without torch.

The export (``torch.onnx.export``, TorchScript exporter) runs once per weights file and caches
the graph under the cache directory; later processes only load it. Tokenisation, mean pooling
and normalisation match sentence-transformers, so vectors equal the torch reference (cosine
≥ 0.9999, tested). Opt-in dynamic int8 quantisation trades a little accuracy for speed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graphmem._background import in_background
from graphmem.errors import EmbeddingError

__all__ = ["OnnxEmbedder", "default_cache_dir", "onnx_available"]

logger = logging.getLogger("graphmem")

_OPSET = 17
PARALLEL_TEXTS = 8
"""A call embeds in parallel parts of at least this many texts (one session run per part at
a time, each on its own thread: ONNX Runtime runs a session from several threads at once and
releases the GIL). A query, or a handful of texts, runs on the caller's thread alone."""
_SESSIONS: dict[tuple[str, int], tuple[Any, Any]] = {}
_SESSIONS_LOCK = threading.Lock()


def onnx_available() -> bool:
    """Whether ONNX Runtime can be imported (the default embedder then uses it)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def default_cache_dir() -> Path:
    """Where exported models live: ``$GRAPHMEM_CACHE_DIR`` or the user cache dir."""
    env = os.environ.get("GRAPHMEM_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("graphmem"))


def _fingerprint(model_dir: Path) -> str:
    """A content hash of the weights and configuration (a new model means a new export)."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        path = model_dir / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def _export(model_dir: Path, target: Path) -> None:
    """Export the transformer (token embeddings out) with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    class _Encoder(torch.nn.Module):
        """Keyword call: forward()'s positional order differs across transformers versions."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    model = _Encoder(AutoModel.from_pretrained(str(model_dir)))
    model.eval()
    sample = torch.ones((1, 8), dtype=torch.long)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample, sample, torch.zeros_like(sample)),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=_OPSET,
            dynamo=False,  # the dynamo exporter needs onnxscript; TorchScript export suffices
        )
    os.replace(tmp, target)  # atomic: concurrent processes never load a half-written file


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(f".tmp{os.getpid()}")
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)
    os.replace(tmp, target)


class OnnxEmbedder:
    """A BERT-style sentence-transformers model (MiniLM by default) on ONNX Runtime.

    Args:
        model: a local sentence-transformers model directory; default: the shipped MiniLM.
        cache_dir: where the exported ``.onnx`` is kept; default :func:`default_cache_dir`.
        quantize: use dynamic int8 weights (faster, cosine to torch ≈ 0.96–0.99; opt-in).
        threads: ONNX Runtime intra-op threads of this session (process settings untouched).
        batch_size: texts per forward pass.
        max_seq_length: tokens kept per text (sentence-transformers' setting for MiniLM).
        cache_size: texts whose vectors are kept (bounded LRU; filler turns such as "lol" or
            "Thanks!" recur in chat); 0 disables it. A hit returns the vector computed before.
        workers: parts a call of many texts is split into, embedded at once on as many
            threads (default: the CPU count, at most 4); 1 embeds on the caller's thread only.

    Raises ``EmbeddingError`` when the model cannot be exported or loaded; the default
    factory (:func:`graphmem.embed.default_embedder`) then falls back to torch and logs why.

    Example:
        >>> embedder = OnnxEmbedder()
        >>> vectors = embedder.embed(["Alice lives in Berlin."])
    """

    dimension: int = 384

    def __init__(
        self,
        model: str | None = None,
        *,
        cache_dir: str | Path | None = None,
        quantize: bool = False,
        threads: int = 1,
        batch_size: int = 64,
        max_seq_length: int = 256,
        cache_size: int = 4096,
        workers: int | None = None,
    ) -> None:
        self._model_dir = model
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.quantize = quantize
        self._threads = max(1, int(threads))
        self._batch_size = batch_size
        self._max_seq_length = max_seq_length
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._workers = max(1, int(workers or min(4, os.cpu_count() or 1)))
        self._cache_size = max(0, int(cache_size))
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.cache_hits = 0
        self.cache_misses = 0

    @property
    def model_name(self) -> str:
        """The model directory (the shipped MiniLM when none was given)."""
        return self._model_dir or "all-MiniLM-L6-v2"

    def onnx_path(self) -> Path:
        """The cached ``.onnx`` file for this model (exported on first use)."""
        model_dir = self._resolved_dir()
        cache = self._cache_dir or default_cache_dir()
        name = f"{model_dir.name}-{_fingerprint(model_dir)}-op{_OPSET}"
        return cache / "onnx" / (name + ("-int8.onnx" if self.quantize else ".onnx"))

    def _resolved_dir(self) -> Path:
        if self._model_dir is not None:
            return Path(self._model_dir)
        from graphmem.embed._sentence_transformers import default_model_path

        return Path(default_model_path())

    def load(self) -> None:
        """Export (once, cached) and load the model now instead of on the first ``embed``."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is None:
                self._session, self._tokenizer = self._open()

    def _open(self) -> tuple[Any, Any]:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            model_dir = self._resolved_dir()
            path = self.onnx_path()
            key = (str(path), self._threads)
            with _SESSIONS_LOCK:
                cached = _SESSIONS.get(key)
                if cached is not None:
                    return cached
                if not path.is_file():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    plain = path.with_name(path.name.replace("-int8.onnx", ".onnx"))
                    if not plain.is_file():
                        logger.info("exporting %s to ONNX at %s (once)", model_dir, plain)
                        _export(model_dir, plain)
                    if self.quantize:
                        _quantize(plain, path)
                options = ort.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                session = ort.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"]
                )
                tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
                tokenizer.enable_truncation(max_length=self._max_seq_length)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest
                _SESSIONS[key] = (session, tokenizer)
                return session, tokenizer
        except EmbeddingError:
            raise
        except Exception as exc:
            raise EmbeddingError(
                f"cannot export or load {self.model_name!r} on ONNX: {exc}"
            ) from exc

    def clear_cache(self) -> None:
        """Forget the cached text vectors (benchmarks timing a query's own embedding)."""
        with self._cache_lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts as unit vectors (mean pooling + L2 norm, as sentence-transformers).

        Texts seen recently (and duplicates within the call) are embedded once: a bounded LRU
        of text to vector. Callers get their own list copies.
        """
        if not texts:
            return []
        if not self._cache_size:
            return self._embed(texts)
        items = list(texts)
        found: dict[str, list[float]] = {}
        with self._cache_lock:
            for text in items:
                vector = self._cache.get(text)
                if vector is not None:
                    self._cache.move_to_end(text)
                    found[text] = vector
        missing = list(dict.fromkeys(t for t in items if t not in found))
        self.cache_hits += len(items) - len(missing)
        self.cache_misses += len(missing)
        if missing:
            fresh = self._embed(missing)
            with self._cache_lock:
                for text, vector in zip(missing, fresh):
                    found[text] = vector
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return [list(found[text]) for text in items]

    def _embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.load()
        items = list(texts)
        # Batches of similar length pad less (as sentence-transformers does); order restored.
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        out: list[list[float]] = [[] for _ in items]
        try:
            parts = min(self._workers, len(items) // PARALLEL_TEXTS)
            if parts > 1:
                # every part takes every parts-th text of the sorted order: equal token counts
                shares = [order[k::parts] for k in range(1, parts)]
                running = [in_background(self._embed_part, items, share, out) for share in shares]
                self._embed_part(items, order[0::parts], out)
                for future in running:
                    future.result()
            else:
                self._embed_part(items, order, out)
            return out
        except Exception as exc:
            raise EmbeddingError(f"embedding failed: {exc}") from exc

    def _embed_part(self, items: list[str], order: list[int], out: list[list[float]]) -> None:
        """Embed ``items[i]`` for ``i`` in ``order`` (sorted by length) into ``out[i]``."""
        import numpy as np

        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            batch = self._tokenizer.encode_batch([items[i] for i in chunk])
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            types = np.array([e.type_ids for e in batch], dtype=np.int64)
            (hidden,) = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
            )
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for i, vector in zip(chunk, (pooled / norms).tolist()):
                out[i] = vector
