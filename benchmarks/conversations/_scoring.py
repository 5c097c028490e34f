"""Scoring of the real-conversation track: evidence recall@k, MRR, bootstrap intervals.

A ranked list is a list of *entries*, one per hit, each the set of turn ids the hit stands for.
A hit stands for the turns whose text is the hit's fact text (the store merges identical texts
of one tenant, so a hit "lol" stands for every "lol"; evidence turns are unique texts). Only the
hit itself counts; the context variant also credits turns the engine returns beside a hit.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Scored",
    "bootstrap_ci",
    "entries_from_texts",
    "paired_diff_ci",
    "score_question",
    "summarize",
    "text_index",
]

KS = (5, 10)


def text_index(turns: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """``(turn id, text)`` pairs -> stripped text -> the ids of the turns with that text."""
    index: dict[str, set[str]] = {}
    for turn_id, text in turns:
        index.setdefault(text.strip(), set()).add(turn_id)
    return {text: frozenset(ids) for text, ids in index.items()}


def entries_from_texts(
    texts: Sequence[str],
    index: Mapping[str, frozenset[str]],
    context: Sequence[Sequence[str]] | None = None,
) -> list[frozenset[str]]:
    """Map hit texts (and, optionally, each hit's context texts) to the turn ids they stand for.

    A text that is no turn of the tenant (another tenant's, or a summary) stands for nothing.
    """
    out = []
    for i, text in enumerate(texts):
        ids = set(index.get(text.strip(), frozenset()))
        if context is not None and i < len(context):
            for extra in context[i]:
                # a context turn may be shown as "Speaker: text"
                said = extra.split(": ", 1)[-1]
                ids |= index.get(extra.strip(), frozenset()) | index.get(said.strip(), frozenset())
        out.append(frozenset(ids))
    return out


@dataclass(frozen=True)
class Scored:
    """One question's scores for one system."""

    recall: dict[int, float]  # k -> fraction of evidence turns in the top k
    complete: dict[int, bool]  # k -> every evidence turn in the top k
    rr: float  # reciprocal rank of the first evidence turn within the list (0 if none)
    first_rank: int | None


def score_question(
    evidence: Sequence[str], entries: Sequence[frozenset[str]], ks: Sequence[int] = KS
) -> Scored:
    """Evidence recall@k, all-evidence@k and reciprocal rank of one ranked list."""
    wanted = set(evidence)
    if not wanted:
        raise ValueError("a question without evidence cannot be scored")
    recall, complete = {}, {}
    for k in ks:
        seen: set[str] = set().union(*entries[:k]) if entries[:k] else set()
        found = len(wanted & seen)
        recall[k] = found / len(wanted)
        complete[k] = found == len(wanted)
    first = next((i + 1 for i, e in enumerate(entries) if e & wanted), None)
    return Scored(recall, complete, 1.0 / first if first else 0.0, first)


def bootstrap_ci(
    values: Sequence[float], *, resamples: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the mean (``(nan, nan)`` for no values)."""
    n = len(values)
    if n == 0:
        return (float("nan"), float("nan"))
    rng = random.Random(seed)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    return (means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1])


def paired_diff_ci(
    a: Sequence[float], b: Sequence[float], *, resamples: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Mean of ``a - b`` over the same questions and its 95% bootstrap interval."""
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    lo, hi = bootstrap_ci(diffs, resamples=resamples, seed=seed)
    mean = sum(diffs) / len(diffs) if diffs else float("nan")
    return {"mean": round(mean, 4), "ci95": [round(lo, 4), round(hi, 4)]}


def summarize(
    rows: Sequence[tuple[str, Scored]], categories: Sequence[str], ks: Sequence[int] = KS
) -> dict[str, Any]:
    """Per category and overall (``"all"``): n, recall@k with 95% CI, all-evidence@k, MRR."""
    out: dict[str, Any] = {}
    for category in [*categories, "all"]:
        chosen = [s for c, s in rows if category in ("all", c)]
        if not chosen:
            continue
        cell: dict[str, Any] = {"n": len(chosen)}
        for k in ks:
            values = [s.recall[k] for s in chosen]
            lo, hi = bootstrap_ci(values)
            cell[f"recall@{k}"] = round(sum(values) / len(values), 4)
            cell[f"recall@{k}_ci95"] = [round(lo, 4), round(hi, 4)]
            cell[f"all_evidence@{k}"] = round(sum(s.complete[k] for s in chosen) / len(chosen), 4)
        rrs = [s.rr for s in chosen]
        lo, hi = bootstrap_ci(rrs)
        cell["mrr@10"] = round(sum(rrs) / len(rrs), 4)
        cell["mrr@10_ci95"] = [round(lo, 4), round(hi, 4)]
        out[category] = cell
    return out
