"""The public routes: method, Flask rule, the spec's operationId, and the handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from werkzeug.routing import BaseConverter

from ..service import OrderService
from . import inventory, responses
from .validation import ValidRequest


class OrderReferenceConverter(BaseConverter):
    """An `orderReference` path segment other than `shipment-status-update` (and the deprecated
    `shipment-status`), so that each of those paths is one resource (POST only) and its `Allow`
    header says so."""

    regex = r"(?!shipment-status(?:-update)?(?:/|$))[^/]+"


class FulfillmentOrderIdConverter(BaseConverter):
    """A `fulfillmentOrderId` path segment other than `merge`, so that
    `/orders/{ref}/fulfillment-orders/merge` is one resource (POST only)."""

    regex = r"(?!merge(?:/|$))[^/]+"


class Route(NamedTuple):
    method: str
    rule: str
    operation_id: str
    handler: Callable[[OrderService, ValidRequest], responses.Result]


PATH_NAMES = {"product_id": "product-id", "request_id": "request-id"}
"""The spec's names of path parameters a Flask rule cannot spell (the Inventory API's)."""
TOKEN_PATH = "/oauth/token"
"""`POST /oauth/token` (published: api/authentication), auth.py's view."""
ORDER_PATH = "/orders/<order_ref:orderReference>"
FO_PATH = f"{ORDER_PATH}/fulfillment-orders/<fo_id:fulfillmentOrderId>"

ROUTES: tuple[Route, ...] = (
    Route("POST", "/orders", "createOrder", responses.create_order),
    Route(
        "POST", "/orders/shipment-status-update", "notifyShipmentStatus", responses.notify_shipment
    ),
    Route(
        "POST",
        "/orders/shipment-status",
        "notifyShipmentStatusDeprecated",
        responses.notify_shipment,
    ),
    Route("GET", ORDER_PATH, "getOrder", responses.get_order),
    Route("PATCH", ORDER_PATH, "updateOrder", responses.patch_order),
    Route(
        "PATCH",
        f"{FO_PATH}/update-location",
        "updateFulfillmentOrderLocation",
        responses.patch_location,
    ),
    Route(
        "PATCH",
        f"{FO_PATH}/update-schedule",
        "updateFulfillmentOrderSchedule",
        responses.patch_schedule,
    ),
    Route(
        "PATCH",
        f"{FO_PATH}/update-partner-references",
        "updateFulfillmentOrderPartnerReferences",
        responses.patch_partner_references,
    ),
    Route("PATCH", FO_PATH, "updateFulfillmentOrder", responses.patch_partner_references),
    Route("POST", f"{ORDER_PATH}/cancel", "cancelOrder", responses.cancel_order),
    Route("POST", f"{ORDER_PATH}/redact", "redactOrder", responses.redact_order),
    Route("GET", f"{ORDER_PATH}/change-logs", "listOrderChangeLogs", responses.change_logs),
    Route("POST", f"{ORDER_PATH}/system-logs", "addOrderSystemLog", responses.add_system_log),
    Route(
        "GET",
        f"{ORDER_PATH}/system-logs/<identifier>",
        "getOrderSystemLogDetailUrl",
        responses.system_log_url,
    ),
    Route(
        "POST",
        f"{ORDER_PATH}/fulfillment-orders/merge",
        "mergeFulfillmentOrders",
        responses.merge_fulfillment_orders,
    ),
    Route("POST", f"{FO_PATH}/fulfill", "fulfillFulfillmentOrder", responses.fulfill),
    Route("POST", f"{FO_PATH}/ship", "shipFulfillmentOrder", responses.ship),
    Route("POST", f"{FO_PATH}/unfulfill", "unfulfillFulfillmentOrder", responses.unfulfill),
    Route("POST", f"{FO_PATH}/split", "splitFulfillmentOrder", responses.split),
    Route(
        "POST",
        f"{FO_PATH}/cancel",
        "cancelFulfillmentOrderLineItems",
        responses.cancel_line_items,
    ),
    Route(
        "PATCH",
        f"{FO_PATH}/update-delivery-method",
        "updateFulfillmentOrderDeliveryMethod",
        responses.patch_delivery_method,
    ),
    Route(
        "PATCH",
        f"{FO_PATH}/update-address",
        "updateFulfillmentOrderAddress",
        responses.patch_address,
    ),
    # The Inventory API (api/inventory/).
    Route(
        "GET",
        "/inventory/product-id/<product_id>",
        "getInventoryByProductId",
        inventory.get_inventory,
    ),
    Route("POST", "/inventory-events", "bulkImportInventoryEvents", inventory.import_events),
    Route(
        "GET",
        "/inventory-events/request-id/<request_id>",
        "getInventoryEventsByRequestId",
        inventory.events_by_request,
    ),
    Route(
        "GET",
        "/inventory-events/product-id/<product_id>",
        "getInventoryEventsByProductId",
        inventory.events_by_product,
    ),
)
