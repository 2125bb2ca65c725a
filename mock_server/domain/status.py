"""Statuses derived from fulfillment-order line items.

Page 002 lists the order statuses; no page says how they follow from the line items, so this rule is
ours (documented in the README's behaviour section).
"""

from collections.abc import Iterable

from .model import FulfillmentOrder, Order

TERMINAL_LINE_STATUSES = frozenset({"fulfilled", "cancelled", "closed"})
PENDING_LINE_STATUSES = frozenset({"open", "allocated"})
_DONE_LINE_STATUSES = frozenset({"fulfilled", "closed"})


def derive_status(line_statuses: Iterable[str]) -> str:
    """Status of a set of line items (ours).

    Cancelled lines are ignored. No lines -> open; only cancelled lines -> closed. Of the rest: all
    closed -> closed; all fulfilled or closed -> fulfilled; some -> partially_fulfilled; all
    allocated -> allocated; some -> partially_allocated; otherwise open.
    """
    statuses = list(line_statuses)
    if not statuses:
        return "open"
    live = [status for status in statuses if status != "cancelled"]
    if all(status == "closed" for status in live):
        return "closed"
    done = sum(status in _DONE_LINE_STATUSES for status in live)
    allocated = sum(status == "allocated" for status in live)
    if done:
        return "fulfilled" if done == len(live) else "partially_fulfilled"
    if allocated:
        return "allocated" if allocated == len(live) else "partially_allocated"
    return "open"


def _line_statuses(fo: FulfillmentOrder) -> list[str]:
    return [line.get("status", "open") for line in fo.get("line_items", [])]


def refresh_statuses(order: Order) -> Order:
    """Re-derive every FO's status from its lines and the order's from all FO lines.

    A cancelled order stays cancelled (ours: only seeded data can be cancelled). Returns a
    structural copy: new order and FO dicts, other nested values shared with the input.
    """
    fos = [
        {**fo, "status": derive_status(_line_statuses(fo))}
        for fo in order.get("fulfillment_orders", [])
    ]
    status = order.get("status")
    if status != "cancelled":
        status = derive_status(s for fo in fos for s in _line_statuses(fo))
    return {**order, "status": status, "fulfillment_orders": fos}


def touch(order: Order, *, now: str) -> Order:
    """Stamp `update_date` and re-derive statuses: how a status-affecting change ends."""
    return refresh_statuses({**order, "update_date": now})
