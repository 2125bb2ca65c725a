"""Handlers of the public operations: each turns a validated request into one service call.

A handler receives the service and the validated request (tenant, body, `key`, `If-Match`, path
parameters) and returns `(record or None, status)`; the view serializes it (api.py).
"""

from __future__ import annotations

from typing import Any

from ..service import OrderService
from ..store import Record
from .validation import ValidRequest

Result = tuple[Record | list[dict[str, Any]] | dict[str, Any] | str | None, int]
"""An order (with its ETag), other JSON (a change log, a system log, a URL), or page 004's empty
body."""


def create_order(service: OrderService, req: ValidRequest) -> Result:
    """POST /orders: 200 with the new order (create-order's page, as every operation page)."""
    return service.create(req.tenant, req.body), 200


def get_order(service: OrderService, req: ValidRequest) -> Result:
    """GET /orders/{orderReference}, honouring `key`."""
    return service.get(req.order), 200


def patch_order(service: OrderService, req: ValidRequest) -> Result:
    """Page 002: update order."""
    return service.update_order(req.order, req.body, req.precondition), 200


def patch_location(service: OrderService, req: ValidRequest) -> Result:
    """Page 001: update location."""
    return service.update_location(
        req.order, req.fo_id, req.body["location_id"], req.precondition
    ), 200


def patch_schedule(service: OrderService, req: ValidRequest) -> Result:
    """Page 003: update schedule."""
    return service.update_schedule(req.order, req.fo_id, req.body, req.precondition), 200


def patch_partner_references(service: OrderService, req: ValidRequest) -> Result:
    """Page 000: update partner references."""
    return service.update_partner_references(req.order, req.fo_id, req.body, req.precondition), 200


def notify_shipment(service: OrderService, req: ValidRequest) -> Result:
    """Page 004: shipment status notification; no order for the reference -> empty 200."""
    return service.notify_shipment(req.tenant, req.body), 200


def cancel_order(service: OrderService, req: ValidRequest) -> Result:
    """cancel-order."""
    return service.cancel_order(req.order, req.body, req.precondition), 200


def redact_order(service: OrderService, req: ValidRequest) -> Result:
    """redact-order (no body)."""
    return service.redact(req.order, req.precondition), 200


def change_logs(service: OrderService, req: ValidRequest) -> Result:
    """list-order-change-logs, `sort_order` ASC (default) or DESC."""
    return service.change_logs(req.order, req.query.get("sort_order") == "DESC"), 200


def add_system_log(service: OrderService, req: ValidRequest) -> Result:
    """add-order-system-log: 200 with the log kept (published: "System log created")."""
    return service.add_system_log(req.order, req.body), 200


def system_log_url(service: OrderService, req: ValidRequest) -> Result:
    """get-order-system-log-detail-url: 200 with the URL as a JSON string."""
    return service.system_log_url(req.order, req.params["identifier"]), 200


def merge_fulfillment_orders(service: OrderService, req: ValidRequest) -> Result:
    """merge-fulfillment-orders."""
    return service.merge(req.order, req.body, req.precondition), 200


def fulfill(service: OrderService, req: ValidRequest) -> Result:
    """fulfill-order, `skip_shipping` and `create_draft_shipment`."""
    return service.fulfill(
        req.order,
        req.fo_id,
        req.body,
        skip_shipping=req.flag("skip_shipping"),
        draft=req.flag("create_draft_shipment"),
        precondition=req.precondition,
    ), 200


def ship(service: OrderService, req: ValidRequest) -> Result:
    """ship-fulfillment-order, `create_draft_shipment`."""
    return service.ship(
        req.order,
        req.fo_id,
        req.body,
        draft=req.flag("create_draft_shipment"),
        precondition=req.precondition,
    ), 200


def unfulfill(service: OrderService, req: ValidRequest) -> Result:
    """unfulfill-order."""
    return service.unfulfill(req.order, req.fo_id, req.body, req.precondition), 200


def split(service: OrderService, req: ValidRequest) -> Result:
    """split-fulfillment-order."""
    return service.split(req.order, req.fo_id, req.body, req.precondition), 200


def cancel_line_items(service: OrderService, req: ValidRequest) -> Result:
    """cancel-fulfillment-order-line-items."""
    return service.cancel_line_items(req.order, req.fo_id, req.body, req.precondition), 200


def patch_delivery_method(service: OrderService, req: ValidRequest) -> Result:
    """update-fulfillment-order-delivery-method."""
    return service.update_delivery_method(req.order, req.fo_id, req.body, req.precondition), 200


def patch_address(service: OrderService, req: ValidRequest) -> Result:
    """update-fulfillment-order-address."""
    return service.update_address(req.order, req.fo_id, req.body, req.precondition), 200
