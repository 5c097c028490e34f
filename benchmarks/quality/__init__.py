"""Memory-quality benchmark: graphmem vs dense-only, BM25-only and raw-turn baselines.

Run ``python -m benchmarks.quality --size small|default|large --seed 7 [--live]``; see
``benchmarks/README.md`` ("Memory quality") for what is measured and how it is scored.
"""

from __future__ import annotations

from benchmarks.quality._run import LIMIT, SYSTEMS, TARGETS, RunOptions, run_quality

__all__ = ["LIMIT", "SYSTEMS", "TARGETS", "RunOptions", "run_quality"]
