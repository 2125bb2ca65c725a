"""Helpers to walk and query the spec (no schema knowledge is restated here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(json_pointer, value)`` for every node of a JSON-like document."""
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield from walk(value, f"{pointer}/{escaped}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


def resolve_pointer(document: Any, ref: str) -> Any:
    """Resolve a local reference (``#/a/b``) in ``document``; raise ``LookupError`` if broken."""
    if not ref.startswith("#"):
        raise LookupError(f"not a local reference: {ref}")
    node = document
    for raw in ref[1:].split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(f"{ref}: no {token!r}")
    return node


def deref(spec: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` chains of a node (a response, parameter or link object)."""
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(spec, node["$ref"])
    return node


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(path, method, operation)`` for every operation of the spec."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def parameters(spec: dict[str, Any], path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolved parameters of an operation, path-level ones included."""
    declared = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
    return [deref(spec, parameter) for parameter in declared]


SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_KEYWORDS = (
    "items",
    "contains",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)


def subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Yield a schema and every schema nested in it, following JSON Schema keywords only."""
    if not isinstance(schema, dict):
        return
    yield schema
    for keyword in SCHEMA_MAP_KEYWORDS:
        for child in schema.get(keyword, {}).values():
            yield from subschemas(child)
    for keyword in SCHEMA_LIST_KEYWORDS:
        for child in schema.get(keyword, []):
            yield from subschemas(child)
    for keyword in SCHEMA_KEYWORDS:
        yield from subschemas(schema.get(keyword))


def all_schemas(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema of the spec: components, and those of parameters, headers and media types."""
    for schema in spec["components"]["schemas"].values():
        yield from subschemas(schema)
    outside = {key: value for key, value in spec.items() if key != "components"}
    outside["components"] = {k: v for k, v in spec["components"].items() if k != "schemas"}
    for _, node in walk(outside):
        if isinstance(node, dict) and isinstance(node.get("schema"), dict):
            yield from subschemas(node["schema"])


def property_names(spec: dict[str, Any]) -> set[str]:
    """Every property name declared anywhere in the component schemas."""
    return {
        name
        for root in spec["components"]["schemas"].values()
        for schema in subschemas(root)
        for name in schema.get("properties", {})
    }


def enums(spec: dict[str, Any]) -> list[set[Any]]:
    """The value set of every ``enum`` of every schema in the spec."""
    return [set(schema["enum"]) for schema in all_schemas(spec) if "enum" in schema]


def enum_values(spec: dict[str, Any]) -> set[Any]:
    """Every value of every ``enum`` of every schema in the spec."""
    return set().union(*enums(spec))


def example_values(spec: dict[str, Any]) -> set[Any]:
    """Every value of every ``examples`` or ``x-samples`` list (the pages' sample values of a
    field with no published list) of every schema in the spec."""
    return {
        value
        for schema in all_schemas(spec)
        for key in ("examples", "x-samples")
        for value in schema.get(key, [])
        if isinstance(value, str)
    }


def object_properties(spec: dict[str, Any], schema: Any) -> set[str]:
    """Property names a schema declares, through ``$ref``, ``allOf``, ``anyOf`` and ``oneOf``."""
    schema = deref(spec, schema)
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties", {}))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(keyword, []):
            names |= object_properties(spec, part)
    return names


def required_properties(spec: dict[str, Any], schema: Any) -> set[str]:
    """Property names a schema requires, through ``$ref`` and ``allOf``."""
    schema = deref(spec, schema)
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        names |= required_properties(spec, part)
    return names
