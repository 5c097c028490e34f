"""Tool schema post-processing for OpenAI strict mode (a pure function)."""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from graphmem.ingest._contracts import ExtractMemory, ResolveMemory
from graphmem.llm import strict_json_schema, tool_json_schema
from graphmem.llm._schema import is_strict_compatible


def walk(node: Any) -> list[dict[str, Any]]:
    """Every schema object in ``node`` (properties maps themselves excluded)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for item in node:
            found += walk(item)
    elif isinstance(node, dict):
        found.append(node)
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found += walk(sub)
            elif isinstance(value, (dict, list)):
                found += walk(value)
    return found


@pytest.mark.parametrize("model", [ExtractMemory, ResolveMemory])
def test_contracts_are_strict_compatible(model: type[BaseModel]) -> None:
    schema, strict = tool_json_schema(model)
    assert strict
    for node in walk(schema):
        assert not {"default", "title", "minLength", "maxLength"} & set(node)
        if "properties" in node:
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])


def test_extract_memory_details() -> None:
    schema, _ = tool_json_schema(ExtractMemory)
    relation = schema["$defs"]["ExtractedRelation"]
    # already nullable in the model: stays nullable, now required
    assert relation["properties"]["valid_from"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert "valid_from" in relation["required"]
    # a default but not nullable: required with its own type (Pydantic would reject null)
    entity = schema["$defs"]["ExtractedEntity"]
    assert entity["properties"]["aliases"] == {
        "description": "Other names used for it.",
        "items": {"type": "string"},
        "type": "array",
    }
    # lengths move into the description
    assert entity["properties"]["name"]["description"] == "Canonical name. (1-200 characters)"


def test_resolve_memory_keeps_enum_and_minimum() -> None:
    schema, _ = tool_json_schema(ResolveMemory)
    decision = schema["$defs"]["ResolutionDecision"]["properties"]
    assert decision["action"]["enum"] == ["ADD", "MERGE", "INVALIDATE", "NOOP"]
    assert decision["new"]["minimum"] == 0


class Inner(BaseModel):
    x: int = 3


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool


class Outer(BaseModel):
    title: str = Field(description="A property literally called title.")
    inner: Inner = Field(description="has a description next to its $ref")
    maybe: Inner | None = None
    pet: Cat | Dog = Field(discriminator="kind")
    free: dict[str, Any] = Field(default_factory=dict)


def test_general_rewrites() -> None:
    source = Outer.model_json_schema()
    before = copy.deepcopy(source)
    schema = strict_json_schema(source)
    assert source == before  # pure

    props = schema["properties"]
    assert "title" in props and "title" not in schema  # a property named title survives
    assert props["inner"]["description"] == "has a description next to its $ref"
    assert props["inner"]["properties"] == {"x": {"type": "integer"}}  # $ref inlined
    assert props["inner"]["additionalProperties"] is False
    assert props["maybe"]["anyOf"][1] == {"type": "null"}
    assert "anyOf" in props["pet"] and "oneOf" not in props["pet"]
    assert "discriminator" not in json.dumps(schema)
    assert schema["required"] == ["title", "inner", "maybe", "pet", "free"]
    # an open mapping cannot be strict: reported, so providers send strict: false
    assert not is_strict_compatible(schema)


def test_empty_object_is_closed_and_root_must_be_object() -> None:
    assert strict_json_schema({"type": "object"}) == {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }
    assert not is_strict_compatible({"type": "array", "items": {"type": "string"}})


def test_single_allof_is_merged() -> None:
    schema = strict_json_schema(
        {
            "type": "object",
            "properties": {"a": {"allOf": [{"$ref": "#/$defs/A"}], "description": "d"}},
            "$defs": {"A": {"type": "string", "maxLength": 5}},
        }
    )
    assert schema["properties"]["a"] == {
        "type": "string",
        "description": "d (at most 5 characters)",
    }


def test_bad_refs_are_reported() -> None:
    with pytest.raises(ValueError, match="unresolvable"):
        strict_json_schema({"properties": {"a": {"$ref": "#/$defs/Nope", "description": "d"}}})
    with pytest.raises(ValueError, match="local"):
        strict_json_schema({"properties": {"a": {"$ref": "http://x/y", "description": "d"}}})
