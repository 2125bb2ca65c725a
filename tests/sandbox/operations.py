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
    """One public operation of `openapi.yaml` and a valid request to it; the path targets fixtures
    order ORD-1001 and its FO FO-1001-A unless told otherwise."""

    operation_id: str
    method: str
    template: str
    body: Json | None = None

    def path(self, order: str = "ORD-1001", fo: str = "FO-1001-A") -> str:
        return self.template.format(order=order, fo=fo)

    @property
    def takes_order(self) -> bool:
        return "{order}" in self.template

    @property
    def takes_fo(self) -> bool:
        return "{fo}" in self.template

    def send(
        self, client: CheckedClient, order: str = "ORD-1001", fo: str = "FO-1001-A", **kwargs: Any
    ) -> TestResponse:
        """Send the sample request (or `kwargs` such as `json=`, `headers=`, `query_string=`)."""
        if self.body is not None:
            kwargs.setdefault("json", self.body)
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
    Operation("updateOrder", "PATCH", "/orders/{order}", {"language": "ar"}),
    Operation(
        "updateFulfillmentOrderLocation",
        "PATCH",
        FO_PATH + "/update-location",
        {"location_id": "RUH-DC-01"},
    ),
    Operation(
        "updateFulfillmentOrderSchedule",
        "PATCH",
        FO_PATH + "/update-schedule",
        {"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"},
    ),
    Operation(
        "updateFulfillmentOrderPartnerReferences",
        "PATCH",
        FO_PATH + "/update-partner-references",
        {"partner_fulfillment_order_reference": "WMS-NEW-1"},
    ),
)
OPERATION_SETS: dict[str, tuple[Operation, ...]] = {
    "operation": OPERATIONS,
    "order_operation": tuple(op for op in OPERATIONS if op.takes_order),
    "fo_operation": tuple(op for op in OPERATIONS if op.takes_fo),
    "change_operation": tuple(op for op in OPERATIONS if op.method == "PATCH"),
    "body_operation": tuple(op for op in OPERATIONS if op.body is not None),
}
"""Fixture names a test can take to run once per operation of the set."""
