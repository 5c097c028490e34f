"""Session-wide fixtures: one MiniLM embedder, one embedded FalkorDB server, a graph per test.

Tests never download anything (``HF_HUB_OFFLINE=1``). Every test that touches the database gets
its own graph name (``t_<uuid hex>``) on the one shared server, so tests are isolated without
restarting servers; the factories drop those graphs and close what they opened.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from graphmem import Memory, MemoryConfig
from graphmem.embed import SentenceTransformerEmbedder
from graphmem.store import EmbeddedFalkorDB, FalkorDBStore


def new_graph_name() -> str:
    """A graph name no other test uses."""
    return f"t_{uuid.uuid4().hex}"


def _drop_graph(data_dir: Path, graph: str) -> None:
    store = FalkorDBStore(data_dir=data_dir, graph=graph)
    try:
        with contextlib.suppress(Exception):
            store.drop()
    finally:
        store.close()


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real offline MiniLM embedder, loaded once per test session."""
    model = SentenceTransformerEmbedder()
    model.embed(["warm up"])
    return model


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The data directory of the one embedded FalkorDB server of this session.

    A lease is held for the whole session, so the server is not stopped and restarted each
    time the last store of a test closes.
    """
    path = tmp_path_factory.mktemp("falkordb")
    server = EmbeddedFalkorDB(path)
    server.acquire()
    try:
        yield path
    finally:
        server.release()


@pytest.fixture
def store_factory(data_dir: Path) -> Iterator[Callable[..., FalkorDBStore]]:
    """Make FalkorDB stores on fresh graphs; they are dropped and closed after the test."""
    made: list[tuple[FalkorDBStore, str]] = []

    def make(graph: str | None = None) -> FalkorDBStore:
        name = graph or new_graph_name()
        store = FalkorDBStore(data_dir=data_dir, graph=name)
        made.append((store, name))
        return store

    yield make
    for store, name in made:
        store.close()
        _drop_graph(data_dir, name)


class _MemoryMaker:
    """Makes ``Memory`` objects on fresh graphs; ``close_all`` closes them and drops the graphs."""

    def __init__(self, data_dir: Path, embedder: SentenceTransformerEmbedder) -> None:
        self._data_dir = data_dir
        self._embedder = embedder
        self._made: list[tuple[Memory, str]] = []

    def __call__(self, **config: Any) -> Memory:
        name = new_graph_name()
        settings = {"graph_store": {"data_dir": str(self._data_dir), "graph": name}, **config}
        memory = Memory(MemoryConfig.from_dict(settings), embedder=self._embedder)
        self._made.append((memory, name))
        return memory

    def close_all(self) -> None:
        for memory, name in self._made:
            memory.close()
            _drop_graph(self._data_dir, name)


@pytest.fixture
def memory_factory(
    data_dir: Path, embedder: SentenceTransformerEmbedder
) -> Iterator[Callable[..., Memory]]:
    """Make ``Memory`` objects on fresh graphs (shared embedder); closed and dropped after.

    Keyword arguments are extra top-level config entries, e.g. ``max_text_chars=100``.
    """
    maker = _MemoryMaker(data_dir, embedder)
    yield maker
    maker.close_all()


@pytest.fixture(scope="module")
def module_memory_factory(
    data_dir: Path, embedder: SentenceTransformerEmbedder
) -> Iterator[Callable[..., Memory]]:
    """As ``memory_factory``, for fixtures shared by the tests of one module."""
    maker = _MemoryMaker(data_dir, embedder)
    yield maker
    maker.close_all()
