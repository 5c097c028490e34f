"""Small file helpers of the embedded server: sizes, listings, the pid file, the server log."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

__all__ = [
    "file_size",
    "list_dir",
    "log_since",
    "log_tail",
    "read_pid",
    "rotate_log",
    "write_pid",
]

_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_LOG_TAIL_BYTES = 4000
_LOG_TAIL_LINES = 20


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes, 0 if it is missing."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def list_dir(path: Path) -> list[Path]:
    """The entries of ``path``, sorted; empty if it is missing."""
    try:
        return sorted(path.iterdir())
    except OSError:
        return []


def read_pid(path: Path) -> int | None:
    """The pid recorded in ``path``, or ``None`` (missing, unreadable or not a pid)."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid > 0 else None


def write_pid(path: Path, pid: int) -> None:
    """Record ``pid`` in ``path`` atomically."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{pid}\n")
    os.replace(tmp, path)


def log_since(log: Path, offset: int) -> list[str]:
    """Lines appended to ``log`` after byte ``offset`` (all lines if it was rotated)."""
    try:
        with open(log, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(offset if offset <= size else 0)
            return fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []


def rotate_log(log: Path) -> None:
    """Move a log over 10 MB aside (``<log>.1``) before a new server appends to it."""
    with contextlib.suppress(OSError):
        if log.stat().st_size > _LOG_ROTATE_BYTES:
            os.replace(log, log.with_name(log.name + ".1"))


def log_tail(log: Path) -> str:
    """The last lines of ``log``, for error messages."""
    try:
        with open(log, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - _LOG_TAIL_BYTES))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "(no log written)"
        return f"(log unreadable: {exc})"
    return "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])
