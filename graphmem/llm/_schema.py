"""Tool JSON schemas from Pydantic models, post-processed for OpenAI strict function calling.

Strict mode (``"strict": true``) makes the model's arguments match the schema by construction,
but it accepts only a subset of JSON Schema. :func:`strict_json_schema` rewrites the output of
``model_json_schema()`` into that subset, as a pure function:

- every object gets ``additionalProperties: false`` and lists *all* its properties in
  ``required``. Fields that are already nullable in the model (``str | None``) keep their
  ``anyOf [..., null]`` type, so "unknown" is still expressible as ``null``. Fields that merely
  have a non-null default (``aliases: list[str] = []``) become required with their own type,
  not nullable: the Pydantic model would reject a ``null`` there, so inviting one would only
  produce validation failures. An empty list is the model's way to say "none".
- keywords strict mode rejects are removed: ``default``, ``title``, ``examples`` and string
  ``minLength``/``maxLength`` (the lengths move into the description as a hint; Pydantic still
  enforces them when the answer is validated);
- ``oneOf`` becomes ``anyOf`` (``discriminator`` dropped), a one-element ``allOf`` is merged,
  and a ``$ref`` with sibling keys (e.g. a description) is inlined.

Open-ended mappings (``dict[str, X]``) cannot be expressed in strict mode; they are left as they
are and :func:`is_strict_compatible` reports False, so providers send ``strict: false``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

__all__ = ["is_strict_compatible", "strict_json_schema", "tool_json_schema"]

_DROP = frozenset({"title", "default", "examples", "minLength", "maxLength", "discriminator"})
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "$defs", "definitions")


def tool_json_schema(model_cls: type[BaseModel]) -> tuple[dict[str, Any], bool]:
    """The strict-mode tool schema of ``model_cls`` and whether strict mode can accept it.

    Usage::

        schema, strict = tool_json_schema(ExtractMemory)
        assert schema["additionalProperties"] is False and strict
    """
    schema = strict_json_schema(model_cls.model_json_schema())
    return schema, is_strict_compatible(schema)


def strict_json_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Rewrite a JSON schema (as ``model_json_schema()`` makes it) for OpenAI strict mode.

    Pure: the input is not modified. See the module docstring for the rules.

    Args:
        schema: a JSON schema whose ``$ref``s point into its own ``$defs``.

    Returns:
        A new schema.
    """
    root = copy.deepcopy(dict(schema))
    return _rewrite(root, root)


def _rewrite(node: dict[str, Any], root: Mapping[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        # Strict mode allows no siblings next to $ref: inline the target, the siblings win.
        target = _resolve(root, ref)
        node = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}

    hint = _length_hint(node)
    node = {k: v for k, v in node.items() if k not in _DROP}
    if hint:
        node["description"] = f"{node['description']} {hint}" if node.get("description") else hint

    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
        del node["allOf"]
        node = {**all_of[0], **node}
        return _rewrite(node, root)

    for key in _SCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, dict):
            node[key] = {
                name: _rewrite(sub, root) if isinstance(sub, dict) else sub
                for name, sub in value.items()
            }
    for key in _SCHEMA_LISTS:
        value = node.get(key)
        if isinstance(value, list):
            node[key] = [_rewrite(sub, root) if isinstance(sub, dict) else sub for sub in value]
    for key in ("items", "not"):
        value = node.get(key)
        if isinstance(value, dict):
            node[key] = _rewrite(value, root)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        node["additionalProperties"] = _rewrite(extra, root)

    if isinstance(node.get("properties"), dict):
        node["required"] = list(node["properties"])
        node["additionalProperties"] = False
    elif node.get("type") == "object" and "additionalProperties" not in node:
        node.update(properties={}, required=[], additionalProperties=False)
    return node


def _length_hint(node: Mapping[str, Any]) -> str:
    low, high = node.get("minLength"), node.get("maxLength")
    if isinstance(high, int):
        return f"(at most {high} characters)" if not low else f"({low}-{high} characters)"
    if isinstance(low, int) and low > 0:
        return f"(at least {low} characters)"
    return ""


def _resolve(root: Mapping[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        if not isinstance(node, Mapping) or part not in node:
            raise ValueError(f"unresolvable $ref {ref!r}")
        node = node[part]
    if not isinstance(node, dict):
        raise TypeError(f"$ref {ref!r} does not point to a schema object")
    return node


def is_strict_compatible(schema: Mapping[str, Any]) -> bool:
    """True if every object in ``schema`` is closed and lists all its properties as required."""
    if schema.get("type") != "object":
        return False  # strict mode needs an object at the root
    return _closed(schema)


def _closed(node: Any) -> bool:
    if isinstance(node, list):
        return all(_closed(sub) for sub in node)
    if not isinstance(node, Mapping):
        return True
    props = node.get("properties")
    if isinstance(props, Mapping):
        if node.get("additionalProperties") is not False:
            return False
        if sorted(node.get("required", [])) != sorted(props):
            return False
    elif node.get("type") == "object" and node.get("additionalProperties") is not False:
        return False
    if isinstance(node.get("additionalProperties"), Mapping):
        return False
    subs: list[Any] = [node.get(key) for key in ("items", "not", *_SCHEMA_LISTS)]
    for key in _SCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, Mapping):
            subs.extend(value.values())
    return all(_closed(sub) for sub in subs if sub is not None)
