"""Pseudo-relevance feedback for raw conversation turns: a second keyword leg whose query is the
question plus the text of the first pass's top turns.

A multi-hop question ("What does Ana's sister do for work?") is answered by two turns: one that
introduces the sister ("my sister Maria just ...") and one that says what Maria does ("Maria
started at Acme"). The first pass finds the introduction; its words (the name) find the second.
Only content turns (not filler, see ``short_turn_words``) of the first pass feed back; extracted
facts have the graph leg for this and are not used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from graphmem.search._catalogue import ScopeCatalogue, _Doc

__all__ = ["FEEDBACK_TURNS", "feedback_ranking", "neighbour_ranking", "reply_scores"]

FEEDBACK_TURNS = 3
"""How many of the first pass's top content turns feed back."""


def feedback_ranking(
    catalogue: ScopeCatalogue,
    fused: Mapping[str, float],
    query: str,
    visible: Callable[[_Doc], bool],
    limit: int,
    min_words: int,
) -> list[str]:
    """BM25 ranking of the scope for ``query`` plus the top first-pass turns' text; empty when
    none of the first pass's top hits is a content turn."""
    docs = catalogue.docs
    ranked = sorted(fused, key=lambda f: (-fused[f], docs[f].text if f in docs else "", f))
    chosen = [
        docs[f]
        for f in ranked[: FEEDBACK_TURNS * 2]
        if f in docs and docs[f].turn and docs[f].distinct >= min_words
    ][:FEEDBACK_TURNS]
    if not chosen:
        return []
    expanded = " ".join([query, *(doc.text for doc in chosen)])
    return [fact_id for fact_id, _ in catalogue.bm25(expanded, visible, limit)]


NEIGHBOUR_HITS = 5
"""How many of the first pass's top hits lend their neighbouring turns."""


def neighbour_ranking(
    catalogue: ScopeCatalogue,
    fused: Mapping[str, float],
    around: Mapping[str, list[str]],
    limit: int,
) -> list[str]:
    """The turns right next to the first pass's top turns (``around``: fact id -> neighbouring
    ``"Speaker: text"`` turns, from :func:`~graphmem.search._turns.neighbouring_turns`), in the
    order of the hits they sit next to: a question's answer is often the next turn."""
    docs = catalogue.docs
    by_text = catalogue.turns_by_text()
    ranked = sorted(fused, key=lambda f: (-fused[f], docs[f].text if f in docs else "", f))
    out: list[str] = []
    for fact_id in ranked[:NEIGHBOUR_HITS]:
        for turn in around.get(fact_id, []):
            found = next(iter(by_text.get(turn.split(": ", 1)[-1].strip(), ())), None)
            if found is not None and found not in out:
                out.append(found)
    return out[:limit]


def reply_scores(
    catalogue: ScopeCatalogue,
    fused: Mapping[str, float],
    replies: Mapping[str, str],
    visible: Callable[[_Doc], bool],
    weight: float,
    asked_by: dict[str, str] | None = None,
) -> dict[str, float]:
    """Score lent to the replies of the first pass's question turns: the reply right after a
    candidate question (``replies``: question fact id -> the next turn's text, from
    :func:`~graphmem.search._turns.replies`) gets ``weight`` x the question's fused score (the
    best question's, if it answers several). A question that matches the query is a proxy for
    its answer ("so which city did you pick?" -> "Portland! we drove down on Saturday"), and
    the question itself carries no answer. Replies that ``visible`` rejects get nothing.
    ``asked_by``, when given, is filled with reply id -> the question that lent it its score."""
    by_text = catalogue.turns_by_text()
    docs = catalogue.docs
    lent: dict[str, float] = {}
    for fact_id, text in replies.items():
        reply = next((i for i in by_text.get(text.strip(), ()) if visible(docs[i])), None)
        if reply is None or reply == fact_id or fact_id not in fused:
            continue
        score = weight * fused[fact_id]
        if reply not in lent or score > lent[reply]:
            lent[reply] = score
            if asked_by is not None:
                asked_by[reply] = fact_id
    return lent
