"""How orders move stock (the "Inventory Impact" section of each order operation's page), when the
tenant's inventory management is on: pure functions over orders.

The sandbox reads an order's stock effect from the order itself, before and after a change: what
its lines hold (reserved) and what they have consumed (on_hand taken) per product and location.
An operation moves the difference, so every operation, the five pages' included, moves exactly
what its lines' statuses say, and no operation can release or reduce twice.

A line's product is its order line's `product_id`, else its `sku` (ours: the pages name no
key); its location is its FO's `location_id`. A line of an FO without a location holds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .inventory import level_at, with_level
from .model import Json, Order

ON_ORDER_FULFILLED: Final = "ON_ORDER_FULFILLED"
"""api/orders/operation/fulfill-order: with this `stock_reduction_timing`, fulfilling reduces
on_hand and reserved by the quantity fulfilled."""
ON_SHIPMENT_SHIPPED: Final = "ON_SHIPMENT_SHIPPED"
"""Ours (the pages name only ON_ORDER_FULFILLED; SHIPMENT_SHIPPED is a published internal event
type): the stock leaves when the line is closed, i.e. shipped on (page 004) or fulfilled without
shipping."""
TIMINGS: Final = (ON_ORDER_FULFILLED, ON_SHIPMENT_SHIPPED)

_HOLDING = frozenset({"allocated", "pick_in_progress", "picked", "pack_in_progress"})

INTERNAL_EVENT_OF: Final[Mapping[str, str]] = {
    "createOrder": "ORDER_RESERVATION",
    "cancelOrder": "ORDER_CANCELLATION",
    "cancelFulfillmentOrderLineItems": "ORDER_CANCELLATION",
    "fulfillFulfillmentOrder": "ORDER_FULFILLMENT",
    "unfulfillFulfillmentOrder": "ORDER_UNFULFILLED",
    "notifyShipmentStatus": "SHIPMENT_SHIPPED",
}
"""The published internal event type an operation's stock change is recorded as (bulk import
page's list); any other operation that moves stock (update order, relocation, split, merge)
records ORDER_UPDATE."""


def internal_event_type(operation: str) -> str:
    return INTERNAL_EVENT_OF.get(operation, "ORDER_UPDATE")


def holds_reservation(status: str, timing: str) -> bool:
    """api/orders/operation/create-order ("inventory is reserved for the allocated items") and
    api/inventory/ ("reserved: allocated to orders but not yet shipped"): an allocated line, or
    one being picked or packed, holds its quantity reserved; cancel-order and
    cancel-fulfillment-order-line-items release it (a cancelled line holds nothing). With
    ON_SHIPMENT_SHIPPED (ours) a fulfilled line still holds it until it is closed."""
    return status in _HOLDING or (status == "fulfilled" and timing != ON_ORDER_FULFILLED)


def consumes_stock(status: str, timing: str) -> bool:
    """api/orders/operation/fulfill-order: with ON_ORDER_FULFILLED a fulfilled line has taken its
    quantity from on_hand (and no longer holds it reserved); unfulfill-order restores on_hand
    when the line is pending again. A closed line has consumed it under either timing."""
    return status == "closed" or (status == "fulfilled" and timing == ON_ORDER_FULFILLED)


@dataclass(frozen=True, slots=True)
class Share:
    """What one order's lines hold and have consumed of one product at one location."""

    held: int = 0
    consumed: int = 0


Place = tuple[str, str]
"""(product_id, location_id)."""


def product_of(line: Mapping[str, Any], order_lines: Mapping[str, Mapping[str, Any]]) -> str | None:
    """A FO line's product: its order line's `product_id`, else `sku` (ours)."""
    item = order_lines.get(line.get("id", ""), {})
    found = item.get("product_id") or item.get("sku")
    return str(found) if found else None


def shares(order: Order | None, timing: str) -> dict[Place, Share]:
    """Per product and location, what `order`'s FO lines hold and have consumed (none: None)."""
    if order is None:
        return {}
    order_lines = {item.get("id", ""): item for item in order.get("line_items", [])}
    found: dict[Place, Share] = {}
    for fo in order.get("fulfillment_orders", []):
        location = fo.get("location_id")
        if not location:
            continue
        for line in fo.get("line_items", []):
            product = product_of(line, order_lines)
            status, quantity = line.get("status", "open"), int(line.get("quantity", 0))
            if product is None:
                continue
            share = found.get((product, location), Share())
            found[(product, location)] = Share(
                share.held + (quantity if holds_reservation(status, timing) else 0),
                share.consumed + (quantity if consumes_stock(status, timing) else 0),
            )
    return found


@dataclass(frozen=True, slots=True)
class Movement:
    """One change of one product's stock at one location by one order: the deltas, and what the
    order holds there afterwards (its entry among the location's reservations)."""

    product_id: str
    location_id: str
    on_hand: int
    reserved: int
    held: int

    def json(self) -> Json:
        return {
            "product_id": self.product_id,
            "location_id": self.location_id,
            "on_hand": self.on_hand,
            "reserved": self.reserved,
            "held": self.held,
        }


def movements(before: Order | None, after: Order, timing: str) -> list[Movement]:
    """What a change of an order (None before: its creation) moves: reserved by the change of what
    its lines hold, on_hand by the opposite of the change of what they consumed. Relocation thus
    moves the reservation with the FO (ours: update-fulfillment-order-location says it makes no
    direct inventory change, leaving the reservation to the client, which the Inventory API
    cannot move; the sandbox keeps it where the order will be fulfilled)."""
    old, new = shares(before, timing), shares(after, timing)
    moved = []
    for place in sorted(old.keys() | new.keys()):
        was, now = old.get(place, Share()), new.get(place, Share())
        if was != now:
            moved.append(
                Movement(*place, was.consumed - now.consumed, now.held - was.held, now.held)
            )
    return moved


def apply_movement(
    inventory: Mapping[str, Any] | None, order_id: str, movement: Movement, date: str
) -> Json:
    """The product's inventory after `movement` of order `order_id`: on_hand and reserved moved by
    its deltas, the order's reservation at the location replaced by what it holds (dropped at
    0). A product never stocked at the location starts from zero (ours: an order may reserve
    what is not there; available then goes negative)."""
    level = level_at(inventory, movement.location_id)
    level["on_hand"] = int(level["on_hand"]) + movement.on_hand
    level["reserved"] = int(level["reserved"]) + movement.reserved
    level["update_date"] = date
    if movement.held:
        level["reservations"][order_id] = {"reserved_quantity": movement.held, "date": date}
    else:
        level["reservations"].pop(order_id, None)
    return with_level(inventory, movement.product_id, movement.location_id, level)


def order_event(tenant: str, order_id: str, operation: str, movement: Movement, date: str) -> Json:
    """The history entry of `movement` (api/inventory/operation/get-inventory-events-by-product-id):
    the published internal type of `operation`, and the quantities it moved (ours: an internal
    event carries its deltas, an imported one the quantities it was sent with), with the order
    it came from."""
    return {
        "tenant": tenant,
        "product_id": movement.product_id,
        "location_id": movement.location_id,
        "event_type": internal_event_type(operation),
        "on_hand": movement.on_hand,
        "reserved": movement.reserved,
        "unavailable": 0,
        "event_timestamp": date,
        "creation_date": date,
        "order_id": order_id,
        "status": "PROCESSED",
        "source": {"source": "ORDER"},
    }
