"""The embedded server's lifecycle: start or join it, lease it, stop it when the last holder
leaves (the package docstring describes the data directory and the rules)."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import redis

from graphmem.errors import ConfigError, StoreUnavailableError
from graphmem.store._embedded._files import (
    file_size,
    list_dir,
    log_since,
    log_tail,
    read_pid,
    rotate_log,
    write_pid,
)
from graphmem.store._embedded._layout import (
    LOCK_FILE,
    Layout,
    default_data_dir,
    make_private_dir,
    remove_stale,
)
from graphmem.store._embedded._leases import create_lease, live_leases
from graphmem.store._embedded._lock import POLL_SECONDS, data_dir_lock
from graphmem.store._embedded._persistence import (
    AOF_ARGS,
    compact_aof,
    rewrite_aof,
    truncation_lines,
)
from graphmem.store._embedded._probe import client, ping, probe
from graphmem.store._embedded._process import (
    binaries,
    forget_child,
    is_our_server,
    pid_alive,
    spawn,
    terminate,
    wait_exit,
)

__all__ = ["EmbeddedFalkorDB"]

_log = logging.getLogger("graphmem.store._embedded")

_MAX_LOADING_SECONDS = 600.0


class EmbeddedFalkorDB:
    """A FalkorDB server for one data directory, shared by every process that opens it.

    The constructor does no I/O. :meth:`acquire` starts the server if needed and registers a
    lease; :meth:`release` drops it and stops the server when no live lease remains.

    Usage::

        with EmbeddedFalkorDB("~/.graphmem") as server:
            db = falkordb.FalkorDB(unix_socket_path=str(server.socket_path))

    Args:
        data_dir: directory holding the AOF, log, pid file and leases. Defaults to
            ``$GRAPHMEM_DATA_DIR`` or ``platformdirs.user_data_dir("graphmem")``.
        start_timeout: seconds to wait for a starting server to answer PING (time spent
            replaying the AOF does not count, up to 10 minutes).

    Raises:
        ConfigError: ``start_timeout`` is not positive.
    """

    def __init__(self, data_dir: Path | str | None = None, *, start_timeout: float = 10.0) -> None:
        if not start_timeout > 0:
            raise ConfigError(f"start_timeout must be positive, got {start_timeout!r}")
        raw = default_data_dir() if data_dir is None else Path(data_dir).expanduser()
        self._data_dir = Path(os.path.abspath(raw))
        self._start_timeout = float(start_timeout)
        self._lease: Path | None = None
        self._lease_pid: int | None = None
        self._mutex = threading.RLock()
        self.aof_truncated = False
        """True when a server this handle started dropped a damaged AOF tail (data lost)."""
        self.startup_warnings: list[str] = []
        """Server log lines about a damaged AOF from the last start by this handle."""

    def __repr__(self) -> str:
        return f"EmbeddedFalkorDB({str(self._data_dir)!r}, leased={self._lease is not None})"

    @property
    def data_dir(self) -> Path:
        """The absolute data directory (symlinks not yet resolved)."""
        return self._data_dir

    @property
    def socket_path(self) -> Path:
        """The unix socket the server listens on (inside the data dir, or under /tmp)."""
        return self._layout().socket

    # -- public operations ---------------------------------------------------------------

    def ensure_running(self) -> str:
        """Return the socket path of a live server for this data dir, starting one if needed.

        This registers no lease: a server started here is stopped by the next :meth:`release`
        that leaves no live lease.

        Returns:
            The unix socket path, for ``falkordb.FalkorDB(unix_socket_path=...)``.

        Raises:
            ConfigError: the data directory cannot be created or written.
            StoreUnavailableError: the binaries are missing or the server did not start.
        """
        with self._locked() as layout:
            self._ensure_running_locked(layout)
            return str(layout.socket)

    def acquire(self) -> str:
        """Start (or join) the server and register a lease for this handle.

        Calling it again on a handle that already holds a lease keeps the single lease.

        Returns:
            The unix socket path.

        Raises:
            ConfigError: the data directory cannot be created or written.
            StoreUnavailableError: the binaries are missing or the server did not start.
        """
        with self._mutex, self._locked() as layout:
            self._ensure_running_locked(layout)
            held = self._lease is not None and self._lease_pid == os.getpid()
            if not (held and self._lease is not None and self._lease.exists()):
                self._lease, self._lease_pid = create_lease(layout.leases), os.getpid()
                atexit.register(self.release)
            return str(layout.socket)

    def release(self) -> None:
        """Drop this handle's lease; stop the server cleanly if no live lease remains.

        Idempotent. In a forked child, the parent's lease is left alone.

        Raises:
            StoreUnavailableError: the lock could not be taken in time.
        """
        with self._mutex:
            lease, owner = self._lease, self._lease_pid
            self._lease = self._lease_pid = None
            atexit.unregister(self.release)
            if lease is None or owner != os.getpid():
                return
            with self._locked() as layout:
                lease.unlink(missing_ok=True)
                if not live_leases(layout.leases):
                    self._shutdown_locked(layout)

    def stop(self) -> None:
        """Stop the server now, whoever holds leases, and remove every lease.

        For tests and reset tooling: other holders lose their connection.
        """
        with self._mutex:
            self._lease = self._lease_pid = None
            atexit.unregister(self.release)
            if not self._data_dir.is_dir():
                return
            with self._locked() as layout:
                self._shutdown_locked(layout)
                for lease in list_dir(layout.leases):
                    lease.unlink(missing_ok=True)

    def compact(self) -> None:
        """Rewrite the running server's AOF into a fresh RDB base now and wait for it, e.g.
        after a schema change that the next start should not replay (a shutdown would kill a
        rewrite still running).

        Best effort: does nothing when no server runs; failures are logged, never raised.
        """
        if self._data_dir.is_dir():
            rewrite_aof(self._layout())

    def is_running(self) -> bool:
        """Whether a server answers on this data dir's socket (takes no lock, starts nothing)."""
        return self.server_pid() is not None

    def server_pid(self) -> int | None:
        """The pid of the server answering on this data dir's socket, or ``None``."""
        if not self._data_dir.is_dir():
            return None
        return probe(self._layout().socket)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    # -- locking and layout --------------------------------------------------------------

    def _layout(self) -> Layout:
        return Layout.of(Path(os.path.realpath(self._data_dir)))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Layout]:
        """Create the data dir, then hold its flock for the duration of the block."""
        with data_dir_lock(self._data_dir, LOCK_FILE, max(30.0, 4 * self._start_timeout)):
            yield self._layout()

    # -- start ---------------------------------------------------------------------------

    def _ensure_running_locked(self, layout: Layout) -> None:
        recorded = read_pid(layout.pid)
        served = probe(layout.socket)
        if served is not None:
            if served != recorded:
                write_pid(layout.pid, served)
            if self._wait_ready(layout, served):
                return
            raise StoreUnavailableError(
                f"FalkorDB (pid {served}) answers on {str(layout.socket)!r} but not PING "
                f"within {self._start_timeout}s\n{log_tail(layout.log)}"
            )
        if recorded is not None and pid_alive(recorded) and is_our_server(recorded, layout):
            # Running but silent: loading a big AOF, or hung. Give it the start timeout.
            if self._wait_ready(layout, recorded):
                return
            _log.warning("FalkorDB pid %d does not answer; terminating it", recorded)
            terminate(recorded, self._start_timeout)
        remove_stale(layout)
        self._start(layout)

    def _start(self, layout: Layout) -> None:
        server, module = binaries()
        if layout.socket_in_tmp:
            make_private_dir(layout.socket.parent)
        rotate_log(layout.log)
        cmd = [
            server,
            "--port", "0",
            "--unixsocket", str(layout.socket),
            "--unixsocketperm", "700",
            "--dir", str(layout.root),
            *AOF_ARGS,
            "--daemonize", "no",
            "--logfile", str(layout.log),
            "--loadmodule", module,
        ]  # fmt: skip
        started = time.monotonic()
        log_offset = file_size(layout.log)
        proc = spawn(cmd, layout.log, layout.root)
        write_pid(layout.pid, proc.pid)
        if self._wait_ready(layout, proc.pid):
            self._check_aof_load(layout, log_offset)
            _log.info(
                "started FalkorDB pid %d on %s in %.0f ms",
                proc.pid,
                layout.socket,
                1000 * (time.monotonic() - started),
            )
            return
        code = proc.poll()
        if code is None:
            proc.kill()
            proc.wait()
        forget_child(proc.pid)
        layout.pid.unlink(missing_ok=True)
        reason = (
            f"exited with code {code}"
            if code is not None
            else f"did not answer PING within {self._start_timeout}s"
        )
        raise StoreUnavailableError(
            f"FalkorDB (redis-server) {reason}; log {str(layout.log)!r} ends with:\n"
            f"{log_tail(layout.log)}"
        )

    def _check_aof_load(self, layout: Layout, offset: int) -> None:
        """Warn (log + flag) when the server just dropped the torn tail of a damaged AOF."""
        lines = log_since(layout.log, offset)
        found = truncation_lines(lines)
        self.startup_warnings = found
        if found:
            self.aof_truncated = True
            _log.warning(
                "FalkorDB in %s found a damaged append-only file and dropped its torn tail: "
                "the last writes before the crash are lost (server log: %s)",
                layout.root,
                " | ".join(ln.split(" # ", 1)[-1] for ln in found),
            )

    def _wait_ready(self, layout: Layout, pid: int) -> bool:
        """Poll PING until it answers (True), the process dies or the timeout passes (False).

        Time spent loading the AOF (PING answers LOADING, or is accepted but not answered
        within the probe timeout while a long command replays) does not count: a big data set
        may take longer than ``start_timeout`` to replay, and it is making progress. That
        extension is capped at ``_MAX_LOADING_SECONDS``.
        """
        now = time.monotonic()
        deadline, cap = now + self._start_timeout, now + _MAX_LOADING_SECONDS
        while True:
            state = ping(layout.socket)
            if state == "ready":
                return True
            if state == "busy":
                deadline = min(cap, time.monotonic() + self._start_timeout)
            if not pid_alive(pid) or time.monotonic() > deadline:
                return False
            time.sleep(POLL_SECONDS)

    # -- stop ----------------------------------------------------------------------------

    def _shutdown_locked(self, layout: Layout) -> None:
        """SHUTDOWN the server (AOF flushed), wait for it to exit, remove pid file and socket."""
        pid = probe(layout.socket)
        if pid is not None:
            compact_aof(layout)
            try:
                with client(layout.socket) as conn:
                    conn.execute_command("SHUTDOWN")
            except redis.ConnectionError:
                pass  # the expected outcome: the server closed the connection as it exited
            except redis.RedisError as exc:
                _log.warning("FalkorDB refused SHUTDOWN (%s); sending SIGTERM", exc)
            if not wait_exit(pid, self._start_timeout):
                terminate(pid, self._start_timeout)
        recorded = read_pid(layout.pid)
        if (
            recorded is not None
            and recorded != pid
            and pid_alive(recorded)
            and is_our_server(recorded, layout)
        ):
            terminate(recorded, self._start_timeout)
        remove_stale(layout)
