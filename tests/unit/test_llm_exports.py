"""The public surface of graphmem.llm: curated, sorted, documented, and cheap to import."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import graphmem.llm as llm


def _isort_key(name: str) -> tuple[int, str]:
    # ruff RUF022 order: SCREAMING_CASE, then CamelCase, then everything else.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert llm.__all__ == sorted(llm.__all__, key=_isort_key)
    public = {
        n for n in vars(llm) if not n.startswith("_") and not inspect.ismodule(getattr(llm, n))
    }
    public.discard("annotations")  # from __future__
    assert public == set(llm.__all__)


def test_public_objects_are_documented_under_the_package_name() -> None:
    for name in llm.__all__:
        obj = getattr(llm, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name
            assert obj.__module__ == "graphmem.llm", name


def test_sdks_are_imported_lazily() -> None:
    """openai takes most of a second to import: no module-level import of either SDK."""
    for path in Path(llm.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level only; `if TYPE_CHECKING:` blocks are not imports
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in ("openai", "langchain_core") for n in names), path
