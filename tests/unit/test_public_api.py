"""The top-level public surface: exactly ``graphmem.__all__``, sorted, nothing public by accident.

Modelled on httpx's ``tests/test_exported_members.py``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import types

import pytest
from pydantic import BaseModel

import graphmem
from graphmem import errors
from graphmem import types as model_types


def _public_names(module: types.ModuleType) -> set[str]:
    """Non-underscore names bound in ``module`` that are not submodules or ``__future__`` flags."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }


def test_all_is_sorted_and_unique() -> None:
    assert graphmem.__all__ == sorted(graphmem.__all__)
    assert len(set(graphmem.__all__)) == len(graphmem.__all__)


def test_all_matches_what_the_package_exposes() -> None:
    assert set(graphmem.__all__) == _public_names(graphmem)


@pytest.mark.parametrize("name", graphmem.__all__)
def test_every_exported_name_is_importable(name: str) -> None:
    module = importlib.import_module("graphmem")
    assert getattr(module, name) is getattr(graphmem, name)
    namespace: dict[str, object] = {}
    exec(f"from graphmem import {name}", namespace)
    assert namespace[name] is getattr(graphmem, name)


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from graphmem import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(graphmem.__all__)


def test_every_error_is_exported() -> None:
    assert set(errors.__all__) <= set(graphmem.__all__)
    for name in errors.__all__:
        error = getattr(graphmem, name)
        assert issubclass(error, graphmem.GraphMemError)


def test_every_public_model_is_exported() -> None:
    models = {
        name
        for name in model_types.__all__
        if inspect.isclass(getattr(model_types, name))
        and issubclass(getattr(model_types, name), BaseModel)
    }
    assert models
    assert models <= set(graphmem.__all__)


def test_memory_classes_present_as_graphmem_members() -> None:
    assert graphmem.Memory.__module__ == "graphmem"
    assert graphmem.AsyncMemory.__module__ == "graphmem"
    assert repr(graphmem.Memory) == "<class 'graphmem.Memory'>"


def test_version_matches_the_distribution() -> None:
    assert graphmem.__version__ == importlib.metadata.version("graphmem")
