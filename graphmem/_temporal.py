"""Time handling: UTC-aware datetimes in Python, epoch milliseconds in the database.

Both backends compare integers fast and index them; FalkorDB has no ``datetime()`` type, so
every time property (``valid_from``, ``valid_to``, ``recorded_at``, ``expired_at``,
``occurred_at``, ``created_at``, ``updated_at``) is stored as an integer count of milliseconds
since 1970-01-01T00:00:00Z. ``None`` in a ``valid_to``/``expired_at`` means "still open".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

__all__ = ["Clock", "ensure_utc", "from_ms", "parse_time", "system_clock", "to_ms", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, UTC-aware, truncated to milliseconds (the storage precision)."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


system_clock: Clock = utc_now


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as a UTC-aware datetime; naive datetimes are taken to be UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_time(value: str | datetime | None) -> datetime | None:
    """Parse an ISO-8601 string (``Z`` allowed) or pass a datetime through, UTC-aware."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc_in_range(value)
    text = value.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return _utc_in_range(datetime.fromisoformat(text))


def _utc_in_range(value: datetime) -> datetime:
    """UTC, or ``ValueError`` when the UTC instant leaves years 1-9999 (e.g. year 1, +05:00)."""
    try:
        utc = ensure_utc(value)
        utc.timestamp()
    except (OverflowError, OSError) as exc:
        raise ValueError(f"time out of range: {value!r}") from exc
    return utc


def to_ms(value: datetime | None) -> int | None:
    """Epoch milliseconds of a datetime (naive means UTC); ``None`` stays ``None``."""
    if value is None:
        return None
    return int(ensure_utc(value).timestamp() * 1000)


def from_ms(value: int | float | None) -> datetime | None:
    """The UTC datetime of an epoch-milliseconds value; ``None`` stays ``None``."""
    if value is None:
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
