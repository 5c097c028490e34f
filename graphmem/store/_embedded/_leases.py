"""Leases: one file per open handle, so the last holder to leave stops the server."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from graphmem.store._embedded._files import list_dir
from graphmem.store._embedded._process import pid_alive, process_start_time

__all__ = ["create_lease", "live_leases"]

_log = logging.getLogger("graphmem.store._embedded")


def create_lease(leases: Path) -> Path:
    """A new lease of this process: ``<pid>-<uuid>``, holding the process start time."""
    leases.mkdir(exist_ok=True)
    lease = leases / f"{os.getpid()}-{uuid.uuid4().hex}"
    lease.write_text(process_start_time(os.getpid()) or "")
    return lease


def live_leases(leases: Path) -> list[Path]:
    """Leases whose holder is alive; prune the others (dead, or the pid was reused)."""
    live = []
    for lease in list_dir(leases):
        try:
            pid = int(lease.name.split("-", 1)[0])
            recorded = lease.read_text().strip()
        except (ValueError, OSError):
            lease.unlink(missing_ok=True)
            continue
        started = process_start_time(pid)
        if pid_alive(pid) and not (recorded and started and recorded != started):
            live.append(lease)
        else:
            _log.info("pruning lease %s of dead process %d", lease.name, pid)
            lease.unlink(missing_ok=True)
    return live
