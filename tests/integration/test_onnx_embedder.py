"""The ONNX Runtime embedder: same vectors as the torch reference, cached export, loud fallback."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from graphmem.embed import (
    FallbackEmbedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    default_embedder,
)
from graphmem.embed import _sentence_transformers as st_module
from graphmem.errors import EmbeddingError

pytest.importorskip("onnxruntime", reason="onnxruntime is a runtime dependency")

TEXTS = [
    "Alice lives in Berlin.",
    "Who works at Acme Corp?",
    "Bob moved to Paris in 2021 and joined a startup with his old friend Carol.",
    "x",
    "Ünïcödé, emoji 🎉 and numbers 12,345.67 — all tokenised alike.",
    "the quick brown fox jumps over the lazy dog " * 40,  # longer than 256 tokens: truncated
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


def test_onnx_vectors_match_torch(embedder: SentenceTransformerEmbedder, onnx_cache: Path) -> None:
    onnx = OnnxEmbedder(cache_dir=onnx_cache)
    reference = np.array(embedder.embed(TEXTS))
    vectors = np.array(onnx.embed(TEXTS))
    assert vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (reference * vectors).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines
    # a batch gives the same vectors as one text at a time (padding is masked out)
    uncached = OnnxEmbedder(cache_dir=onnx_cache, cache_size=0)
    single = np.array([uncached.embed([t])[0] for t in TEXTS])
    reordered = np.array(uncached.embed(TEXTS[::-1]))[::-1]
    assert np.allclose(reordered, vectors, atol=1e-5)  # order kept
    assert np.allclose(single, vectors, atol=1e-5)
    assert onnx.onnx_path().is_file()  # exported once into the cache


def test_many_texts_embed_in_parallel_parts_with_the_same_vectors_in_order(
    onnx_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"{t} ({n})" for n in range(4) for t in TEXTS]  # 24 texts: 3 parts of 8
    serial = np.array(OnnxEmbedder(cache_dir=onnx_cache, cache_size=0, workers=1).embed(texts))
    parallel = OnnxEmbedder(cache_dir=onnx_cache, cache_size=0, workers=3)
    threads: set[str] = set()
    run = parallel._embed_part

    def recorded(*args: object) -> None:
        threads.add(threading.current_thread().name)
        run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_embed_part", recorded)
    vectors = np.array(parallel.embed(texts))
    assert len(threads) == 3  # the caller's and two workers
    assert np.allclose(vectors, serial, atol=1e-5)  # each vector at its own text's place
    monkeypatch.setattr(parallel, "_embed_part", lambda *args: 1 / 0)
    with pytest.raises(EmbeddingError, match="embedding failed"):
        parallel.embed(texts)


def test_text_cache_returns_the_same_vectors(onnx_cache: Path) -> None:
    plain = OnnxEmbedder(cache_dir=onnx_cache, cache_size=0)
    cached = OnnxEmbedder(cache_dir=onnx_cache, cache_size=3)
    texts = ["lol", "Thanks!", "lol", "Alice lives in Berlin.", "haha same", "Thanks!"]
    reference = np.array(plain.embed(texts))
    first = np.array(cached.embed(texts))
    assert cached.cache_misses == 4 and cached.cache_hits == 2  # duplicates in one call
    again = np.array(cached.embed(texts))  # LRU of 3: "lol" was evicted, the other three hit
    assert cached.cache_hits == 2 + 5 and cached.cache_misses == 5 and len(cached._cache) == 3
    for vectors in (first, again):
        assert ((vectors * reference).sum(axis=1) >= 0.99999).all()
    returned = cached.embed(["lol"])[0]
    returned[0] = 42.0  # callers own their lists: the cached vector is untouched
    assert cached.embed(["lol"])[0][0] != 42.0


def test_int8_is_opt_in_and_close(embedder: SentenceTransformerEmbedder, onnx_cache: Path) -> None:
    quantized = OnnxEmbedder(cache_dir=onnx_cache, quantize=True)
    assert quantized.onnx_path().name.endswith("-int8.onnx")
    assert not OnnxEmbedder(cache_dir=onnx_cache).quantize
    cosines = (np.array(embedder.embed(TEXTS)) * np.array(quantized.embed(TEXTS))).sum(axis=1)
    assert cosines.min() > 0.8, cosines


def test_default_embedder_is_onnx_with_fallback(tmp_path: Path) -> None:
    chosen = default_embedder(cache_dir=tmp_path)
    assert isinstance(chosen, FallbackEmbedder)
    assert isinstance(default_embedder(backend="torch"), SentenceTransformerEmbedder)
    assert isinstance(default_embedder(backend="onnx"), OnnxEmbedder)
    # another model goes to sentence-transformers, the reference path for any model
    assert isinstance(default_embedder("/some/other/model"), SentenceTransformerEmbedder)


def test_failed_export_falls_back_to_torch_and_says_why(
    tmp_path: Path,
    embedder: SentenceTransformerEmbedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = OnnxEmbedder(str(tmp_path / "no-such-model"), cache_dir=tmp_path)
    fallback = FallbackEmbedder(broken, embedder)
    with caplog.at_level(logging.WARNING, logger="graphmem"):
        vectors = fallback.embed(["Alice lives in Berlin."])
    assert fallback.active is embedder
    assert fallback.fallback_reason is not None and "no-such-model" in fallback.fallback_reason
    assert any("ONNX embedder unavailable" in r.getMessage() for r in caplog.records)
    assert np.allclose(vectors, embedder.embed(["Alice lives in Berlin."]))


def test_torch_threads_untouched_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    calls: list[int] = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    monkeypatch.setattr(st_module, "_MODELS", {})
    SentenceTransformerEmbedder().embed(["hello"])
    assert calls == []
    monkeypatch.setattr(st_module, "_MODELS", {})
    SentenceTransformerEmbedder(threads=1).embed(["hello"])
    assert calls == [1]
