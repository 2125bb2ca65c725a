"""Shipments as the sandbox keeps them (the Shipping API is not simulated): a record per shipment
in the order's `shipments`, and page 004's notification, which auto-closes delivered fulfillment
line items."""

from .model import Json, LineItem, Order
from .status import touch

_SETTLED = frozenset({"cancelled", "delivered"})


def new_shipment(
    shipment_id: str,
    fo_id: str,
    lines: list[LineItem],
    *,
    draft: bool,
    details: Json,
    now: str,
) -> Json:
    """The record of a shipment created by fulfil or ship: the FO, its lines (id, quantity,
    fulfillment id), `draft` or `booked` (create_draft_shipment), and what the request said of
    carrier, parcels, delivery, payment and pre-booking."""
    return {
        "shipment_id": shipment_id,
        "fulfillment_order_id": fo_id,
        "status": "draft" if draft else "booked",
        "line_items": [
            {
                "id": line["id"],
                "quantity": line.get("quantity", 0),
                **({"fulfillment_id": line["fulfillment_id"]} if "fulfillment_id" in line else {}),
            }
            for line in lines
        ],
        **details,
        "creation_date": now,
        "update_date": now,
    }


def cancel_shipments(shipments: list[Json], ids: set[str], *, now: str) -> list[Json]:
    """unfulfill-order: "Associated shipments are cancelled (if not already cancelled)"; a
    delivered one stays delivered."""
    return [
        {**shipment, "status": "cancelled", "update_date": now}
        if shipment["shipment_id"] in ids and shipment.get("status") not in _SETTLED
        else shipment
        for shipment in shipments
    ]


def apply_shipment(order: Order, payload: Json, *, now: str) -> tuple[Order, list[Json]]:
    """Page 004: the order after a shipment notification, and the lines it closed.

    Only when `post_shipping_info.status` is delivered (any case) and the order is eligible:
    "Shopify-sourced orders are skipped" (creation_source.source_type SHOPIFY, any case) and so
    are cancelled orders (ours). Then the fulfilled lines whose shipment_ids hold the payload's
    shipment_id (all fulfilled lines without one; ours) become closed, and that shipment, when the
    sandbox made it, is delivered. When nothing closes, the input order object itself is
    returned, unchanged.
    """
    if not _eligible(order, payload):
        return order, []
    shipment_id = payload.get("shipment_id")
    closed: list[Json] = []
    fos = []
    for fo in order.get("fulfillment_orders", []):
        lines = []
        for line in fo.get("line_items", []):
            if line.get("status") == "fulfilled" and (
                shipment_id is None or shipment_id in (line.get("shipment_ids") or [])
            ):
                line = {**line, "status": "closed"}  # copy on write: the stored line is kept
                closed.append(
                    {"fulfillment_order_id": fo["fulfillment_order_id"], "line_item_id": line["id"]}
                )
            lines.append(line)
        fos.append({**fo, "line_items": lines} if "line_items" in fo else fo)
    if not closed:
        return order, []
    updated = {**order, "fulfillment_orders": fos}
    if "shipments" in order and shipment_id is not None:
        updated["shipments"] = [
            {**shipment, "status": "delivered", "update_date": now}
            if shipment["shipment_id"] == shipment_id
            else shipment
            for shipment in order["shipments"]
        ]
    return touch(updated, now=now), closed


def _eligible(order: Order, payload: Json) -> bool:
    delivered = _lower((payload.get("post_shipping_info") or {}).get("status")) == "delivered"
    shopify = _lower((order.get("creation_source") or {}).get("source_type")) == "shopify"
    return delivered and not shopify and order.get("status") != "cancelled"


def _lower(value: object) -> str | None:
    return value.lower() if isinstance(value, str) else None
