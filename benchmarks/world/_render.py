"""Turn planned items into what the user says and what a perfect extraction returns for it.

The :class:`Renderer` keeps the conversational state a listener would: who has been mentioned
(first mention: full name and nickname; later: first name, nickname or a pronoun for the subject
of the previous sentence). Each rendered :class:`Statement` carries its text, the
``extract_memory`` relations and facts with every name canonical and every time resolved to an
absolute ISO date, and tags saying what it exercises.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ._model import SYMMETRIC_PREDICATES, iso
from ._people import Cast, Person
from ._simulate import Event
from ._templates import FACTS, NICKNAME_NOTES, SELF_INTROS, TEMPLATES, TRAIT_FACTS, TRAITS
from ._timeline import Interval, Precision, Timeline, add_months, month_start

__all__ = ["Item", "Renderer", "Statement"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_MOODS = {
    "move": "news",
    "job": "news",
    "manager": "news",
    "partner": "news",
    "pet_new": "news",
    "hobby_new": "news",
    "breakup": "sad",
    "pet_loss": "sad",
}


@dataclass(slots=True)
class Item:
    """One thing the user will say: a fact, a change, a retelling, a trait or an introduction."""

    kind: str  # self_intro, state, event, past, repeat, reminisce, trait
    subject: str
    interval: Interval | None = None
    event: Event | None = None
    trait: tuple[str, str] | None = None


@dataclass(slots=True)
class Statement:
    """The rendered text of an item and its ground-truth extraction."""

    text: str = ""
    subject: str | None = None
    relations: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    mood: str = "neutral"
    notes: list[str] = field(default_factory=list)


def date_words(day: date, precision: Precision) -> str:
    """``March 2021`` (month precision) or ``2019`` (year precision)."""
    if precision == "year":
        return str(day.year)
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _pronoun_ok(template: str) -> bool:
    """Whether ``{S}`` only ever stands where a subject pronoun reads well ("she moved ...")."""
    index = template.find("{S}")
    while index != -1:
        if index and template[index - 2 : index] not in (", ", "; "):
            return False
        index = template.find("{S}", index + 1)
    return True


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


class Renderer:
    """Stateful renderer for one scope; call :meth:`render` in conversation order."""

    def __init__(self, rng: random.Random, cast: Cast, timeline: Timeline) -> None:
        self.rng = rng
        self.cast = cast
        self.timeline = timeline
        self.mentioned: set[str] = set()
        self.last_subject: str | None = None
        self.today = date.min

    def begin_turn(self, today: date) -> None:
        """Start a new user turn (pronouns never reach back across turns)."""
        self.last_subject = None
        self.today = today

    def render(self, item: Item) -> Statement:
        """Render one item; updates who has been mentioned."""
        st = Statement(subject=item.subject)
        if item.kind == "self_intro":
            self._self_intro(st)
        elif item.kind == "event":
            assert item.event is not None
            self._event(st, item.event, context="main")
        elif item.kind == "trait":
            assert item.trait is not None
            self._trait(st, item.subject, *item.trait)
        else:
            assert item.interval is not None
            getattr(self, "_" + item.kind)(st, item.interval)
        st.text = " ".join([st.text, *st.notes]).strip()
        return st

    # -- items ---------------------------------------------------------------------------------

    def _self_intro(self, st: Statement) -> None:
        user = self.cast.user
        self.mentioned.add(user.name)
        st.text = self.rng.choice(SELF_INTROS).format(S=user.name)
        st.entities.append(user.name)
        st.tags.update(("intro", "first_person"))
        st.mood = "intro"

    def _state(self, st: Statement, iv: Interval) -> None:
        use_since = iv.start is not None and self.rng.random() < 0.4
        mode = "since" if use_since and self._has(iv, "since") else "state"
        self._say(st, iv, mode)
        st.tags.add("state")

    def _repeat(self, st: Statement, iv: Interval) -> None:
        use_since = iv.start is not None and self.rng.random() < 0.35
        if use_since and self._has(iv, "since"):
            self._say(st, iv, "since")
        else:
            self._say(st, iv, "repeat" if self._has(iv, "repeat") else "state")
        st.tags.add("repeat")

    def _reminisce(self, st: Statement, iv: Interval) -> None:
        self._say(st, iv, "span" if iv.start is not None else "until")
        st.tags.add("reminisce")

    def _past(self, st: Statement, iv: Interval) -> None:
        successor = next(
            (
                other
                for other in self.timeline.history(iv.subject, iv.predicate)
                if other.start == iv.end and not other.prehistory
            ),
            None,
        )
        if successor is not None and successor.holds_on(self.today) and self._has(iv, "before"):
            self._say(st, iv, "before", successor=successor)
        else:
            self._say(st, iv, "span")
        st.tags.add("out_of_order")

    def _trait(self, st: Statement, name: str, kind: str, value: str) -> None:
        person = self.cast.people[name]
        perspective = "S1" if person.is_user else "3"
        template = self.rng.choice(TRAITS[(kind, perspective)])
        fields = {} if person.is_user else self._person_fields(st, person, _pronoun_ok(template))
        fields.update(v=value, a=_article(value))
        st.tags.add("unary")
        self._emit_text(st, template, fields)
        fact = TRAIT_FACTS[kind].format(S=name, v=value, a=_article(value))
        st.facts.append({"text": fact, "about": [name], "valid_from": None, "valid_to": None})
        self._entity(st, name)
        if person.is_user:
            st.tags.add("first_person")

    def _event(self, st: Statement, event: Event, context: str) -> None:
        kind = event.kind
        st.mood = _MOODS.get(kind, st.mood) if context == "main" else st.mood
        st.tags.add("change")
        if kind in ("move", "job"):
            assert event.new is not None and event.old is not None
            mode = "start_from" if self.rng.random() < 0.35 else "start"
            self._say(st, event.new, mode, day=event.day, old=event.old)
        elif kind in ("partner", "pet_new", "hobby_new"):
            assert event.new is not None
            self._say(st, event.new, "start", day=event.day)
        elif kind in ("breakup", "pet_loss", "hobby_quit"):
            assert event.old is not None
            self._say(st, event.old, "end", day=event.day)
            st.tags.add("end")
        elif kind == "manager":
            assert event.new is not None
            mode = "cascade" if event.cause else ("job" if context == "follow" else "start")
            self._say(st, event.new, mode, day=event.day, cause=event.cause)
        elif kind == "manager_end":
            assert event.old is not None
            mode = "end_cascade" if event.cause else "end_job"
            self._say(st, event.old, mode, day=event.day, cause=event.cause)
            st.tags.add("end")
        for follow in event.follow:
            if follow.subject != event.subject:
                self.last_subject = None
            self._event(st, follow, context="follow")

    # -- the core: one relation, one sentence --------------------------------------------------

    def _has(self, iv: Interval, mode: str) -> bool:
        return (iv.predicate, mode, self._perspective(iv)[0]) in TEMPLATES

    def _perspective(self, iv: Interval) -> tuple[str, str, str]:
        """(perspective, grammatical subject, grammatical object) for a relation."""
        user = self.cast.user.name
        if iv.subject == user:
            return "S1", iv.subject, iv.obj
        if iv.obj == user:
            if iv.predicate in SYMMETRIC_PREDICATES:
                return "S1", iv.obj, iv.subject
            return "O1", iv.subject, iv.obj
        return "3", iv.subject, iv.obj

    def _say(
        self,
        st: Statement,
        iv: Interval,
        mode: str,
        *,
        day: date | None = None,
        old: Interval | None = None,
        cause: str | None = None,
        successor: Interval | None = None,
    ) -> None:
        perspective, subj, obj = self._perspective(iv)
        st.subject = subj
        if (iv.predicate, mode, perspective) not in TEMPLATES:
            mode = "state"
        template = self.rng.choice(TEMPLATES[(iv.predicate, mode, perspective)])
        if subj == self.cast.user.name:
            st.tags.add("first_person")
        fields = self._fields(st, iv, subj, obj, perspective, template)
        fields.update(self._time_fields(iv, day, successor))
        if old is not None:
            fields["old"] = old.obj
        if cause is not None:
            fields["cause"] = self._surface(st, cause) if cause != self.cast.user.name else "I"
            self._entity(st, cause)
        if successor is not None:
            fields["next"] = successor.obj
        others = [name for name in (obj, cause) if name in self.cast.people and name != subj]
        self._emit_text(st, template, fields, others)
        self._extract(st, iv, mode, subj, obj, day, old, successor)

    def _extract(
        self,
        st: Statement,
        iv: Interval,
        mode: str,
        subj: str,
        obj: str,
        day: date | None,
        old: Interval | None,
        successor: Interval | None,
    ) -> None:
        if mode in ("state", "repeat"):
            self._relation(st, iv, subj, obj, "state", None, None)
        elif mode == "since":
            self._relation(st, iv, subj, obj, "since", iv.start, None)
        elif mode in ("start", "start_from", "job", "cascade"):
            self._relation(st, iv, subj, obj, "start", day, None)
            if mode == "start_from" and old is not None:
                self._relation(st, old, old.subject, old.obj, "end", None, day)
        elif mode in ("end", "end_job", "end_cascade"):
            self._relation(st, iv, subj, obj, "end", None, day)
        elif mode == "until":
            self._relation(st, iv, subj, obj, "until", None, iv.end)
        else:  # span, before
            self._relation(st, iv, subj, obj, "span", iv.start, iv.end)
            if successor is not None:
                self._relation(
                    st, successor, successor.subject, successor.obj, "start", successor.start, None
                )
        if iv.predicate == "HAS_PET":
            species = self.cast.pets[iv.obj]
            text = TRAIT_FACTS["species"].format(S=iv.obj, v=species)
            st.facts.append({"text": text, "about": [iv.obj], "valid_from": None, "valid_to": None})

    def _relation(
        self,
        st: Statement,
        iv: Interval,
        subj: str,
        obj: str,
        form: str,
        valid_from: date | None,
        valid_to: date | None,
    ) -> None:
        words = {
            "S": subj,
            "O": obj,
            "from": date_words(valid_from, iv.start_precision) if valid_from else "",
            "to": date_words(valid_to, iv.end_precision) if valid_to else "",
            "srel": self._role(subj, iv.predicate, of_subject=True),
        }
        relation = {
            "subject": subj,
            "predicate": iv.predicate,
            "object": obj,
            "fact": FACTS[(iv.predicate, form)].format(**words),
            "valid_from": iso(valid_from),
            "valid_to": iso(valid_to),
        }
        if relation not in st.relations:
            st.relations.append(relation)
        if valid_from is not None and valid_from == iv.start:
            iv.start_stated = True
        self._entity(st, subj)
        self._entity(st, obj)

    # -- words ---------------------------------------------------------------------------------

    def _fields(
        self, st: Statement, iv: Interval, subj: str, obj: str, perspective: str, template: str
    ) -> dict[str, str]:
        fields: dict[str, str] = {}
        if perspective != "S1":
            person = self.cast.people[subj]
            fields.update(self._person_fields(st, person, _pronoun_ok(template)))
        if perspective != "O1":
            if obj in self.cast.people:
                fields["O"] = self._surface(st, obj)
                fields["Op"] = fields["O"] + "'s"
            else:
                fields["O"] = obj
        elif "{O" in template:
            fields["O"] = "me"
        fields["rel"] = self._role(obj, iv.predicate, of_subject=False)
        fields["srel"] = self._role(subj, iv.predicate, of_subject=True)
        if iv.predicate == "HAS_PET":
            fields["species"] = self.cast.pets[iv.obj]
        return fields

    def _person_fields(self, st: Statement, person: Person, may_pronoun: bool) -> dict[str, str]:
        pronoun = may_pronoun and person.name == self.last_subject and person.name in self.mentioned
        he, him, his = ("she", "her", "her") if person.gender == "f" else ("he", "him", "his")
        if pronoun:
            st.tags.add("pronoun")
            self._entity(st, person.name)
            return {"S": he, "Sp": his, "he": he, "him": him, "his": his}
        name = self._surface(st, person.name)
        return {"S": name, "Sp": name + "'s", "he": he, "him": him, "his": his}

    def _surface(self, st: Statement, name: str) -> str:
        person = self.cast.people[name]
        self._entity(st, name)
        if name not in self.mentioned:
            self.mentioned.add(name)
            st.tags.add("intro")
            if person.nickname:
                note = self.rng.choice(NICKNAME_NOTES)
                st.notes.append(note.format(first=person.first, nick=person.nickname))
                st.tags.add("nickname")
            return person.name
        roll = self.rng.random()
        if person.nickname and roll < 0.35:
            st.tags.add("nickname")
            return person.nickname
        return person.name if roll > 0.93 else person.first

    def _role(self, name: str, predicate: str, *, of_subject: bool) -> str:
        person = self.cast.people.get(name)
        if person is None:
            return ""
        female = person.gender == "f"
        if predicate == "SIBLING_OF":
            return "sister" if female else "brother"
        if predicate == "PARENT_OF":
            if of_subject:
                return "mother" if female else "father"
            return "daughter" if female else "son"
        if predicate == "PARTNER_OF":
            return "girlfriend" if female else "boyfriend"
        return ""

    def _time_fields(
        self, iv: Interval, day: date | None, successor: Interval | None
    ) -> dict[str, str]:
        fields: dict[str, str] = {}
        if day is not None:
            fields["when"] = self._when(day)
            fields["When"] = _capitalize(fields["when"])
        if iv.start is not None:
            fields["since"] = self._since(iv.start, iv.start_precision)
            fields["from"] = date_words(iv.start, iv.start_precision)
        if iv.end is not None:
            fields["to"] = date_words(iv.end, iv.end_precision)
            if iv.start is not None:
                years = max(1, round((iv.end - iv.start).days / 365.25))
                count = _NUMBERS[years] if years < len(_NUMBERS) else str(years)
                fields["years"] = f"{count} year" + ("s" if years > 1 else "")
        return fields

    def _when(self, day: date) -> str:
        today = self.today
        relative: list[str] = []
        if add_months(day, 1) == month_start(today):
            relative.append("last month")
        if day == month_start(today):
            relative.append("earlier this month")
        if day.year == today.year and day.month < today.month:
            relative.append(f"in {_MONTHS[day.month - 1]}")
        if relative and self.rng.random() < 0.65:
            return self.rng.choice(relative)
        return f"in {date_words(day, 'month')}"

    def _since(self, day: date, precision: Precision) -> str:
        last_month = add_months(day, 1) == month_start(self.today)
        if precision == "month" and last_month and self.rng.random() < 0.5:
            return "last month"
        return date_words(day, precision)

    def _emit_text(
        self, st: Statement, template: str, fields: dict[str, str], others: Sequence[str] = ()
    ) -> None:
        """Append a sentence; a later "she"/"he" may refer to its subject only if unambiguous."""
        sentence = _capitalize(template.format_map(fields))
        st.text = f"{st.text} {sentence}".strip()
        subject = self.cast.people.get(st.subject or "")
        user = self.cast.user.name
        ambiguous = subject is None or any(
            other != user and self.cast.people[other].gender == subject.gender for other in others
        )
        self.last_subject = None if ambiguous else st.subject

    def _entity(self, st: Statement, name: str) -> None:
        if name not in st.entities:
            st.entities.append(name)
