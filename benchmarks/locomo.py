"""LOCOMO runner: ``python -m benchmarks.locomo --file locomo10.json [--full]``.

LOCOMO (Maharana et al., 2024, "Evaluating Very Long-Term Conversational Memory of LLM
Agents") is **not** shipped or downloaded here: its licence is non-commercial; bring your own
copy of ``locomo10.json``. Format (a list of samples)::

    [{"sample_id": "conv-26",
      "conversation": {"speaker_a": "Caroline", "speaker_b": "Melanie",
                       "session_1_date_time": "1:56 pm on 8 May, 2023",
                       "session_1": [{"speaker": "Caroline", "dia_id": "D1:1", "text": "..."}],
                       ...},
      "qa": [{"question": "...", "answer": "...", "evidence": ["D1:3"], "category": 1}]}]

Question categories: 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial
(no answer in the conversation; the gold is then ``adversarial_answer`` if present).

Modes (each sample is its own scope, ``user_id="locomo-<sample_id>"``, in a fresh embedded
FalkorDB):

- **retrieval** (default, no LLM): every turn is one ``Memory.add(..., infer=False)`` with its
  session's date as ``occurred_at`` (plus one second per turn, to keep the order) and
  ``metadata={"dia_id", "session", "speaker"}``; the stored text is ``"<speaker>: <text>"``
  (with ``[shares a photo: <caption>]`` when the turn carries an image caption). Each question is
  searched (``limit`` = the largest k); **evidence recall@k** per category is the mean fraction
  of a question's evidence dia_ids found in the top-k hits' metadata, and **all-evidence@k** the
  fraction of questions with every evidence turn in the top k. Questions without evidence are
  counted and skipped.
- **full** (``--full``; needs ``GRAPHMEM_LLM_MODEL``, ``OPENAI_BASE_URL``/``OPENAI_API_KEY``):
  each session is one ``Memory.add(..., infer=True)`` (the model extracts); each question is
  answered by the model from ``search(...).to_context()`` and graded by an LLM judge (correct /
  wrong, LOCOMO's "J" score) and by token F1 against the gold answer; evidence recall is
  reported at session granularity (the sessions of the hits' episodes vs the evidence's).

Results: ``benchmarks/results/locomo_<mode>.json`` (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import string
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from benchmarks._common import RESULTS_DIR, machine_info, summarize_ms, write_json

__all__ = [
    "CATEGORIES",
    "LocomoQuestion",
    "LocomoSample",
    "evidence_ids",
    "load_locomo",
    "main",
    "parse_session_time",
    "run_locomo",
    "token_f1",
]

CATEGORIES = {
    1: "multi_hop",
    2: "temporal",
    3: "open_domain",
    4: "single_hop",
    5: "adversarial",
}
DEFAULT_KS = (1, 5, 10)
_TIME = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[ap]\.?m\.?)\s+on\s+(?P<d>\d{1,2})\s+"
    r"(?P<month>[A-Za-z]+),?\s+(?P<y>\d{4})",
    re.IGNORECASE,
)
_DIA = re.compile(r"D\d+:\d+")
_SESSION = re.compile(r"^session_(\d+)$")


# -- the file ------------------------------------------------------------------------------


def parse_session_time(text: str) -> datetime:
    """``"1:56 pm on 8 May, 2023"`` -> ``2023-05-08T13:56:00Z`` (LOCOMO's session dates)."""
    match = _TIME.search(text)
    if match is None:
        raise ValueError(f"unrecognised LOCOMO session date: {text!r}")
    hour = int(match["h"]) % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
    month = datetime.strptime(match["month"][:3].title(), "%b").month
    return datetime(
        int(match["y"]), month, int(match["d"]), hour, int(match["m"]), tzinfo=timezone.utc
    )


def evidence_ids(evidence: object) -> list[str]:
    """Evidence dia_ids, tolerant of the file's odd entries (``"D8:6; D9:17"``)."""
    items = evidence if isinstance(evidence, list) else [evidence]
    found: list[str] = []
    for item in items:
        for dia in _DIA.findall(str(item or "")):
            if dia not in found:
                found.append(dia)
    return found


@dataclass(frozen=True)
class Turn:
    """One turn of a session."""

    speaker: str
    dia_id: str
    text: str

    @property
    def content(self) -> str:
        """The text stored for the turn (speaker first, image caption appended)."""
        return f"{self.speaker}: {self.text}"


@dataclass(frozen=True)
class LocomoSession:
    """One dated session."""

    number: int
    date: datetime
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class LocomoQuestion:
    """One question with its gold answer and evidence turns."""

    question: str
    answer: str
    category: int
    evidence: tuple[str, ...]

    @property
    def category_name(self) -> str:
        """``multi_hop``, ``temporal``, ``open_domain``, ``single_hop`` or ``adversarial``."""
        return CATEGORIES.get(self.category, f"category_{self.category}")


@dataclass(frozen=True)
class LocomoSample:
    """One conversation between two speakers, its sessions and its questions."""

    sample_id: str
    speaker_a: str
    speaker_b: str
    sessions: tuple[LocomoSession, ...]
    questions: tuple[LocomoQuestion, ...]

    @property
    def user_id(self) -> str:
        """The graphmem scope of this sample."""
        return f"locomo-{self.sample_id}"

    def turn_count(self) -> int:
        """Turns over all sessions."""
        return sum(len(s.turns) for s in self.sessions)


def _turn(raw: dict[str, Any]) -> Turn:
    text = str(raw.get("text") or "").strip()
    caption = raw.get("blip_caption")
    if caption:
        text = f"{text} [shares a photo: {caption}]".strip()
    return Turn(speaker=str(raw.get("speaker") or "?"), dia_id=str(raw["dia_id"]), text=text)


def load_locomo(path: Path | str) -> list[LocomoSample]:
    """Read a LOCOMO file (a list of samples, or ``{"samples": [...]}``)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("samples") or data.get("data") or [data]
    samples = []
    for index, raw in enumerate(data):
        conv = raw["conversation"]
        sessions = []
        for key, value in conv.items():
            match = _SESSION.match(key)
            if match is None or not isinstance(value, list) or not value:
                continue
            number = int(match[1])
            date = parse_session_time(str(conv[f"session_{number}_date_time"]))
            turns = tuple(_turn(t) for t in value if str(t.get("text") or "").strip())
            sessions.append(LocomoSession(number, date, turns))
        sessions.sort(key=lambda s: s.number)
        questions = []
        for qa in raw.get("qa", []):
            category = int(qa.get("category", 0))
            answer = qa.get("answer")
            if answer is None:
                answer = qa.get("adversarial_answer", "")
            questions.append(
                LocomoQuestion(
                    question=str(qa["question"]),
                    answer=str(answer),
                    category=category,
                    evidence=tuple(evidence_ids(qa.get("evidence", []))),
                )
            )
        samples.append(
            LocomoSample(
                sample_id=str(raw.get("sample_id", index)),
                speaker_a=str(conv.get("speaker_a", "A")),
                speaker_b=str(conv.get("speaker_b", "B")),
                sessions=tuple(sessions),
                questions=tuple(questions),
            )
        )
    return samples


# -- scoring -------------------------------------------------------------------------------


def _normalize(text: str) -> list[str]:
    text = text.casefold()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the|and)\b", " ", text)
    return text.split()


def token_f1(prediction: str, gold: str) -> float:
    """LOCOMO/SQuAD-style token F1 (lower case, no punctuation or articles)."""
    pred, ref = _normalize(prediction), _normalize(gold)
    if not pred or not ref:
        return float(pred == ref)
    common = Counter(pred) & Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


@dataclass
class _Recall:
    """Per-category evidence recall accumulator."""

    ks: Sequence[int]
    fraction: dict[str, dict[int, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    complete: dict[str, dict[int, list[bool]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, category: str, evidence: Sequence[str], ranked: Sequence[set[str]]) -> None:
        if not evidence:
            self.skipped[category] += 1
            return
        wanted = set(evidence)
        for k in self.ks:
            seen = set().union(*ranked[:k]) if ranked[:k] else set()
            found = len(wanted & seen)
            self.fraction[category][k].append(found / len(wanted))
            self.complete[category][k].append(found == len(wanted))

    def table(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        categories = sorted(self.fraction, key=_category_order)
        pooled_f: dict[int, list[float]] = defaultdict(list)
        pooled_c: dict[int, list[bool]] = defaultdict(list)
        for category in categories:
            row: dict[str, Any] = {"n": len(self.fraction[category][self.ks[0]])}
            for k in self.ks:
                f, c = self.fraction[category][k], self.complete[category][k]
                row[f"recall@{k}"] = round(sum(f) / len(f), 4)
                row[f"all_evidence@{k}"] = round(sum(c) / len(c), 4)
                pooled_f[k] += f
                pooled_c[k] += c
            out[category] = row
        if categories:
            row = {"n": len(pooled_f[self.ks[0]])}
            for k in self.ks:
                row[f"recall@{k}"] = round(sum(pooled_f[k]) / len(pooled_f[k]), 4)
                row[f"all_evidence@{k}"] = round(sum(pooled_c[k]) / len(pooled_c[k]), 4)
            out["all"] = row
        out["skipped_without_evidence"] = dict(self.skipped)
        return out


def _category_order(name: str) -> int:
    order = list(CATEGORIES.values())
    return order.index(name) if name in order else len(order)


# -- the LLM tools of full mode ------------------------------------------------------------

ANSWER_SYSTEM = """You answer questions about a long conversation between {a} and {b}, using ONLY
the memories given (each line is a remembered fact or message, with its date). Call
`answer_question` with a short answer (a few words; dates as written in the memories, resolved
to absolute dates when they are relative). If the memories do not contain the answer, answer:
not mentioned"""

JUDGE_SYSTEM = """You grade an answer to a question about a conversation. Call `judge_answer` with
correct=true when the ANSWER means the same as the GOLD answer (be generous with wording and
date formats; the same day, month or year referred to differently counts), false otherwise."""


class Answer(BaseModel):
    """Arguments of ``answer_question``."""

    answer: str = Field(description="A short answer, or 'not mentioned'.")


class Judgement(BaseModel):
    """Arguments of ``judge_answer``."""

    correct: bool = Field(description="Whether the answer matches the gold answer.")
    reason: str = Field(default="", description="One short sentence.")


# -- the run -------------------------------------------------------------------------------


def _memory(data_dir: Path, embedder: Any, llm: Any) -> Any:
    from graphmem import Memory
    from graphmem.config import MemoryConfig

    config = MemoryConfig.from_dict(
        {
            "graph_store": {
                "provider": "falkordb",
                "config": {"data_dir": str(data_dir), "graph": "locomo"},
            }
        }
    )
    return Memory(config, embedder=embedder, llm=llm)


def _ingest_turns(memory: Any, sample: LocomoSample) -> list[float]:
    """Retrieval mode: one ``add(infer=False)`` per turn, dia_id in metadata."""
    times = []
    for session in sample.sessions:
        for index, turn in enumerate(session.turns):
            started = time.perf_counter()
            memory.add(
                [{"role": "user", "name": turn.speaker, "content": turn.content}],
                user_id=sample.user_id,
                occurred_at=session.date + timedelta(seconds=index),
                metadata={
                    "dia_id": turn.dia_id,
                    "session": session.number,
                    "speaker": turn.speaker,
                },
                infer=False,
            )
            times.append(time.perf_counter() - started)
    return times


def _ingest_sessions(memory: Any, sample: LocomoSample) -> tuple[list[float], list[Any], int]:
    """Full mode: one ``add(infer=True)`` per session."""
    times, usages, failures = [], [], 0
    for session in sample.sessions:
        messages = [
            {"role": "user", "name": turn.speaker, "content": turn.text} for turn in session.turns
        ]
        started = time.perf_counter()
        try:
            result = memory.add(
                messages,
                user_id=sample.user_id,
                occurred_at=session.date,
                metadata={
                    "session": session.number,
                    "dia_ids": [turn.dia_id for turn in session.turns],
                },
                infer=True,
            )
        except Exception as exc:  # a live model can fail; count it and go on
            print(f"  session {session.number}: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
            continue
        times.append(time.perf_counter() - started)
        usages.append(result.usage)
    return times, usages, failures


def _hit_keys(hit: Any, full: bool) -> set[str]:
    metadata = hit.fact.metadata or {}
    if full:
        session = metadata.get("session")
        return {f"S{session}"} if session is not None else set()
    dia = metadata.get("dia_id")
    return {str(dia)} if dia else set()


def _session_of(dia_id: str) -> str:
    return "S" + dia_id[1:].split(":", 1)[0]


def _samples(samples: Sequence[LocomoSample], limit: int | None) -> Iterator[LocomoSample]:
    yield from samples[:limit] if limit else samples


def run_locomo(
    samples: Sequence[LocomoSample],
    *,
    full: bool = False,
    ks: Sequence[int] = DEFAULT_KS,
    max_samples: int | None = None,
    max_questions: int | None = None,
    llm: Any = None,
    answer_llm: Any = None,
    judge: bool = True,
    data_dir: Path | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run LOCOMO in retrieval (``full=False``) or full mode; see the module docstring.

    ``llm``/``answer_llm``: full mode's extraction and answering/judging providers (default:
    from the environment, ``GRAPHMEM_LLM_MODEL``/``OPENAI_*``).
    """
    from graphmem.embed import SentenceTransformerEmbedder
    from graphmem.llm import ToolInvoker, create_llm

    started = time.perf_counter()
    ks = tuple(sorted(set(ks)))
    own_dir = data_dir is None
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="graphmem-locomo-"))
    embedder = SentenceTransformerEmbedder()
    memory = _memory(data_dir, embedder, llm if full else None)
    recall = _Recall(ks)
    search_times: list[float] = []
    add_times: list[float] = []
    llm_calls = 0
    failures = 0
    answers: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    records: list[dict[str, Any]] = []
    invoker = None
    if full:
        if answer_llm is None:
            config = memory.config.llm
            answer_llm = create_llm(config.provider, **config.config)
        invoker = ToolInvoker(answer_llm)
    try:
        memory.reset()
        for sample in _samples(samples, max_samples):
            if progress:
                print(
                    f"[{time.perf_counter() - started:6.1f}s] {sample.sample_id}: "
                    f"{len(sample.sessions)} sessions, {sample.turn_count()} turns, "
                    f"{len(sample.questions)} questions",
                    file=sys.stderr,
                    flush=True,
                )
            if full:
                times, usages, failed = _ingest_sessions(memory, sample)
                llm_calls += sum(u.calls for u in usages if u is not None)
                failures += failed
            else:
                times = _ingest_turns(memory, sample)
            add_times += times
            questions = sample.questions[:max_questions] if max_questions else sample.questions
            for q in questions:
                t0 = time.perf_counter()
                result = memory.search(q.question, user_id=sample.user_id, limit=max(ks))
                search_times.append(time.perf_counter() - t0)
                ranked = [_hit_keys(hit, full) for hit in result.hits]
                evidence = (
                    sorted({_session_of(d) for d in q.evidence}) if full else list(q.evidence)
                )
                recall.add(q.category_name, evidence, ranked)
                record: dict[str, Any] = {
                    "sample_id": sample.sample_id,
                    "category": q.category_name,
                    "question": q.question,
                    "gold": q.answer,
                    "evidence": list(q.evidence),
                    "hits": [sorted(keys) for keys in ranked],
                }
                if invoker is not None:
                    record.update(_answer(invoker, sample, q, result, judge))
                    llm_calls += record.pop("_calls")
                    answers[q.category_name]["f1"].append(record["f1"])
                    if record.get("judged") is not None:
                        answers[q.category_name]["judged"].append(float(record["judged"]))
                records.append(record)
    finally:
        memory.close()
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    result_doc: dict[str, Any] = {
        "benchmark": "locomo",
        "mode": "full" if full else "retrieval",
        "machine": machine_info(),
        "samples": len(list(_samples(samples, max_samples))),
        "questions": len(records),
        "ks": list(ks),
        "evidence_unit": "session" if full else "turn (dia_id)",
        "evidence_recall": recall.table(),
        "add_ms": summarize_ms(add_times),
        "search_ms": summarize_ms(search_times),
        "llm_calls": llm_calls,
        "failed_adds": failures,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "records": records,
    }
    if full:
        result_doc["model"] = os.environ.get("GRAPHMEM_LLM_MODEL")
        result_doc["answers"] = _answer_table(answers)
    return result_doc


def _answer(
    invoker: Any, sample: LocomoSample, q: LocomoQuestion, result: Any, judge: bool
) -> dict[str, Any]:
    context = result.to_context(max_tokens=1_500).strip() or "(no memories found)"
    calls = 0
    try:
        answered = invoker.invoke(
            Answer,
            "answer_question",
            "Answer the question from the memories.",
            ANSWER_SYSTEM.format(a=sample.speaker_a, b=sample.speaker_b),
            [{"role": "user", "content": f"Memories:\n{context}\n\nQuestion: {q.question}"}],
            operation="answer",
        )
    except Exception as exc:
        return {"answer": None, "error": f"{type(exc).__name__}: {exc}", "f1": 0.0, "_calls": 0}
    calls += answered.usage.calls
    text = answered.value.answer.strip()
    out: dict[str, Any] = {"answer": text, "f1": round(token_f1(text, q.answer), 4)}
    if judge:
        gold = q.answer if q.category != 5 else f"(not answerable) {q.answer}".strip()
        try:
            verdict = invoker.invoke(
                Judgement,
                "judge_answer",
                "Grade the answer against the gold answer.",
                JUDGE_SYSTEM,
                [
                    {
                        "role": "user",
                        "content": f"QUESTION: {q.question}\nGOLD: {gold}\nANSWER: {text}",
                    }
                ],
                operation="judge",
            )
            calls += verdict.usage.calls
            out["judged"] = verdict.value.correct
        except Exception as exc:
            out["judged"] = None
            out["judge_error"] = f"{type(exc).__name__}: {exc}"
    out["_calls"] = calls
    return out


def _answer_table(answers: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    pooled: dict[str, list[float]] = defaultdict(list)
    for category in sorted(answers, key=_category_order):
        row: dict[str, Any] = {"n": len(answers[category]["f1"])}
        for metric in ("f1", "judged"):
            values = answers[category].get(metric, [])
            pooled[metric] += values
            row[metric] = round(sum(values) / len(values), 4) if values else None
        table[category] = row
    table["all"] = {
        "n": len(pooled["f1"]),
        **{
            metric: round(sum(v) / len(v), 4) if v else None
            for metric, v in (("f1", pooled["f1"]), ("judged", pooled["judged"]))
        },
    }
    return table


def _markdown(doc: dict[str, Any]) -> str:
    ks = doc["ks"]
    lines = [
        f"# LOCOMO ({doc['mode']} mode): {doc['samples']} conversations, {doc['questions']} "
        f"questions; evidence unit: {doc['evidence_unit']}",
        "",
        "| category | n | "
        + " | ".join(f"recall@{k}" for k in ks)
        + " | "
        + " | ".join(f"all-evidence@{k}" for k in ks)
        + " |",
        "|---|---:|" + "---:|" * (2 * len(ks)),
    ]
    for category, row in doc["evidence_recall"].items():
        if not isinstance(row, dict) or "n" not in row:
            continue
        cells = [f"{row[f'recall@{k}']:.3f}" for k in ks]
        cells += [f"{row[f'all_evidence@{k}']:.3f}" for k in ks]
        lines.append(f"| {category} | {row['n']} | " + " | ".join(cells) + " |")
    if "answers" in doc:
        lines += ["", "| category | n | token F1 | LLM judge |", "|---|---:|---:|---:|"]
        for category, row in doc["answers"].items():
            judged = "–" if row["judged"] is None else f"{row['judged']:.3f}"
            lines.append(f"| {category} | {row['n']} | {row['f1']:.3f} | {judged} |")
    lines.append(
        f"\nadd p50 {doc['add_ms'].get('p50')} ms, search p50 {doc['search_ms'].get('p50')} ms, "
        f"LLM calls {doc['llm_calls']}, {doc['elapsed_s']} s."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.locomo", description=__doc__)
    parser.add_argument("--file", type=Path, required=True, help="your copy of locomo10.json")
    parser.add_argument("--full", action="store_true", help="LLM extraction, answers and judge")
    parser.add_argument("--k", default="1,5,10", help="cut-offs for evidence recall")
    parser.add_argument("--max-samples", type=int, default=None)
    parser.add_argument("--max-questions", type=int, default=None, help="per sample")
    parser.add_argument("--no-judge", action="store_true", help="full mode: token F1 only")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.full and not os.environ.get("GRAPHMEM_LLM_MODEL"):
        parser.error("--full needs GRAPHMEM_LLM_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY)")
    samples = load_locomo(args.file)
    doc = run_locomo(
        samples,
        full=args.full,
        ks=[int(k) for k in args.k.split(",") if k.strip()],
        max_samples=args.max_samples,
        max_questions=args.max_questions,
        judge=not args.no_judge,
        progress=not args.quiet,
    )
    out = args.out or RESULTS_DIR / f"locomo_{doc['mode']}.json"
    write_json(out, doc)
    md = _markdown(doc)
    out.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)
    print(f"wrote {out} and {out.with_suffix('.md')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
