"""Where the embedded server's files live: the data directory layout and the socket path."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from graphmem.errors import ConfigError

__all__ = ["Layout", "default_data_dir", "make_private_dir", "remove_stale"]

_DATA_DIR_ENV = "GRAPHMEM_DATA_DIR"
LOCK_FILE = "server.lock"
_PID_FILE = "server.pid"
_LOG_FILE = "falkordb.log"
_SOCKET_NAME = "falkordb.sock"
_LEASES_DIR = "leases"
_MAX_SOCKET_PATH = 103 if sys.platform == "darwin" else 107


def default_data_dir() -> Path:
    """Return ``$GRAPHMEM_DATA_DIR`` if set and non-empty, else the per-user data directory."""
    env = os.environ.get(_DATA_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("graphmem"))


@dataclass(frozen=True)
class Layout:
    """Paths of one (resolved) data directory."""

    root: Path
    lock: Path
    pid: Path
    log: Path
    leases: Path
    socket: Path
    socket_in_tmp: bool

    @classmethod
    def of(cls, root: Path) -> Layout:
        """The layout of ``root``; the socket moves under /tmp when its path is too long."""
        socket = root / _SOCKET_NAME
        in_tmp = len(os.fsencode(socket)) > _MAX_SOCKET_PATH
        if in_tmp:
            digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
            base = Path("/tmp") if os.path.isdir("/tmp") else Path(tempfile.gettempdir())
            socket = base / f"graphmem-{digest}" / _SOCKET_NAME
        return cls(
            root=root,
            lock=root / LOCK_FILE,
            pid=root / _PID_FILE,
            log=root / _LOG_FILE,
            leases=root / _LEASES_DIR,
            socket=socket,
            socket_in_tmp=in_tmp,
        )


def remove_stale(layout: Layout) -> None:
    """Remove the pid file, a leftover socket file and an empty /tmp socket directory."""
    layout.pid.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        if stat.S_ISSOCK(os.lstat(layout.socket).st_mode):
            layout.socket.unlink()
    if layout.socket_in_tmp:
        with contextlib.suppress(OSError):
            layout.socket.parent.rmdir()


def make_private_dir(path: Path) -> None:
    """Create ``path`` as 0700, or check that an existing one is ours and private."""
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(f"cannot create socket directory {str(path)!r}: {exc}") from exc
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise ConfigError(
            f"socket directory {str(path)!r} is not a private directory owned by this user; "
            "remove it or use a shorter data directory path"
        )
