"""The data directory lock: one process at a time checks, starts or stops the server."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from graphmem.errors import ConfigError, StoreUnavailableError

__all__ = ["POLL_SECONDS", "data_dir_lock"]

POLL_SECONDS = 0.01


@contextlib.contextmanager
def data_dir_lock(data_dir: Path, lock_name: str, timeout: float) -> Iterator[None]:
    """Create ``data_dir``, then hold the ``fcntl.flock`` of its lock file for the block.

    Raises:
        ConfigError: the directory cannot be created or written.
        StoreUnavailableError: the lock was not free within ``timeout`` seconds.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(data_dir / lock_name, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigError(
            f"graphmem data directory {str(data_dir)!r} is not writable: {exc}"
        ) from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreUnavailableError(
                        f"timed out waiting for the lock {str(data_dir / lock_name)!r}"
                    ) from None
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # closing releases the flock
