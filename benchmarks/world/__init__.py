"""Synthetic life-story worlds for measuring graphmem's memory quality without an LLM.

A world is a seeded, deterministic set of dated conversations between users and an assistant in
which people move, change jobs and managers, fall in and out of love, adopt pets and take up
hobbies; facts are repeated in other words, changed, told out of order and about people called
by nicknames. Every ``add()`` call comes with the exact ``extract_memory`` answer a perfect
extractor would give ("oracle extraction", replayed by a scripted LLM), and every scope comes
with questions (single-hop, multi-hop, as-of, history, knowledge update, unanswerable) whose
gold answers follow from its truth table.

Usage::

    from benchmarks.world import generate_world

    world = generate_world(seed=7, size="small")
    for add in world.iter_adds():
        memory.add(add.messages, user_id=add.user_id, occurred_at=add.occurred_at)
    for question in world.iter_questions():
        ...  # compare answers with question.gold / question.gold_aliases

CLI: ``python -m benchmarks.world --seed 7 --size small --out /tmp/world.json``.
"""

from __future__ import annotations

from ._model import (
    QUESTION_CATEGORIES,
    SINGLE_VALUED_PREDICATES,
    SYMMETRIC_PREDICATES,
    AddCall,
    Category,
    PersonInfo,
    Question,
    ScopeWorld,
    Session,
    Triple,
    Truth,
    TruthInterval,
    Turn,
    canonical_triple,
)
from ._world import SIZES, SizeName, SizeSpec, World, generate_scope, generate_world, size_spec

__all__ = [
    "QUESTION_CATEGORIES",
    "SINGLE_VALUED_PREDICATES",
    "SIZES",
    "SYMMETRIC_PREDICATES",
    "AddCall",
    "Category",
    "PersonInfo",
    "Question",
    "ScopeWorld",
    "Session",
    "SizeName",
    "SizeSpec",
    "Triple",
    "Truth",
    "TruthInterval",
    "Turn",
    "World",
    "canonical_triple",
    "generate_scope",
    "generate_world",
    "size_spec",
]
