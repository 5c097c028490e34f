"""A writer process for the concurrency tests: waits for a start file, then adds and exits.

Usage: ``python _racing_writer.py <data dir> <graph> <start file> <text>...``; each text is
added with ``infer=False`` for user "u" at one fixed time. Prints one JSON line of results.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from graphmem import Memory, MemoryConfig


class HashEmbedder:
    """384 deterministic floats per text: no model to load in each process."""

    dimension = 384

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            out.append([(digest[i % 32] - 127.5) / 128.0 for i in range(self.dimension)])
        return out


def main() -> None:
    data_dir, graph, start, *texts = sys.argv[1:]
    config = MemoryConfig.from_dict({"graph_store": {"data_dir": data_dir, "graph": graph}})
    memory = Memory(config, embedder=HashEmbedder())
    memory._ensure_ready()
    print(json.dumps({"ready": True}), flush=True)
    while not Path(start).exists():
        time.sleep(0.001)
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    duplicates = 0
    for text in texts:
        result = memory.add(text, user_id="u", occurred_at=when, infer=False)
        duplicates += int(result.duplicate)
    print(json.dumps({"duplicates": duplicates}), flush=True)
    memory.close()


if __name__ == "__main__":
    main()
