"""Which of Carriyo's 18 order webhook triggers a change fires (reference/order-webhook-events).

Each operation names the trigger the catalogue gives it; a change can fire more: an FO that
becomes allocated fires FULFILLMENT_ORDER_ALLOCATE and an order that reaches `closed` fires
ORDER_CLOSED, whatever operation did it. Partner references split in two triggers by what
changed. Where the catalogue is silent (redact) the sandbox's choice is in docs/behaviour.md.
"""

from __future__ import annotations

from .model import Order

ORDER_CREATE = "ORDER_CREATE"
ORDER_UPDATE = "ORDER_UPDATE"
ORDER_CANCEL = "ORDER_CANCEL"
ORDER_CLOSED = "ORDER_CLOSED"
ORDER_SHIPMENT_STATUS_UPDATE = "ORDER_SHIPMENT_STATUS_UPDATE"
FO_FULFILL = "FULFILLMENT_ORDER_FULFILL"
FO_UNFULFILL = "FULFILLMENT_ORDER_UNFULFILL"
FO_ALLOCATE = "FULFILLMENT_ORDER_ALLOCATE"
FO_MERGE = "FULFILLMENT_ORDER_MERGE"
FO_SPLIT = "FULFILLMENT_ORDER_SPLIT"
FO_UPDATE_LOCATION = "FULFILLMENT_ORDER_UPDATE_LOCATION"
FO_UPDATE_ADDRESS = "FULFILLMENT_ORDER_UPDATE_ADDRESS"
FO_UPDATE_DELIVERY_METHOD = "FULFILLMENT_ORDER_UPDATE_DELIVERY_METHOD"
FO_UPDATE_SCHEDULE = "FULFILLMENT_ORDER_UPDATE_SCHEDULE"
FO_SHIP_LINE_ITEMS = "FULFILLMENT_ORDER_SHIP_LINE_ITEMS"
FO_CANCEL_LINE_ITEMS = "FULFILLMENT_ORDER_CANCEL_LINE_ITEMS"
FO_PARTNER_REFERENCES = "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_REFERENCES"
FO_PARTNER_ORDER_REFERENCE = "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE"

ALL_INVENTORY_UPDATES = "ALL_INVENTORY_UPDATES"
"""reference/inventory-webhook-events: the inventory webhook's one trigger, fired by every change
of a product's stock (an import applied, an order's reservation or fulfilment)."""

ORDER_TRIGGERS = (
    ORDER_CREATE,
    ORDER_UPDATE,
    ORDER_CANCEL,
    ORDER_CLOSED,
    ORDER_SHIPMENT_STATUS_UPDATE,
    FO_FULFILL,
    FO_UNFULFILL,
    FO_ALLOCATE,
    FO_MERGE,
    FO_SPLIT,
    FO_UPDATE_LOCATION,
    FO_UPDATE_ADDRESS,
    FO_UPDATE_DELIVERY_METHOD,
    FO_UPDATE_SCHEDULE,
    FO_SHIP_LINE_ITEMS,
    FO_CANCEL_LINE_ITEMS,
    FO_PARTNER_REFERENCES,
    FO_PARTNER_ORDER_REFERENCE,
)
"""The published catalogue, in its order."""

_FO_REF = "partner_fulfillment_order_reference"
_LINE_REF = "partner_fulfillment_reference"


def fired(trigger: str, old: Order | None, new: Order) -> list[str]:
    """The triggers a change from `old` (None: created) to `new` fires, `trigger` (the
    operation's) first, then ALLOCATE and CLOSED when the change brought them about."""
    triggers = (
        _partner_reference_triggers(old, new) if trigger == FO_PARTNER_REFERENCES else [trigger]
    )
    if _allocated_ids(new) - _allocated_ids(old):
        triggers.append(FO_ALLOCATE)
    if new.get("status") == "closed" and (old is None or old.get("status") != "closed"):
        triggers.append(ORDER_CLOSED)
    return triggers


def _allocated_ids(order: Order | None) -> set[str]:
    fos = [] if order is None else order.get("fulfillment_orders") or []
    return {fo.get("fulfillment_order_id", "") for fo in fos if fo.get("status") == "allocated"}


def _partner_reference_triggers(old: Order | None, new: Order) -> list[str]:
    """Page 000 sets two kinds of reference: the FO's own (its trigger) and the fulfillments'."""
    before = {} if old is None else _references(old)
    after = _references(new)
    fo_changed = {k for k in after if k[1] == _FO_REF and before.get(k) != after[k]}
    lines_changed = {k for k in after if k[1] == _LINE_REF and before.get(k) != after[k]}
    triggers = [FO_PARTNER_ORDER_REFERENCE] if fo_changed else []
    if lines_changed or not fo_changed:  # a change of neither still names the operation's
        triggers.append(FO_PARTNER_REFERENCES)
    return triggers


def _references(order: Order) -> dict[tuple[str, str, str], object]:
    found: dict[tuple[str, str, str], object] = {}
    for fo in order.get("fulfillment_orders") or []:
        fo_id = fo.get("fulfillment_order_id", "")
        found[(fo_id, _FO_REF, "")] = fo.get(_FO_REF)
        for line in fo.get("line_items") or []:
            found[(fo_id, _LINE_REF, str(line.get("id")))] = line.get(_LINE_REF)
    return found
