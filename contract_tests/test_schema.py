"""Schema conformance of every operation (Schemathesis, every built-in check): the token
endpoint and the seven on orders; and the documented `x-api-key` and `tenant-id` headers
required on every operation on orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from schemathesis import Case

from . import rules
from .client import ApiClient
from .conformance import SCHEMA_CLAIMS
from .model import fulfillment_orders
from .operations import fixed_order
from .spec import NO_COVERAGE_PHASE, load_schema
from .target import Target
from .tiers import verifies

pytestmark = pytest.mark.schema
schemas = {True: load_schema(coverage=True), False: load_schema(coverage=False)}
REQUESTS = {
    "createOrder": (
        "POST",
        "/orders",
        {"merchant": "{merchant}", "partner_order_reference": "{new}"},
    ),
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
        case.call_and_validate(base_url=base_url, headers=auth_headers)

    parametrized: Callable[..., None] = schema.include(operation_id=operation_id).parametrize()(
        test
    )
    return verifies(SCHEMA_CLAIMS[(operation_id, "sandbox")])(parametrized)


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


REQUIRED_HEADERS = {"x-api-key": rules.API_KEY_REQUIRED, "tenant-id": rules.TENANT_ID_REQUIRED}


@verifies(*REQUIRED_HEADERS.values())
@pytest.mark.parametrize("header", sorted(REQUIRED_HEADERS))
@pytest.mark.parametrize("operation_id", sorted(REQUESTS))
def test_requests_without_a_required_header_are_refused(
    target: Target, api: ApiClient, operation_id: str, header: str
) -> None:
    """Every page: headers `x-api-key` ("Your Carriyo API key for authentication") and
    `tenant-id` ("Your unique tenant identifier in Carriyo") "required". Without one, a request
    that would otherwise succeed is refused and changes nothing: 403 as published
    (reference/validation-errors: a missing API key or tenant id is forbidden), or 401 from a
    service that asks for the token first."""
    ns = target.namespace()
    before = target.seed(fixed_order(ns, target.merchant))
    method, path, body = REQUESTS[operation_id]
    names = {
        "ref": before.json["order_id"],
        "fo": fulfillment_orders(before.json)[0]["fulfillment_order_id"],
        "partner": f"{ns}-REF",
        "merchant": target.merchant,
        "new": f"{ns}-NEW-REF",
    }
    REQUIRED_HEADERS[header].verify(
        target.observe(
            before,
            lambda: api.request(
                method, str(_fill(path, names)), body=_fill(body, names), omit=[header]
            ),
        )
    )
