"""Search hooks (reranker, MMR) and the Memory-level LLM usage ledger."""

from __future__ import annotations

import uuid

from graphmem import Memory, MemoryConfig, SearchHit
from graphmem.llm import ScriptedLLM

TEXTS = [
    "Alice lives in Berlin.",
    "Alice lives in Berlin, in Kreuzberg.",
    "Alice lives in Berlin with her cat.",
    "Alice plays the cello.",
    "Bob grows tomatoes.",
]


def make(data_dir, embedder, **kwargs) -> Memory:
    search = kwargs.pop("search", {})
    config = MemoryConfig.from_dict(
        {
            "graph_store": {"data_dir": str(data_dir), "graph": f"t_{uuid.uuid4().hex}"},
            "search": search,
        }
    )
    memory = Memory(config, embedder=embedder, **kwargs)
    memory.add([{"role": "user", "content": t} for t in TEXTS], user_id="u", infer=False)
    return memory


def test_reranker_hook_sees_candidates_and_decides_the_order(data_dir, embedder) -> None:
    seen: list[tuple[str, int]] = []

    def reverse(query: str, hits: list[SearchHit]) -> list[SearchHit]:
        seen.append((query, len(hits)))
        return list(reversed(hits))

    plain = make(data_dir, embedder)
    hooked = make(data_dir, embedder, reranker=reverse)
    try:
        baseline = [
            h.fact.text for h in plain.search("Where does Alice live?", user_id="u", limit=2)
        ]
        result = [
            h.fact.text for h in hooked.search("Where does Alice live?", user_id="u", limit=2)
        ]
        assert seen == [("Where does Alice live?", 5)]  # up to 3x limit candidates
        assert len(result) == 2 and result != baseline
        assert baseline[0] not in result  # the best hit went to the end of the candidates
    finally:
        plain.reset(), plain.close(), hooked.reset(), hooked.close()


def test_mmr_prefers_diverse_hits(data_dir, embedder) -> None:
    plain = make(data_dir, embedder)
    diverse = make(data_dir, embedder, search={"mmr_lambda": 0.3})
    try:
        query = "What do we know about Alice?"
        top_plain = [h.fact.text for h in plain.search(query, user_id="u", limit=3)]
        top_mmr = [h.fact.text for h in diverse.search(query, user_id="u", limit=3)]
        berlin = [t for t in TEXTS if "Berlin" in t]
        assert sum(t in berlin for t in top_mmr) < sum(t in berlin for t in top_plain)
        assert "Alice plays the cello." in top_mmr
    finally:
        plain.reset(), plain.close(), diverse.reset(), diverse.close()


def test_memory_usage_ledger_adds_up_every_call(data_dir, embedder) -> None:
    answer = {
        "entities": [{"name": "Alice", "type": "Person", "aliases": []}],
        "relations": [],
        "facts": [{"text": "Alice is tall.", "about": ["Alice"]}],
    }
    memory = make(data_dir, embedder, llm=ScriptedLLM([answer, answer]))
    try:
        first = memory.add("Alice is tall.", user_id="u")
        second = memory.add("Alice is tall, really.", user_id="u")
        total = memory.usage.usage("add")
        assert total.calls == first.usage.calls + second.usage.calls == 2
        memory.search("Alice", user_id="u")
        assert memory.usage.usage().calls == 2  # search makes no LLM call
    finally:
        memory.reset(), memory.close()


class _RecordingEmbedder:
    """The real embedder, recording each batch it is asked for and on which thread."""

    def __init__(self, inner, fail_on: str | None = None) -> None:
        import threading

        self.inner = inner
        self.dimension = inner.dimension
        self.batches: list[tuple[list[str], str]] = []
        self.fail_on = fail_on
        self._thread = threading

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.batches.append((list(texts), self._thread.current_thread().name))
        if self.fail_on is not None and self.fail_on in texts:
            from graphmem.errors import EmbeddingError

            raise EmbeddingError("the embedding model is gone")
        return self.inner.embed(texts)


def test_query_is_embedded_alone_on_a_worker_and_names_are_no_cue_words(data_dir, embedder) -> None:
    # A batch pads every text to its longest: a query and three words cost 3x the query
    # alone. The query goes alone, on a worker thread, while the cue words (minus the words of
    # the entities the query names, which seed the walk) are embedded on the caller's thread.
    recording = _RecordingEmbedder(embedder)
    memory = make(data_dir, recording)
    try:
        recording.batches.clear()
        query = "Which orchestra does Alice's cello teacher conduct?"
        memory.search(query, user_id="u", limit=3)
        query_batches = [(b, t) for b, t in recording.batches if query in b]
        assert query_batches == [([query], query_batches[0][1])]
        assert query_batches[0][1].startswith("graphmem-worker")
        words = [w for b, _ in recording.batches if query not in b for w in b]
        assert "cello" in words and "orchestra" in words
        assert all(len(w.split()) == 1 for w in words)
    finally:
        memory.reset(), memory.close()


def test_a_failing_query_embedding_surfaces_as_embedding_error(data_dir, embedder) -> None:
    import pytest

    from graphmem.errors import EmbeddingError

    query = "Where does Alice live?"
    memory = make(data_dir, _RecordingEmbedder(embedder, fail_on=query))
    try:
        with pytest.raises(EmbeddingError, match="model is gone"):
            memory.search(query, user_id="u", limit=3)
        assert memory.search("Who grows tomatoes?", user_id="u", limit=1).hits
    finally:
        memory.reset(), memory.close()
