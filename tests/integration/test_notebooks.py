"""Every notebook in ``notebooks/`` runs top to bottom without a cell error.

Self-sufficient on a fresh venv with the test extras installed (``nbclient``, ``nbformat``,
``ipykernel``): the kernel is a private kernelspec, written to a temporary ``JUPYTER_PATH``, that
runs *this* interpreter, so the notebooks import the graphmem under test whatever kernels the
machine has registered (nothing is installed into the user's Jupyter directories).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the test extras: pip install -e '.[test]'")
nbclient = pytest.importorskip("nbclient", reason="needs the test extras: pip install -e '.[test]'")
pytest.importorskip("ipykernel", reason="needs the test extras: pip install -e '.[test]'")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL = "graphmem-test"
CELL_TIMEOUT = 300  # seconds per cell: the first cell loads MiniLM and starts FalkorDB


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert _notebooks(), f"no notebooks in {NOTEBOOKS}"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
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
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRAPHMEM_DATA_DIR", str(tmp_path / "graphmem-data"))  # just in case
    return KERNEL


@pytest.mark.slow
@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebook_runs_clean(path: Path, kernel: str, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name=kernel,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell failed:\n{error}")
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    ran = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert ran and all(cell.get("execution_count") for cell in ran)
