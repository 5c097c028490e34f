"""A scope's search results do not depend on who else is stored, and filters act before ranking.

Real FalkorDB, real MiniLM embeddings. Results are compared exactly: ids, order and scores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmem import Memory

ME = "me"
MY_FACTS = [
    "Calvin moved to Boston last spring to work at the aquarium.",
    "Calvin's sister Dana plays the cello in a quartet.",
    "Stay safe!",
    "Dana and Calvin went hiking in the White Mountains in August.",
    "Calvin adopted a grey cat called Pixel.",
    "See ya, Calvin!",
    "The aquarium asked Calvin to lead the jellyfish exhibit.",
    "Dana's quartet played at the Boston library on Friday.",
    "Calvin is learning Portuguese before a trip to Lisbon.",
    "Pixel knocked Calvin's coffee onto his laptop.",
]
QUERIES = [
    "Where does Calvin work?",
    "What instrument does Dana play?",
    "Calvin cat",
    "When did they go hiking?",
    "Boston",
]
WORDS = [
    *sorted({w.strip(".,!?'s").lower() for text in MY_FACTS for w in text.split()} - {""}),
    "calvin",
    "dana",
    "pixel",
    "boston",
    "cello",
    "lisbon",
]


def _results(memory: Memory) -> list[list[tuple[str, float]]]:
    return [
        [(hit.fact.id, hit.score) for hit in memory.search(q, user_id=ME, limit=10).hits]
        for q in QUERIES
    ]


@pytest.fixture(scope="module")
def shared(module_memory_factory: Callable[..., Memory]) -> Iterator[Memory]:
    memory = module_memory_factory()
    for text in MY_FACTS:
        memory.add(text, user_id=ME, infer=False)
    yield memory


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tenants=st.lists(
        st.tuples(
            st.sampled_from(["u1", "u2", "u3", "me2", "Me", "calvin"]),
            st.one_of(
                st.sampled_from(MY_FACTS),
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_other_tenants_never_change_a_scopes_results(
    shared: Memory, tenants: list[tuple[str, str]]
) -> None:
    """Random tenants sharing the scope's words, names and even its exact texts are added around
    it; its results (ids, order, scores) stay identical."""
    before = _results(shared)
    for user, text in tenants:
        shared.add(text, user_id=user, infer=False)
    assert _results(shared) == before


@pytest.mark.slow
def test_results_identical_with_zero_and_a_thousand_other_tenants(
    memory_factory: Callable[..., Memory],
) -> None:
    """The exact form: 0 vs 1,000 other tenants, every one of them saying similar things (so the
    store-wide vector index's nearest neighbours are mostly other tenants' facts)."""
    memory = memory_factory()
    for text in MY_FACTS:
        memory.add(text, user_id=ME, infer=False)
    alone = _results(memory)
    assert all(alone), "every query finds something"
    for i in range(1_000):
        memory.add(MY_FACTS[i % len(MY_FACTS)], user_id=f"tenant-{i}", infer=False)
    assert _results(memory) == alone


def test_selective_metadata_filter_finds_the_one_tagged_fact(
    memory_factory: Callable[..., Memory],
) -> None:
    """One fact tagged ``rare`` among 200 similar ones is still found (filters act before the
    legs rank, not on an over-fetched pool)."""
    memory = memory_factory()
    for i in range(199):
        memory.add(f"Calvin fed the jellyfish at the aquarium on day {i}.", user_id=ME, infer=False)
    rare = memory.add("Dana tuned her cello.", user_id=ME, infer=False, metadata={"tag": "rare"})
    rare_id = rare.events[0].id
    hits = memory.search(
        "Calvin jellyfish aquarium", user_id=ME, limit=5, filters={"metadata": {"tag": "rare"}}
    ).hits
    assert [hit.fact.id for hit in hits] == [rare_id]
    window = memory.search("cello", user_id=ME, limit=5, filters={"metadata": {"tag": "other"}})
    assert window.hits == []


def test_raw_turn_hits_bring_their_neighbouring_turns_and_speaker(
    memory_factory: Callable[..., Memory],
) -> None:
    """A question answered across two turns: the hit carries the turns around it, in order."""
    memory = memory_factory()
    session = [
        ("Dana", "Hey Calvin! How's it going?"),
        ("Dana", "Did you travel anywhere recently?"),
        ("Calvin", "Yes, I flew to Osaka for my cousin's wedding."),
        ("Dana", "No way, that's amazing!"),
        ("Calvin", "Stay safe!"),
    ]
    memory.add(
        [{"role": "user", "name": who, "content": text} for who, text in session],
        user_id=ME,
        infer=False,
    )
    hits = memory.search("Osaka wedding", user_id=ME, limit=5).hits
    top = hits[0]
    assert top.fact.text == "Yes, I flew to Osaka for my cousin's wedding."
    assert top.context == [
        "Dana: Did you travel anywhere recently?",
        "Dana: No way, that's amazing!",
    ]
    assert "Calvin: Yes, I flew to Osaka" in memory.search("Osaka", user_id=ME).to_context()
