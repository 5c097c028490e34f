"""The session date of a raw turn as search terms ("march", "2023"), so "what did Ana do in
March 2023?" finds the turns said then: :class:`~graphmem.search._catalogue.ScopeCatalogue`
indexes them with the turn's text (not with extracted facts, whose dates are world time)."""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["date_words"]


def date_words(valid_from_ms: object) -> str:
    """``"march 2023"`` for a turn said in March 2023 (UTC); ``""`` without a time."""
    if not isinstance(valid_from_ms, (int, float)) or isinstance(valid_from_ms, bool):
        return ""
    when = datetime.fromtimestamp(valid_from_ms / 1000, tz=timezone.utc)
    return f"{when.strftime('%B').lower()} {when.year}"
