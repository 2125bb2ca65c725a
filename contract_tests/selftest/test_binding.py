"""The Schemathesis cases of an operation on an order reach its logic (target/binding.py): a request
the documented view allows, naming ids no order holds, is answered 2xx once bound to the order
seeded for it, for every bound operation; what Schemathesis generated negative is sent as generated.
Without this, every such case would be a 404 and the schema checks would never see a success (before
binding, none of the order operations reached one). And a case whose path is another operation's is
known as such (schema.shadowed)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

from ..target.binding import SHAPES, bind
from ..target.client import ApiClient
from ..target.schema import call, load_schema, shadowed
from ..target.target import Target

pytestmark = [pytest.mark.selftest, pytest.mark.sandbox]
LINES = [{"id": "L-a", "quantity": 2}, {"line_item_id": "L-b", "quantity": 1}]
FULFILLMENTS = [{"fulfillment_id": "F-x", "partner_fulfillment_reference": "R-1"}]
DELIVERED = {
    "references": {"partner_order_reference": "P-x"},
    "post_shipping_info": {"status": "delivered"},
}
BODIES: dict[str, Any] = {
    "getOrder": None,
    "updateOrder": {"language": "ar"},
    "updateFulfillmentOrderLocation": {"location_id": "a location no one has"},
    "updateFulfillmentOrderSchedule": {
        "scheduled_from": "2027-01-01T09:00:00Z",
        "scheduled_to": "2027-01-01T10:00:00Z",
    },
    "updateFulfillmentOrderPartnerReferences": {"fulfillments": FULFILLMENTS},
    "updateFulfillmentOrder": {"fulfillments": FULFILLMENTS},
    "cancelOrder": {"cancellation_reason": "OTHER"},
    "redactOrder": None,
    "listOrderChangeLogs": None,
    "mergeFulfillmentOrders": {
        "source": {"fulfillment_order_id": "FO-x", "line_items": LINES},
        "destination": {"fulfillment_order_id": "FO-x"},
    },
    "fulfillFulfillmentOrder": {"line_items": LINES},
    "shipFulfillmentOrder": {"line_items": LINES},
    "unfulfillFulfillmentOrder": {"fulfillment_ids": ["F-x", "F-y"]},
    "splitFulfillmentOrder": {"line_items": LINES, "location_id": "another location"},
    "cancelFulfillmentOrderLineItems": {"cancellation_reason": "OTHER", "line_items": LINES},
    "updateFulfillmentOrderDeliveryMethod": {"delivery_method": "COLLECTION"},
    "updateFulfillmentOrderAddress": {"address": {"city": "Dubai", "country": "AE"}},
    "notifyShipmentStatus": DELIVERED,
    "notifyShipmentStatusDeprecated": DELIVERED,
    "addOrderSystemLog": {"event_type": "INBOUND"},
    "getOrderSystemLogDetailUrl": None,
}
"""A request of each bound operation the spec allows, its ids naming nothing of the target."""
NO_SEEDED_LOG = "getOrderSystemLogDetailUrl"
"""Binding seeds an order, not a system log: a case of this operation names a log that does not
exist, and gets the documented 400 (test_a_bound_log_read_names_an_unknown_log)."""
UNBOUND = {
    "orderReference": "ORD-nowhere",
    "fulfillmentOrderId": "FO-nowhere",
    "identifier": "SYSLOG-nowhere",
}


@pytest.fixture(scope="module")
def schema() -> OpenApiSchema:
    return load_schema(view="full", coverage=False)


def test_every_bound_operation_has_a_request() -> None:
    assert sorted(BODIES) == sorted(SHAPES)


@pytest.mark.parametrize("key", [None, "partner_order_reference"])
@pytest.mark.parametrize("operation_id", sorted(set(BODIES) - {NO_SEEDED_LOG}))
def test_a_bound_case_reaches_a_success(
    schema: OpenApiSchema, target: Target, api: ApiClient, operation_id: str, key: str | None
) -> None:
    operation = schema.find_operation_by_id(operation_id)
    path = {name: value for name, value in UNBOUND.items() if f"{{{name}}}" in operation.path}
    query = {"key": key} if key and path else {}
    body = BODIES[operation_id]
    case = operation.Case(path_parameters=dict(path), query=query, **_body(body))
    bind(case, target, operation_id)
    response, _ = call(case, api)
    assert 200 <= response.status_code < 300, f"{operation_id}: {response.text[:600]}"
    answer = response.json()
    if isinstance(answer, dict) and path and "status" in answer:  # an order
        reference = case.path_parameters["orderReference"]
        assert reference in (answer.get("order_id"), answer.get("partner_order_reference"))


def _body(body: Any) -> dict[str, Any]:
    return {} if body is None else {"body": body, "media_type": "application/json"}


@pytest.mark.parametrize("operation_id", ["fulfillFulfillmentOrder", "mergeFulfillmentOrders"])
def test_negative_components_are_sent_as_generated(
    schema: OpenApiSchema, target: Target, operation_id: str
) -> None:
    """A negative path is not bound (nothing seeded), a negative body not renamed."""
    strategy = schema.find_operation_by_id(operation_id).as_strategy(
        generation_mode=GenerationMode.NEGATIVE
    )

    @settings(max_examples=15, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(strategy)
        meta = case.meta
        assert meta is not None
        negative = {where.value for where, info in meta.components.items() if info.mode.is_negative}
        path, body = dict(case.path_parameters), repr(case.body)
        bind(case, target, operation_id)
        if "path" in negative:
            assert case.path_parameters == path
        if "body" in negative:
            assert repr(case.body) == body

    check()


@pytest.mark.parametrize(
    ("operation_id", "path", "other"),
    [
        ("updateFulfillmentOrder", {"fulfillmentOrderId": "merge"}, True),
        ("getOrder", {"orderReference": "shipment-status-update"}, True),
        ("getOrder", {"orderReference": "shipment-status"}, True),
        ("updateFulfillmentOrder", {"fulfillmentOrderId": "FO-1"}, False),
        ("getOrder", {"orderReference": "merge"}, False),
        ("mergeFulfillmentOrders", {}, False),
    ],
)
def test_a_path_of_another_operation_is_shadowed(
    schema: OpenApiSchema, operation_id: str, path: dict[str, str], other: bool
) -> None:
    case = schema.find_operation_by_id(operation_id).Case(
        path_parameters={"orderReference": "ORD-1", **path}
    )
    assert shadowed(case) is other


def test_a_bound_log_read_names_an_unknown_log(
    schema: OpenApiSchema, target: Target, api: ApiClient
) -> None:
    operation = schema.find_operation_by_id(NO_SEEDED_LOG)
    case = operation.Case(path_parameters=dict(UNBOUND))
    bind(case, target, NO_SEEDED_LOG)
    response, _ = call(case, api)
    assert response.status_code == 400, response.text[:600]
    assert response.json()["error_details"][0]["field"] == "identifier"
