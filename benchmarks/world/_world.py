"""Assemble worlds: sizes, one scope per user, lazy generation and JSON output.

Each scope (one user and the people in their life) is generated from its own random stream,
``Random(f"graphmem-world/{seed}/{index}")``, so scopes are independent, reproducible one by one
and can be generated lazily: a "large" world holds no scope in memory until asked for it.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any, Literal, overload

from ._model import QUESTION_CATEGORIES, AddCall, PersonInfo, Question, ScopeWorld, Truth, iso
from ._people import Cast, populate
from ._plan import make_plan
from ._questions import make_questions
from ._render import Renderer
from ._sessions import build_session
from ._timeline import Timeline
from ._truth import build_truth

__all__ = ["SIZES", "SizeName", "SizeSpec", "World", "generate_scope", "generate_world"]

SizeName = Literal["small", "default", "large"]
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """How big a world is: people and sessions per scope, years covered, scopes, questions."""

    people: int
    years: int
    sessions: int
    users: int
    questions: int
    lazy: bool = False


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(people=10, years=3, sessions=20, users=1, questions=6),
    "default": SizeSpec(people=36, years=5, sessions=90, users=1, questions=25),
    "large": SizeSpec(people=36, years=5, sessions=90, users=100, questions=10, lazy=True),
}


def size_spec(size: SizeName | int, users: int | None = None) -> SizeSpec:
    """The :class:`SizeSpec` for a named size or a number of people (one scope)."""
    if isinstance(size, bool) or not isinstance(size, (int, str)):
        raise TypeError(f"size must be 'small', 'default', 'large' or an int, not {size!r}")
    if isinstance(size, int):
        if size < 2:
            raise ValueError("a world needs at least 2 people besides the user")
        spec = SizeSpec(
            people=size,
            years=3 if size <= 12 else 5,
            sessions=max(12, round(2.5 * size)),
            users=1,
            questions=max(4, min(40, size // 2 + 2)),
        )
    elif size in SIZES:
        spec = SIZES[size]
    else:
        raise ValueError(f"unknown size {size!r}; use one of {sorted(SIZES)} or an int")
    if users is not None:
        if users < 1:
            raise ValueError("users must be >= 1")
        spec = SizeSpec(spec.people, spec.years, spec.sessions, users, spec.questions, spec.lazy)
    return spec


def generate_scope(seed: int, index: int, spec: SizeSpec) -> ScopeWorld:
    """Generate the scope of user number ``index`` of the world ``seed``."""
    rng = random.Random(f"graphmem-world/{seed}/{index}")
    user_id = f"user-{index:04d}"
    start = date(2019, 1, 1) + timedelta(days=rng.randrange(365))
    end = start + timedelta(days=round(365.25 * spec.years))
    cast = Cast(rng)
    timeline = Timeline()
    populate(rng, cast, timeline, spec.people, start)
    plan = make_plan(rng, cast, timeline, start, end, spec.sessions)
    renderer = Renderer(rng, cast, timeline)
    sessions = tuple(
        build_session(rng, renderer, cast, user_id, number, day, items)
        for number, (day, items) in enumerate(zip(plan.days, plan.sessions, strict=True))
    )
    truth, known_from = build_truth(user_id, cast, timeline, plan.days)
    questions = make_questions(rng, cast, truth, known_from, end, spec.questions)
    people = tuple(
        PersonInfo(p.name, p.aliases, p.gender, p.is_user)
        for p in cast.people.values()
        if p.name in renderer.mentioned
    )
    return ScopeWorld(
        user_id=user_id,
        user_name=cast.user.name,
        window_start=iso(start) or "",
        window_end=iso(end) or "",
        people=people,
        sessions=sessions,
        questions=tuple(questions),
        truth=truth,
    )


class _LazyScopes(Sequence[ScopeWorld]):
    """Scopes generated on access (the last one is cached), for worlds too big to hold."""

    def __init__(self, seed: int, spec: SizeSpec) -> None:
        self._seed = seed
        self._spec = spec
        self._cached: tuple[int, ScopeWorld] | None = None

    def __len__(self) -> int:
        return self._spec.users

    @overload
    def __getitem__(self, index: int) -> ScopeWorld: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ScopeWorld]: ...

    def __getitem__(self, index: int | slice) -> ScopeWorld | Sequence[ScopeWorld]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, generate_scope(self._seed, index, self._spec))
        return self._cached[1]

    def __iter__(self) -> Iterator[ScopeWorld]:
        for index in range(len(self)):
            yield generate_scope(self._seed, index, self._spec)


class World:
    """A generated world: one :class:`ScopeWorld` per user, in ``scopes``.

    For ``"large"`` the scopes are generated on access, so iterate (``iter_adds``,
    ``iter_questions``, ``write_json``) rather than holding them.
    """

    def __init__(self, seed: int, size: SizeName | int, spec: SizeSpec) -> None:
        self.seed = seed
        self.size = size
        self.spec = spec
        self.scopes: Sequence[ScopeWorld]
        if spec.lazy:
            self.scopes = _LazyScopes(seed, spec)
        else:
            self.scopes = tuple(generate_scope(seed, i, spec) for i in range(spec.users))

    @property
    def user_ids(self) -> list[str]:
        """The scope ids, one per user."""
        return [f"user-{index:04d}" for index in range(self.spec.users)]

    def scope(self, user_id: str) -> ScopeWorld:
        """The scope of ``user_id``."""
        return self.scopes[self.user_ids.index(user_id)]

    def iter_adds(self) -> Iterator[AddCall]:
        """Every add call, scope after scope, each scope in time order."""
        for scope in self.scopes:
            yield from scope.iter_adds()

    def iter_questions(self) -> Iterator[Question]:
        """Every question of every scope."""
        for scope in self.scopes:
            yield from scope.questions

    def truth(self, user_id: str) -> Truth:
        """The truth table of ``user_id``."""
        return self.scope(user_id).truth

    def stats(self) -> dict[str, Any]:
        """Counts: scopes, sessions, adds, turns, relations, facts, questions per category."""
        counts: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        for scope in self.scopes:
            counts["scopes"] += 1
            counts["people"] += len(scope.people)
            counts["sessions"] += len(scope.sessions)
            for add in scope.iter_adds():
                counts["adds"] += 1
                counts["turns"] += len(add.turns)
                counts["relations"] += len(add.extraction["relations"])
                counts["facts"] += len(add.extraction["facts"])
                for tag in add.tags:
                    counts["tag:" + tag] += 1
            counts["truth_intervals"] += len(scope.truth.intervals)
            categories.update(q.category for q in scope.questions)
        result: dict[str, Any] = dict(sorted(counts.items()))
        result["questions"] = {c: categories.get(c, 0) for c in QUESTION_CATEGORIES}
        return result

    def header(self) -> dict[str, Any]:
        """The JSON header fields."""
        return {
            "generator": "graphmem-world",
            "format_version": FORMAT_VERSION,
            "seed": self.seed,
            "size": self.size,
            "users": self.spec.users,
        }

    def write_json(self, fp: IO[str]) -> None:
        """Stream the world as one JSON document (scope by scope; memory stays small)."""
        head = json.dumps(self.header(), ensure_ascii=False, separators=(",", ":"))
        fp.write(head[:-1] + ',"scopes":[')
        for index, scope in enumerate(self.scopes):
            if index:
                fp.write(",")
            fp.write(json.dumps(scope.to_dict(), ensure_ascii=False, separators=(",", ":")))
        fp.write("]}\n")

    def to_json(self) -> str:
        """The whole world as a JSON string (same bytes as :meth:`write_json`)."""
        buffer = io.StringIO()
        self.write_json(buffer)
        return buffer.getvalue()


def generate_world(
    seed: int, size: SizeName | int = "default", *, users: int | None = None
) -> World:
    """Generate a deterministic synthetic life-story world.

    Args:
        seed: any int; the same seed (and size) always gives byte-identical JSON.
        size: ``"small"`` (~120 add calls, CI smoke), ``"default"`` (~600 add calls),
            ``"large"`` (100 scopes, ~100k facts, generated lazily) or a number of people in
            a single scope.
        users: override the number of scopes (users), e.g. for scale tests with many scopes.

    Returns:
        The :class:`World`.

    Example:
        >>> world = generate_world(7, "small")
        >>> first = next(world.iter_adds())
        >>> first.messages[0]["role"]
        'user'
    """
    return World(seed, size, size_spec(size, users))
