"""Markdown report of a real-conversation run."""

from __future__ import annotations

from typing import Any

from benchmarks.conversations._generate import CATEGORIES

__all__ = ["render"]

_ROWS = (*CATEGORIES, "all")


def _cell(cell: dict[str, Any] | None, key: str) -> str:
    if not cell or key not in cell:
        return "–"
    lo, hi = cell.get(f"{key}_ci95", [None, None])
    value = f"{cell[key]:.3f}"
    return value if lo is None else f"{value} [{lo:.2f}, {hi:.2f}]"


def _table(result: dict[str, Any], key: str, first: str | None = "graphmem") -> list[str]:
    systems = result["systems"]
    names = list(systems)
    if result.get("graphmem_with_context"):
        names.append("graphmem+context")
    first = first or names[0]
    lines = [
        "| category | n | " + " | ".join(names) + " |",
        "|---|--:|" + "--:|" * len(names),
    ]
    for row in _ROWS:
        n = systems[first].get(row, {}).get("n", 0)
        cells = []
        for name in names:
            table = result["graphmem_with_context"] if name == "graphmem+context" else systems[name]
            cells.append(_cell(table.get(row), key))
        lines.append(f"| {row} | {n} | " + " | ".join(cells) + " |")
    return lines


def render(result: dict[str, Any]) -> str:
    """The report: what ran, headline recall@10 table, @5, MRR, differences, independence."""
    m = result["machine"]
    d = result["dataset"]
    t = result["timing"]
    ind = result["tenant_independence"]
    out = [
        "# Real-conversation track",
        "",
        f"Command: `{result['command']}`  ",
        f"Date: {m['date']}; git {str(m.get('git_commit'))[:12]}; engine digest "
        f"`{result['engine']['sha256']}` ({result['engine']['files']} files of graphmem/, "
        "cypher/)  ",
        f"Machine: {m['cores']} cores, {m['cpu_model']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in t['load_avg_at_end'])}; total {t['total_s']} s",
        "",
        f"Data (seed {d['seed']}): {d['people']} people (tenants) in one store, {d['sessions']} "
        f"sessions, {d['turns']} turns ({d['turns_per_person']['min']}-"
        f"{d['turns_per_person']['max']} per person over {d['days_per_person']['min']}-"
        f"{d['days_per_person']['max']} days), {d['add_calls']} `add(infer=False)` calls; "
        f"filler {d['filler_share']:.0%}, small talk {d['small_talk_share']:.0%}, typos "
        f"{d['typo_share']:.0%} of turns; {d['qa_answer_evidence_share']:.0%} of questions are "
        "answered by a turn that replies to a question. Questions: "
        + ", ".join(f"{k} {v}" for k, v in d["questions"].items())
        + ". Questions sharing a content word (not a name) with their evidence: "
        + ", ".join(f"{k} {v:.0%}" for k, v in d["question_shares_evidence_word"].items())
        + ".",
        "",
        "Systems, same run, same tenant: **graphmem** `Memory.search(q, user_id, limit=10)`; "
        "**dense** MiniLM cosine over the tenant's distinct turn texts (numpy); **bm25** "
        "rank-bm25 Okapi over the same texts; **rrf** reciprocal-rank fusion of dense and bm25 "
        "(k=60). A hit counts for an evidence turn when its text is that turn's text. "
        "Intervals: 95% bootstrap over questions.",
        "",
        "## Evidence recall@10 (headline)",
        "",
        *_table(result, "recall@10"),
        "",
        "## Evidence recall@5",
        "",
        *_table(result, "recall@5"),
        "",
        "## Diagnostic: baselines over `speaker: text` documents, recall@10",
        "",
        "What a user would index if they kept the message `name`; graphmem stores the name in "
        "metadata, not in the text.",
        "",
        *_table({"systems": result["baselines_with_speaker"]}, "recall@10", first=None),
        "",
        "## MRR@10",
        "",
        *_table(result, "mrr@10"),
        "",
        "## graphmem minus baseline, recall@10 (paired bootstrap 95%)",
        "",
        "| category | − dense | − bm25 | − rrf |",
        "|---|--:|--:|--:|",
    ]
    diffs = result["differences_recall@10"]
    for row in _ROWS:
        cells = []
        for other in ("dense", "bm25", "rrf"):
            cell = diffs[other][row]
            lo, hi = cell["ci95"]
            cells.append(f"{cell['mean']:+.3f} [{lo:+.2f}, {hi:+.2f}]")
        out.append(f"| {row} | " + " | ".join(cells) + " |")
    out += [
        "",
        "## Tenant independence",
        "",
        f"Tenants {', '.join(ind['tenants'])} were also ingested alone (one graph each) and their "
        f"{ind['questions']} questions re-run. Top-10 (hit texts, in order) differs from the "
        f"shared store ({ind['other_tenants_in_shared_store']} other tenants) for "
        f"**{_pct(ind['top10_differs_fraction'])}** of queries (as a set: "
        f"{_pct(ind['top10_set_differs_fraction'])}; control, the same queries run twice on "
        f"the shared store: {_pct(ind.get('top10_differs_on_rerun_same_store_fraction'))} "
        "differ). graphmem recall@10 alone "
        f"{_num(ind['graphmem_recall@10_alone'])}, "
        f"shared {_num(ind['graphmem_recall@10_shared'])}.",
        "",
        _control(ind.get("control_alone_twice")),
        "",
        "## Context credit",
        "",
        (
            "The engine returns context beside hits: the `graphmem+context` column also credits "
            "an evidence turn that appears as a hit's context (at the hit's rank)."
            if result["context_exposed"]
            else "The engine exposes no per-hit context (neighbouring turns), so only the hits "
            "themselves are scored."
        ),
        "",
        "Share of graphmem's top-10 hits found by each retriever: "
        + (
            ", ".join(f"{k} {v:.0%}" for k, v in result.get("graphmem_hit_sources", {}).items())
            or "–"
        )
        + ".",
        "",
        *_variants(result),
        "## Timing",
        "",
        f"`add` p50 {t['add_ms'].get('p50')} ms, p95 {t['add_ms'].get('p95')} ms "
        f"({t['add_ms'].get('count')} calls); graphmem `search` p50 "
        f"{t['graphmem_search_ms'].get('p50')} ms, p95 {t['graphmem_search_ms'].get('p95')} ms.",
        "",
    ]
    return "\n".join(out)


def _diff(cell: dict[str, Any]) -> str:
    lo, hi = cell["ci95"]
    return f"{cell['mean']:+.3f} [{lo:+.2f}, {hi:+.2f}]"


def _variants(result: dict[str, Any]) -> list[str]:
    """Side-by-side recall@10 of the search variants run on the same store (none: nothing)."""
    variants = result.get("variants") or {}
    if not variants:
        return []
    base = result.get("search") or {}
    rows: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any] | None]] = [
        (
            "graphmem (this run)",
            base,
            result["systems"]["graphmem"],
            {k: result["differences_recall@10"][k] for k in ("dense", "rrf")},
        )
    ]
    rows += [
        (name, {**base, **v["search"]}, v["graphmem"], v["differences_recall@10"])
        for name, v in variants.items()
    ]
    out = [
        "## Search variants on the same store, recall@10",
        "",
        "The same questions through `Memory` reopened on the same ingested graph with other "
        "`SearchConfig` fields (unlisted fields: the engine defaults). Hits only, no context "
        "credit. Intervals: 95% bootstrap over questions; differences paired.",
        "",
        "| variant | search | " + " | ".join(_ROWS) + " |",
        "|---|---|" + "--:|" * len(_ROWS),
    ]
    for name, fields, table, _ in rows:
        shown = ", ".join(f"{k}={v}" for k, v in fields.items()) or "defaults"
        cells = [_cell(table.get(row), "recall@10") for row in _ROWS]
        out.append(f"| {name} | {shown} | " + " | ".join(cells) + " |")
    dense = result["systems"]["dense"]
    rrf = result["systems"]["rrf"]
    out.append(
        "| dense | – | " + " | ".join(_cell(dense.get(row), "recall@10") for row in _ROWS) + " |"
    )
    out.append(
        "| rrf | – | " + " | ".join(_cell(rrf.get(row), "recall@10") for row in _ROWS) + " |"
    )
    out += [
        "",
        "| variant | multi_hop − dense | all − dense | all − rrf | lowest category − rrf "
        "| all − graphmem (this run) | all recall@5 |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, _, table, diffs in rows:
        assert diffs is not None
        low = min(CATEGORIES, key=lambda c: diffs["rrf"][c]["mean"])
        own = _diff(diffs["graphmem"]["all"]) if "graphmem" in diffs else "–"
        out.append(
            f"| {name} | {_diff(diffs['dense']['multi_hop'])} | {_diff(diffs['dense']['all'])} "
            f"| {_diff(diffs['rrf']['all'])} | {low} {_diff(diffs['rrf'][low])} | {own} "
            f"| {_cell(table.get('all'), 'recall@5')} |"
        )
    out.append("")
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _control(control: dict[str, Any] | None) -> str:
    if not control or not control.get("questions"):
        return ""
    return (
        f"Control ({', '.join(control['tenants'])}, {control['questions']} questions): each also "
        "ingested alone a second time (fresh graph, fresh ids); top 10 differs alone vs alone "
        f"for {_pct(control['top10_differs_alone_vs_alone_fraction'])} (as a set: "
        f"{_pct(control['top10_set_differs_alone_vs_alone_fraction'])}), alone vs shared for "
        f"{_pct(control['top10_differs_alone_vs_shared_fraction'])}. Differences alone vs alone "
        "are the engine's own run-to-run variation (e.g. ties broken by id), not other tenants."
    )
