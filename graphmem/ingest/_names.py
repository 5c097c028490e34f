"""Entity name normalization: the key entity resolution matches on."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["name_key"]

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def name_key(name: str) -> str:
    """Case-, width- and spacing-insensitive key of a name ("  Dr. ALICE " -> "dr. alice")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _EDGE_PUNCT.sub("", text) or text
