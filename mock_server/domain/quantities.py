"""FO quantities against the order's: an order line cannot be fulfilled more times than ordered."""

from collections import Counter

from .errors import InvalidRequest
from .model import Json, Order

Listing = tuple[str, object, int]
"""(field of the request, line item id, quantity) of one FO line of a request."""


def check_fo_quantities(order: Order, requested: list[Json]) -> None:
    """Ours, as the published fulfill and ship pages (api/orders/operation/fulfill-order,
    ship-fulfillment-order) validate quantities: the FO lines of an item, over every FO and in
    every status but cancelled (a cancelled line no longer holds its quantity), may not sum to
    more than the order line's `quantity` -> FO_QUANTITY_EXCEEDED.

    `requested` are the request's FO entries (as sent). The error names the request's FO line at
    which the sum passes the ordered quantity (`fulfillment_orders[i].line_items[j].quantity`, the
    FO lines the request does not list counted first), else the order's
    `line_items[k].quantity`. An order line without a quantity sets no limit.
    """
    held: Counter[object] = Counter()
    for fo in order.get("fulfillment_orders", []):
        for line in fo.get("line_items", []):
            if line.get("status") != "cancelled":
                held[line.get("id")] += line.get("quantity", 0)
    listings: list[Listing] = [
        (
            f"fulfillment_orders[{i}].line_items[{j}].quantity",
            line.get("id", line.get("line_item_id")),
            line.get("quantity", 0),
        )
        for i, entry in enumerate(requested)
        for j, line in enumerate(entry.get("line_items", []))
    ]
    for k, item in enumerate(order.get("line_items", [])):
        item_id, ordered = item.get("id"), item.get("quantity")
        if ordered is None or held[item_id] <= ordered:
            continue
        raise InvalidRequest(
            "FO_QUANTITY_EXCEEDED",
            f"the fulfillment orders hold {held[item_id]} of line item {item_id!r}, more than "
            f"the {ordered} ordered",
            _passing_listing(item_id, ordered, held[item_id], listings)
            or f"line_items[{k}].quantity",
        )


def _passing_listing(
    item_id: object, ordered: int, total: int, listings: list[Listing]
) -> str | None:
    """The field of the listing of `item_id` at which the running sum passes `ordered`, the
    unlisted FO lines counted first; None when they alone pass it."""
    mine = [(field, quantity) for field, listed, quantity in listings if listed == item_id]
    running = total - sum(quantity for _, quantity in mine)
    if running > ordered:
        return None
    for field, quantity in mine:
        running += quantity
        if running > ordered:
            return field
    return None
