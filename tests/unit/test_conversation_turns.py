"""Raw conversation turns: neighbours across add() calls (search/_turns) and the session date as
search terms (search/_dates)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from graphmem.search._catalogue import ScopeCatalogue
from graphmem.search._dates import date_words
from graphmem.search._turns import SESSION_GAP_MS, neighbouring_turns
from graphmem.store._repository import TimeFilter

NOW = TimeFilter(datetime(2030, 1, 1, tzinfo=timezone.utc))
MARCH = int(datetime(2024, 3, 5, 18, tzinfo=timezone.utc).timestamp() * 1000)
JULY = int(datetime(2024, 7, 9, 9, tzinfo=timezone.utc).timestamp() * 1000)


def _said(*turns: tuple[str, str]) -> str:
    return json.dumps([{"role": "user", "name": name, "content": text} for name, text in turns])


def _row(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "fact_id": "f",
        "messages_json": _said(("Ben", "We hiked Yosemite."), ("Ana", "Crowded?")),
        "occurred_at": MARCH,
        "before_json": _said(("Ana", "Where did you go?")),
        "before_at": MARCH - 5 * 60_000,
        "after_json": _said(("Ben", "Not at all."), ("Ana", "Nice.")),
        "after_at": MARCH + 60_000,
    }
    return {**base, **fields}


def test_neighbours_continue_into_the_previous_and_next_add() -> None:
    texts = {"f": "We hiked Yosemite."}
    assert neighbouring_turns([_row()], texts, 1) == {
        "f": ["Ana: Where did you go?", "Ana: Crowded?"]
    }
    assert neighbouring_turns([_row()], texts, 2)["f"] == [
        "Ana: Where did you go?",
        "Ana: Crowded?",
        "Ben: Not at all.",
    ]
    edge = neighbouring_turns([_row()], {"f": "Crowded?"}, 1)
    assert edge == {"f": ["Ben: We hiked Yosemite.", "Ben: Not at all."]}


def test_neighbours_never_cross_a_session_gap_or_a_missing_link() -> None:
    texts = {"f": "We hiked Yosemite."}
    far = _row(before_at=MARCH - SESSION_GAP_MS - 1)
    assert neighbouring_turns([far], texts, 1) == {"f": ["Ana: Crowded?"]}
    unlinked = _row(before_json=None, before_at=None, after_json=None, after_at=None)
    assert neighbouring_turns([unlinked], {"f": "Crowded?"}, 1) == {
        "f": ["Ben: We hiked Yosemite."]
    }


def test_date_words_are_the_utc_month_and_year() -> None:
    assert date_words(MARCH) == "march 2024"
    assert date_words(None) == ""


def test_a_turns_session_month_is_searchable_and_a_facts_is_not() -> None:
    turn = '{"role": "user", "name": "Ben"}'
    catalogue = ScopeCatalogue()
    catalogue.upsert(
        [
            {
                "id": "march",
                "text": "We hiked Yosemite",
                "valid_from": MARCH,
                "metadata_json": turn,
            },
            {
                "id": "july",
                "text": "We hiked again near Tahoe",
                "valid_from": JULY,
                "metadata_json": turn,
            },
            {"id": "fact", "text": "Ben likes hiking", "valid_from": MARCH, "predicate": "LIKES"},
        ]
    )
    ranked = [
        i for i, _ in catalogue.bm25("hiked in March 2024", ScopeCatalogue.visibility(NOW, None), 5)
    ]
    assert ranked[0] == "march"
    only = catalogue.bm25("march 2024", ScopeCatalogue.visibility(NOW, None), 5)
    assert "fact" not in {i for i, _ in only}  # a fact's date is world time: not indexed
    assert catalogue.docs["march"].distinct == 3  # content words only (short-turn demotion)


def test_feedback_finds_the_turn_that_shares_a_name_with_the_top_turn() -> None:
    from graphmem.search._feedback import feedback_ranking

    turn = '{"role": "user", "name": "Ana"}'
    catalogue = ScopeCatalogue()
    catalogue.upsert(
        [
            {"id": "intro", "text": "my sister Maria is visiting next week", "metadata_json": turn},
            {"id": "job", "text": "Maria just started at Acme Robotics", "metadata_json": turn},
            {"id": "other", "text": "the weather was lovely in Porto", "metadata_json": turn},
        ]
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    ranked = feedback_ranking(catalogue, {"intro": 1.0}, "what does my sister do", visible, 5, 5)
    assert ranked[:2] == ["intro", "job"]
    assert feedback_ranking(catalogue, {}, "sister", visible, 5, 5) == []


def test_neighbour_leg_ranks_the_turns_next_to_the_top_hits() -> None:
    from graphmem.search._feedback import neighbour_ranking

    turn = '{"role": "user", "name": "Ana"}'
    catalogue = ScopeCatalogue()
    catalogue.upsert(
        [
            {"id": "q", "text": "Where did you go last weekend?", "metadata_json": turn},
            {"id": "a", "text": "We hiked Yosemite.", "metadata_json": turn},
        ]
    )
    around = {"q": ["Ben: We hiked Yosemite."]}
    assert neighbour_ranking(catalogue, {"q": 1.0}, around, 5) == ["a"]


def test_a_question_turns_reply_is_the_next_speakers_turn() -> None:
    from graphmem.search._turns import replies

    # "Crowded?" (Ana) is answered by Ben in the next add(): the reply crosses episodes
    assert replies([_row()], {"f": "Crowded?"}) == {"f": "Not at all."}
    # "Where did you go?" sits in the previous episode; its reply opens this one
    earlier = _row(
        messages_json=_said(("Ana", "Where did you go?")),
        after_json=_said(("Ben", "We hiked Yosemite.")),
    )
    assert replies([earlier], {"f": "Where did you go?"}) == {"f": "We hiked Yosemite."}
    # not a question, the same speaker going on, or a session gap: no reply
    assert replies([_row()], {"f": "We hiked Yosemite."}) == {}
    going_on = _row(messages_json=_said(("Ana", "Crowded?"), ("Ana", "I bet it was.")))
    assert replies([going_on], {"f": "Crowded?"}) == {}
    far = _row(after_at=MARCH + SESSION_GAP_MS + 1)
    assert replies([far], {"f": "Crowded?"}) == {}


def test_a_question_lends_its_score_to_its_visible_reply() -> None:
    from graphmem.search._feedback import reply_scores

    turn = '{"role": "user", "name": "Ana"}'
    catalogue = ScopeCatalogue()
    catalogue.upsert(
        [
            {"id": "q1", "text": "so which city did you pick?", "metadata_json": turn},
            {"id": "q2", "text": "where to in the end?", "metadata_json": turn},
            {"id": "a", "text": "Portland! we drove down on Saturday", "metadata_json": turn},
            {"id": "b", "text": "Lisbon, finally", "metadata_json": turn},
        ]
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    fused = {"q1": 0.09, "q2": 0.05, "a": 0.01}
    answers = {
        "q1": "Portland! we drove down on Saturday",
        "q2": "Portland! we drove down on Saturday",
    }
    # the best question's score, times the weight; a reply the first pass missed enters too
    assert reply_scores(catalogue, fused, answers, visible, 1.0) == {"a": 0.09}
    assert reply_scores(catalogue, fused, {"q2": "Lisbon, finally"}, visible, 0.5) == {"b": 0.025}
    assert reply_scores(catalogue, fused, {"q1": "not a stored turn"}, visible, 1.0) == {}
    hidden = reply_scores(catalogue, fused, answers, lambda doc: doc.id != "a", 1.0)
    assert hidden == {}
