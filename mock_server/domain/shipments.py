"""Page 004: a shipment status notification auto-closes delivered fulfillment line items."""

from .model import Json, Order
from .status import touch


def apply_shipment(order: Order, payload: Json, *, now: str) -> tuple[Order, list[Json]]:
    """Page 004: the order after a shipment notification, and the lines it closed.

    Only when `post_shipping_info.status` is delivered (any case) and the order is eligible:
    "Shopify-sourced orders are skipped" (creation_source.source_type SHOPIFY, any case) and so
    are cancelled orders (ours). Then the fulfilled lines whose shipment_ids hold the payload's
    shipment_id (all fulfilled lines without one; ours) become closed. When nothing closes, the
    input order object itself is returned, unchanged.
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
    return touch({**order, "fulfillment_orders": fos}, now=now), closed


def _eligible(order: Order, payload: Json) -> bool:
    delivered = _lower((payload.get("post_shipping_info") or {}).get("status")) == "delivered"
    shopify = _lower((order.get("creation_source") or {}).get("source_type")) == "shopify"
    return delivered and not shopify and order.get("status") != "cancelled"


def _lower(value: object) -> str | None:
    return value.lower() if isinstance(value, str) else None
