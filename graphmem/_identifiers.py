"""The one audited gate for identifiers (labels, relationship types) entering Cypher.

Cypher cannot take a label or relationship type as a parameter (FalkorDB has no dynamic labels),
so the few identifiers that come from an LLM or a user are checked here and nowhere else, then
backticked. Everything else is always a ``$parameter``.
"""

from __future__ import annotations

import re
import unicodedata

from graphmem.errors import InvalidIdentifierError

__all__ = [
    "RELATIONSHIP_TYPE_PATTERN",
    "LABEL_PATTERN",
    "RESERVED_LABELS",
    "cypher_identifier",
    "normalize_label",
    "normalize_relationship_type",
]

RELATIONSHIP_TYPE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
LABEL_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9]{0,63}$")
# Labels and types graphmem uses itself: a user or LLM type may not collide with them.
RESERVED_LABELS = frozenset({"Entity", "Fact", "Episode", "History"})
RESERVED_RELATIONSHIP_TYPES = frozenset({"ABOUT", "FROM", "NEXT", "SUPERSEDED_BY"})


def cypher_identifier(value: object, *, kind: str) -> str:
    """Validate a label (``kind="label"``) or relationship type (``kind="type"``), backticked.

    Args:
        value: the candidate identifier.
        kind: ``"label"`` (PascalCase) or ``"type"`` (UPPER_SNAKE_CASE).

    Returns:
        The identifier wrapped in backticks, safe to place in a query.

    Raises:
        InvalidIdentifierError: anything that does not match the pattern exactly, or is reserved.

    Example:
        >>> cypher_identifier("LIVES_IN", kind="type")
        '`LIVES_IN`'
    """
    if kind == "label":
        pattern, reserved = LABEL_PATTERN, RESERVED_LABELS
    elif kind == "type":
        pattern, reserved = RELATIONSHIP_TYPE_PATTERN, RESERVED_RELATIONSHIP_TYPES
    else:
        raise InvalidIdentifierError(f"unknown identifier kind {kind!r}")
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidIdentifierError(f"{value!r} is not a valid {kind} (pattern {pattern.pattern})")
    if value in reserved:
        raise InvalidIdentifierError(f"{value!r} is reserved by graphmem")
    return f"`{value}`"


_NON_WORD = re.compile(r"[^0-9A-Za-z]+")


def _ascii_fold(raw: str) -> str:
    """Strip accents ("Café" -> "Cafe") so they do not split words; other scripts drop out."""
    decomposed = unicodedata.normalize("NFKD", raw)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def normalize_relationship_type(raw: str) -> str | None:
    """Coerce an LLM predicate ("lives in", "livesIn", "LIVES-IN") to UPPER_SNAKE_CASE.

    Returns ``None`` when nothing usable remains (the fact is then kept without a typed edge).
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", _ascii_fold(raw).strip())
    words = [w for w in _NON_WORD.split(spaced) if w]
    candidate = "_".join(words).upper()[:64]
    if candidate and candidate[0].isdigit():
        candidate = "REL_" + candidate[:60]
    if not candidate or candidate in RESERVED_RELATIONSHIP_TYPES:
        return None
    return candidate if RELATIONSHIP_TYPE_PATTERN.fullmatch(candidate) else None


def normalize_label(raw: str) -> str | None:
    """Coerce an LLM entity type ("person", "sports team") to PascalCase, or ``None``."""
    words = [w for w in _NON_WORD.split(_ascii_fold(raw).strip()) if w]
    candidate = "".join(w[:1].upper() + w[1:] for w in words)[:64]
    if candidate and candidate[0].isdigit():
        candidate = "T" + candidate[:63]
    if not candidate or candidate in RESERVED_LABELS:
        return None
    return candidate if LABEL_PATTERN.fullmatch(candidate) else None
