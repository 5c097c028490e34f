"""What gets said in which session.

The conversations have two phases. First the user introduces themself and the people in their
life, one bundle per person in breadth-first order from the user ("my sister Alice", then
"Alice's partner Tom", then Tom's home and job ...), a handful of bundles per session. Then life
goes on (:mod:`._simulate`): each session retells the changes since the last one, and the user
also repeats things in other words, reminisces about how things used to be, and now and then
reveals something from years before the conversations began (out of order).
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

from ._people import Cast
from ._render import Item
from ._simulate import Event, simulate
from ._timeline import Interval, Timeline

__all__ = ["Plan", "make_plan"]

_LINKS = ("PARTNER_OF", "SIBLING_OF", "PARENT_OF", "~PARENT_OF", "MANAGED_BY", "~MANAGED_BY")
_OWN = ("LIVES_IN", "WORKS_AT", "HAS_PET", "ENJOYS")
_TRAITS = ("profession", "diet", "allergy", "language")


@dataclass(slots=True)
class Plan:
    """Session days and, per session, the items to say in order."""

    days: list[date]
    sessions: list[list[Item]]
    events: list[Event]
    first_change_session: int


def make_plan(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    start: date,
    end: date,
    n_sessions: int,
) -> Plan:
    """Plan every session of one scope between ``start`` and ``end``."""
    deferred: list[tuple[Item, int]] = []
    bundles = _intro_bundles(rng, cast, timeline, deferred)
    phase_one = _pack_bundles(rng, bundles)
    days = _session_days(rng, start, end, len(phase_one), n_sessions)
    sessions = phase_one + [[] for _ in range(len(days) - len(phase_one))]
    for index, items in enumerate(phase_one):
        for item in items:
            if item.interval is not None and item.interval.stated_in is None:
                item.interval.stated_in = index
    first = len(phase_one)
    events = simulate(rng, cast, timeline, days, first)
    for event in events:
        sessions[event.session].extend(_event_items(rng, cast, timeline, event, deferred))
    extras: list[list[Item]] = [[] for _ in days]
    _reveal_prehistory(rng, timeline, extras, first)
    for item, earliest in deferred:
        if earliest < len(days):  # else the person came up in the last session: left unsaid
            extras[rng.randrange(max(first, earliest), len(days))].append(item)
    _retell(rng, timeline, days, extras, first)
    for index in range(first, len(days)):
        rng.shuffle(extras[index])
        cut = rng.randint(0, len(extras[index]))
        sessions[index] = extras[index][:cut] + sessions[index] + extras[index][cut:]
    return Plan(days, sessions, events, first)


# -- phase one: introductions ------------------------------------------------------------------


def _intro_bundles(
    rng: random.Random, cast: Cast, timeline: Timeline, deferred: list[tuple[Item, int]]
) -> list[list[Item]]:
    """One bundle per person, breadth-first from the user over family, partners and managers."""
    user = cast.user.name
    introduced = {user}
    stated: set[int] = set()
    bundles = [[Item("self_intro", user), *_own_items(rng, cast, timeline, user, deferred)]]
    queue = deque([user])
    while True:
        while queue:
            name = queue.popleft()
            for link in _links(timeline, name):
                other = link.other(name)
                if link.iid in stated or other in introduced:
                    continue
                bundles.append(_bundle(rng, cast, timeline, other, link, introduced, stated))
                bundles[-1].extend(_own_items(rng, cast, timeline, other, deferred))
                queue.append(other)
        rest = [name for name in cast.people if name not in introduced]
        if not rest:
            return bundles
        friendship = timeline.open(user, "FRIEND_OF", rest[0], None)
        bundles.append(_bundle(rng, cast, timeline, rest[0], friendship, introduced, stated))
        bundles[-1].extend(_own_items(rng, cast, timeline, rest[0], deferred))
        queue.append(rest[0])


def _links(timeline: Timeline, name: str) -> list[Interval]:
    found = {iv.iid: iv for key in (*_LINKS, "FRIEND_OF") for iv in timeline.current(name, key)}
    return [found[iid] for iid in sorted(found)]


def _bundle(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    name: str,
    via: Interval,
    introduced: set[str],
    stated: set[int],
) -> list[Item]:
    """Introduce ``name`` through ``via``, then state their links to people already known."""
    introduced.add(name)
    stated.add(via.iid)
    items = [Item("state", via.subject, interval=via)]
    for link in _links(timeline, name):
        if link.iid not in stated and link.other(name) in introduced:
            stated.add(link.iid)
            items.append(Item("state", link.subject, interval=link))
    return items


def _own_items(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    name: str,
    deferred: list[tuple[Item, int]],
    profile: list[Interval] | None = None,
    earliest: int = 0,
) -> list[Item]:
    """A person's home, job, pets, hobbies (``profile``, else what holds now) and traits.

    About a third of the traits are deferred to a later session (not before ``earliest``).
    """
    if profile is None:
        profile = [iv for predicate in _OWN for iv in timeline.current(name, predicate)]
    items = [Item("state", name, interval=iv) for iv in profile]
    person = cast.people[name]
    for trait in _TRAITS:
        value = getattr(person, trait)
        if value is not None:
            item = Item("trait", name, trait=(trait, value))
            if rng.random() < 0.7:
                items.append(item)
            else:
                deferred.append((item, earliest))
    return items


def _pack_bundles(rng: random.Random, bundles: list[list[Item]]) -> list[list[Item]]:
    """Spread the introduction bundles over sessions of roughly 6-12 items."""
    sessions: list[list[Item]] = [[]]
    budget = rng.randint(6, 12)
    for bundle in bundles:
        if sessions[-1] and len(sessions[-1]) + len(bundle) > budget:
            sessions.append([])
            budget = rng.randint(6, 12)
        sessions[-1].extend(bundle)
    return sessions


def _session_days(
    rng: random.Random, start: date, end: date, n_intro: int, n_sessions: int
) -> list[date]:
    """Intro sessions every few days from ``start``, the rest spread over the remaining time."""
    days = [start]
    longest = max(1, min(8, (end - start).days // (4 * max(1, n_intro))))
    for _ in range(n_intro - 1):
        days.append(days[-1] + timedelta(days=rng.randint(1, longest)))
    n_rest = max(n_sessions - n_intro, math.ceil(0.6 * n_sessions))
    first = days[-1] + timedelta(days=20)
    span = (end - first).days
    offsets = sorted(rng.sample(range(span), min(n_rest, span)))
    return days + [first + timedelta(days=offset) for offset in offsets]


# -- phase two: changes, retellings, revelations -----------------------------------------------


def _event_items(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    event: Event,
    deferred: list[tuple[Item, int]],
) -> list[Item]:
    """The event itself, then (for a new partner nobody knew) that person's own facts."""
    for part in (event, *event.follow):
        if part.new is not None:
            part.new.stated_in = event.session
        if part.old is not None:
            part.old.ended_in = event.session
    items = [Item("event", event.subject, event=event)]
    if event.newcomer is not None:
        own = _own_items(
            rng, cast, timeline, event.newcomer, deferred, event.profile, event.session + 1
        )
        for item in own:
            if item.interval is not None:
                item.interval.stated_in = event.session
        items.extend(own)
    return items


def _reveal_prehistory(
    rng: random.Random, timeline: Timeline, extras: list[list[Item]], first: int
) -> None:
    """Tell each bit of prehistory in a late session (after the present is well known)."""
    late = first + (len(extras) - first) // 3
    for iv in timeline.intervals:
        if iv.prehistory:
            session = rng.randrange(late, len(extras))
            iv.stated_in = session
            extras[session].append(Item("past", iv.subject, interval=iv))


def _retell(
    rng: random.Random, timeline: Timeline, days: list[date], extras: list[list[Item]], first: int
) -> None:
    """Add repetitions of known, still-true facts and reminiscences of ended ones."""
    for index in range(first, len(days)):
        day = days[index]
        current = [
            iv
            for iv in timeline.intervals
            if iv.stated_in is not None
            and iv.stated_in < index
            and not iv.prehistory
            and iv.holds_on(day)
        ]
        for _ in range(sum(rng.random() < p for p in (0.7, 0.3))):
            if current:
                iv = rng.choice(current)
                extras[index].append(Item("repeat", iv.subject, interval=iv))
        if rng.random() < 0.25:
            ended = [
                iv
                for iv in timeline.intervals
                if iv.ended_in is not None and iv.ended_in < index and not iv.prehistory
            ]
            if ended:
                iv = rng.choice(ended)
                extras[index].append(Item("reminisce", iv.subject, interval=iv))
