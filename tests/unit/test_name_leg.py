"""The name leg for raw turns (search/_names): the first pass's top turns lend score to the
other turns that mention their rare proper names, within what the search may see."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from graphmem.search._catalogue import ScopeCatalogue
from graphmem.search._names import name_scores, proper_names
from graphmem.search._searcher import _filter
from graphmem.store._repository import TimeFilter

NOW = TimeFilter(datetime(2030, 1, 1, tzinfo=timezone.utc))
LATER = int(datetime(2031, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
QUERY = "What line of work is Robert's partner in?"


def _turn(
    id_: str,
    text: str,
    speaker: str = "Robert",
    metadata: dict[str, object] | None = None,
    **extra: object,
) -> dict[str, object]:
    said = {"role": "user", "name": speaker, **(metadata or {})}
    return {"id": id_, "text": text, "metadata_json": json.dumps(said), **extra}


FILLER = [_turn(f"f{i}", f"the weather was grey again today number {i}") for i in range(40)]


def _catalogue(*rows: dict[str, object]) -> ScopeCatalogue:
    catalogue = ScopeCatalogue()
    catalogue.upsert([*rows, *FILLER])
    return catalogue


def test_capitalised_words_and_whether_they_stand_mid_sentence() -> None:
    found = list(proper_names("Data analyst! met Camille at a bbq. Lars said OK, I agree"))
    assert found == [("Data", False), ("Camille", True), ("Lars", False)]


def test_the_question_before_a_top_reply_lends_its_name_to_the_introduction() -> None:
    catalogue = _catalogue(
        _turn("intro", "ok so ive been seeing someone... her name's Ingrid"),
        _turn("ask", "what does Ingrid do?", speaker="Lucia"),
        _turn("job", "She's an architect, mostly night shifts"),
        _turn("other", "the calligraphy club near me closed down"),
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    fused = {"job": 0.2, "other": 0.1}  # the question ranks below the top
    lent = name_scores(catalogue, fused, QUERY, visible, 0.5, 0, {"job": "ask"})
    # the reply's score, times the weight; the lending question itself gets nothing
    assert lent == {"intro": pytest.approx(0.1)}
    # without knowing which question the reply answers, the name is not seen
    assert name_scores(catalogue, fused, QUERY, visible, 0.5, 0) == {}


def test_a_top_turn_lends_to_every_other_turn_naming_whom_it_names() -> None:
    catalogue = _catalogue(
        _turn("job", "Christina is a software engineer, works crazy hours"),
        _turn("intro", "met someone at a friend's bbq. christina. three dates lol"),
        _turn("again", "went bowling with Christina last night"),
        _turn("asks", "how's Christina doing?", speaker="Lucia"),
        {"id": "fact", "text": "Christina works at Acme"},  # extracted: the graph leg's
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    lent = name_scores(catalogue, {"job": 0.3}, QUERY, visible, 1.0, 0)
    # lower-case mentions receive; a question (asks about her) and an extracted fact do not
    assert lent == {"intro": pytest.approx(0.3), "again": pytest.approx(0.3)}
    # the sentence-initial "Christina" counts because another turn writes it mid-sentence
    alone = _catalogue(
        _turn("job", "Christina is a software engineer"), _turn("intro", "met christina")
    )
    assert name_scores(alone, {"job": 0.3}, QUERY, visible, 1.0, 0) == {}


def test_best_lender_counts_and_short_lenders_are_scaled_like_the_final_ranking() -> None:
    catalogue = _catalogue(
        _turn("a", "dinner with Camille at the harbour tonight"),
        _turn("b", "Camille?"),
        _turn("intro", "met someone at a bbq, Camille, three dates lol"),
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    lent = name_scores(catalogue, {"a": 0.2, "b": 0.4}, QUERY, visible, 1.0, 5)
    # "Camille?" has 1 distinct word of 5: it lends 0.4 x 1/5 = 0.08 < 0.2; lenders get nothing
    assert lent == {"intro": pytest.approx(0.2)}


def test_query_words_speakers_calendar_and_common_words_are_not_names() -> None:
    common = [_turn(f"c{i}", f"went to Paris again, trip {i}") for i in range(6)]
    catalogue = _catalogue(
        _turn("top", "told Robert and Lucia about Paris and Ingrid on Saturday"),
        _turn("ingrid", "ingrid says hi"),
        _turn("robert", "robert is my name"),
        _turn("lucia", "lucia said hi"),
        _turn("sat", "see you saturday"),
        _turn("hello", "Lucia: hi there", speaker="Lucia"),
        *common,
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    # Ingrid: in the query; Robert and Lucia: speakers; Saturday: a weekday; Paris: in 7 of 52
    # documents, more than max(5, 2%)
    query = "Where does Ingrid work?"
    assert name_scores(catalogue, {"top": 0.5}, query, visible, 1.0, 0) == {}
    assert set(name_scores(catalogue, {"top": 0.5}, "work", visible, 1.0, 0)) == {"ingrid"}


def test_the_leg_never_lends_to_a_turn_the_search_may_not_see() -> None:
    catalogue = _catalogue(
        _turn("top", "dinner with Ingrid tonight", metadata={"session": 1}),
        _turn("seen", "Ingrid got the job", metadata={"session": 1}),
        _turn("other_session", "Ingrid moved to Oslo", metadata={"session": 2}),
        _turn("future", "Ingrid and I got engaged", metadata={"session": 1}, valid_from=LATER),
    )
    everything = ScopeCatalogue.visibility(TimeFilter(NOW.as_of, True), None)
    assert set(name_scores(catalogue, {"top": 0.2}, "dinner", everything, 1.0, 0)) == {
        "seen",
        "other_session",
        "future",
    }
    # the search's filters and time (as the searcher builds them): only what it may see
    visible = ScopeCatalogue.visibility(NOW, _filter({"metadata": {"session": 1}}))
    assert name_scores(catalogue, {"top": 0.2}, "dinner", visible, 1.0, 0) == {
        "seen": pytest.approx(0.2)
    }


def test_reply_scores_report_which_question_lent_to_each_reply() -> None:
    from graphmem.search._feedback import reply_scores

    catalogue = _catalogue(
        _turn("q1", "what does Ingrid do?", speaker="Lucia"),
        _turn("q2", "and her job?", speaker="Lucia"),
        _turn("a", "She's an architect, mostly night shifts"),
    )
    visible = ScopeCatalogue.visibility(NOW, None)
    answer = "She's an architect, mostly night shifts"
    asked_by: dict[str, str] = {}
    lent = reply_scores(
        catalogue, {"q1": 0.05, "q2": 0.09}, {"q1": answer, "q2": answer}, visible, 1.0, asked_by
    )
    assert lent == {"a": pytest.approx(0.09)}
    assert asked_by == {"a": "q2"}  # the best question


@pytest.mark.parametrize(("mentions", "lends"), [(150, True), (300, False)])
def test_a_name_said_in_hundreds_of_turns_of_a_large_scope_lends_nothing(
    mentions: int, lends: bool
) -> None:
    # 20k documents: 2% would allow 400 mentions; the absolute cap is NAME_MAX_DF (200)
    rows = [_turn("top", "so Mirela said the night shift starts at nine")]
    rows += [
        _turn(f"m{i}", f"then Mirela called about the rota, item {i}") for i in range(mentions)
    ]
    rows += [_turn(f"x{i}", f"plain words about the weather, item {i}") for i in range(20_000)]
    catalogue = ScopeCatalogue()
    catalogue.upsert(rows)
    visible = ScopeCatalogue.visibility(NOW, None)
    lent = name_scores(catalogue, {"top": 0.2}, QUERY, visible, 0.5, 0)
    assert (len(lent) == mentions) is lends and (lent == {}) is not lends
