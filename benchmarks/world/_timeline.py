"""The world's history: every relation that ever held, as an interval with true bounds.

A :class:`Timeline` is the single source of truth the narrator retells and the truth table is
built from. Bounds are dates (world time); a start of ``None`` means the relation held since
before anything the conversations reveal. ``precision`` says how a bound is spoken ("March 2021"
or "2019"), so sentences and dates agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ._model import SYMMETRIC_PREDICATES

__all__ = ["Interval", "Precision", "Timeline", "add_months", "month_start"]

Precision = Literal["month", "year"]


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(slots=True, eq=False)
class Interval:
    """One relation between two canonical names and when it held (``[start, end)``).

    ``stated_in`` is the index of the first session that states it and ``ended_in`` of the one
    that tells it ended (``None`` until planned); ``start_stated`` records whether any statement
    gave its start. ``prehistory`` marks intervals that ended before the conversations began
    and are revealed only later, out of order.
    """

    iid: int
    subject: str
    predicate: str
    obj: str
    start: date | None
    end: date | None = None
    start_precision: Precision = "month"
    end_precision: Precision = "month"
    prehistory: bool = False
    stated_in: int | None = None
    ended_in: int | None = None
    start_stated: bool = False

    def other(self, name: str) -> str:
        """The end of the relation that is not ``name``."""
        return self.obj if self.subject == name else self.subject

    def holds_on(self, day: date) -> bool:
        """Whether the relation held on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class Timeline:
    """Append-only store of intervals with an index of the open ones."""

    def __init__(self) -> None:
        self.intervals: list[Interval] = []
        self._open: dict[tuple[str, str], list[Interval]] = defaultdict(list)
        self._all: dict[tuple[str, str], list[Interval]] = defaultdict(list)

    def open(
        self,
        subject: str,
        predicate: str,
        obj: str,
        start: date | None,
        *,
        precision: Precision = "month",
        prehistory: bool = False,
    ) -> Interval:
        """Record that ``subject predicate obj`` holds from ``start`` on."""
        iv = Interval(
            iid=len(self.intervals),
            subject=subject,
            predicate=predicate,
            obj=obj,
            start=start,
            start_precision=precision,
            prehistory=prehistory,
        )
        self.intervals.append(iv)
        for key in self._keys(iv):
            self._all[key].append(iv)
            if not prehistory:
                self._open[key].append(iv)
        return iv

    def close(self, iv: Interval, end: date, *, precision: Precision = "month") -> None:
        """Record that ``iv`` stopped holding at ``end``."""
        iv.end = end
        iv.end_precision = precision
        for key in self._keys(iv):
            if iv in self._open[key]:
                self._open[key].remove(iv)

    def current(self, name: str, predicate: str) -> list[Interval]:
        """Open intervals where ``name`` is the subject (or either end, for symmetric ones).

        ``~P`` asks for intervals of ``P`` where ``name`` is the object.
        """
        return list(self._open.get((name, predicate), ()))

    def current_one(self, name: str, predicate: str) -> Interval | None:
        """The single open interval of a single-valued predicate, or ``None``."""
        found = self._open.get((name, predicate))
        return found[0] if found else None

    def history(self, name: str, predicate: str) -> list[Interval]:
        """Every interval (open, closed, prehistory) for ``name`` and ``predicate``."""
        return list(self._all.get((name, predicate), ()))

    @staticmethod
    def _keys(iv: Interval) -> list[tuple[str, str]]:
        if iv.predicate in SYMMETRIC_PREDICATES:
            return [(iv.subject, iv.predicate), (iv.obj, iv.predicate)]
        return [(iv.subject, iv.predicate), (iv.obj, "~" + iv.predicate)]
