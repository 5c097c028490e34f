"""What every command shares: exit codes, common options, opening a Memory, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphmem._memory import Memory

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_PROBLEMS = 4
EXIT_INTERRUPTED = 130

SCOPE_ENV = {"user": "GRAPHMEM_USER_ID", "agent": "GRAPHMEM_AGENT_ID", "run": "GRAPHMEM_RUN_ID"}


class CliError(Exception):
    """A failure to report in one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    """Options of every command: the store, the LLM replay script, JSON output."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("store and output")
    group.add_argument(
        "--data-dir",
        help="embedded FalkorDB data directory (default: GRAPHMEM_DATA_DIR or the user data dir)",
    )
    group.add_argument("--graph", help="graph name inside the store (default: GRAPHMEM_GRAPH)")
    group.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    group.add_argument(
        "--llm-script",
        metavar="FILE",
        help="replay recorded extract_memory/resolve_memory answers from a JSON list instead "
        "of calling a model (offline tests and demos)",
    )
    return parent


def scope_options() -> argparse.ArgumentParser:
    """``--user/--agent/--run``, defaulting to the GRAPHMEM_*_ID variables."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("scope (at least one; defaults from GRAPHMEM_*_ID)")
    for name, variable in SCOPE_ENV.items():
        group.add_argument(
            f"--{name}",
            dest=f"{name}_id",
            default=os.environ.get(variable) or None,
            help=f"{name} id (default: ${variable})",
        )
    return parent


def scope_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The scope ids given (flags or environment), as ``Memory`` keyword arguments."""
    ids = {f"{n}_id": getattr(args, f"{n}_id", None) for n in SCOPE_ENV}
    if not any(ids.values()):
        raise CliError(
            "no scope: give --user, --agent or --run (or set GRAPHMEM_USER_ID)", EXIT_USAGE
        )
    return ids


def open_memory(args: argparse.Namespace) -> Memory:
    """A Memory from the environment, with the command line's store and LLM overrides."""
    from graphmem._memory import Memory
    from graphmem.config import MemoryConfig

    store: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        store["data_dir"] = args.data_dir
    if getattr(args, "graph", None):
        store["graph"] = args.graph
    config = MemoryConfig.from_dict({"graph_store": store} if store else {})
    llm = None
    if getattr(args, "llm_script", None):
        from graphmem.llm import ScriptedLLM

        answers = read_json(Path(args.llm_script))
        if not isinstance(answers, list):
            raise CliError(f"{args.llm_script}: expected a JSON list of tool answers")
        llm = ScriptedLLM(answers)
    return Memory(config, llm=llm)


def read_json(path: Path) -> Any:
    """A JSON file, or a one-line CliError."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise CliError(f"{path} is not valid JSON: {exc}") from exc


def to_jsonable(value: Any) -> Any:
    """Pydantic models, datetimes, lists and dicts as plain JSON values."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def emit(args: argparse.Namespace, data: Any, human: Callable[[], None]) -> None:
    """Print ``data`` as JSON with ``--json``, else call ``human()``."""
    if getattr(args, "json", False):
        json.dump(to_jsonable(data), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        human()


def short_time(value: datetime | None) -> str:
    """``2023-09-01`` for midnight UTC, else minutes; ``?`` for none."""
    if value is None:
        return "?"
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M")
