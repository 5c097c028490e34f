"""A local mirror of the store's fact vectors: one append-only file beside the embedded store.

Why: reading a scope's vectors back from FalkorDB costs ~0.2 ms per fact (the server prints
every float), so a 100k-fact scope's in-process dense table took ~20 s to load after every
start, and searches ranked in the store (p95 231 ms) meanwhile. Every vector the write path
stores is appended here too; a table load reads the file and asks the store only for what the
file lacks (and appends those).

The file is a cache, never the truth. A record is served only when its fact id *and* the md5 of
the fact's current text (from the search catalogue, itself read from the store) match, so a
record of an edited fact, of a write that rolled back or of another graph is never used. What
the file lacks is read from the store. Deleting a fact zeroes its records in place (right to be
forgotten: the vector does not stay on disk), and a reset removes the file.

Records are fixed-size: ``id`` (36 bytes, a UUID), ``md5`` (16 bytes), ``dimension`` float32.
Appends and scrubs hold an exclusive ``flock``, reads a shared one, so processes sharing the
data directory see whole records; a torn tail left by a crash is cut before the next append.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from graphmem.store._base import Vectors

__all__ = ["VectorLog", "text_digest"]

logger = logging.getLogger("graphmem")

ID_BYTES = 36
_CHUNK_ROWS = 8192


def text_digest(text: str) -> bytes:
    """The 16-byte md5 of a fact's text (the record's content check)."""
    return hashlib.md5(text.encode("utf-8")).digest()


def _digest_as_read(text: str) -> bytes:
    return text_digest(text).rstrip(b"\0")  # numpy drops an "S" field's trailing zero bytes


def _key(identifier: str) -> bytes | None:
    raw = identifier.encode("utf-8")
    return raw if 0 < len(raw) <= ID_BYTES else None  # longer ids are never cached


class VectorLog:
    """Fact vectors of one graph, keyed by (fact id, text md5), in one file."""

    def __init__(self, path: str | Path, dimension: int) -> None:
        self.path = Path(path)
        self.dimension = int(dimension)
        self._dtype = np.dtype(
            [("id", f"S{ID_BYTES}"), ("md5", "S16"), ("vector", "<f4", (self.dimension,))]
        )
        self._lock = threading.Lock()
        self._rows: dict[bytes, list[int]] = {}  # id -> rows holding a record of it
        self._indexed = 0  # rows read into _rows
        self._inode: tuple[int, int] | None = None

    @classmethod
    def beside(cls, directory: str | Path, graph: str, dimension: int) -> VectorLog:
        """The log of ``graph``'s fact vectors in an embedded store's data directory."""
        return cls(Path(directory) / f"{_file_stem(graph)}.{dimension}d.bin", dimension)

    @staticmethod
    def remove_beside(directory: str | Path, graph: str) -> None:
        """Remove ``graph``'s logs (every dimension) from the data directory (graph dropped)."""
        for path in Path(directory).glob(f"{_file_stem(graph)}.*d.bin"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    # -- reads -----------------------------------------------------------------------------
    def get(self, texts: Mapping[str, str]) -> Vectors:
        """The vectors of those facts (id -> current text) whose record matches both."""
        wanted = [
            (key, identifier, text)
            for identifier, text in texts.items()
            if (key := _key(identifier)) is not None
        ]
        with self._lock, self._file(fcntl.LOCK_SH) as fd:
            if fd is None:
                return [], np.zeros((0, self.dimension), dtype=np.float32)
            self._sync(fd)
            candidates = [
                (rows[-1], identifier, text)
                for key, identifier, text in wanted
                if (rows := self._rows.get(key))
            ]
            if not candidates:
                return [], np.zeros((0, self.dimension), dtype=np.float32)
            found, digests, vectors = self._gather(fd, [row for row, _, _ in candidates])
        keep = [
            position
            for position, (_, identifier, text) in enumerate(candidates)
            if found[position] == _key(identifier) and digests[position] == _digest_as_read(text)
        ]
        ids = [candidates[position][1] for position in keep]
        return ids, np.ascontiguousarray(vectors[keep], dtype=np.float32)

    # -- writes ----------------------------------------------------------------------------
    def append(
        self, entries: Iterable[tuple[str, str, Sequence[float] | npt.NDArray[np.float32]]]
    ) -> None:
        """Record (fact id, text, vector) triples; older records of those ids are zeroed."""
        records = [
            (key, text_digest(text), vector)
            for identifier, text, vector in entries
            if (key := _key(identifier)) is not None
        ]
        if not records:
            return
        block = np.zeros(len(records), dtype=self._dtype)
        block["id"] = [key for key, _, _ in records]
        block["md5"] = [digest for _, digest, _ in records]
        block["vector"] = np.asarray([vector for _, _, vector in records], dtype=np.float32)
        with self._lock, self._file(fcntl.LOCK_EX, create=True) as fd:
            assert fd is not None
            self._sync(fd)
            size = os.fstat(fd).st_size
            whole = size - size % self._dtype.itemsize
            if whole != size:  # a torn tail from a crash: cut it so records stay aligned
                os.ftruncate(fd, whole)
            self._zero(fd, [key for key, _, _ in records])
            os.lseek(fd, 0, os.SEEK_END)
            _write_all(fd, block.tobytes())
            self._sync(fd)

    def forget(self, ids: Iterable[str]) -> None:
        """Zero every record of those facts (they were deleted)."""
        keys = [key for identifier in ids if (key := _key(identifier)) is not None]
        if not keys:
            return
        with self._lock, self._file(fcntl.LOCK_EX) as fd:
            if fd is None:
                return
            self._sync(fd)
            self._zero(fd, keys)

    def clear(self) -> None:
        """Remove the file (the graph was reset)."""
        with self._lock:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self._rows, self._indexed, self._inode = {}, 0, None

    # -- internals (called with self._lock held) -------------------------------------------
    @contextlib.contextmanager
    def _file(self, lock: int, *, create: bool = False) -> Iterator[int | None]:
        flags = os.O_RDWR | (os.O_CREAT if create else 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except FileNotFoundError:
            self._rows, self._indexed, self._inode = {}, 0, None
            yield None
            return
        try:
            fcntl.flock(fd, lock)
            yield fd
        finally:
            os.close(fd)  # releases the flock

    def _sync(self, fd: int) -> None:
        """Index the records appended since the last look (all of them for a new file)."""
        stat = os.fstat(fd)
        inode = (stat.st_dev, stat.st_ino)
        if inode != self._inode or stat.st_size < self._indexed * self._dtype.itemsize:
            self._rows, self._indexed, self._inode = {}, 0, inode
        count = stat.st_size // self._dtype.itemsize
        if count <= self._indexed:
            return
        ids = self._ids_between(fd, self._indexed, count)
        for offset, key in enumerate(ids, start=self._indexed):
            if key:
                self._rows.setdefault(key, []).append(offset)
        self._indexed = count

    def _ids_between(self, fd: int, start: int, stop: int) -> list[bytes]:
        size = self._dtype.itemsize
        ids: list[bytes] = []
        for first in range(start, stop, _CHUNK_ROWS):  # chunks: never the whole file in memory
            data = os.pread(fd, size * (min(stop, first + _CHUNK_ROWS) - first), size * first)
            ids += np.frombuffer(data, dtype=self._dtype)["id"].tolist()
        return ids

    def _gather(
        self, fd: int, rows: Sequence[int]
    ) -> tuple[list[bytes], list[bytes], npt.NDArray[np.float32]]:
        """The id, md5 and vector columns of ``rows`` (copied out of a read-only mapping)."""
        picked = np.asarray(rows, dtype=np.intp)
        with open(fd, "rb", closefd=False) as handle:
            mapped = np.memmap(handle, dtype=self._dtype, mode="r")
            ids = mapped["id"][picked].tolist()  # fancy indexing copies: the mapping can go
            digests = mapped["md5"][picked].tolist()
            vectors = np.asarray(mapped["vector"][picked], dtype=np.float32)
            del mapped
        return ids, digests, vectors

    def _zero(self, fd: int, keys: Sequence[bytes]) -> None:
        blank = bytes(self._dtype.itemsize)
        for key in keys:
            for row in self._rows.pop(key, ()):
                os.pwrite(fd, blank, row * self._dtype.itemsize)


def _file_stem(graph: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in graph)
    return f"{safe}.fact-vectors"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
