"""The spec's documented view (contract_tests/oracle/documented.py: the spec without its
`x-sandbox` parts), which the contract suite's documented and reading tiers test against: a valid
OpenAPI document of its own, lacking every marked part and every reference to one, and the
sandbox-only parts docs/documented-view.md names among them."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from contract_tests.oracle.documented import SANDBOX_MARK, documented_view
from tests.spec.spec_tools import object_properties, resolve_pointer, walk

Json = dict[str, Any]
FO_OPERATIONS = (
    "/orders/{orderReference}/fulfillment-orders/{fulfillmentOrderId}/update-location",
    "/orders/{orderReference}/fulfillment-orders/{fulfillmentOrderId}/update-schedule",
    "/orders/{orderReference}/fulfillment-orders/{fulfillmentOrderId}/update-partner-references",
)


@pytest.fixture(scope="module")
def view(spec: Json) -> Json:
    return documented_view(spec)


def _marked(spec: Json) -> list[tuple[str, Any]]:
    return [
        (pointer, node[SANDBOX_MARK])
        for pointer, node in walk(spec)
        if isinstance(node, dict) and SANDBOX_MARK in node
    ]


def _absent(document: Json, pointer: str) -> bool:
    try:
        resolve_pointer(document, "#" + pointer)
    except LookupError:
        return True
    return False


def test_the_view_is_a_valid_openapi_document(view: Json) -> None:
    validate(view)


def test_the_view_leaves_the_spec_as_it_is(spec: Json, view: Json) -> None:
    """The sandbox validates with the whole spec: building the view must not change it."""
    assert _marked(spec), "the spec marks nothing"
    assert documented_view(spec) == view


def test_the_view_has_no_mark_and_every_reference_resolves(view: Json) -> None:
    assert _marked(view) == []
    for pointer, node in walk(view):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            assert not _absent(view, node["$ref"].removeprefix("#")), f"{pointer}: {node}"


def test_every_marked_part_is_gone(spec: Json, view: Json) -> None:
    """A node marked `true` is not in the view; a keyword marked is not in its schema, unless
    `x-documented` gives it the value the pages document (then it has that value)."""
    for pointer, mark in _marked(spec):
        if mark is True:
            assert _absent(view, pointer), pointer
        else:
            assert isinstance(mark, list) and mark, pointer
            node = resolve_pointer(view, "#" + pointer)
            documented = resolve_pointer(spec, "#" + pointer).get("x-documented") or {}
            kept = set(mark) & set(node)
            assert kept <= set(documented), f"{pointer} keeps {kept - set(documented)}"
            assert all(node[keyword] == documented[keyword] for keyword in kept), pointer


def test_the_sandbox_only_parts_are_gone(spec: Json, view: Json) -> None:
    """ETag and If-Match, the 409 on a stale version, 413, the limits, error_details, the
    deprecated path and the order_id a create request may carry."""
    schemas = view["components"]["schemas"]
    assert "ETag" not in view["components"].get("headers", {})
    assert "IfMatch" not in view["components"]["parameters"]
    for path in FO_OPERATIONS:
        assert set(view["paths"][path]["patch"]["responses"]) == {"200", "400", "401", "403", "404"}
    assert "409" in view["paths"]["/orders/{orderReference}"]["patch"]["responses"]  # page 002
    assert not [p for p, node in walk(view) if isinstance(node, dict) and "413" in node]
    assert "/orders/shipment-status" not in view["paths"]
    assert "error_details" not in schemas["Error"]["properties"]
    assert set(schemas["Identifier"]) >= {"type", "minLength"}
    assert not {"maxLength", "not"} & set(schemas["Identifier"])
    assert not {"minimum", "maximum"} & set(schemas["Money"])
    assert "minProperties" not in schemas["UpdateScheduleRequest"]
    create = "#/components/schemas/CreateOrderRequest"
    assert "order_id" in object_properties(spec, {"$ref": create})
    assert "order_id" not in object_properties(view, {"$ref": create})
    for name in ("Unauthorized", "Forbidden"):
        assert not view["components"]["responses"][name]["content"], name
    assert spec["components"]["headers"]["ETag"]["required"] is True  # the sandbox keeps it
    assert (
        spec["components"]["schemas"]["Quantity"]["minimum"],
        schemas["Quantity"]["minimum"],
    ) == (
        1,
        0,
    )  # the sandbox refuses a quantity of 0; the pages' samples show it


def test_a_required_property_marked_is_no_longer_required() -> None:
    spec: Json = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "required": ["kept", "ours"],
                    "properties": {"kept": {}, "ours": {SANDBOX_MARK: True}},
                }
            }
        },
    }
    assert documented_view(spec)["components"]["schemas"]["A"] == {
        "type": "object",
        "required": ["kept"],
        "properties": {"kept": {}},
    }


def test_a_documented_value_replaces_the_sandboxs_own() -> None:
    """`x-documented` gives, in the view, the value the pages document for a keyword."""
    spec: Json = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"Q": {"type": "integer", "minimum": 1, "x-documented": {"minimum": 0}}}
        },
    }
    assert documented_view(spec)["components"]["schemas"]["Q"] == {"type": "integer", "minimum": 0}


def test_an_empty_json_object_is_an_empty_shipment_answer(view: Json) -> None:
    """Page 004: "The response body may be empty" when no order has the reference: no content
    (the sandbox) or `{}` (which a service may send) are both documented answers."""
    media = view["components"]["responses"]["ShipmentProcessed"]["content"]
    assert media["text/plain"]["schema"]["maxLength"] == 0
    assert {"type": "object", "maxProperties": 0} in media["application/json"]["schema"]["anyOf"]
