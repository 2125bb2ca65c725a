"""The credentials every operation requires (every page: `x-api-key`, `tenant-id` and the OAuth2
bearer of api/authentication): a request that would succeed with them is refused without any one
of them, and changes nothing."""

from __future__ import annotations

import pytest

from .generation.operations import fixed_order
from .oracle import rules
from .oracle.model import fulfillment_orders
from .plugin.marks import verifies
from .target.client import ApiClient
from .target.target import Target

pytestmark = pytest.mark.behaviour

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


def _fill(value: object, names: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


REQUIRED_HEADERS = {
    "x-api-key": rules.API_KEY_REQUIRED,
    "tenant-id": rules.TENANT_ID_REQUIRED,
    "Authorization": rules.TOKEN_REQUIRED,
}


@verifies(*REQUIRED_HEADERS.values())
@pytest.mark.parametrize("header", sorted(REQUIRED_HEADERS))
@pytest.mark.parametrize("operation_id", sorted(REQUESTS))
def test_requests_without_a_required_header_are_refused(
    target: Target, api: ApiClient, operation_id: str, header: str
) -> None:
    """Every page: headers `x-api-key` ("Your Carriyo API key for authentication") and
    `tenant-id` ("Your unique tenant identifier in Carriyo") "required", and the OAuth2 bearer
    (api/authentication). Without one, a request that would otherwise succeed is refused and
    changes nothing: 403 as published for the key and tenant (reference/validation-errors: a
    missing API key or tenant id is forbidden), 401 for the token ("missing/expired tokens result
    in unauthorized responses"); either, from a service that checks another first. The token's
    claim needs the suite's credentials (--client-id or --token): without them it has no token
    to leave out."""
    if header == "Authorization" and api.tokens is None:
        pytest.skip("no credentials given: --client-id/--client-secret or --token")
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
