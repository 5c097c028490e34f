"""Every notebook in ``notebooks/`` runs top to bottom without a cell error, and its committed
outputs are what a fresh run prints (normalized: ids, timings, addresses, temp paths masked;
images by presence). When they differ on purpose (e.g. search scores moved), refresh them with
``python -m tests.tools.refresh_notebooks`` and commit the diff.

Self-sufficient on a fresh venv with the test extras installed: the kernel is a private
kernelspec, written to a temporary ``JUPYTER_PATH``, that runs *this* interpreter, so the
notebooks import the graphmem under test (nothing is installed into the user's Jupyter dirs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the test extras: pip install -e '.[test]'")
nbclient = pytest.importorskip("nbclient", reason="needs the test extras: pip install -e '.[test]'")
pytest.importorskip("ipykernel", reason="needs the test extras: pip install -e '.[test]'")

from tests.tools.notebooks import execute, normalize, notebooks, outputs  # noqa: E402

REFRESH = "python -m tests.tools.refresh_notebooks"


def test_there_are_notebooks() -> None:
    assert {p.name for p in notebooks()} >= {
        "quickstart.ipynb",
        "multi_hop_and_as_of.ipynb",
        "graph_exploration.ipynb",
    }


def test_normalize_masks_volatile_parts_only() -> None:
    text = "id 3f2b8c1e-0000-4000-8000-00000000abcd took 12.5 ms at 0x7f00deadbeef in /tmp/x1\n"
    assert normalize(text) == "id <id> took <time> at <address> in <tmp>"
    assert normalize("0.8123 Alice lives in Lisbon.") == "0.8123 Alice lives in Lisbon."


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_runs_and_matches_its_committed_outputs(path: Path) -> None:
    committed = outputs(nbformat.read(path, as_version=4))
    try:
        fresh_notebook = execute(path)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell failed:\n{error}")
    ran = [cell for cell in fresh_notebook.cells if cell.cell_type == "code"]
    assert ran and all(cell.get("execution_count") for cell in ran)
    fresh = outputs(fresh_notebook)
    assert all("<error" not in text for cell in fresh for text in cell)
    for number, (old, new) in enumerate(zip(committed, fresh), 1):
        assert old == new, (
            f"{path.name}, code cell {number}: committed outputs are stale; "
            f"refresh with `{REFRESH} {path.name}` and review the diff\n"
            f"--- committed\n{old}\n--- fresh run\n{new}"
        )
