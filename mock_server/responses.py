"""Handlers of the public operations: turn a validated request into a service call.

Each handler receives the sandbox, the caller's tenant, the validated request and the path
parameters, and returns `(record or None, status)`; the app serializes it.
"""

from __future__ import annotations

from typing import Any

from .domain import update_location, update_order, update_partner_references, update_schedule
from .sandbox import Sandbox
from .store import Record
from .validation import ValidRequest

Result = tuple[Record | None, int]


def create_order(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """POST /orders (ours): 201 with the new order."""
    return sb.service.create(tenant, req.body), 201


def get_order(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """GET /orders/{orderReference} (ours), honouring `key`."""
    return sb.service.get(tenant, params["orderReference"], req.key), 200


def _change(
    sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str], change: Any, event: str
) -> Result:
    record = sb.service.change(
        tenant, params["orderReference"], req.key, change, event, if_match=req.if_match
    )
    return record, 200


def patch_order(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """Page 002: update order."""
    ids, clock = sb.service.ids, sb.service.clock
    return _change(
        sb,
        tenant,
        req,
        params,
        lambda order: update_order(order, req.body, now=clock(), new_id=ids),
        "order.updated",
    )


def patch_location(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """Page 001: update location."""
    store, clock = sb.store, sb.service.clock
    return _change(
        sb,
        tenant,
        req,
        params,
        lambda order: update_location(
            order,
            params["fulfillmentOrderId"],
            req.body["location_id"],
            find_by_partner_id=store.location_by_partner_id,
            find_by_code=store.location_by_code,
            now=clock(),
        ),
        "fulfillment_order.location_updated",
    )


def patch_schedule(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """Page 003: update schedule."""
    clock = sb.service.clock
    return _change(
        sb,
        tenant,
        req,
        params,
        lambda order: update_schedule(order, params["fulfillmentOrderId"], req.body, now=clock()),
        "fulfillment_order.schedule_updated",
    )


def patch_partner_references(
    sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]
) -> Result:
    """Page 000: update partner references."""
    clock = sb.service.clock
    return _change(
        sb,
        tenant,
        req,
        params,
        lambda order: update_partner_references(
            order, params["fulfillmentOrderId"], req.body, now=clock()
        ),
        "fulfillment_order.partner_references_updated",
    )


def notify_shipment(sb: Sandbox, tenant: str, req: ValidRequest, params: dict[str, str]) -> Result:
    """Page 004: shipment status notification; no order for the reference -> empty 200."""
    return sb.service.notify_shipment(tenant, req.body), 200
