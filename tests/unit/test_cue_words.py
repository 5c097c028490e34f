"""Cue words of a query: embedded once, apart from the query, never the names it seeds with."""

from __future__ import annotations

from typing import Any

from graphmem.search._graph import GraphExpander


class _Recording:
    dimension = 3

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return [[1.0, 0.0, 0.0] for _ in texts]


class _Walk:
    """A scope whose only entity the query names is Jamal Foster."""

    def entities_named(self, query: str, limit: int) -> list[tuple[str, str, bool]]:
        return [("e1", "Jamal Foster", True)] if "jamal" in query.lower() else []


def _expander(embedder: Any) -> GraphExpander:
    return GraphExpander(repository=None, embedder=embedder)  # type: ignore[arg-type]


def test_words_of_named_entities_are_not_embedded() -> None:
    recording = _Recording()
    expander = _expander(recording)
    expander.embed_cue_words("Where does Jamal Foster's sister work?", _Walk())
    assert recording.batches == [["sister", "work"]]


def test_without_a_walk_every_content_word_is_a_cue() -> None:
    recording = _Recording()
    _expander(recording).embed_cue_words("Where does Jamal Foster's sister work?", None)
    assert recording.batches == [["jamal", "foster", "sister", "work"]]


def test_cached_words_are_not_embedded_again_until_cleared() -> None:
    recording = _Recording()
    expander = _expander(recording)
    expander.embed_cue_words("Where does Jamal's sister work?", _Walk())
    expander.embed_cue_words("What does the sister like?", _Walk())
    assert recording.batches == [["sister", "work"], ["like"]]
    expander.clear_cache()
    expander.embed_cue_words("What does the sister like?", _Walk())
    assert recording.batches[-1] == ["sister", "like"]
