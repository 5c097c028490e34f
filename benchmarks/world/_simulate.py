"""Life goes on: month by month, people move, change jobs and managers, fall in and out of love,
adopt pets and pick up or drop hobbies.

Every change is an :class:`Event` dated on the first of a month and assigned to the first session
after it (sometimes one later: people do not report news at once), where the narrator retells
it. A person's attribute is locked until the session that retells its last change, so the
changes of one attribute are always told in the order they happened.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import _names
from ._people import Cast, Gender, Person, give_profile
from ._timeline import Interval, Timeline, add_months

__all__ = ["Event", "simulate"]

# Chance per person and month of each kind of change (before the person's restlessness factor).
_RATES = {
    "move": 1 / 30,
    "job": 1 / 40,
    "manager": 1 / 55,
    "breakup": 1 / 70,
    "partner": 1 / 20,
    "pet_new": 1 / 70,
    "pet_loss": 1 / 220,
    "hobby_new": 1 / 40,
    "hobby_quit": 1 / 90,
}
_NEWCOMER_SHARE = 0.5


@dataclass(slots=True, eq=False)
class Event:
    """One change in the world, retold in session ``session``.

    ``new`` is the relation that starts at ``day``; ``old`` the one that ends then (for a move,
    the previous home). ``follow`` are consequences told right after (the manager at a new job,
    the new managers of the people who reported to someone who left). ``cause`` names the person
    whose departure triggered a consequence; ``newcomer`` a person this event introduces and
    ``profile`` what was true of them then (home, job, manager, pets, hobbies).
    """

    kind: str
    day: date
    session: int
    subject: str
    new: Interval | None = None
    old: Interval | None = None
    follow: list[Event] = field(default_factory=list)
    cause: str | None = None
    newcomer: str | None = None
    profile: list[Interval] = field(default_factory=list)


class _Simulator:
    """State of one simulation run (locks, restlessness) and one method per kind of change."""

    def __init__(
        self,
        rng: random.Random,
        cast: Cast,
        timeline: Timeline,
        session_days: list[date],
        first_session: int,
    ) -> None:
        self.rng = rng
        self.cast = cast
        self.timeline = timeline
        self.days = session_days
        self.first_session = first_session
        self.locks: dict[tuple[str, str], date] = {}
        self.restless = {name: rng.choice((0.5, 1.0, 1.0, 1.5, 2.5)) for name in cast.people}
        self.restless[cast.user.name] = 2.0  # the user talks about their own life the most
        self.events: list[Event] = []

    def run(self, first: date, last: date) -> list[Event]:
        day = first
        while day <= last:
            names = sorted(self.cast.people)
            self.rng.shuffle(names)
            for name in names:
                self._month(self.cast.people[name], day)
            day = add_months(day, 1)
        return self.events

    def _month(self, person: Person, day: date) -> None:
        factor = self.restless.get(person.name, 1.0)
        for kind, rate in _RATES.items():
            scale = factor if kind in ("move", "job", "manager") or person.is_user else 1.0
            if self.rng.random() < rate * scale:
                event = getattr(self, "_" + kind)(person, day)
                if event is not None:
                    self.events.append(event)
                    return

    # -- helpers -------------------------------------------------------------------------------

    def _free(self, day: date, *keys: tuple[str, str]) -> bool:
        return all(self.locks.get(key, date.min) <= day for key in keys)

    def _session(self, day: date) -> int | None:
        index = max(bisect.bisect_right(self.days, day), self.first_session)
        if index + 1 < len(self.days) and self.rng.random() < 0.25:
            index += 1
        return index if index < len(self.days) else None

    def _lock(self, session: int, *keys: tuple[str, str], extra_days: int = 0) -> None:
        until = self.days[session] + timedelta(days=1 + extra_days)
        for key in keys:
            self.locks[key] = max(until, self.locks.get(key, date.min))

    def _related(self, a: str, b: str) -> bool:
        for predicate in ("SIBLING_OF", "PARENT_OF", "~PARENT_OF"):
            if any(iv.other(a) == b for iv in self.timeline.history(a, predicate)):
                return True
        return False

    def _seniors(self, org: str, person: Person, *exclude: str) -> list[str]:
        return sorted(
            iv.subject
            for iv in self.timeline.current(org, "~WORKS_AT")
            if iv.subject not in exclude
            and iv.subject != person.name
            and self.cast.people[iv.subject].seniority > person.seniority
        )

    # -- kinds of change -----------------------------------------------------------------------

    def _move(self, person: Person, day: date) -> Event | None:
        home = self.timeline.current_one(person.name, "LIVES_IN")
        if home is None or not self._free(day, (person.name, "LIVES_IN")):
            return None
        seen = {iv.obj for iv in self.timeline.history(person.name, "LIVES_IN")}
        pool = self.cast.cities if self.rng.random() < 0.8 else list(_names.CITIES)
        options = [city for city in pool if city not in seen]
        session = self._session(day)
        if not options or session is None:
            return None
        self.timeline.close(home, day)
        new = self.timeline.open(person.name, "LIVES_IN", self.rng.choice(options), day)
        self._lock(session, (person.name, "LIVES_IN"))
        return Event("move", day, session, person.name, new=new, old=home)

    def _job(self, person: Person, day: date) -> Event | None:
        job = self.timeline.current_one(person.name, "WORKS_AT")
        name = person.name
        if job is None or not self._free(day, (name, "WORKS_AT"), (name, "MANAGED_BY")):
            return None
        reports = [iv for iv in self.timeline.current(name, "~MANAGED_BY")]
        if not self._free(day, *((iv.subject, "MANAGED_BY") for iv in reports)):
            return None
        session = self._session(day)
        if session is None:
            return None
        if self.rng.random() < 0.85:
            options = [org for org in self.cast.orgs if org != job.obj]
        else:
            options = [org for org in _names.ORGANIZATIONS if org not in self.cast.orgs]
        org = self.rng.choice(options)
        if org not in self.cast.orgs:
            self.cast.orgs.append(org)
        seniors = self._seniors(org, person)
        self.timeline.close(job, day)
        new = self.timeline.open(name, "WORKS_AT", org, day)
        follow = [self._replace_manager(person, day, session, seniors, cause=None)]
        for report in reports:
            staff = self._seniors(job.obj, self.cast.people[report.subject], name)
            people = self.cast.people[report.subject]
            follow.append(self._replace_manager(people, day, session, staff, cause=name))
        event = Event("job", day, session, name, new=new, old=job)
        event.follow = [e for e in follow if e is not None]
        self._lock(session, (name, "WORKS_AT"), (name, "MANAGED_BY"))
        self._lock(session, *((iv.subject, "MANAGED_BY") for iv in reports))
        return event

    def _replace_manager(
        self, person: Person, day: date, session: int, seniors: list[str], cause: str | None
    ) -> Event | None:
        old = self.timeline.current_one(person.name, "MANAGED_BY")
        if old is not None:
            self.timeline.close(old, day)
        if not seniors:
            if old is None:
                return None
            return Event("manager_end", day, session, person.name, old=old, cause=cause)
        boss = self.rng.choice(seniors[-2:])
        new = self.timeline.open(person.name, "MANAGED_BY", boss, day)
        return Event("manager", day, session, person.name, new=new, old=old, cause=cause)

    def _manager(self, person: Person, day: date) -> Event | None:
        job = self.timeline.current_one(person.name, "WORKS_AT")
        old = self.timeline.current_one(person.name, "MANAGED_BY")
        if job is None or old is None or not self._free(day, (person.name, "MANAGED_BY")):
            return None
        seniors = self._seniors(job.obj, person, old.obj)
        session = self._session(day)
        if not seniors or session is None:
            return None
        event = self._replace_manager(person, day, session, seniors, cause=None)
        self._lock(session, (person.name, "MANAGED_BY"))
        return event

    def _breakup(self, person: Person, day: date) -> Event | None:
        couple = self.timeline.current(person.name, "PARTNER_OF")
        if not couple:
            return None
        other = couple[0].other(person.name)
        keys = ((person.name, "PARTNER_OF"), (other, "PARTNER_OF"))
        session = self._session(day)
        if not self._free(day, *keys) or session is None:
            return None
        self.timeline.close(couple[0], day)
        self._lock(session, *keys, extra_days=90)
        return Event("breakup", day, session, person.name, old=couple[0])

    def _partner(self, person: Person, day: date) -> Event | None:
        name = person.name
        if self.timeline.current(name, "PARTNER_OF") or not self._free(day, (name, "PARTNER_OF")):
            return None
        session = self._session(day)
        if session is None:
            return None
        newcomer = None
        if self.rng.random() < _NEWCOMER_SHARE:
            other: Gender = "m" if person.gender == "f" else "f"
            gender = person.gender if self.rng.random() < 0.15 else other
            newcomer = self.cast.new_person(gender=gender, newcomer=True)
        if newcomer is not None:
            partner = newcomer.name
        else:
            singles = [
                other
                for other in sorted(self.cast.people)
                if other != name
                and not self.timeline.current(other, "PARTNER_OF")
                and self._free(day, (other, "PARTNER_OF"))
                and not self._related(name, other)
            ]
            if not singles:
                return None
            partner = self.rng.choice(singles)
        new = self.timeline.open(name, "PARTNER_OF", partner, day)
        mark = len(self.timeline.intervals)
        if newcomer is not None:
            give_profile(self.rng, self.cast, self.timeline, newcomer, day)
            self.restless[partner] = self.rng.choice((0.5, 1.0, 1.5))
            keys = ("LIVES_IN", "WORKS_AT", "MANAGED_BY", "HAS_PET", "ENJOYS")
            self._lock(session, *((partner, key) for key in keys))
        self._lock(session, (name, "PARTNER_OF"), (partner, "PARTNER_OF"))
        event = Event("partner", day, session, name, new=new)
        if newcomer is not None:
            event.newcomer = partner
            event.profile = self.timeline.intervals[mark:]
        return event

    def _pet_new(self, person: Person, day: date) -> Event | None:
        session = self._session(day)
        if session is None or not self._free(day, (person.name, "HAS_PET")):
            return None
        pet = self.cast.new_pet(person.name)
        if pet is None:
            return None
        new = self.timeline.open(person.name, "HAS_PET", pet[0], day)
        self._lock(session, (person.name, "HAS_PET"))
        return Event("pet_new", day, session, person.name, new=new)

    def _pet_loss(self, person: Person, day: date) -> Event | None:
        pets = self.timeline.current(person.name, "HAS_PET")
        session = self._session(day)
        if not pets or session is None or not self._free(day, (person.name, "HAS_PET")):
            return None
        old = self.rng.choice(pets)
        self.timeline.close(old, day)
        self._lock(session, (person.name, "HAS_PET"))
        return Event("pet_loss", day, session, person.name, old=old)

    def _hobby_new(self, person: Person, day: date) -> Event | None:
        seen = {iv.obj for iv in self.timeline.history(person.name, "ENJOYS")}
        options = [h for h in _names.HOBBIES if h not in seen]
        session = self._session(day)
        if not options or session is None or not self._free(day, (person.name, "ENJOYS")):
            return None
        new = self.timeline.open(person.name, "ENJOYS", self.rng.choice(options), day)
        self._lock(session, (person.name, "ENJOYS"))
        return Event("hobby_new", day, session, person.name, new=new)

    def _hobby_quit(self, person: Person, day: date) -> Event | None:
        hobbies = self.timeline.current(person.name, "ENJOYS")
        session = self._session(day)
        if len(hobbies) < 2 or session is None or not self._free(day, (person.name, "ENJOYS")):
            return None
        old = self.rng.choice(hobbies)
        self.timeline.close(old, day)
        self._lock(session, (person.name, "ENJOYS"))
        return Event("hobby_quit", day, session, person.name, old=old)


def simulate(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    session_days: list[date],
    first_session: int,
) -> list[Event]:
    """Run the world from the month after session ``first_session - 1`` to the last session.

    Returns the events in the order they happened; each knows the session that retells it.
    """
    first = add_months(session_days[first_session - 1], 1)
    last = session_days[-1] - timedelta(days=1)
    return _Simulator(rng, cast, timeline, session_days, first_session).run(first, last)
