"""Schema conformance of every operation a client calls (Schemathesis, every built-in check): the
token endpoint, those on orders and their fulfillment orders, page 004's notification (and, in the
sandbox tier, its deprecated path), each case bound to an order seeded for it (target/binding.py) so
that it reaches the operation's logic; and the documented `x-api-key` and `tenant-id` headers
required on every operation on orders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, settings
from schemathesis import Case

from .generation.operations import fixed_order
from .oracle import rules
from .oracle.conformance import SCHEMA_CLAIMS
from .oracle.model import fulfillment_orders
from .oracle.tiers import Tier
from .plugin.marks import verifies
from .plugin.settings import chosen_tiers, max_examples
from .target.binding import bind
from .target.client import ApiClient
from .target.schema import (
    EXAMPLE_SCALE,
    NO_COVERAGE_PHASE,
    VIEWS,
    View,
    call,
    is_http,
    load_schema,
    shadowed,
    validate,
)
from .target.target import Target

pytestmark = pytest.mark.schema


def _view(tier: Tier) -> View:
    """The sandbox tier tests the whole spec; the others its documented view."""
    return "full" if tier == "sandbox" else "documented"


BUILT = [(operation_id, tier) for operation_id, tier in SCHEMA_CLAIMS if tier in chosen_tiers()]
"""The tests of the tiers chosen (building one costs as much as a few of its examples)."""
SCHEMAS = {
    (view, coverage): load_schema(view=view, coverage=coverage)
    for view in VIEWS
    for coverage in (True, False)
    if any(_view(tier) == view for _, tier in BUILT)
}
TIER_SCALE = {"documented": 1.0, "reading": 0.5, "sandbox": 0.5}
"""Examples per tier, as a fraction of the schema's (the documented tier runs the most)."""
UNIQUE_FIELDS = ("order_id", "partner_order_reference")
"""Top-level create-order fields unique in a tenant: every generated order gets fresh ones."""
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


def _unique(case: Case[Any]) -> None:
    """A generated order's order_id and partner_order_reference made unique (a non-empty string
    stays a valid one), so that runs on one tenant never collide."""
    if case.operation.label == "POST /orders" and isinstance(case.body, dict):
        for field in UNIQUE_FIELDS:
            if isinstance(case.body.get(field), str) and case.body[field]:
                case.body[field] = f"ct{uuid.uuid4().hex[:12]}-{field}"


def _conformance(operation_id: str, tier: Tier) -> Callable[..., None]:
    """A test of one operation and tier (one pytest item each, so that xdist spreads them)."""
    claim = SCHEMA_CLAIMS[(operation_id, tier)]
    schema = SCHEMAS[(_view(tier), operation_id not in NO_COVERAGE_PHASE)]

    @settings(max_examples=max_examples(EXAMPLE_SCALE * TIER_SCALE[tier]))
    def test(case: Case[Any], api: ApiClient, target: Target) -> None:
        """Positive and negative data (on an order seeded for the case when the operation acts
        on one); the claim's checks."""
        assume(is_http(case) and not shadowed(case))
        _unique(case)
        bind(case, target, operation_id)
        response, headers = call(case, api)
        validate(case, response, claim, headers=headers, base_url=api.base_url)

    test.__doc__ = f"{claim.describe()}\nChecks: {', '.join(claim.checks)}"
    parametrized: Callable[..., None] = schema.include(operation_id=operation_id).parametrize()(
        test
    )
    return verifies(claim)(parametrized)


for _operation_id, _tier in BUILT:
    globals()[f"test_{_operation_id}_{_tier}"] = _conformance(_operation_id, _tier)


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
