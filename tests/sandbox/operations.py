"""The public operations of `openapi.yaml`, each with a valid sample request, for tests that run
once per operation (or per subset: see OPERATION_SETS and conftest's `pytest_generate_tests`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient

Json = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    """One public operation of `openapi.yaml` and a valid request to it: its path targets the
    fixtures order `order` and its FO `fo` (ORD-1001 and FO-1001-A unless told otherwise), and a
    write of that order records `event`."""

    operation_id: str
    method: str
    template: str
    body: Json | None = None
    order: str = "ORD-1001"
    fo: str = "FO-1001-A"
    event: str | None = None
    query: dict[str, str] | None = None

    @property
    def reference(self) -> str:
        """The partner_order_reference of `order` (the fixtures name ORD-10xx's SHOP-10xx)."""
        return self.order.replace("ORD-", "SHOP-")

    def path(self, order: str | None = None, fo: str | None = None) -> str:
        return self.template.format(order=order or self.order, fo=fo or self.fo)

    @property
    def takes_order(self) -> bool:
        return "{order}" in self.template

    @property
    def takes_fo(self) -> bool:
        return "{fo}" in self.template

    def send(
        self,
        client: CheckedClient,
        order: str | None = None,
        fo: str | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        """Send the sample request (or `kwargs` such as `json=`, `headers=`, `query_string=`)."""
        if self.body is not None:
            kwargs.setdefault("json", self.body)
        if self.query is not None:
            kwargs["query_string"] = {**self.query, **(kwargs.get("query_string") or {})}
        return client.open(self.method, self.path(order, fo), **kwargs)


FO_PATH = "/orders/{order}/fulfillment-orders/{fo}"
OPERATIONS = (
    Operation(
        "createOrder",
        "POST",
        "/orders",
        {
            "merchant": "ACME_FASHION",
            "partner_order_reference": "WEB-NEW-1",
            "line_items": [{"id": "item-1", "sku": "TSHIRT-M", "quantity": 1}],
        },
    ),
    Operation(
        "notifyShipmentStatus",
        "POST",
        "/orders/shipment-status-update",
        {"references": {"partner_order_reference": "SHOP-1001"}, "post_shipping_info": {}},
    ),
    Operation(
        "notifyShipmentStatusDeprecated",
        "POST",
        "/orders/shipment-status",
        {"references": {"partner_order_reference": "SHOP-1001"}, "post_shipping_info": {}},
    ),
    Operation("getOrder", "GET", "/orders/{order}"),
    Operation("listOrderChangeLogs", "GET", "/orders/{order}/change-logs"),
    Operation(
        "addOrderSystemLog", "POST", "/orders/{order}/system-logs", {"event_type": "INBOUND"}
    ),
    Operation("updateOrder", "PATCH", "/orders/{order}", {"language": "ar"}, event="ORDER_UPDATE"),
    Operation(
        "updateFulfillmentOrderLocation",
        "PATCH",
        FO_PATH + "/update-location",
        {"location_id": "RUH-DC-01"},
        event="FULFILLMENT_ORDER_UPDATE_LOCATION",
    ),
    Operation(
        "updateFulfillmentOrderSchedule",
        "PATCH",
        FO_PATH + "/update-schedule",
        {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"},
        event="FULFILLMENT_ORDER_UPDATE_SCHEDULE",
    ),
    Operation(
        "updateFulfillmentOrderPartnerReferences",
        "PATCH",
        FO_PATH + "/update-partner-references",
        {"partner_fulfillment_order_reference": "WMS-NEW-1"},
        event="FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
    ),
    Operation(
        "updateFulfillmentOrder",
        "PATCH",
        FO_PATH,
        {"partner_fulfillment_order_reference": "WMS-NEW-2"},
        event="FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
    ),
    Operation(
        "cancelOrder",
        "POST",
        "/orders/{order}/cancel",
        {"cancellation_reason": "CUSTOMER_CANCELLATION"},
        event="ORDER_CANCEL",
    ),
    Operation("redactOrder", "POST", "/orders/{order}/redact", event="ORDER_UPDATE"),
    Operation(
        "mergeFulfillmentOrders",
        "POST",
        "/orders/{order}/fulfillment-orders/merge",
        {
            "source": {"fulfillment_order_id": "FO-1014-B"},
            "destination": {"fulfillment_order_id": "FO-1014-A"},
        },
        order="ORD-1014",
        event="FULFILLMENT_ORDER_MERGE",
    ),
    Operation(
        "fulfillFulfillmentOrder",
        "POST",
        FO_PATH + "/fulfill",
        {"line_items": [{"id": "LI-1001-1", "quantity": 1}]},
        event="FULFILLMENT_ORDER_FULFILL",
        query={"create_draft_shipment": "true"},
    ),
    Operation(
        "shipFulfillmentOrder",
        "POST",
        FO_PATH + "/ship",
        {"line_items": [{"id": "LI-1003-2", "quantity": 1}]},
        order="ORD-1003",
        fo="FO-1003-A",
        event="FULFILLMENT_ORDER_SHIP_LINE_ITEMS",
    ),
    Operation(
        "unfulfillFulfillmentOrder",
        "POST",
        FO_PATH + "/unfulfill",
        {"fulfillment_ids": ["FUL-1008-1"]},
        order="ORD-1008",
        fo="FO-1008-A",
        event="FULFILLMENT_ORDER_UNFULFILL",
    ),
    Operation(
        "splitFulfillmentOrder",
        "POST",
        FO_PATH + "/split",
        {"line_items": [{"id": "LI-1001-2", "quantity": 1}]},
        event="FULFILLMENT_ORDER_SPLIT",
    ),
    Operation(
        "cancelFulfillmentOrderLineItems",
        "POST",
        FO_PATH + "/cancel",
        {"cancellation_reason": "OTHER", "line_items": [{"id": "LI-1001-2", "quantity": 1}]},
        event="FULFILLMENT_ORDER_CANCEL_LINE_ITEMS",
    ),
    Operation(
        "updateFulfillmentOrderDeliveryMethod",
        "PATCH",
        FO_PATH + "/update-delivery-method",
        {
            "delivery_method": "COLLECTION",
            "address": {"partner_location_id": "AUH-YAS-01", "city": "ABU DHABI", "country": "AE"},
            "scheduled_from": "2030-02-01T09:00:00Z",
        },
        event="FULFILLMENT_ORDER_UPDATE_DELIVERY_METHOD",
    ),
    Operation(
        "updateFulfillmentOrderAddress",
        "PATCH",
        FO_PATH + "/update-address",
        {"address": {"address1": "2 Marina Walk", "city": "DUBAI", "country": "AE"}},
        event="FULFILLMENT_ORDER_UPDATE_ADDRESS",
    ),
)
OPERATION_SETS: dict[str, tuple[Operation, ...]] = {
    "operation": OPERATIONS,
    "order_operation": tuple(op for op in OPERATIONS if op.takes_order),
    "fo_operation": tuple(op for op in OPERATIONS if op.takes_fo),
    "change_operation": tuple(op for op in OPERATIONS if op.event is not None),
    "body_operation": tuple(op for op in OPERATIONS if op.body is not None),
}
"""Fixture names a test can take to run once per operation of the set."""
