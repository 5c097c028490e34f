"""Model types, message normalization and temporal helpers (pure, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from graphmem import InputError, ScopeError
from graphmem._messages import MAX_MESSAGES, normalize_messages, validate_text
from graphmem._temporal import ensure_utc, from_ms, parse_time, to_ms, utc_now
from graphmem.types import (
    AddResult,
    Fact,
    MemoryEvent,
    Message,
    Relation,
    Scope,
    SearchHit,
    SearchResult,
)

UTC = timezone.utc
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(days=30)
FUTURE = NOW + timedelta(days=30)
LIMIT = 1_000


# -- Scope -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"user_id": None, "agent_id": None, "run_id": None},
        {"user_id": ""},
        {"user_id": "   "},
        {"agent_id": "\t"},
        {"user_id": "alice\n"},  # "$" would match before a trailing newline
        {"user_id": "bob "},  # FalkorDB's range index trims edge whitespace: "bob" would see it
        {"agent_id": " bot"},
        {"run_id": "a\x00b"},
        {"user_id": "a\x1fb"},
        {"agent_id": "bot\x7f"},
        {"user_id": "x" * 257},
        {"user_id": 5},
        {"user_id": ["alice"]},
        {"user_id": "alice", "tenant_id": "t"},
    ],
)
def test_scope_rejects(kwargs: dict[str, object]) -> None:
    with pytest.raises(ScopeError):
        Scope(**kwargs)  # type: ignore[arg-type]


def test_scope_error_is_an_input_error() -> None:
    with pytest.raises(InputError, match="one of user_id, agent_id or run_id is required"):
        Scope()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"user_id": "alice"},
        {"agent_id": "bot"},
        {"run_id": "r1"},
        {"user_id": "x" * 256},
        {"user_id": "Ålice ünïcode 名前"},
        {"user_id": "a", "agent_id": "b", "run_id": "c"},
    ],
)
def test_scope_accepts(kwargs: dict[str, str]) -> None:
    scope = Scope(**kwargs)
    assert {k: v for k, v in scope.params().items() if v is not None} == kwargs


def test_scope_keys() -> None:
    full = Scope(user_id="u", agent_id="a", run_id="r")
    assert full.key() == "user_id=u\x1fagent_id=a\x1frun_id=r"
    assert full.entity_key() == Scope(user_id="u", agent_id="a").key()
    assert Scope(run_id="r").entity_key() == Scope(run_id="r").key()
    assert Scope(user_id="u").key() != Scope(agent_id="u").key()


# -- messages --------------------------------------------------------------------------------
def test_normalize_string() -> None:
    assert normalize_messages("hello", max_chars=LIMIT) == [Message(role="user", content="hello")]


def test_normalize_dict_and_list() -> None:
    one = normalize_messages({"role": "assistant", "content": "hi"}, max_chars=LIMIT)
    assert one == [Message(role="assistant", content="hi")]
    many = normalize_messages(
        [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "I like tea", "name": "bob"},
            {"role": "tool", "content": "ok"},
            {"role": "user", "content": "   "},  # blank turns are dropped
        ],
        max_chars=LIMIT,
    )
    assert [(m.role, m.content, m.name) for m in many] == [
        ("system", "be brief", None),
        ("user", "I like tea", "bob"),
        ("tool", "ok", None),
    ]
    assert (
        normalize_messages((Message(role="user", content="x"),), max_chars=LIMIT)[0].content == "x"
    )


@pytest.mark.parametrize(
    "messages",
    [
        [],
        (),
        "",
        "   ",
        {"role": "user", "content": ""},
        [{"role": "user", "content": ""}, {"role": "assistant", "content": "\n"}],
        [{"role": "robot", "content": "hi"}],
        [{"role": "User", "content": "hi"}],
        [{"role": "user", "content": 42}],
        [{"role": "user", "content": None}],
        [{"role": "user", "content": ["hi"]}],
        [{"role": "user", "content": {"text": "hi"}}],
        [{"content": "hi"}],
        [{"role": "user"}],
        [{"role": "user", "content": "hi", "extra": 1}],
        ["hello"],
        [None],
        [5],
        [[{"role": "user", "content": "nested"}]],
        42,
        None,
        3.5,
        b"bytes",
        {"hello"},
        [{"role": "user", "content": "x"}] * (MAX_MESSAGES + 1),
    ],
)
def test_normalize_rejects(messages: object) -> None:
    with pytest.raises(InputError):
        normalize_messages(messages, max_chars=LIMIT)


def test_normalize_size_limit_counts_all_messages() -> None:
    assert normalize_messages("x" * 10, max_chars=10)[0].content == "x" * 10
    with pytest.raises(InputError, match="limit is 10"):
        normalize_messages("x" * 11, max_chars=10)
    with pytest.raises(InputError):
        normalize_messages(
            [{"role": "user", "content": "x" * 6}, {"role": "assistant", "content": "y" * 6}],
            max_chars=10,
        )


def test_validate_text() -> None:
    assert validate_text("  hi  ", max_chars=5) == "hi"
    for bad in ("", "  ", None, 5, ["hi"], "x" * 6):
        with pytest.raises(InputError):
            validate_text(bad, max_chars=5, what="query")


# -- Fact.is_current -------------------------------------------------------------------------
def _fact(**times: datetime | None) -> Fact:
    return Fact(id="f", text="t", recorded_at=times.pop("recorded_at", None) or PAST, **times)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "recorded_at", "expired_at", "at", "expected"),
    [
        # open-ended "now" (at=None): current iff not retired and no end of validity
        (None, None, PAST, None, None, True),
        (PAST, None, PAST, None, None, True),
        (FUTURE, None, PAST, None, None, True),
        (PAST, FUTURE, PAST, None, None, False),
        (PAST, PAST, PAST, None, None, False),
        (None, None, PAST, PAST, None, False),
        (None, None, PAST, FUTURE, None, False),
        # at a world time: valid_from <= at < valid_to, and not retired by then
        (PAST, None, PAST, None, NOW, True),
        (NOW, None, PAST, None, NOW, True),
        (FUTURE, None, PAST, None, NOW, False),
        (PAST, NOW, PAST, None, NOW, False),
        (PAST, FUTURE, PAST, None, NOW, True),
        (None, FUTURE, PAST, None, NOW, True),
        (None, PAST, PAST, None, NOW, False),
        (PAST, FUTURE, PAST, NOW, NOW, False),
        (PAST, FUTURE, PAST, PAST, NOW, False),
        (PAST, FUTURE, PAST, FUTURE, NOW, True),
        # recorded_at (system time learned) does not decide world-time currency
        (PAST, None, FUTURE, None, NOW, True),
        (PAST, None, NOW, None, None, True),
    ],
)
def test_fact_is_current(
    valid_from: datetime | None,
    valid_to: datetime | None,
    recorded_at: datetime,
    expired_at: datetime | None,
    at: datetime | None,
    expected: bool,
) -> None:
    fact = Fact(
        id="f",
        text="t",
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_at=recorded_at,
        expired_at=expired_at,
    )
    assert fact.is_current(at) is expected


def test_fact_is_current_takes_naive_as_utc() -> None:
    fact = Fact(id="f", text="t", valid_from=PAST, valid_to=FUTURE, recorded_at=PAST)
    assert fact.is_current(NOW.replace(tzinfo=None)) is True


def test_fact_datetimes_are_utc_aware() -> None:
    berlin = timezone(timedelta(hours=2))
    fact = Fact(
        id="f",
        text="t",
        valid_from=datetime(2024, 1, 1, 2, 0, tzinfo=berlin),
        recorded_at=datetime(2024, 1, 1),
    )
    assert fact.valid_from == datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    assert fact.valid_from.tzinfo == UTC
    assert fact.recorded_at.tzinfo == UTC
    assert fact.memory == "t"


# -- SearchResult / AddResult ----------------------------------------------------------------
def _hit(text: str, score: float, current: bool, **extra: object) -> SearchHit:
    fact = Fact(
        id=f"id-{text[:8]}",
        text=text,
        recorded_at=PAST,
        valid_from=PAST,
        valid_to=None if current else NOW,
        user_id="alice",
        hash="h",
        **extra,
    )
    return SearchHit(fact=fact, score=score, is_current=current)


def _result() -> SearchResult:
    return SearchResult(
        hits=[
            _hit("Alice lived in Paris.", 0.9, current=False),
            _hit("Alice lives in Berlin.", 0.5, current=True),
            _hit("Alice likes tea.", 0.7, current=True, metadata={"k": "v"}),
        ],
        relations=[Relation(source="Alice", relationship="LIVES_IN", destination="Berlin")],
    )


def test_search_result_to_dict_is_mem0_shaped() -> None:
    result = _result()
    view = result.to_dict()
    assert set(view) == {"results", "relations"}
    assert len(result) == 3
    first = view["results"][0]
    assert {"id", "memory", "hash", "metadata", "created_at", "updated_at", "score"} <= set(first)
    assert first["memory"] == "Alice lived in Paris."
    assert first["user_id"] == "alice"
    assert "agent_id" not in first  # only the scope ids that are set
    assert first["metadata"] is None
    assert view["results"][2]["metadata"] == {"k": "v"}
    assert first["is_current"] is False
    assert first["valid_to"] == NOW.isoformat()
    assert view["relations"] == [
        {"source": "Alice", "relationship": "LIVES_IN", "destination": "Berlin"}
    ]


def test_to_context_puts_current_first_then_history() -> None:
    lines = _result().to_context(max_tokens=1_000).splitlines()
    assert lines[0].startswith("- Alice likes tea.")  # current, higher score
    assert lines[1].startswith("- Alice lives in Berlin.")
    assert lines[2].startswith("- Alice lived in Paris.")
    assert "past:" in lines[2]
    assert "since" in lines[0]


@pytest.mark.parametrize("max_tokens", [0, 1, 5, 6, 10, 12, 20, 1_000])
def test_to_context_never_exceeds_the_budget(max_tokens: int) -> None:
    hits = [_hit(f"Fact number {i} " + "x" * (i * 7), 1.0 / (i + 1), i % 2 == 0) for i in range(30)]
    text = SearchResult(hits=hits).to_context(max_tokens=max_tokens)
    assert len(text) <= max_tokens * 4
    lines = text.splitlines()
    assert all(line.startswith("- Fact number") for line in lines)
    assert len(SearchResult(hits=hits).to_context(max_tokens=100_000).splitlines()) == 30


def test_to_context_of_nothing_is_empty() -> None:
    assert SearchResult().to_context() == ""
    assert _result().to_context(max_tokens=-5) == ""


def test_add_result_to_dict() -> None:
    result = AddResult(
        episode_id="e",
        events=[
            MemoryEvent(id="1", memory="Alice lives in Berlin.", event="ADD"),
            MemoryEvent(
                id="2", memory="Alice lives in Berlin.", event="INVALIDATE", previous_memory="P"
            ),
        ],
        relations=[Relation(source="Alice", relationship="LIVES_IN", destination="Berlin")],
    )
    assert result.to_dict() == {
        "results": [
            {"id": "1", "memory": "Alice lives in Berlin.", "event": "ADD"},
            {
                "id": "2",
                "memory": "Alice lives in Berlin.",
                "event": "DELETE",  # mem0's name for a contradicted memory
                "previous_memory": "P",
            },
        ],
        "relations": [{"source": "Alice", "relationship": "LIVES_IN", "target": "Berlin"}],
    }
    assert result.events[1].event == "INVALIDATE"  # the typed event keeps graphmem's name
    assert AddResult(duplicate=True).to_dict() == {"results": [], "relations": []}


# -- temporal helpers ------------------------------------------------------------------------
def test_ensure_utc() -> None:
    naive = datetime(2024, 5, 1, 10, 30)
    assert ensure_utc(naive) == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    plus_two = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    converted = ensure_utc(plus_two)
    assert converted == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert converted.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T00:00:00Z", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T00:00:00z", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T02:00:00+02:00", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T00:00:00", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("  2024-03-01T00:00:00.250Z  ", datetime(2024, 3, 1, 0, 0, 0, 250_000, tzinfo=UTC)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_time(text: str | None, expected: datetime | None) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo == UTC


def test_parse_time_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_time("next tuesday")


@pytest.mark.parametrize(
    "value",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999_000, tzinfo=UTC),
        datetime(1960, 6, 1, tzinfo=UTC),
        datetime(2100, 1, 1, 0, 0, 0, 1_000, tzinfo=UTC),
    ],
)
def test_epoch_milliseconds_round_trip(value: datetime) -> None:
    ms = to_ms(value)
    assert isinstance(ms, int)
    assert from_ms(ms) == value
    assert from_ms(ms).tzinfo == UTC  # type: ignore[union-attr]


def test_epoch_milliseconds_of_naive_and_none() -> None:
    assert to_ms(datetime(1970, 1, 1, 0, 0, 1)) == 1_000
    assert to_ms(None) is None
    assert from_ms(None) is None
    assert from_ms(0) == datetime(1970, 1, 1, tzinfo=UTC)


def test_utc_now_is_aware_and_millisecond_precise() -> None:
    now = utc_now()
    assert now.tzinfo == UTC
    assert now.microsecond % 1000 == 0
    assert from_ms(to_ms(now)) == now
