"""Name links between raw conversation turns: the names in the first pass's top turns lend score
to the other turns that mention them.

A multi-hop question about someone's partner ("What line of work is Robert's partner in?") is
answered by two turns: the one saying what the partner does ("She's an architect, mostly night
shifts", or the question before it, "what does Ingrid do?") and the one introducing her ("ok so
ive been seeing someone... her name's Ingrid"). The first pass finds the job turn; the only
thing the introduction shares with it is the name. Extracted facts have the graph leg for this;
raw turns have no entities, so this leg links them through their proper names instead.

A *name* of a lending turn is a word written with a capital initial (not all capitals, at least
two letters) that is rare in the scope (at most :data:`NAME_MAX_DF_SHARE` of its documents, or
:data:`NAME_MIN_DF`), not a query word and not a speaker's name. A capitalised word that opens a
sentence counts only when some turn of the scope writes it capitalised mid-sentence, so "Data
analyst!" does not make "data" a name, while "Christina is a software engineer" can; weekdays
and months are never names. Matching is by search term, so "christina" written in lower case
receives too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from graphmem.search._catalogue import ScopeCatalogue, _Doc
from graphmem.search._terms import tokenize

__all__ = [
    "NAME_HITS",
    "NAME_MAX_DF",
    "NAME_MAX_DF_SHARE",
    "NAME_MIN_DF",
    "name_scores",
    "proper_names",
]

NAME_HITS = 5
"""How many of the first pass's top turns lend their names (each with the question it answers,
when the reply leg found one)."""

NAME_MAX_DF_SHARE = 0.02
NAME_MIN_DF = 5
NAME_MAX_DF = 200
"""A name is rare: in at most max(NAME_MIN_DF, NAME_MAX_DF_SHARE x documents) of the scope's
documents, and never more than NAME_MAX_DF. Common capitalised words ("Hi", "Hi") and the
people who talk are not names that link two turns; nor is a name said in thousands of turns of
a large scope (2% of 100k turns lent to 2,000 turns per name, ~30 ms a search)."""

CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
"""Capitalised in English but dates, not names: "hired her on Saturday" links no two facts."""

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_BREAK = frozenset('.!?:;\n"“”()[]…')


def proper_names(text: str) -> Iterator[tuple[str, bool]]:
    """The capitalised words of ``text`` with whether each stands mid-sentence (True) or opens
    the text or a sentence (False, where any word is capitalised)."""
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < 2 or not word[0].isupper() or word.isupper():
            continue
        before = text[: match.start()].rstrip()
        yield word, bool(before) and before[-1] not in _SENTENCE_BREAK


def _term(word: str) -> str:
    terms = tokenize(word)
    return terms[0] if terms else ""


def _names(
    catalogue: ScopeCatalogue, text: str, skip: set[str], max_df: int
) -> Iterator[tuple[str, str]]:
    """The rare proper names of ``text`` as (search term, word)."""
    for word, mid in proper_names(text):
        term = _term(word)
        if word.casefold() in CALENDAR or not term or term in skip:
            continue
        if catalogue.df[term] > max_df:
            continue
        if mid or _written_as_name(catalogue, term):
            yield term, word


def _written_as_name(catalogue: ScopeCatalogue, term: str) -> bool:
    """Some document holding ``term`` writes it capitalised mid-sentence."""
    for doc_id in catalogue.postings.get(term, ()):
        doc = catalogue.docs.get(doc_id)
        if doc is not None and any(
            mid and _term(word) == term for word, mid in proper_names(doc.text)
        ):
            return True
    return False


def name_scores(
    catalogue: ScopeCatalogue,
    fused: Mapping[str, float],
    query: str,
    visible: Callable[[_Doc], bool],
    weight: float,
    min_words: int,
    asked_by: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Score lent through names: the first pass's top :data:`NAME_HITS` raw turns (by ``fused``
    score, short turns scaled down by words / ``min_words`` as the final ranking does) and, for
    a top reply, the question it answers (``asked_by``: reply id -> question id) lend ``weight``
    x the top turn's score to every other visible turn that mentions one of their names (the
    best lender's, if several). Lenders themselves get nothing, nor do questions (a turn with a
    ``?`` asks about the name rather than says something of it), turns ``visible`` rejects and
    extracted facts."""
    docs = catalogue.docs

    def score(fact_id: str) -> float:
        doc = docs[fact_id]
        if min_words > 0 and doc.distinct < min_words:
            return fused[fact_id] * max(doc.distinct, 1) / min_words
        return fused[fact_id]

    turns = [f for f in fused if f in docs and docs[f].turn]
    top = sorted(turns, key=lambda f: (-score(f), docs[f].text, f))[:NAME_HITS]
    lenders: list[tuple[str, float]] = []
    for fact_id in top:
        lenders.append((fact_id, score(fact_id)))
        question = (asked_by or {}).get(fact_id)
        if question is not None and question in docs:
            lenders.append((question, score(fact_id)))
    if not lenders:
        return {}
    skip = set(tokenize(query)) | catalogue.speaker_terms()
    max_df = min(NAME_MAX_DF, max(NAME_MIN_DF, int(NAME_MAX_DF_SHARE * len(docs))))
    lending = {fact_id for fact_id, _ in lenders}
    lent: dict[str, float] = {}
    for fact_id, lender_score in lenders:
        for term, _ in _names(catalogue, docs[fact_id].text, skip, max_df):
            for other in catalogue.postings.get(term, ()):
                doc = docs.get(other)
                if other in lending or doc is None or not doc.turn or "?" in doc.text:
                    continue
                if visible(doc):
                    lent[other] = max(lent.get(other, 0.0), weight * lender_score)
    return lent
