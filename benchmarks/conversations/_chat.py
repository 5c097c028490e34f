"""Chat surface: per-speaker writing style, typos, relative dates, LOCOMO-style session dates."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Style", "Written", "locomo_date", "relative_when", "write"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CONTRACTIONS = {
    "I'm": "im",
    "i'm": "im",
    "don't": "dont",
    "can't": "cant",
    "it's": "its",
    "that's": "thats",
    "I'll": "ill",
    "didn't": "didnt",
    "you'll": "youll",
    "there's": "theres",
}


@dataclass(frozen=True)
class Style:
    """How one speaker writes: lower-casing, dropped apostrophes, "u", typo rate."""

    lower: float
    no_apostrophes: float
    short_you: float
    typo: float

    @staticmethod
    def pick(rng: random.Random) -> Style:
        """A random but plausible style."""
        return Style(
            lower=rng.choice((0.0, 0.2, 0.5)),
            no_apostrophes=rng.choice((0.0, 0.4, 0.8)),
            short_you=rng.choice((0.0, 0.0, 0.3)),
            typo=rng.choice((0.08, 0.14, 0.22)),
        )


@dataclass(frozen=True)
class Written:
    """A turn's final text and whether a typo was introduced."""

    text: str
    typo: bool


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two neighbours
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def write(text: str, style: Style, rng: random.Random, protect: frozenset[str]) -> Written:
    """Apply ``style`` to ``text``; words in ``protect`` (lower case) and names keep their form."""
    if rng.random() < style.no_apostrophes:
        for full, short in _CONTRACTIONS.items():
            text = re.sub(rf"(?<![\w']){re.escape(full)}(?![\w'])", short, text)
    if rng.random() < style.short_you:
        text = re.sub(r"\byou\b", "u", text)
    typo = False
    if rng.random() < style.typo:
        words = [
            m
            for m in _WORD.finditer(text)
            if len(m.group()) >= 4
            and m.group()[0].islower()
            and "'" not in m.group()
            and m.group().lower() not in protect
        ]
        if words:
            m = rng.choice(words)
            changed = _typo(m.group(), rng)
            if changed != m.group():
                text = text[: m.start()] + changed + text[m.end() :]
                typo = True
    if rng.random() < style.lower:
        text = text.lower()
    return Written(text, typo)


# (phrase, days back or None for month-granular phrases)
_RELATIVE = (
    ("yesterday", 1),
    ("two days ago", 2),
    ("on Saturday", -1),
    ("last week", 7),
    ("a couple of weeks ago", 14),
    ("three weeks ago", 21),
    ("last month", None),
)


def relative_when(rng: random.Random, session: datetime) -> tuple[str, str, str]:
    """A relative time expression, the date it resolves to (ISO) and a readable answer."""
    phrase, back = rng.choice(_RELATIVE)
    if back is None:
        first = session.replace(day=1)
        prev = (first - timedelta(days=1)).replace(day=1)
        return phrase, prev.date().isoformat(), prev.strftime("%B %Y")
    if back == -1:  # the most recent Saturday strictly before the session day
        back = (session.weekday() - 5) % 7 or 7
    day = session - timedelta(days=back)
    readable = f"{day.day} {day.strftime('%B %Y')}"
    if phrase in ("last week", "a couple of weeks ago", "three weeks ago"):
        readable = "around " + readable
    return phrase, day.date().isoformat(), readable


def locomo_date(moment: datetime) -> str:
    """``"1:56 pm on 8 May, 2023"``, the way LOCOMO shows a session's date."""
    hour = moment.hour % 12 or 12
    ampm = "am" if moment.hour < 12 else "pm"
    return (
        f"{hour}:{moment.minute:02d} {ampm} on {moment.day} {moment.strftime('%B')}, {moment.year}"
    )
