"""The LOCOMO runner on a tiny hand-made file in the LOCOMO format (``tests/data``).

LOCOMO itself is never downloaded or shipped (non-commercial licence); the file here has the
same shape: samples with ``conversation`` (``speaker_a``/``speaker_b``, ``session_N`` turn
lists with ``dia_id``, ``session_N_date_time``) and ``qa`` (``evidence`` dia_ids, ``category``
1-5, ``adversarial_answer`` for category 5). Retrieval mode runs for real (embedded FalkorDB,
MiniLM); full mode runs against the local fake OpenAI server.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from benchmarks.locomo import (
    evidence_ids,
    load_locomo,
    main,
    parse_session_time,
    run_locomo,
    token_f1,
)
from tests.fakes import FakeOpenAIServer, FakeResponse, RecordedRequest, completion_body

TINY = Path(__file__).resolve().parents[1] / "data" / "locomo_tiny.json"


def test_session_dates_parse() -> None:
    assert parse_session_time("1:56 pm on 8 May, 2023") == datetime(
        2023, 5, 8, 13, 56, tzinfo=timezone.utc
    )
    assert parse_session_time("12:04 am on 1 January, 2024").hour == 0
    assert parse_session_time("12:30 pm on 27 June 2023").hour == 12
    with pytest.raises(ValueError, match="unrecognised"):
        parse_session_time("yesterday")


def test_evidence_ids_tolerate_odd_entries() -> None:
    assert evidence_ids(["D1:4; D2:1", "D1:4"]) == ["D1:4", "D2:1"]
    assert evidence_ids("D3:2") == ["D3:2"]
    assert evidence_ids([]) == []


def test_token_f1() -> None:
    assert token_f1("A dance studio", "dance studio") == 1.0
    assert token_f1("online store", "An online clothing store") == pytest.approx(0.8)
    assert token_f1("", "x") == 0.0


def test_load_the_tiny_file() -> None:
    samples = load_locomo(TINY)
    assert [s.sample_id for s in samples] == ["tiny-1", "tiny-2"]
    first = samples[0]
    assert [s.number for s in first.sessions] == [1, 2]
    assert first.sessions[1].date == datetime(2023, 6, 27, 10, 37, tzinfo=timezone.utc)
    assert first.turn_count() == 9 and first.user_id == "locomo-tiny-1"
    photo = first.sessions[0].turns[4]
    assert photo.content.startswith("Caroline: Look at this sunset")
    assert "[shares a photo: a photo of a painting of a sunset" in photo.content
    categories = [q.category_name for q in first.questions]
    assert categories == ["temporal", "multi_hop", "open_domain", "single_hop", "adversarial"]
    assert first.questions[2].evidence == ("D1:4", "D2:1")
    assert first.questions[4].answer == "Adoption agencies"  # adversarial_answer
    assert samples[1].questions[2].evidence == ()


@pytest.mark.slow
def test_retrieval_mode_reports_evidence_recall_per_category(tmp_path: Path) -> None:
    doc = run_locomo(load_locomo(TINY), ks=(1, 5, 10), data_dir=tmp_path, progress=False)
    recall = doc["evidence_recall"]
    assert doc["mode"] == "retrieval" and doc["questions"] == 8 and doc["llm_calls"] == 0
    assert recall["skipped_without_evidence"] == {"open_domain": 1}
    assert recall["all"]["n"] == 7
    assert set(recall) >= {"temporal", "multi_hop", "open_domain", "single_hop", "adversarial"}
    # Every scope holds at most 9 turns, so the top 10 hold every turn: recall@10 is exact.
    assert recall["all"]["recall@10"] == 1.0 and recall["all"]["all_evidence@10"] == 1.0
    assert 0.0 <= recall["all"]["recall@1"] <= recall["all"]["recall@5"] <= 1.0
    # The dia_id of every turn survived into the hits' metadata.
    hits = {dia for record in doc["records"] for keys in record["hits"] for dia in keys}
    assert {"D1:1", "D1:5", "D2:4"} <= hits
    dance = next(r for r in doc["records"] if r["question"].startswith("What business"))
    assert dance["hits"][0] == ["D1:1"]


class LocomoServer(FakeOpenAIServer):
    """The fake OpenAI server answering LOCOMO's full-mode calls from the tiny file."""

    def __init__(self) -> None:
        super().__init__(model="fake-locomo")
        self.gold = {q.question: q.answer for s in load_locomo(TINY) for q in s.questions}

    def _record_and_next(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        tool = request.json["tools"][0]["function"]["name"]
        content = request.messages[-1]["content"]
        arguments: Any
        if tool == "extract_memory":
            turns = re.findall(r"\[user\] ([^:\n]+): (.+)", content.split("NEW messages:")[-1])
            speakers = sorted({speaker for speaker, _ in turns})
            arguments = {
                "entities": [{"name": s, "type": "Person", "aliases": []} for s in speakers],
                "relations": [],
                "facts": [{"text": f"{s} said: {t}", "about": [s]} for s, t in turns],
            }
        elif tool == "resolve_memory":
            items = json.loads(content)
            arguments = {"decisions": [{"new": i["new"], "action": "ADD"} for i in items]}
        elif tool == "answer_question":
            question = content.rsplit("Question: ", 1)[-1].strip()
            arguments = {"answer": self.gold.get(question, "not mentioned")}
        else:
            arguments = {"correct": True, "reason": "fake judge"}
        body = completion_body(model=self.model, tool_calls=[(tool, json.dumps(arguments))])
        return FakeResponse(200, body)


@pytest.mark.slow
def test_full_mode_plumbing_against_the_fake_openai_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocomoServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("GRAPHMEM_LLM_MODEL", "fake-locomo")
        out = tmp_path / "locomo_full.json"
        assert main(["--file", str(TINY), "--full", "--out", str(out), "--quiet"]) == 0
        tools = [r.json["tools"][0]["function"]["name"] for r in server.requests]
    doc = json.loads(out.read_text())
    assert doc["mode"] == "full" and doc["model"] == "fake-locomo" and doc["failed_adds"] == 0
    assert tools.count("extract_memory") == 3  # one per session
    assert tools.count("answer_question") == 8 and tools.count("judge_answer") == 8
    assert doc["llm_calls"] == len(tools)
    assert doc["answers"]["all"] == {"n": 8, "f1": 1.0, "judged": 1.0}
    assert doc["evidence_unit"] == "session"
    assert doc["evidence_recall"]["all"]["recall@10"] == 1.0
    # Every extracted fact carries its session in metadata.
    assert all(keys and keys[0].startswith("S") for r in doc["records"] for keys in r["hits"])
    assert out.with_suffix(".md").read_text().startswith("# LOCOMO (full mode)")
