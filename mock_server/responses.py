"""Handlers of the public operations: each turns a validated request into one service call.

A handler receives the service and the validated request (tenant, body, `key`, `If-Match`, path
parameters) and returns `(record or None, status)`; the view serializes it (api.py).
"""

from __future__ import annotations

from .service import OrderService
from .store import Record
from .validation import ValidRequest

Result = tuple[Record | None, int]


def create_order(service: OrderService, req: ValidRequest) -> Result:
    """POST /orders: 201 with the new order."""
    return service.create(req.tenant, req.body), 201


def get_order(service: OrderService, req: ValidRequest) -> Result:
    """GET /orders/{orderReference}, honouring `key`."""
    return service.get(req.order), 200


def patch_order(service: OrderService, req: ValidRequest) -> Result:
    """Page 002: update order."""
    return service.update_order(req.order, req.body, req.if_match), 200


def patch_location(service: OrderService, req: ValidRequest) -> Result:
    """Page 001: update location."""
    return service.update_location(req.order, req.fo_id, req.body["location_id"], req.if_match), 200


def patch_schedule(service: OrderService, req: ValidRequest) -> Result:
    """Page 003: update schedule."""
    return service.update_schedule(req.order, req.fo_id, req.body, req.if_match), 200


def patch_partner_references(service: OrderService, req: ValidRequest) -> Result:
    """Page 000: update partner references."""
    return service.update_partner_references(req.order, req.fo_id, req.body, req.if_match), 200


def notify_shipment(service: OrderService, req: ValidRequest) -> Result:
    """Page 004: shipment status notification; no order for the reference -> empty 200."""
    return service.notify_shipment(req.tenant, req.body), 200
