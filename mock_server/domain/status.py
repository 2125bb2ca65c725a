"""Statuses as Carriyo publishes them: a line item's, an FO's (from its lines) and an order's (from
its FOs).

Published pages: reference/line-item-status-codes (the line catalogue),
api/orders/fulfillment-orders (the FO lifecycle), platform/orders/order-lifecycle and
api/orders/order-object (the roll-up). Page 002 names the pending and terminal line statuses its
preservation merge works with.
"""

from collections.abc import Iterable

from .model import FulfillmentOrder, Order

PENDING_LINE_STATUSES = frozenset({"open", "allocated"})
"""Page 002: the line statuses an update-order request may list."""
TERMINAL_LINE_STATUSES = frozenset({"fulfilled", "cancelled", "closed"})
"""Page 002: the line statuses preserved automatically (the catalogue: only closed, cancelled)."""
IN_PROGRESS_LINE_STATUSES = frozenset({"pick_in_progress", "picked", "pack_in_progress"})
"""reference/line-item-status-codes: a pick or pack under way; neither pending nor terminal on
page 002."""
PRESERVED_LINE_STATUSES = TERMINAL_LINE_STATUSES | IN_PROGRESS_LINE_STATUSES
"""Ours: lines mid-pick or mid-pack are preserved like terminal ones (dropping them would lose
the warehouse's work), so they cannot be listed either."""
_DONE = frozenset({"fulfilled", "closed"})
_PENDING_OR_CANCELLED = PENDING_LINE_STATUSES | {"cancelled"}
_STARTED_FO = frozenset({"processing", "fulfilled", "closed"})


def pending_line_status(fo: FulfillmentOrder) -> str:
    """reference/line-item-status-codes: a pending line is `allocated` when its FO has a
    fulfillment location, `open` when it has none."""
    return "allocated" if fo.get("location_id") else "open"


def _settled(statuses: list[str]) -> str | None:
    """The status both levels give when nothing is left to do (cancelled ones ignored unless all
    are): every one cancelled -> cancelled; all closed -> closed; all fulfilled or closed ->
    fulfilled; else None."""
    live = [status for status in statuses if status != "cancelled"]
    if not live:
        return "cancelled"
    if all(status == "closed" for status in live):
        return "closed"
    if all(status in _DONE for status in live):
        return "fulfilled"
    return None


def derive_fo_status(fo: FulfillmentOrder) -> str:
    """An FO's status from its lines (api/orders/fulfillment-orders, reference/line-item-status-
    codes): all cancelled -> cancelled; all closed or cancelled -> closed; all fulfilled, closed or
    cancelled -> fulfilled; a line picked or packed, or some fulfilled or closed beside pending
    ones -> processing ("being picked, packed, shipped, or partially fulfilled"); else allocated
    when a line is allocated, otherwise open. Ours: an FO without lines is allocated when it has a
    location ("Assigned to a location"), otherwise open.
    """
    statuses = [line.get("status", "open") for line in fo.get("line_items", [])]
    if not statuses:
        return pending_line_status(fo)
    settled = _settled(statuses)
    if settled is not None:
        return settled
    if any(status not in _PENDING_OR_CANCELLED for status in statuses):
        return "processing"
    return "allocated" if "allocated" in statuses else "open"


def derive_order_status(fo_statuses: Iterable[str]) -> str:
    """An order's status from its FOs' (platform/orders/order-lifecycle, api/orders/order-object).

    Cancelled FOs are ignored unless every FO is cancelled (-> cancelled). No FOs, or all open ->
    open; all closed -> closed; all fulfilled or closed -> fulfilled; some FO processing,
    fulfilled or closed beside others ("or partially fulfilled") -> processing; all allocated ->
    allocated; some allocated, others open -> partially_allocated.
    """
    statuses = list(fo_statuses)
    if not statuses:
        return "open"
    settled = _settled(statuses)
    if settled is not None:
        return settled
    if any(status in _STARTED_FO for status in statuses):
        return "processing"
    if all(status in ("allocated", "cancelled") for status in statuses):
        return "allocated"
    return "partially_allocated" if "allocated" in statuses else "open"


def refresh_statuses(order: Order) -> Order:
    """Re-derive every FO's status from its lines and the order's from its FOs.

    A cancelled order stays cancelled (a cancelled order is never brought back by a roll-up).
    Returns a structural copy: new order and FO dicts, other nested values shared with the input.
    """
    fos = [{**fo, "status": derive_fo_status(fo)} for fo in order.get("fulfillment_orders", [])]
    status = order.get("status")
    if status != "cancelled":
        status = derive_order_status(fo["status"] for fo in fos)
    return {**order, "status": status, "fulfillment_orders": fos}


def with_fo_statuses(order: Order) -> Order:
    """The order with a derived status on each FO that has none (seeded orders are stored as
    given, but every FO the API returns carries its status); the order itself when none lacks
    one."""
    fos = order.get("fulfillment_orders", [])
    if all("status" in fo for fo in fos):
        return order
    return {
        **order,
        "fulfillment_orders": [
            fo if "status" in fo else {**fo, "status": derive_fo_status(fo)} for fo in fos
        ],
    }


def touch(order: Order, *, now: str) -> Order:
    """Stamp `update_date` and re-derive statuses: how a status-affecting change ends."""
    return refresh_statuses({**order, "update_date": now})
