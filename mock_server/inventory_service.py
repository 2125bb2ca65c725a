"""The inventory service (api/inventory/): stock read by product, inventory events imported in
bulk and read back by request id and by product id, the import queue drained, and the stock
change an order's write brings when the tenant's inventory management is on.

Processing is asynchronous as published: an import answers each event PROCESSING (queued) or
REJECTED (with its reason) at once, and the queue is applied later: by the drain control
(`POST /__admin/inventory/drain`, what a test calls to wait deterministically) and by the
sandbox itself shortly after each import (controls/inventory_worker.py, told through
`on_import`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .clock import utc_now
from .domain import InvalidRequest, NotFound, Order
from .domain.inventory import (
    IMPORT_OPERATION,
    apply_imported,
    duplicated_places,
    event_refusal,
)
from .domain.inventory_orders import TIMINGS, movements, order_event
from .events import EventLog
from .store import Inventory, InventoryEvent, StockMove, StockUpdate, Store

Settings = dict[str, Any]


def published_inventory(tenant: str, inventory: Inventory) -> dict[str, Any]:
    """A stock document as get-inventory-by-product-id answers it: each location's reservations
    as a list (the store keeps them by order id)."""
    by_location = {
        location: {
            **{k: v for k, v in level.items() if k != "reservations"},
            "reservations": [
                {"order_id": order_id, **held}
                for order_id, held in sorted(level.get("reservations", {}).items())
            ],
        }
        for location, level in inventory.get("stock_by_location", {}).items()
    }
    return {**inventory, "tenant": tenant, "stock_by_location": by_location}


class InventoryService:
    """Every tenant's inventory on top of a Store."""

    def __init__(
        self, store: Store, events: EventLog, *, clock: Callable[[], str] = utc_now
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.on_import: list[Callable[[], None]] = []
        """Called after each import recorded events to process (the sandbox's worker)."""

    # ------------------------------------------------------------------ the tenant's setting
    def timing(self, tenant: str) -> str | None:
        """The tenant's `stock_reduction_timing` when its inventory management is on, else None
        (then orders move no stock: they behave as without inventory)."""
        settings = self.store.inventory_settings(tenant)
        if not settings or not settings.get("enabled"):
            return None
        return str(settings.get("stock_reduction_timing", TIMINGS[0]))

    def stock_move(
        self,
        tenant: str,
        before: Order | None,
        after: Order,
        operation: str,
        date: str,
        timing: str | None,
    ) -> StockMove | None:
        """What a write of an order moves under `timing` (the tenant's, read once per write:
        None, inventory management off, moves nothing), with the history entries recording it;
        None when nothing moves."""
        if timing is None:
            return None
        moved = tuple(movements(before, after, timing))
        if not moved:
            return None
        order_id = after["order_id"]
        history = tuple(order_event(tenant, order_id, operation, m, date) for m in moved)
        return StockMove(order_id, operation, date, moved, history)

    # ------------------------------------------------------------------ the published operations
    def get(self, tenant: str, product_id: str) -> dict[str, Any]:
        """get-inventory-by-product-id: 404 when the product has no stock anywhere."""
        found = self.store.inventory(tenant, product_id)
        if found is None:
            raise NotFound(
                "INVENTORY_NOT_FOUND", f"No inventory for product {product_id!r}", "product-id"
            )
        return published_inventory(tenant, found)

    def import_events(
        self, tenant: str, request_id: str | None, events: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """bulk-import-inventory-events: each event judged by the published rules and recorded
        PROCESSING (queued) or REJECTED with its reason; a missing `request-id`, or one the
        tenant used before, refuses the whole request (400, nothing recorded)."""
        if not request_id:
            raise InvalidRequest(
                "MISSING_REQUEST_ID", "request-id header is required", "request-id"
            )
        now = self.clock()
        moment = datetime.fromisoformat(now)
        products = {product["product_id"] for product in self.store.products(tenant)}
        twice = duplicated_places(events)
        recorded = []
        for n, event in enumerate(events, 1):
            reason = event_refusal(
                event,
                now=moment,
                products=products,
                location=self.store.location_by_partner_id(tenant, event["location_id"]),
                duplicated=twice,
            )
            recorded.append(
                {
                    "tenant": tenant,
                    **event,
                    "request_id": request_id,
                    "event_timestamp": event.get("event_timestamp", now),
                    "total_events_in_batch": len(events),
                    "sequence_number_in_batch": n,
                    "creation_date": now,
                    "source": {"source": "API"},
                    "status": "PROCESSING" if reason is None else "REJECTED",
                    **({} if reason is None else {"reason": reason}),
                }
            )
        if not self.store.add_batch(tenant, request_id, recorded):
            raise InvalidRequest(
                "DUPLICATE_REQUEST_ID", f"request-id {request_id!r} was used before", "request-id"
            )
        if any(event["status"] == "PROCESSING" for event in recorded):
            for listener in self.on_import:
                listener()
        return {"request_id": request_id, "results": [result_of(e) for e in recorded]}

    def batch(self, tenant: str, request_id: str) -> dict[str, Any]:
        """get-inventory-events-by-request-id: COMPLETED once none of its events is queued."""
        events = self.store.inventory_events(tenant, request_id=request_id)
        if not events:
            raise NotFound(
                "REQUEST_NOT_FOUND", f"No inventory events for request {request_id!r}", "request-id"
            )
        queued = any(event["status"] == "PROCESSING" for event in events)
        return {"status": "PROCESSING" if queued else "COMPLETED", "inventory_events": events}

    def history(self, tenant: str, product_id: str) -> list[InventoryEvent]:
        """get-inventory-events-by-product-id: the product's events, oldest first."""
        events = self.store.inventory_events(tenant, product_id=product_id)
        if not events:
            raise NotFound(
                "INVENTORY_EVENTS_NOT_FOUND",
                f"No inventory events for product {product_id!r}",
                "product-id",
            )
        return events

    def drain(self) -> list[StockUpdate]:
        """Every queued event applied, oldest first (the stock changes it made, each announced
        to the inventory webhook)."""
        updates = self.store.drain(apply_imported)
        self.events.record_stock(updates, IMPORT_OPERATION, self.clock())
        return updates


def result_of(event: InventoryEvent) -> dict[str, Any]:
    """An event's line of the bulk import's answer."""
    result = {k: event[k] for k in ("product_id", "location_id")}
    result["result"] = event["status"]
    if "reason" in event:
        result["reason"] = event["reason"]
    return result
