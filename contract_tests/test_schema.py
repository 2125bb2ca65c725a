"""Schema conformance of every operation (Schemathesis, every built-in check): the token
endpoint and the seven on orders; and the documented `x-api-key` header required on every
operation on orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume
from schemathesis import Case

from .client import ApiClient
from .operations import fixed_order
from .spec import NO_COVERAGE_PHASE, is_http, load_schema
from .target import Target

pytestmark = pytest.mark.schema
schemas = {True: load_schema(coverage=True), False: load_schema(coverage=False)}
REQUESTS = {
    "createOrder": ("POST", "/orders", {"merchant": "CONTRACT_SUITE_MERCHANT"}),
    "getOrder": ("GET", "/orders/{ref}", None),
    "updateOrder": ("PATCH", "/orders/{ref}", {"language": "ar"}),
    "updateFulfillmentOrderLocation": (
        "PATCH",
        "/orders/{ref}/fulfillment-orders/{fo}/update-location",
        {"location_id": "X"},
    ),
    "updateFulfillmentOrderSchedule": (
        "PATCH",
        "/orders/{ref}/fulfillment-orders/{fo}/update-schedule",
        {"scheduled_from": "2027-01-01T09:00:00Z", "scheduled_to": "2027-01-01T10:00:00Z"},
    ),
    "updateFulfillmentOrderPartnerReferences": (
        "PATCH",
        "/orders/{ref}/fulfillment-orders/{fo}/update-partner-references",
        {"partner_fulfillment_order_reference": "WMS-1"},
    ),
    "notifyShipmentStatus": (
        "POST",
        "/orders/shipment-status-update",
        {
            "references": {"partner_order_reference": "{partner}"},
            "post_shipping_info": {"status": "delivered"},
        },
    ),
}
"""A request per operation (of openapi.yaml) that the order of `fixed_order` would accept."""


def _conformance(operation_id: str) -> Callable[..., None]:
    """A test of one operation (one pytest item each, so that xdist spreads them)."""

    schema = schemas[operation_id not in NO_COVERAGE_PHASE]

    def test(case: Case[Any], base_url: str, auth_headers: dict[str, str]) -> None:
        """Positive and negative data; every built-in check (status codes, content types,
        headers, response schemas, negative data rejected, required headers, auth not ignored,
        no 5xx)."""
        assume(is_http(case))
        case.call_and_validate(base_url=base_url, headers=auth_headers)

    parametrized: Callable[..., None] = schema.include(operation_id=operation_id).parametrize()(
        test
    )
    return parametrized


test_get_access_token_conforms = _conformance("getAccessToken")
test_create_order_conforms = _conformance("createOrder")
test_get_order_conforms = _conformance("getOrder")
test_update_order_conforms = _conformance("updateOrder")
test_update_location_conforms = _conformance("updateFulfillmentOrderLocation")
test_update_schedule_conforms = _conformance("updateFulfillmentOrderSchedule")
test_update_partner_references_conforms = _conformance("updateFulfillmentOrderPartnerReferences")
test_notify_shipment_status_conforms = _conformance("notifyShipmentStatus")


def _fill(value: object, names: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


@pytest.mark.parametrize("operation_id", sorted(REQUESTS))
def test_requests_without_api_key_are_refused(
    target: Target, api: ApiClient, operation_id: str
) -> None:
    """Every page: header `x-api-key` "required" ("Your Carriyo API key for authentication").
    Without it, a request that would otherwise succeed is refused and changes nothing: 403 as
    published (reference/validation-errors: a missing API key is forbidden), or 401 from a
    service that asks for the token first (the suite sends none: a missing token is a 401)."""
    ns = target.namespace()
    before = target.seed(fixed_order(ns, f"{ns}-ORD", f"{ns}-REF"))
    method, path, body = REQUESTS[operation_id]
    names = {"ref": f"{ns}-ORD", "fo": f"{ns}-FO-0", "partner": f"{ns}-REF"}
    refused = api.request(
        method, str(_fill(path, names)), body=_fill(body, names), omit=["x-api-key"]
    )
    after = api.get_order(f"{ns}-ORD")
    assert refused.status in (401, 403), (
        f"a request without x-api-key was answered {refused.status}:\n{refused.describe()}"
    )
    assert after.json == before.json, f"the order changed:\n{after.describe()}"
