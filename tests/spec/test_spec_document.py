"""The spec is a valid OpenAPI 3.1 document whose references all resolve, with closed enums only
where a list is published and page 004's deprecated path beside the published one."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.spec.spec_tools import resolve_pointer, subschemas, walk


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


CLOSED_ENUMS = {
    "OrderStatus",
    "FulfillmentOrderStatus",
    "LineItemStatus",
    "DeliveryMethod",
    "CancellationReason",
    "SystemLogEventType",
    "InventoryEventType",
    "InventoryEventResult",
    "InventoryBatchStatus",
}
"""The value lists the documentation publishes whole (the statuses, the delivery methods, the six
cancellation reasons, a system log's three event types, the inventory event types, results and
batch statuses); `key` is the other one, a parameter."""


def test_only_published_lists_are_closed_enums(spec: dict[str, Any]) -> None:
    """A field shown by one sample value is a string with that value as an example, so that a
    service answering another value is not reported as drift (e.g. `CASH_ON_DELIVERY`)."""
    schemas = spec["components"]["schemas"]
    assert {name for name, schema in schemas.items() if "enum" in schema} == CLOSED_ENUMS
    nested = [
        schema["enum"]
        for name, root in schemas.items()
        if name not in CLOSED_ENUMS
        for schema in subschemas(root)
        if "enum" in schema
    ]
    assert not nested, nested
    key = spec["components"]["parameters"]["Key"]["schema"]
    assert key["enum"] == ["order_id", "partner_order_reference"]
    assert len(schemas["CancellationReason"]["enum"]) == 6


def test_the_deprecated_shipment_path_answers_as_the_published_one(spec: dict[str, Any]) -> None:
    """`/orders/shipment-status` (the sandbox's earlier path) is marked deprecated and shares the
    published operation's request body and responses."""
    published = spec["paths"]["/orders/shipment-status-update"]["post"]
    deprecated = spec["paths"]["/orders/shipment-status"]["post"]
    assert deprecated["deprecated"] is True and not published.get("deprecated")
    assert deprecated["requestBody"] == published["requestBody"]
    assert deprecated["responses"] == published["responses"]
