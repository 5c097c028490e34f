"""Re-execute every notebook and save its outputs: ``python -m tests.tools.refresh_notebooks``.

Run it from the repository root after a change that moves notebook outputs (search scores,
ordering, printed formats), review ``git diff notebooks/``, and commit. Optional arguments:
notebook file names to refresh only those.
"""

from __future__ import annotations

import sys

from tests.tools.notebooks import NOTEBOOKS, notebooks, refresh


def main(argv: list[str]) -> int:
    chosen = [NOTEBOOKS / name for name in argv] or notebooks()
    for path in chosen:
        print(f"refreshing {path.name} ...", flush=True)
        refresh(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
