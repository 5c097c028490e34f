"""Run the notebooks of ``notebooks/`` and compare their outputs with the committed ones.

Used by ``tests/integration/test_notebooks.py`` (fails when a committed output is stale) and by
``python -m tests.tools.refresh_notebooks`` (re-executes every notebook and saves the outputs,
e.g. after a change to search scoring). Outputs are compared as normalized text: ids, memory
addresses, timings, temporary paths and today's clock times are masked; images count by
presence only (``image/png`` in an output), since their bytes vary by matplotlib version.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "graphmem-test"
CELL_TIMEOUT = 300  # seconds per cell: the first cell loads MiniLM and starts FalkorDB

_MASKS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<id>"),
    (re.compile(r"0x[0-9a-fA-F]{6,}"), "<address>"),
    (re.compile(r"\d+(?:\.\d+)?\s?(?:ms|s)\b"), "<time>"),
    (re.compile(r"(?:/tmp|/var/folders)/[^\s'\")]+"), "<tmp>"),
]


def notebooks() -> list[Path]:
    """Every notebook, sorted."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def execute(path: Path) -> Any:
    """Run a notebook top to bottom with a private kernel running this interpreter."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="graphmem-nb-") as tmp:
        spec = Path(tmp) / "jupyter" / "kernels" / KERNEL
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "graphmem tests",
                    "language": "python",
                }
            )
        )
        saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "HF_HUB_OFFLINE", "PYTHONPATH")}
        os.environ["JUPYTER_PATH"] = str(Path(tmp) / "jupyter")
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), saved["PYTHONPATH"]) if p)
        try:
            nbclient.NotebookClient(
                notebook,
                timeout=CELL_TIMEOUT,
                kernel_name=KERNEL,
                allow_errors=False,
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return notebook


def normalize(text: str) -> str:
    """Mask what changes from run to run."""
    today = datetime.now(timezone.utc).date().isoformat()
    text = re.sub(rf"{today}[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|\+00:00)?", "<now>", text)
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def outputs(notebook: Any) -> list[list[str]]:
    """Per code cell, its outputs as normalized text (``<image>`` for a picture); consecutive
    stdout chunks are joined first, since how a kernel splits a stream varies run to run."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shown: list[str] = []
        stdout: list[str] = []

        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                if output.get("name") == "stdout":
                    stdout.append(output.get("text", ""))
                continue
            _flush(stdout, shown)
            if kind in ("execute_result", "display_data"):
                data = output.get("data", {})
                if "image/png" in data:
                    shown.append("<image>")
                elif "text/plain" in data:
                    shown.append(normalize(data["text/plain"]))
            elif kind == "error":
                shown.append(f"<error {output.get('ename')}>")
        _flush(stdout, shown)
        cells.append(shown)
    return cells


def _flush(stdout: list[str], shown: list[str]) -> None:
    if stdout:
        shown.append(normalize("".join(stdout)))
        stdout.clear()


def refresh(path: Path) -> None:
    """Execute ``path`` and save it with its new outputs."""
    notebook = execute(path)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(notebook, path)
