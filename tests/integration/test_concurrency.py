"""Concurrent adds for one scope never duplicate an entity (MERGE on the entity key)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone

from graphmem import Memory, MemoryConfig, Scope
from graphmem.llm import ScriptedLLM

HOBBIES = ["chess", "rowing", "pottery", "salsa", "archery", "origami"]


def test_parallel_adds_create_each_entity_once(data_dir, embedder) -> None:
    # Distinct names: "Hobby 2"/"Hobby 3" embed so close that sequential adds merge them.
    def answer(i: int) -> dict:
        return {
            "entities": [
                {"name": "Alice", "type": "Person", "aliases": []},
                {"name": HOBBIES[i], "type": "Activity", "aliases": []},
            ],
            "relations": [
                {
                    "subject": "Alice",
                    "predicate": "ENJOYS",
                    "object": HOBBIES[i],
                    "fact": f"Alice enjoys {HOBBIES[i]}.",
                    "valid_from": None,
                    "valid_to": None,
                }
            ],
            "facts": [],
        }

    workers = 6
    config = MemoryConfig.from_dict(
        {"graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"}}
    )
    memory = Memory(config, embedder=embedder, llm=ScriptedLLM([answer(i) for i in range(workers)]))
    memory._ensure_ready()
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            barrier.wait()
            memory.add(
                f"Alice took up hobby {i}.",
                user_id="u",
                occurred_at=datetime(2024, 1, 1 + i, tzinfo=timezone.utc),
            )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(workers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        names = [e.name for e in memory._repository.list_entities(Scope(user_id="u"))]
        assert names.count("Alice") == 1
        assert len(names) == workers + 1
        assert len(memory.get_all(user_id="u")) == workers
    finally:
        memory.reset()
        memory.close()
