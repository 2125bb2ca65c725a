"""Handlers of the Inventory API (api/inventory/): each turns a validated request into one call of
the inventory service (the order service's `inventory`)."""

from __future__ import annotations

from ..service import OrderService
from .responses import Result
from .validation import ValidRequest


def get_inventory(service: OrderService, req: ValidRequest) -> Result:
    """get-inventory-by-product-id."""
    return service.inventory.get(req.tenant, req.params["product-id"]), 200


def import_events(service: OrderService, req: ValidRequest) -> Result:
    """bulk-import-inventory-events: 200 with each event's result."""
    return service.inventory.import_events(req.tenant, req.headers.get("request-id"), req.body), 200


def events_by_request(service: OrderService, req: ValidRequest) -> Result:
    """get-inventory-events-by-request-id."""
    return service.inventory.batch(req.tenant, req.params["request-id"]), 200


def events_by_product(service: OrderService, req: ValidRequest) -> Result:
    """get-inventory-events-by-product-id."""
    return service.inventory.history(req.tenant, req.params["product-id"]), 200
