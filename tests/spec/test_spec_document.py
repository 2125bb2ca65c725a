"""The spec is a valid OpenAPI 3.1 document whose references all resolve."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.spec.spec_tools import resolve_pointer, walk


def test_openapi_spec_validator_accepts_the_spec(spec: dict[str, Any]) -> None:
    """``openapi-spec-validator`` finds no error in the spec."""
    validate(spec)


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    """Every ``$ref`` anywhere in the document is a local JSON pointer that resolves."""
    refs = [
        (pointer, node["$ref"])
        for pointer, node in walk(spec)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str)
    ]
    assert refs, "the spec has no $ref at all"
    broken: list[str] = []
    for pointer, ref in refs:
        try:
            resolve_pointer(spec, ref)
        except LookupError as error:
            broken.append(f"{pointer}: {error}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("ref", ["#/components/schemas/Nope", "#/paths/~1orders/put", "x.yaml#/a"])
def test_resolver_rejects_broken_refs(spec: dict[str, Any], ref: str) -> None:
    """The resolver used above does fail on broken references (so the test above can fail)."""
    with pytest.raises(LookupError):
        resolve_pointer(spec, ref)
