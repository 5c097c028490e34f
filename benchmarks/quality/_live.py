"""Live-LLM mode: answers written by a real model from ``SearchResult.to_context()``, judged.

The model is reached through graphmem's own LLM layer (``create_llm`` from the ``GRAPHMEM_*``/
``OPENAI_*`` environment, validated forced tool calls with retries), so any OpenAI-compatible
endpoint works. Two extra tools, defined here and nowhere in the library:

- ``answer_question`` ``{"answer": "..."}``: the answer from the memories alone, names only,
  or exactly ``unknown`` when the memories do not say;
- ``judge_answer`` ``{"correct": true|false, "reason": "..."}``: an optional LLM judge that
  compares the answer with the gold names (``--judge``).

Exact match (always computed, no LLM): an answer is correct when it mentions every gold name
(or an alias) as a whole word (the retrieval answer rule applied to the answer text); for an
unanswerable question, when it abstains (``unknown``, "I don't know", "no information"...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from benchmarks.quality._scoring import answer_rank, mentions
from benchmarks.world import Question
from graphmem.llm import LLMUsage, ToolInvoker

__all__ = [
    "ANSWER_SYSTEM",
    "JUDGE_SYSTEM",
    "Answer",
    "Judgement",
    "LiveAnswerer",
    "abstained",
    "exact_match",
]

ANSWER_SYSTEM = """You answer questions about the user's life and the people in it, using ONLY
the memories given (each line is a remembered fact, with the dates it held). Today is {today}.
Call `answer_question` with the shortest complete answer: the name or names asked for (full
names where the memories give them), separated by commas, without explanation. If the memories
do not contain the answer, answer exactly: unknown"""

JUDGE_SYSTEM = """You grade answers to questions about a user's memories. Call `judge_answer`
with correct=true when the ANSWER names the same entities as the GOLD answer (a first name or
nickname of the right person counts; every gold name must be there; extra wrong names make it
wrong). When GOLD is empty the question is unanswerable: the answer is correct only if it says
the information is unknown."""

_ABSTAIN = (
    "unknown",
    "don't know",
    "do not know",
    "not known",
    "no information",
    "not mentioned",
    "cannot be determined",
    "can't be determined",
    "not enough information",
    "no record",
)


class Answer(BaseModel):
    """Arguments of ``answer_question``."""

    answer: str = Field(description="The name(s) asked for, comma-separated, or 'unknown'.")


class Judgement(BaseModel):
    """Arguments of ``judge_answer``."""

    correct: bool = Field(description="Whether the answer matches the gold answer.")
    reason: str = Field(default="", description="One short sentence.")


def abstained(answer: str) -> bool:
    """Whether an answer says it does not know."""
    folded = " ".join(answer.casefold().split())
    return not folded or any(phrase in folded for phrase in _ABSTAIN)


def exact_match(question: Question, answer: str) -> bool:
    """Exact match on gold entity names (see the module docstring)."""
    if not question.gold:
        return abstained(answer)
    if abstained(answer) and not any(
        mentions(answer, (g, *question.gold_aliases.get(g, ()))) for g in question.gold
    ):
        return False
    return answer_rank(question, [answer]) == 1


@dataclass
class LiveAnswer:
    """One answered question."""

    answer: str
    exact: bool
    judged: bool | None
    reason: str | None
    usage: LLMUsage

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "answer": self.answer,
            "exact": self.exact,
            "judged": self.judged,
            "judge_reason": self.reason,
            "llm_calls": self.usage.calls,
            "tokens": self.usage.total_tokens,
        }


class LiveAnswerer:
    """Answers from a memory context with one tool call, and optionally judges the answer."""

    def __init__(self, llm: Any, *, judge: bool, today: str) -> None:
        self._invoker = ToolInvoker(llm)
        self._judge = judge
        self._today = today

    def answer(self, question: Question, context: str) -> LiveAnswer:
        """Answer ``question`` from ``context``; exact match always, LLM judge if enabled."""
        memories = context.strip() or "(no memories found)"
        user = f"Memories:\n{memories}\n\nQuestion: {question.text}"
        result = self._invoker.invoke(
            Answer,
            "answer_question",
            "Answer the question from the memories.",
            ANSWER_SYSTEM.format(today=self._today),
            [{"role": "user", "content": user}],
            operation="answer",
        )
        text = result.value.answer.strip()
        usage = result.usage
        judged: bool | None = None
        reason: str | None = None
        if self._judge:
            gold = ", ".join(question.gold) if question.gold else "(none: unanswerable)"
            prompt = f"QUESTION: {question.text}\nGOLD: {gold}\nANSWER: {text}"
            verdict = self._invoker.invoke(
                Judgement,
                "judge_answer",
                "Grade the answer against the gold answer.",
                JUDGE_SYSTEM,
                [{"role": "user", "content": prompt}],
                operation="judge",
            )
            judged, reason = verdict.value.correct, verdict.value.reason
            usage = usage + verdict.usage
        return LiveAnswer(text, exact_match(question, text), judged, reason, usage)
