"""The cast of one scope and its state when the conversations begin.

:class:`Cast` hands out people, pets and names so that every surface form (first name,
nickname, pet name) means one thing within a scope. :func:`populate` builds the user, their
family, friends, colleagues, partners and relatives, and records everything true at the start
(homes, employers, managers, pets, hobbies) in the :class:`~._timeline.Timeline`, plus a little
prehistory (a previous home or job that ended years before) that is revealed only later.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Literal

from . import _names
from ._timeline import Timeline

__all__ = ["Cast", "Gender", "Person", "give_profile", "populate"]

Gender = Literal["f", "m"]

_TYPES_BY_VOCABULARY: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset(_names.CITIES), "Place"),
    (frozenset(_names.ORGANIZATIONS), "Organization"),
    (frozenset(_names.HOBBIES), "Activity"),
)


@dataclass(slots=True, eq=False)
class Person:
    """A person of the scope, with the traits that are stated as unary facts."""

    name: str
    first: str
    last: str
    gender: Gender
    nickname: str | None
    is_user: bool
    seniority: float
    can_work: bool = True
    profession: str | None = None
    diet: str | None = None
    allergy: str | None = None
    language: str | None = None
    newcomer: bool = False

    @property
    def aliases(self) -> tuple[str, ...]:
        """Names other than the full name: the first name and the nickname, if any."""
        return (self.first,) if self.nickname is None else (self.first, self.nickname)


class Cast:
    """The people, pets and vocabularies of one scope, handing out unique names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: dict[str, Person] = {}
        self.pets: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        self.surfaces: set[str] = set()
        self._first_names = list(_names.FIRST_NAMES)
        rng.shuffle(self._first_names)
        self._pet_names = list(_names.PET_NAMES)
        rng.shuffle(self._pet_names)
        self.cities = rng.sample(_names.CITIES, rng.randint(7, 11))
        self.orgs: list[str] = []

    @property
    def user(self) -> Person:
        """The person talking to the assistant."""
        return next(iter(self.people.values()))

    def new_person(
        self,
        *,
        gender: Gender | None = None,
        surname: str | None = None,
        is_user: bool = False,
        newcomer: bool = False,
    ) -> Person | None:
        """A new person with a first name (and nickname) unused in the scope; ``None`` if none."""
        for index, (first, sex, nicknames) in enumerate(self._first_names):
            if (gender is not None and sex != gender) or first in self.surfaces:
                continue
            del self._first_names[index]
            free = [n for n in nicknames if n not in self.surfaces]
            nickname = self.rng.choice(free) if free and self.rng.random() < 0.55 else None
            last = surname or self.rng.choice(_names.SURNAMES)
            person = Person(
                name=f"{first} {last}",
                first=first,
                last=last,
                gender="f" if sex == "f" else "m",
                nickname=nickname,
                is_user=is_user,
                seniority=self.rng.random(),
                newcomer=newcomer,
            )
            self.surfaces.update(person.aliases)
            self.people[person.name] = person
            return person
        return None

    def new_pet(self, owner: str) -> tuple[str, str] | None:
        """A new pet name and species for ``owner``, or ``None`` when the names ran out."""
        if not self._pet_names:
            return None
        name = self._pet_names.pop()
        species = self.rng.choice(_names.PET_SPECIES)
        self.pets[name] = species
        self.owners[name] = owner
        return name, species

    def strangers(self) -> list[str]:
        """Full names nobody in the scope has or is called by (for unanswerable questions)."""
        return [
            f"{first} {_names.SURNAMES[index % len(_names.SURNAMES)]}"
            for index, (first, _, nicknames) in enumerate(self._first_names)
            if first not in self.surfaces and not set(nicknames) & self.surfaces
        ]

    def type_of(self, name: str) -> str:
        """The PascalCase entity type of a canonical name."""
        if name in self.people:
            return "Person"
        if name in self.pets:
            return "Pet"
        for vocabulary, kind in _TYPES_BY_VOCABULARY:
            if name in vocabulary:
                return kind
        return "Organization"

    def aliases_of(self, name: str) -> tuple[str, ...]:
        """Other names of an entity (only people have any)."""
        person = self.people.get(name)
        return person.aliases if person else ()


def populate(
    rng: random.Random, cast: Cast, timeline: Timeline, n_people: int, start: date
) -> None:
    """Create the user and about ``n_people`` others, with everything true at ``start``."""
    user = cast.new_person(is_user=True)
    assert user is not None
    user.can_work = True
    families = [_family(rng, cast, timeline, user, rng.choice((1, 1, 2)), rng.choice((1, 2, 2)))]
    while len(cast.people) <= n_people:
        roll = rng.random()
        if roll < 0.12 and len(cast.people) + 2 <= n_people + 1:
            families.append(_family(rng, cast, timeline, None, 2, 0))
        elif roll < 0.22 and len(cast.people) + 2 <= n_people + 1:
            families.append(_family(rng, cast, timeline, None, 1, 1))
        elif cast.new_person() is None:
            break
    relatives = {name: set(group) for group in families for name in group}
    _pair_partners(rng, cast, timeline, relatives)
    _befriend(rng, cast, timeline, relatives)
    cast.orgs = rng.sample(_names.ORGANIZATIONS, max(3, min(12, n_people // 5)))
    for person in list(cast.people.values()):
        give_profile(rng, cast, timeline, person, start, managers=False)
    _assign_managers(rng, cast, timeline)
    _ensure_nicknames(rng, cast, 2)
    _prehistory(rng, cast, timeline, start)


def give_profile(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    person: Person,
    start: date,
    *,
    managers: bool = True,
) -> None:
    """Give ``person`` a home, maybe a job (and manager), pets, hobbies and traits, open-ended.

    Their start is unknown (``None``): the conversations only learn that they hold now.
    """
    partner = timeline.current(person.name, "PARTNER_OF")
    home = None
    if partner and rng.random() < 0.6:
        home = timeline.current_one(partner[0].other(person.name), "LIVES_IN")
    city = home.obj if home else rng.choice(cast.cities)
    timeline.open(person.name, "LIVES_IN", city, None)
    if person.can_work and cast.orgs:
        org = cast.orgs[min(int(rng.paretovariate(1.2)) - 1, len(cast.orgs) - 1)]
        timeline.open(person.name, "WORKS_AT", org, None)
        if managers:
            _give_manager(rng, cast, timeline, person)
        if rng.random() < 0.6:
            person.profession = rng.choice(_names.PROFESSIONS)
    roll = rng.random()
    for _ in range(2 if roll < 0.06 else 1 if roll < 0.36 else 0):
        pet = cast.new_pet(person.name)
        if pet is not None:
            timeline.open(person.name, "HAS_PET", pet[0], None)
    for hobby in rng.sample(_names.HOBBIES, rng.choice((1, 1, 2))):
        timeline.open(person.name, "ENJOYS", hobby, None)
    person.diet = rng.choice(_names.DIETS) if rng.random() < 0.18 else None
    person.allergy = rng.choice(_names.ALLERGIES) if rng.random() < 0.1 else None
    person.language = rng.choice(_names.LANGUAGES) if rng.random() < 0.15 else None


def _family(
    rng: random.Random,
    cast: Cast,
    timeline: Timeline,
    anchor: Person | None,
    children: int,
    parents: int,
) -> list[str]:
    """A family: ``anchor`` (or a new person) plus siblings and parents with the same surname."""
    first = anchor or cast.new_person()
    assert first is not None
    kids = [first]
    for _ in range(children - (0 if anchor else 1)):
        sibling = cast.new_person(surname=first.last)
        if sibling is not None:
            kids.append(sibling)
    elders: list[Person] = []
    genders: list[Gender] = ["f", "m"] if parents == 2 else [rng.choice(("f", "m"))] * parents
    for gender in genders:
        parent = cast.new_person(gender=gender, surname=first.last)
        if parent is not None:
            parent.seniority = 0.7 + 0.3 * rng.random()
            parent.can_work = rng.random() < 0.5
            elders.append(parent)
    for i, kid in enumerate(kids):
        for other in kids[i + 1 :]:
            timeline.open(kid.name, "SIBLING_OF", other.name, None)
        for parent in elders:
            timeline.open(parent.name, "PARENT_OF", kid.name, None)
    if len(elders) == 2:
        timeline.open(elders[0].name, "PARTNER_OF", elders[1].name, None)
    return [p.name for p in kids + elders]


def _pair_partners(
    rng: random.Random, cast: Cast, timeline: Timeline, relatives: dict[str, set[str]]
) -> None:
    """Pair about half of the single people as partners (never relatives)."""
    singles = [n for n in cast.people if not timeline.current(n, "PARTNER_OF")]
    rng.shuffle(singles)
    while len(singles) >= 2:
        a = singles.pop()
        if rng.random() > 0.5:
            continue
        for index, b in enumerate(singles):
            if b not in relatives.get(a, ()):
                timeline.open(a, "PARTNER_OF", singles.pop(index), None)
                break


def _befriend(
    rng: random.Random, cast: Cast, timeline: Timeline, relatives: dict[str, set[str]]
) -> None:
    """Make the user a friend of some of the people outside the family."""
    user = cast.user.name
    for name in list(cast.people)[1:]:
        if name not in relatives.get(user, ()) and rng.random() < 0.45:
            timeline.open(user, "FRIEND_OF", name, None)


def _assign_managers(rng: random.Random, cast: Cast, timeline: Timeline) -> None:
    """Within each organization, everyone but the most senior reports to a more senior peer."""
    for org in cast.orgs:
        staff = sorted(
            (cast.people[iv.subject] for iv in timeline.current(org, "~WORKS_AT")),
            key=lambda p: (-p.seniority, p.name),
        )
        for rank, person in enumerate(staff[1:], start=1):
            seniors = staff[: min(rank, 2)]
            timeline.open(person.name, "MANAGED_BY", rng.choice(seniors).name, None)


def _give_manager(rng: random.Random, cast: Cast, timeline: Timeline, person: Person) -> None:
    """Give a newcomer a manager among the established, more senior staff of their employer."""
    job = timeline.current_one(person.name, "WORKS_AT")
    if job is None:
        return
    seniors = sorted(
        iv.subject
        for iv in timeline.current(job.obj, "~WORKS_AT")
        if iv.subject != person.name
        and not cast.people[iv.subject].newcomer
        and cast.people[iv.subject].seniority > person.seniority
    )
    if seniors:
        timeline.open(person.name, "MANAGED_BY", rng.choice(seniors), None)


def _ensure_nicknames(rng: random.Random, cast: Cast, at_least: int) -> None:
    """Make sure a few people go by a nickname (every world should exercise aliases)."""
    nicknames = {first: nicks for first, _, nicks in _names.FIRST_NAMES}
    have = sum(1 for p in cast.people.values() if p.nickname)
    for person in cast.people.values():
        if have >= at_least:
            return
        free = [n for n in nicknames.get(person.first, ()) if n not in cast.surfaces]
        if person.nickname is None and free:
            person.nickname = rng.choice(free)
            cast.surfaces.add(person.nickname)
            have += 1


def _prehistory(rng: random.Random, cast: Cast, timeline: Timeline, start: date) -> None:
    """Give some people a previous home or job that ended before the conversations began.

    At least one person gets one, so every world has something to reveal out of order.
    """
    people = list(cast.people.values())
    forced = rng.choice(people)
    done = False
    for person in people:
        for predicate, vocabulary, chance in (
            ("LIVES_IN", _names.CITIES, 0.3),
            ("WORKS_AT", _names.ORGANIZATIONS, 0.22),
        ):
            current = timeline.current_one(person.name, predicate)
            must = person is forced and predicate == "LIVES_IN" and not done
            if current is None or (rng.random() >= chance and not must):
                continue
            done = True
            ended = rng.randint(start.year - 3, start.year)
            began = ended - rng.randint(2, 6)
            past = rng.choice([v for v in vocabulary if v != current.obj])
            iv = timeline.open(
                person.name, predicate, past, date(began, 1, 1), precision="year", prehistory=True
            )
            timeline.close(iv, date(ended, 1, 1), precision="year")
            current.start = date(ended, 1, 1)
            current.start_precision = "year"
