"""The truth table of a scope: every stated relation with its true validity interval.

Only intervals some session stated are included (a perfect memory cannot know the rest). For
each one the truth keeps the world's bounds, plus, for question making, the earliest date from
which a listener could know it held (its stated start, else the day it was first mentioned).
"""

from __future__ import annotations

from datetime import date

from ._model import SYMMETRIC_PREDICATES, Truth, TruthInterval, canonical_triple, iso
from ._people import Cast
from ._render import date_words
from ._templates import FACTS
from ._timeline import Interval, Timeline

__all__ = ["build_truth"]


def build_truth(
    user_id: str, cast: Cast, timeline: Timeline, days: list[date]
) -> tuple[Truth, list[str]]:
    """The scope's :class:`Truth` and, per interval, the ISO date it is knowable from."""
    intervals: list[TruthInterval] = []
    known_from: list[str] = []
    for iv in timeline.intervals:
        if iv.stated_in is None:
            continue
        subject, _, obj = canonical_triple(iv.subject, iv.predicate, iv.obj)
        intervals.append(
            TruthInterval(
                subject=subject,
                predicate=iv.predicate,
                object=obj,
                valid_from=iso(iv.start),
                valid_to=iso(iv.end),
                fact=_sentence(cast, iv),
            )
        )
        first_said = days[iv.stated_in]
        if iv.start is not None and (iv.start_stated or iv.prehistory):
            first_said = iv.start
        known_from.append(iso(first_said) or "")
    return Truth(user_id, tuple(intervals)), known_from


def _sentence(cast: Cast, iv: Interval) -> str:
    """A self-contained sentence for the whole interval, in the tense of its end."""
    if iv.end is None:
        form = "since" if iv.start is not None and iv.predicate not in _STATIC else "state"
    else:
        form = "span" if iv.start is not None else "until"
    if (iv.predicate, form) not in FACTS:
        form = "state"
    person = cast.people.get(iv.subject)
    srel = ("mother" if person.gender == "f" else "father") if person else ""
    subject, obj = iv.subject, iv.obj
    if iv.predicate in SYMMETRIC_PREDICATES and obj < subject:
        subject, obj = obj, subject
    return FACTS[(iv.predicate, form)].format(
        S=subject,
        O=obj,
        srel=srel,
        **{
            "from": date_words(iv.start, iv.start_precision) if iv.start else "",
            "to": date_words(iv.end, iv.end_precision) if iv.end else "",
        },
    )


_STATIC = frozenset({"SIBLING_OF", "PARENT_OF", "FRIEND_OF"})
