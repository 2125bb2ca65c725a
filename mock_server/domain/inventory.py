"""Stock per product and location, and the inventory events that move it (Carriyo's Inventory API,
api/inventory/): pure functions over plain dicts.

A product's inventory is `{"product_id", "stock_by_location": {location_id: level}}`; a level is
`{"on_hand", "reserved", "unavailable", "update_date", "reservations": {order_id:
{"reserved_quantity", "date"}}}` (the published answer lists the reservations; the sandbox keeps
them by order id so that an order's own share is replaced in one step). Every function returns
new dicts: what it is given never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from .model import Json
from .triggers import ALL_INVENTORY_UPDATES

QUANTITY_LIMIT: Final = 1_000_000
"""api/inventory/operation/bulk-import-inventory-events: quantities lie within plus or minus one
million."""
TIMESTAMP_WINDOW: Final = timedelta(days=14)
"""The same page: an event's timestamp is at most 14 days old and not in the future."""
QUANTITY_FIELDS: Final = ("on_hand", "unavailable")

SET, ADJUST = "SET", "ADJUST"
"""api/inventory/inventory-events: an event either sets the quantities it carries or adds them."""
ONE_OF: Final = "one_of"
"""A type whose page says "on_hand or unavailable": at least one of them, each one it carries
applied."""

IMPORTABLE: Final[Mapping[str, tuple[str, tuple[str, ...] | str]]] = {
    "SNAPSHOT": (SET, ("on_hand", "unavailable")),
    "SNAPSHOT_ONHAND": (SET, ("on_hand",)),
    "SNAPSHOT_UNAVAILABLE": (SET, ("unavailable",)),
    "INVENTORY_ADJUSTMENT_ONHAND": (ADJUST, ("on_hand",)),
    "INVENTORY_ADJUSTMENT_UNAVAILABLE": (ADJUST, ("unavailable",)),
    "RETURN": (ADJUST, ("unavailable",)),
    "TRANSFER_IN": (ADJUST, ONE_OF),
    "TRANSFER_OUT": (ADJUST, ONE_OF),
    "SALE": (ADJUST, ONE_OF),
    "PO_RECEIPT": (ADJUST, ONE_OF),
}
"""The bulk import page's table: each importable type, whether it sets or adjusts, and the
quantity fields it requires (exactly these, or ONE_OF). Ours, where the page names no sign: an
adjusting type adds the signed quantity it carries (the page's SALE is "usually negative", so
the sign is the sender's)."""
INTERNAL: Final = (
    "ORDER_RESERVATION",
    "ORDER_UPDATE",
    "ORDER_CANCELLATION",
    "ORDER_FULFILLMENT",
    "ORDER_UNFULFILLED",
    "ORDER_RETURN",
    "SHIPMENT_SHIPPED",
)
"""The same page: the internal types, recorded by Carriyo itself and refused in a bulk import."""


def empty_level() -> Json:
    return {"on_hand": 0, "reserved": 0, "unavailable": 0, "reservations": {}}


def available(level: Mapping[str, Any]) -> int:
    """api/inventory/ (key concepts): available = on_hand - reserved - unavailable."""
    return int(level["on_hand"]) - int(level["reserved"]) - int(level["unavailable"])


def level_at(inventory: Mapping[str, Any] | None, location_id: str) -> Json:
    """A copy of the product's level at `location_id` (zero where it has none yet)."""
    found = (inventory or {}).get("stock_by_location", {}).get(location_id)
    if found is None:
        return empty_level()
    return {**found, "reservations": dict(found.get("reservations", {}))}


def with_level(
    inventory: Mapping[str, Any] | None, product_id: str, location_id: str, level: Json
) -> Json:
    """The product's inventory with `level` at `location_id` (a new inventory when None), its
    `update_date` the level's (and its `creation_date`, when new)."""
    by_location = dict((inventory or {}).get("stock_by_location", {}))
    by_location[location_id] = level
    date = level.get("update_date")
    return {
        **({"creation_date": date} if date else {}),
        **(inventory or {}),
        "product_id": product_id,
        "stock_by_location": by_location,
        **({"update_date": date} if date else {}),
    }


def webhook_image(inventory: Mapping[str, Any] | None) -> Json | None:
    """reference/inventory-webhook-events: a product's stock as the inventory webhook's
    `old_image`/`new_image` show it (each location's on_hand, reserved and unavailable)."""
    if inventory is None:
        return None
    return {
        "product_id": inventory["product_id"],
        "stock_by_location": {
            location: {name: level[name] for name in ("on_hand", "reserved", "unavailable")}
            for location, level in inventory.get("stock_by_location", {}).items()
        },
    }


IMPORT_OPERATION: Final = "bulkImportInventoryEvents"
"""The operationId whose imports change stock (an inventory webhook event names it)."""


def inventory_envelope(
    tenant: str,
    product_id: str,
    before: Mapping[str, Any] | None,
    operation_id: str,
    created_at: str,
) -> Json:
    """An inventory webhook event's envelope, as the event log keeps it (events.py: the product
    id where an order event has its order id, the stock before where it has the order before);
    the stock after is the event's `order`. reference/inventory-webhook-events: `operation` is
    CREATE for a product's first stock, else UPDATE, and the one trigger fires."""
    return {
        "triggers": ALL_INVENTORY_UPDATES,
        "entity_type": "INVENTORY",
        "operation": "CREATE" if before is None else "UPDATE",
        "operation_id": operation_id,
        "tenant": tenant,
        "order_id": product_id,
        "created_at": created_at,
        "old_order": None if before is None else dict(before),
    }


# ---------------------------------------------------------------------------- importable events
def apply_event(level: Mapping[str, Any], event: Mapping[str, Any]) -> Json:
    """api/inventory/inventory-events: a SET type replaces the quantities it carries, an ADJUST
    type adds them (bulk import page's table); `reserved` is the orders' and no event of the
    import touches it."""
    mode, _ = IMPORTABLE[event["event_type"]]
    moved = {**level, "reservations": dict(level.get("reservations", {}))}
    for name in QUANTITY_FIELDS:
        if event.get(name) is not None:
            moved[name] = int(event[name]) if mode == SET else int(moved[name]) + int(event[name])
    return moved


def apply_imported(inventory: Mapping[str, Any] | None, event: Mapping[str, Any]) -> Json:
    """The product's inventory after an accepted import `event` (apply_event at its location)."""
    location_id = event["location_id"]
    level = apply_event(level_at(inventory, location_id), event)
    level["update_date"] = event.get("creation_date")
    return with_level(inventory, event["product_id"], location_id, level)


def type_refusal(event: Mapping[str, Any]) -> str | None:
    """The bulk import page: only the importable types (the internal ones are refused), each with
    the quantity fields its row of the table requires."""
    event_type = str(event.get("event_type"))
    if event_type in INTERNAL:
        return f"{event_type} is an internal event type and cannot be imported"
    if event_type not in IMPORTABLE:
        return f"event_type {event_type!r} is not supported"
    _, fields = IMPORTABLE[event_type]
    given = [name for name in QUANTITY_FIELDS if event.get(name) is not None]
    if fields == ONE_OF:
        return None if given else f"{event_type} requires on_hand or unavailable"
    missing = [name for name in fields if name not in given]
    if missing:
        return f"{event_type} requires {' and '.join(fields)}"
    extra = [name for name in given if name not in fields]
    return f"{event_type} takes {' and '.join(fields)} only" if extra else None


def quantity_refusal(event: Mapping[str, Any]) -> str | None:
    """The bulk import page: quantities between -1,000,000 and 1,000,000 (both included)."""
    for name in QUANTITY_FIELDS:
        value = event.get(name)
        if value is not None and not -QUANTITY_LIMIT <= int(value) <= QUANTITY_LIMIT:
            return f"{name} must be between {-QUANTITY_LIMIT} and {QUANTITY_LIMIT}"
    return None


def timestamp_refusal(event: Mapping[str, Any], now: datetime) -> str | None:
    """The bulk import page: `event_timestamp` within the last 14 days and not in the future.
    Ours: an event without one happens now (the page makes it optional)."""
    stamp = event.get("event_timestamp")
    if stamp is None:
        return None
    moment = datetime.fromisoformat(stamp)
    if moment > now:
        return "event_timestamp must not be in the future"
    if moment < now - TIMESTAMP_WINDOW:
        return "event_timestamp must be within the last 14 days"
    return None


def place_refusal(
    event: Mapping[str, Any], products: Iterable[str], location: Mapping[str, Any] | None
) -> str | None:
    """The bulk import page: the product and the location exist in the tenant, and the location
    is inventory-enabled (its `inventory_enabled`, the sandbox's flag on a location)."""
    if event["product_id"] not in products:
        return f"product {event['product_id']!r} does not exist"
    if location is None:
        return f"location {event['location_id']!r} does not exist"
    if not location.get("inventory_enabled"):
        return f"location {event['location_id']!r} is not inventory-enabled"
    return None


def duplicated_places(events: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """The bulk import page: each product_id + location_id at most once in a batch. The pairs
    listed more than once (ours: every event of such a pair is refused, since the page does not
    say which one would win)."""
    seen: set[tuple[str, str]] = set()
    twice: set[tuple[str, str]] = set()
    for event in events:
        place = (event["product_id"], event["location_id"])
        (twice if place in seen else seen).add(place)
    return twice


def event_refusal(
    event: Mapping[str, Any],
    *,
    now: datetime,
    products: Iterable[str],
    location: Mapping[str, Any] | None,
    duplicated: set[tuple[str, str]],
) -> str | None:
    """Why the bulk import refuses `event` (its REJECTED reason), or None (PROCESSING): every
    published rule, in the page's order."""
    if (event["product_id"], event["location_id"]) in duplicated:
        return "product_id and location_id are repeated in this batch"
    return (
        type_refusal(event)
        or quantity_refusal(event)
        or timestamp_refusal(event, now)
        or place_refusal(event, products, location)
    )
