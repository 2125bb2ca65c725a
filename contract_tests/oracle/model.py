"""Reading orders as the pages describe them: statuses, FOs, line items, comparisons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

PAGE_002_ORDER_STATUSES = frozenset(
    {
        "open",
        "partially_allocated",
        "allocated",
        "partially_fulfilled",
        "fulfilled",
        "closed",
        "cancelled",
    }
)
"""Page 002: every status an order can be in."""
ORDER_STATUSES = PAGE_002_ORDER_STATUSES | {"processing"}
"""Page 002's and the published ones (api/orders/order-object names `processing` where page 002
has `partially_fulfilled`)."""
UPDATABLE_ORDER_STATUSES = PAGE_002_ORDER_STATUSES - {"cancelled"}
"""Page 002: "open, partially_allocated, allocated, partially_fulfilled, fulfilled, closed"."""
FO_STATUSES = frozenset({"open", "allocated", "processing", "fulfilled", "cancelled", "closed"})
"""The published FO statuses (api/orders/fulfillment-orders); the five pages show only `open`."""
PENDING = frozenset({"open", "allocated"})
"""Page 002: "Only pass line items with pending statuses"."""
TERMINAL = frozenset({"fulfilled", "cancelled", "closed"})
"""Page 002: "line items with terminal statuses", preserved automatically."""
IN_PROGRESS = frozenset({"pick_in_progress", "picked", "pack_in_progress"})
"""Published line statuses (reference/line-item-status-codes) that page 002 calls neither pending
nor terminal: the suite never lists them and asserts nothing of what an update does to them."""
LINE_STATUSES = PENDING | TERMINAL | IN_PROGRESS
DELIVERY_METHODS = frozenset({"DELIVERY", "COLLECTION", "DIGITAL"})
"""Pages 003 and 004."""
SCHEDULE_BY_METHOD = {"DELIVERY": "delivery_schedule", "COLLECTION": "customer_collection_schedule"}
"""Page 003: the field each delivery method's schedule lives in."""
ADDRESS_BY_METHOD = {"DELIVERY": "delivery_address", "COLLECTION": "customer_collection_address"}
"""The published fulfillment-orders page: the field each delivery method's address lives in."""
CANCELLABLE_ORDER_STATUSES = frozenset({"open", "allocated", "partially_allocated"})
"""api/orders/operation/cancel-order: the statuses an order can be cancelled in."""
CANCELLATION_REASONS = (
    "CUSTOMER_CANCELLATION",
    "AUTO_ALLOCATION_FAILED",
    "INVENTORY_OUT_OF_STOCK",
    "STAFF_ERROR",
    "PAYMENT_ISSUE",
    "OTHER",
)
"""The six published `cancellation_reason` values (cancel-order, cancel line items)."""
UPDATABLE_ORDER_FIELDS = (
    "partner_order_reference",
    "order_date",
    "merchant",
    "language",
    "sales_channel",
    "taxes_included",
    "duties_included",
    "shipping_address",
    "billing_address",
    "customer",
    "payment",
    "discount_applications",
    "shipping_lines",
)
"""Page 002: "The following fields are updated only if provided in the request" (the page runs
some bullets together: "sales_channeltaxes_included" is `sales_channel` and `taxes_included`)."""


def line_id(line: Json) -> Any:
    """A line item's id: `id` (pages 002 sample, 004) or `line_item_id` (page 002 schema)."""
    return line.get("id", line.get("line_item_id"))


def fulfillment_orders(order: Json) -> list[Json]:
    return list(order.get("fulfillment_orders") or [])


def fo_by_id(order: Json) -> dict[str | None, Json]:
    return {fo.get("fulfillment_order_id"): fo for fo in fulfillment_orders(order)}


def lines(fo: Json) -> list[Json]:
    return list(fo.get("line_items") or [])


def lines_by_id(fo: Json) -> dict[Any, Json]:
    return {line_id(line): line for line in lines(fo)}


def terminal_lines(fo: Json) -> dict[Any, Json]:
    """The FO's line items in terminal statuses, by id."""
    return {line_id(line): line for line in lines(fo) if line.get("status") in TERMINAL}


def pending_lines(fo: Json) -> dict[Any, Json]:
    return {line_id(line): line for line in lines(fo) if line.get("status") in PENDING}


def quantities(fo: Json, statuses: frozenset[str] | None = None) -> dict[Any, int]:
    """The quantity the FO's lines hold of each line item (only lines in `statuses`, if given):
    a line item may sit in several lines of one FO, a fulfilled part and a pending one, say."""
    held: dict[Any, int] = {}
    for line in lines(fo):
        if statuses is None or line.get("status", "open") in statuses:
            held[line_id(line)] = held.get(line_id(line), 0) + int(line.get("quantity", 0))
    return held


def order_quantities(order: Json) -> dict[Any, int]:
    """The quantity all FO lines of the order (any status) hold of each line item."""
    held: dict[Any, int] = {}
    for fo in fulfillment_orders(order):
        for key, quantity in quantities(fo).items():
            held[key] = held.get(key, 0) + quantity
    return held


def carried_by(held: Iterable[Json], field: str) -> set[Any]:
    """Every value these lines carry in `field` (`fulfillment_id`) or its list
    (`shipment_ids`)."""
    found: set[Any] = set()
    for line in held:
        value = line.get(field)
        found.update(value if isinstance(value, list) else [] if value is None else [value])
    return found


def carried(order: Json, field: str) -> set[Any]:
    """`carried_by` the order's FO lines."""
    return carried_by((line for _, line in all_fo_lines(order)), field)


def not_pending(order: Json) -> set[Any]:
    """The ids of the line items some FO of the order holds in a status that is not pending (page
    002: they may not be listed)."""
    return {
        line_id(line)
        for _, line in all_fo_lines(order)
        if line.get("status", "open") not in PENDING
    }


def holds_non_pending(fo: Json) -> bool:
    """The FO holds a line item that is not pending (terminal, or being picked or packed)."""
    return any(line.get("status", "open") not in PENDING for line in lines(fo))


def rolled_up_fo_statuses(line_statuses: list[str]) -> frozenset[str]:
    """The FO statuses the published roll-up (api/orders/fulfillment-orders, the line status
    catalogue) gives for these line statuses: cancelled lines count only when every line is
    cancelled; all closed -> closed; all fulfilled or closed -> fulfilled; any other line not
    pending -> processing; pending only -> open or allocated (by the FO's location, which a
    service may keep apart from its lines); no lines -> any of those."""
    live = [status for status in line_statuses if status != "cancelled"]
    if line_statuses and not live:
        return frozenset({"cancelled"})
    kinds = set(live)
    if not kinds:
        return frozenset({"open", "allocated", "cancelled", "closed"})
    if kinds == {"closed"}:
        return frozenset({"closed"})
    if kinds <= {"fulfilled", "closed"}:
        return frozenset({"fulfilled"})
    if kinds <= PENDING:
        return PENDING
    return frozenset({"processing"})


def rolled_up_order_statuses(fo_statuses: list[str]) -> frozenset[str]:
    """The order statuses the published roll-up (api/orders/order-object,
    platform/orders/order-lifecycle) gives for these FO statuses: cancelled FOs count only when
    every FO is cancelled; a processing order may also be called partially_fulfilled (page 002)."""
    live = [status for status in fo_statuses if status != "cancelled"]
    if fo_statuses and not live:
        return frozenset({"cancelled"})
    kinds = set(live)
    if kinds <= {"open"}:
        return frozenset({"open"})
    if kinds <= {"open", "allocated"}:
        return frozenset({"allocated" if kinds == {"allocated"} else "partially_allocated"})
    if kinds == {"closed"}:
        return frozenset({"closed"})
    if kinds <= {"fulfilled", "closed"}:
        return frozenset({"fulfilled"})
    return frozenset({"processing", "partially_fulfilled"})


def all_fo_lines(order: Json) -> Iterator[tuple[Json, Json]]:
    """Every (FO, line item) pair of the order."""
    for fo in fulfillment_orders(order):
        for line in lines(fo):
            yield fo, line


def copied(value: Any) -> Any:
    """A deep copy of a JSON value: copy.deepcopy's result, several times faster (it keeps a memo
    for objects shared or cyclic, which JSON cannot have)."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


def without_derived(order: Json) -> Json:
    """The order minus what every successful change may legitimately touch: `update_date` and
    the derived statuses of the order and its FOs ("Order status is recalculated", page 001)."""
    view: Json = copied(order)
    for key in ("update_date", "status", "update_source"):
        view.pop(key, None)
    for fo in view.get("fulfillment_orders") or []:
        fo.pop("status", None)
    return view


def date_time(value: str) -> datetime | None:
    """A date-time string as written (naive when it has no offset); None when it is not one."""
    if "T" not in value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def instant(value: str) -> datetime | None:
    """A date-time string as an aware instant (naive = UTC); None when it is not one."""
    moment = date_time(value)
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def same_value(expected: Any, actual: Any) -> bool:
    """Equality, where two date-time strings are equal when they name the same instant."""
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        first, second = instant(expected), instant(actual)
        return first is not None and first == second
    return bool(expected == actual)


def differences(expected: Any, actual: Any, path: str = "", *, subset: bool = False) -> list[str]:
    """Where `actual` departs from `expected`. With `subset`, objects in `actual` may carry keys
    that `expected` lacks (a server may add fields); arrays must have the same length."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in expected.keys() | ({} if subset else actual.keys()):
            here = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{here}: missing (expected {expected[key]!r})")
            elif key not in expected:
                found.append(f"{here}: unexpected {actual[key]!r}")
            else:
                found.extend(differences(expected[key], actual[key], here, subset=subset))
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, expected {len(expected)}"]
        return [
            problem
            for k, (want, got) in enumerate(zip(expected, actual, strict=True))
            for problem in differences(want, got, f"{path}[{k}]", subset=subset)
        ]
    if same_value(expected, actual):
        return []
    return [f"{path or 'value'}: {actual!r}, expected {expected!r}"]
