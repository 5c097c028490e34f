"""Real-conversation track of the quality benchmark: multi-speaker chat, evidence recall.

``python -m benchmarks.conversations [--people N --seed S --quick]``; see benchmarks/README.md.
"""

from benchmarks.conversations._generate import (
    CATEGORIES,
    Conversation,
    Dataset,
    Question,
    Session,
    Turn,
    generate,
)

__all__ = ["CATEGORIES", "Conversation", "Dataset", "Question", "Session", "Turn", "generate"]
