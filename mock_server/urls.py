"""The public routes: method, Flask rule, the spec's operationId, and the handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from . import responses


class Route(NamedTuple):
    method: str
    rule: str
    operation_id: str
    handler: Callable[..., responses.Result]


FO_PATH = "/orders/<orderReference>/fulfillment-orders/<fulfillmentOrderId>"

ROUTES: tuple[Route, ...] = (
    Route("POST", "/orders", "createOrder", responses.create_order),
    Route("POST", "/orders/shipment-status", "notifyShipmentStatus", responses.notify_shipment),
    Route("GET", "/orders/<orderReference>", "getOrder", responses.get_order),
    Route("PATCH", "/orders/<orderReference>", "updateOrder", responses.patch_order),
    Route(
        "PATCH", f"{FO_PATH}/update-location", "updateFulfillmentOrderLocation",
        responses.patch_location,
    ),
    Route(
        "PATCH", f"{FO_PATH}/update-schedule", "updateFulfillmentOrderSchedule",
        responses.patch_schedule,
    ),
    Route(
        "PATCH", f"{FO_PATH}/update-partner-references",
        "updateFulfillmentOrderPartnerReferences", responses.patch_partner_references,
    ),
)
