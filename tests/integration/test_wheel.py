"""The built wheel ships every .cypher file, and the catalog loads them from the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_the_cypher_catalog(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    wheel = next(tmp_path.glob("graphmem-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        p.relative_to(ROOT / "cypher").as_posix() for p in (ROOT / "cypher").rglob("*.cypher")
    }
    assert sources and {f"graphmem/_cypher/{s}" for s in sources} <= names
    assert "graphmem/py.typed" in names

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "import graphmem.store._queries as q; root = q.cypher_root(); "
        "print(root); print(len(q.QueryCatalog('falkordb').names()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out[0].startswith(str(target)) and out[0].endswith("_cypher")
    names_of = {s for s in sources if s.startswith(("common/", "falkordb/"))}
    assert int(out[1]) == len(names_of)  # FalkorDB's catalog: common + its own statements
