"""The quality benchmark's scoring rules on hand-made data, its oracle, and its live plumbing.

The full ``small`` run takes about a minute on a busy 2-core machine, so CI does not run it
here: the scoring functions are tested on a hand-made mini world, the oracle replay and the
report on a tiny generated world (``slow``), and the live-LLM mode against the local fake
OpenAI server (``slow``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from benchmarks.quality._live import abstained, exact_match
from benchmarks.quality._oracle import OracleResponder, estimate_tokens
from benchmarks.quality._scoring import (
    FactView,
    NameResolver,
    answer_rank,
    duplicate_entities,
    first_mentions,
    gold_coverage,
    knowable_at,
    mentions,
    recall_table,
    required_support,
    sample_times,
    score_sets,
    store_triples,
    summarize,
    support_rank,
    triples_valid_at,
)
from benchmarks.world import (
    AddCall,
    PersonInfo,
    Question,
    Triple,
    Truth,
    TruthInterval,
    Turn,
)
from graphmem.llm import ToolRequest
from tests.fakes import FakeOpenAIServer, FakeResponse, RecordedRequest, completion_body


def utc(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


# -- a hand-made mini world ----------------------------------------------------------------

PEOPLE = (
    PersonInfo("Ana Silva", ("Ana", "Annie"), "f", True),
    PersonInfo("Ben Okafor", ("Ben",), "m", False),
    PersonInfo("Cara Silva", ("Cara",), "f", False),
)

LIVES_LISBON = TruthInterval(
    "Ana Silva", "LIVES_IN", "Lisbon", None, "2021-03-01T00:00:00Z", "Ana Silva lived in Lisbon."
)
LIVES_OSLO = TruthInterval(
    "Ana Silva", "LIVES_IN", "Oslo", "2021-03-01T00:00:00Z", None, "Ana Silva lives in Oslo."
)
MANAGER = TruthInterval(
    "Ana Silva", "MANAGED_BY", "Ben Okafor", "2020-01-01T00:00:00Z", None, "Ben manages Ana."
)
BEN_HOME = TruthInterval("Ben Okafor", "LIVES_IN", "Porto", None, None, "Ben lives in Porto.")
SIBLINGS = TruthInterval("Ana Silva", "SIBLING_OF", "Cara Silva", None, None, "Siblings.")
PETS = (
    TruthInterval("Cara Silva", "HAS_PET", "Rex", None, None, "Cara has Rex."),
    TruthInterval("Cara Silva", "HAS_PET", "Tom", None, None, "Cara has Tom."),
)
TRUTH = Truth("u", (LIVES_LISBON, LIVES_OSLO, MANAGER, BEN_HOME, SIBLINGS, *PETS))


def question(category: str, gold: tuple[str, ...], support: tuple[TruthInterval, ...], **kw: Any):
    aliases = {g: tuple(p.aliases) for p in PEOPLE for g in gold if g == p.name}
    for g in gold:
        aliases.setdefault(g, (g,))
    return Question(
        question_id=f"u/{category}",
        user_id="u",
        category=category,  # type: ignore[arg-type]
        text="?",
        gold=gold,
        gold_aliases=aliases,
        subject="Ana Silva",
        path=(),
        support=support,
        **kw,
    )


def add(add_id: str, when: str, relations: list[dict[str, Any]], text: str = "x") -> AddCall:
    return AddCall(
        add_id=add_id,
        user_id="u",
        session_id="u/s",
        occurred_at=when,
        turns=(Turn("user", text), Turn("assistant", "Got it.")),
        extraction={"entities": [], "relations": relations, "facts": []},
        tags=(),
    )


def rel(s: str, p: str, o: str, vf: str | None = None, vt: str | None = None) -> dict[str, Any]:
    return {"subject": s, "predicate": p, "object": o, "fact": f"{s} {p} {o}",
            "valid_from": vf, "valid_to": vt}  # fmt: skip


RESOLVER = NameResolver(PEOPLE, ["Lisbon", "Oslo", "Porto", "Rex", "Tom"])


# -- answers -------------------------------------------------------------------------------


def test_mentions_whole_words_case_insensitive() -> None:
    assert mentions("ana silva moved to Oslo.", ["Ana Silva"])
    assert mentions("Annie's new flat", ["Annie"])
    assert not mentions("Anastasia moved.", ["Ana"])
    assert not mentions("Benedict is here", ["Ben"])
    assert mentions("She took up open-water swimming.", ["open-water swimming"])
    assert not mentions("anything", [""])


def test_answer_rank_needs_every_gold_name_and_accepts_aliases() -> None:
    q = question("single_hop", ("Rex", "Tom"), PETS)
    texts = ["Cara likes dogs.", "Cara Silva has a pet named Rex.", "x", "Tom is Cara's cat."]
    assert answer_rank(q, texts) == 4
    assert answer_rank(q, texts[:3]) is None
    assert gold_coverage(q, texts[:3]) == 0.5
    boss = question("multi_hop_2", ("Ben Okafor",), (MANAGER,))
    assert answer_rank(boss, ["Ana's boss Ben said hi."]) == 1
    assert answer_rank(question("unanswerable", (), ()), ["Ben"]) is None


def test_required_support_depends_on_the_category() -> None:
    update = question("knowledge_update", ("Oslo",), (LIVES_LISBON, LIVES_OSLO))
    assert required_support(update) == [LIVES_OSLO]
    history = question("history", ("Lisbon",), (LIVES_LISBON, LIVES_OSLO), before="Oslo")
    assert required_support(history) == [LIVES_LISBON, LIVES_OSLO]
    as_of = question("as_of", ("Lisbon",), (LIVES_LISBON,), as_of="2020-06-01T12:00:00Z")
    assert required_support(as_of) == [LIVES_LISBON]


def test_support_rank_matches_canonical_triples_through_aliases_and_symmetry() -> None:
    q = question("multi_hop_2", ("Porto",), (MANAGER, BEN_HOME))
    hits = [
        FactView("noise"),
        FactView("Ben manages Annie.", "MANAGED_BY", "Annie", "Ben"),
        FactView("Ben Okafor lives in Porto.", "LIVES_IN", "Ben Okafor", "Porto"),
    ]
    assert support_rank(q, hits, RESOLVER) == 3
    assert support_rank(q, hits[:2], RESOLVER) is None
    sib = question("single_hop", ("Cara Silva",), (SIBLINGS,))
    assert support_rank(sib, [FactView("s", "SIBLING_OF", "Cara", "Ana Silva")], RESOLVER) == 1


def test_recall_table() -> None:
    table = recall_table({"a": [1, 3, None, 10], "b": []}, (1, 5, 10))
    assert table["a"] == {"n": 4, "r@1": 0.25, "r@5": 0.5, "r@10": 0.75}
    assert table["b"]["n"] == 0


# -- names, triples and time ---------------------------------------------------------------


def test_name_resolver_maps_unique_aliases_only() -> None:
    clash = NameResolver((*PEOPLE, PersonInfo("Ben Adams", ("Ben",), "m", False)), [])
    assert clash.canonical("Ben") == "Ben"  # two people called Ben: not mapped
    assert RESOLVER.canonical("annie") == "Ana Silva"
    assert RESOLVER.canonical("lisbon") == "Lisbon"
    assert RESOLVER.person_of("Oslo") is None
    extra = NameResolver(PEOPLE, [], extra={"user-0001": "Ana Silva"})
    assert extra.canonical("user-0001") == "Ana Silva"


def test_store_triples_and_validity_are_half_open() -> None:
    facts = [
        FactView("a", "LIVES_IN", "Ana", "Lisbon", None, utc(2021, 3)),
        FactView("b", "LIVES_IN", "Ana Silva", "Oslo", utc(2021, 3), None),
        FactView("c", "SIBLING_OF", "Cara", "Ana"),
        FactView("unary fact"),
        FactView("d", "KNOWS", "Ana", "Ben"),
    ]
    assert store_triples(facts, RESOLVER, ["LIVES_IN", "SIBLING_OF"]) == {
        Triple("Ana Silva", "LIVES_IN", "Lisbon"),
        Triple("Ana Silva", "LIVES_IN", "Oslo"),
        Triple("Ana Silva", "SIBLING_OF", "Cara Silva"),
    }
    at_switch = triples_valid_at(facts, utc(2021, 3), RESOLVER, ["LIVES_IN"])
    assert at_switch == {Triple("Ana Silva", "LIVES_IN", "Oslo")}
    before = triples_valid_at(facts, utc(2021, 2), RESOLVER, ["LIVES_IN"])
    assert before == {Triple("Ana Silva", "LIVES_IN", "Lisbon")}


def test_score_sets_and_summary() -> None:
    true = {Triple("a", "P", "b"), Triple("a", "P", "c")}
    predicted = {Triple("a", "P", "b"), Triple("x", "P", "y"), Triple("k", "P", "k")}
    score = score_sets(predicted, true, also_correct={Triple("k", "P", "k")})
    assert (score.precision, score.recall, score.predicted) == (0.5, 0.5, 2)
    assert score.missing == [Triple("a", "P", "c")] and score.extra == [Triple("x", "P", "y")]
    assert score_sets(set(), set()).f1 == 1.0
    pooled = summarize([score, score_sets(true, true)])
    assert pooled["precision"] == pytest.approx(3 / 4) and pooled["recall"] == pytest.approx(3 / 4)


def test_knowable_at_places_unstated_starts_from_their_first_mention() -> None:
    adds = [
        add("a0", "2020-06-10T10:00:00Z", [rel("Ana Silva", "LIVES_IN", "Lisbon")]),
        add("a1", "2021-05-01T10:00:00Z", [rel("Ben Okafor", "LIVES_IN", "Porto")]),
        add("a2", "2021-05-02T10:00:00Z", [rel("Cara Silva", "SIBLING_OF", "Ana Silva")]),
    ]
    first = first_mentions(adds)
    assert first[Triple("Ana Silva", "SIBLING_OF", "Cara Silva")] == utc(2021, 5, 2).replace(
        hour=10
    )
    early = knowable_at(TRUTH, first, utc(2020, 7))
    assert Triple("Ana Silva", "LIVES_IN", "Lisbon") in early  # said in June 2020
    assert Triple("Ben Okafor", "LIVES_IN", "Porto") not in early  # said only in 2021
    assert Triple("Ana Silva", "MANAGED_BY", "Ben Okafor") in early  # stated start
    assert Triple("Ben Okafor", "LIVES_IN", "Porto") in TRUTH.true_at(utc(2020, 7))


def test_sample_times_are_inside_the_window() -> None:
    times = sample_times("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", 4)
    assert len(times) == 4 and times == sorted(times)
    assert utc(2020) < times[0] and times[-1] < utc(2021)
    assert all(t.hour == 12 for t in times)


def test_duplicate_entities() -> None:
    entities = [
        {"name": "Ana Silva", "aliases": ["Ana"], "type": "Person"},
        {"name": "Annie", "aliases": [], "type": "Person"},  # the same person again
        {"name": "Ben Okafor", "aliases": ["Cara"], "type": "Person"},  # conflated
        {"name": "Lisbon", "aliases": [], "type": "Place"},
        {"name": "lisbon", "aliases": [], "type": "Place"},
    ]
    report = duplicate_entities(entities, RESOLVER)
    assert report["duplicates"] == 2
    assert report["duplicated"]["Ana Silva"] == ["Ana Silva", "Annie"]
    assert report["conflated"] == [{"entity": "Ben Okafor", "people": ["Ben Okafor", "Cara Silva"]}]
    assert ["Lisbon", "lisbon"] in report["alias_collisions"]
    assert duplicate_entities(entities[:1] + entities[2:4], RESOLVER)["duplicates"] == 0


# -- oracle --------------------------------------------------------------------------------


def _request(tool: str, content: str) -> ToolRequest:
    return ToolRequest(
        system="sys",
        messages=({"role": "user", "content": content},),
        tool_name=tool,
        tool_description="",
        tool_schema={"type": "object"},
    )


def test_oracle_replays_the_announced_add_and_finds_others_by_content() -> None:
    first = add(
        "a0", "2020-01-01T00:00:00Z", [rel("Ana Silva", "LIVES_IN", "Lisbon")], "I live in Lisbon."
    )
    second = add("a1", "2020-02-01T00:00:00Z", [], "Ben   says hi.")
    oracle = OracleResponder([first, second])
    oracle.expect(first)
    prompt = (
        "Reference time: x\nContext:\n  [user] Ben says hi.\nNEW messages:\n"
        "  [user] u: I live in Lisbon.\n  [assistant] assistant: Got it."
    )
    response = oracle(_request("extract_memory", prompt))
    assert response.arguments == first.extraction
    assert response.usage.prompt_tokens == estimate_tokens("sys" + prompt + '{"type": "object"}')
    other = oracle(_request("extract_memory", "NEW messages:\n [user] u: Ben says hi.\n Got it."))
    assert other.arguments == second.extraction and oracle.lookups == 1
    with pytest.raises(RuntimeError, match="matches no add call"):
        oracle(_request("extract_memory", "NEW messages:\n [user] u: something else"))


def test_oracle_resolves_static_facts_by_identity() -> None:
    oracle = OracleResponder()
    items = [
        {"new": 0, "fact": "Ana is a nurse.", "existing": [{"id": 0, "fact": "Ana is vegan."}]},
        {
            "new": 2,
            "fact": "Ana speaks Thai.",
            "existing": [{"id": 1, "fact": "ana  speaks thai."}],
        },
    ]
    answer = oracle(_request("resolve_memory", json.dumps(items))).arguments
    assert answer == {
        "decisions": [
            {"new": 0, "existing": None, "action": "ADD"},
            {"new": 2, "existing": 1, "action": "MERGE"},
        ]
    }
    assert oracle.resolve_calls == 1


# -- live answers --------------------------------------------------------------------------


def test_exact_match_and_abstention() -> None:
    q = question("single_hop", ("Rex", "Tom"), PETS)
    assert exact_match(q, "Rex, Tom")
    assert not exact_match(q, "Rex")
    assert exact_match(question("unanswerable", (), ()), "Unknown")
    assert not exact_match(question("unanswerable", (), ()), "Ben Okafor")
    assert abstained("I don't know.") and not abstained("Oslo")


# -- end to end on a tiny generated world --------------------------------------------------


@pytest.mark.slow
def test_oracle_run_and_report_on_a_tiny_world(tmp_path: Path) -> None:
    from benchmarks.quality._report import render_markdown, write_reports
    from benchmarks.quality._run import RunOptions, run_quality
    from benchmarks.world import generate_world

    world = generate_world(7, 2)
    result = run_quality(world, size=2, options=RunOptions(as_of_samples=4, progress=False))
    adds = world.stats()["adds"]
    ingest = result["ingest"]["graphmem"]
    assert ingest["adds"] == adds and ingest["oracle"]["extract_calls"] == adds
    assert ingest["oracle"]["found_by_content"] == 0
    assert 1.0 <= ingest["llm_calls_per_add"] <= 2.0
    assert result["ingest"]["raw_turns"]["llm_calls_total"] == 0
    assert result["state"]["entities"]["duplicates"] == 0
    for system in ("graphmem", "dense_only", "bm25_only", "raw_turns"):
        assert result["retrieval"][system]["recall"]["single_hop"]["n"] == 4
    assert {row["name"] for row in result["targets"]} >= {"as_of_accuracy", "llm_calls_per_add"}
    (tmp_path / "quality_2.json").write_text(json.dumps(result, default=str))
    written = write_reports(tmp_path)
    text = (tmp_path / "quality.md").read_text()
    assert "### Targets" in text and "dense-only" in text
    assert any(p.suffix == ".png" for p in written)
    assert render_markdown([]).startswith("# Memory-quality benchmark")


class WorldServer(FakeOpenAIServer):
    """The fake OpenAI server, answering from a world's ground truth instead of a script."""

    def __init__(self, world: Any) -> None:
        super().__init__(model="fake-live")
        self.oracle = OracleResponder(world.iter_adds())
        self.questions = {q.text: q for q in world.iter_questions()}

    def _record_and_next(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        body = request.json
        tool = body["tools"][0]["function"]["name"]
        messages = body["messages"]
        if tool in ("extract_memory", "resolve_memory"):
            asked = ToolRequest(
                system=messages[0]["content"],
                messages=tuple(messages[1:]),
                tool_name=tool,
                tool_description="",
                tool_schema={},
            )
            arguments: Any = self.oracle(asked).arguments
        elif tool == "answer_question":
            text = re.search(r"Question: (.*)$", messages[-1]["content"], re.S)
            q = self.questions[text.group(1).strip()] if text else None
            arguments = {"answer": ", ".join(q.gold) if q and q.gold else "unknown"}
        else:
            arguments = {"correct": True, "reason": "fake judge"}
        body = completion_body(model=self.model, tool_calls=[(tool, json.dumps(arguments))])
        return FakeResponse(200, body)


@pytest.mark.slow
def test_live_mode_plumbing_against_the_fake_openai_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.quality._run import RunOptions, run_quality
    from benchmarks.world import generate_world

    world = generate_world(7, 2)
    with WorldServer(world) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("GRAPHMEM_LLM_MODEL", "fake-live")
        options = RunOptions(live=True, judge=True, as_of_samples=4, progress=False)
        result = run_quality(world, size=2, options=options)
        tools = [r.json["tools"][0]["function"]["name"] for r in server.requests]
    adds = world.stats()["adds"]
    questions = sum(world.stats()["questions"].values())
    assert result["mode"] == "live" and result["options"]["model"] == "fake-live"
    ingest = result["ingest"]["graphmem"]
    assert ingest["failed_adds"] == 0 and ingest["adds"] == adds
    assert ingest["prompt_tokens_per_add"] >= 11  # the fake server's reported usage
    assert tools.count("extract_memory") == adds
    assert tools.count("answer_question") == 2 * questions  # graphmem and raw turns
    assert tools.count("judge_answer") == 2 * questions
    # The user's name reached the extractor: user turns carry it (``name``).
    extract = next(r for r in server.requests if "extract_memory" in json.dumps(r.json["tools"]))
    assert f"[user] {world.scopes[0].user_name}: " in extract.messages[-1]["content"]
    accuracy = result["live"]["accuracy"]["graphmem"]
    assert accuracy["all"]["exact"] == 1.0 and accuracy["all"]["judged"] == 1.0
    assert result["state"]["current"]["f1"] > 0.5
