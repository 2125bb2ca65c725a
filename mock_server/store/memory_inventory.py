"""The in-memory store's inventory (MemoryStore's part of the Store protocol's inventory methods):
per tenant its products, setting, stock documents and inventory events, and one queue of the
imported events still PROCESSING. Its callers hold MemoryStore's lock: what one method changes,
no other reader sees half done.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from ..domain.inventory_orders import apply_movement
from . import (
    MAX_INVENTORY_EVENTS,
    Inventory,
    InventoryEvent,
    StockMove,
    StockUpdate,
    TenantInventory,
)


class _TenantBook:
    def __init__(self) -> None:
        self.settings: dict[str, Any] | None = None
        self.products: dict[str, dict[str, Any]] = {}
        self.stock: dict[str, Inventory] = {}
        self.events: OrderedDict[int, InventoryEvent] = OrderedDict()
        self.requests: dict[str, list[int]] = {}


class InventoryBook:
    """Every tenant's inventory in this process."""

    def __init__(self) -> None:
        self._tenants: dict[str, _TenantBook] = {}
        self._queue: deque[tuple[str, int]] = deque()
        self._sequence = itertools.count(1)

    def _book(self, tenant: str) -> _TenantBook:
        return self._tenants.setdefault(tenant, _TenantBook())

    def _record(self, tenant: str, event: InventoryEvent) -> int:
        book = self._book(tenant)
        sequence = next(self._sequence)
        book.events[sequence] = event
        while len(book.events) > MAX_INVENTORY_EVENTS:
            book.events.popitem(last=False)
        if event.get("status") == "PROCESSING":
            self._queue.append((tenant, sequence))
        return sequence

    def put_product(self, tenant: str, product: dict[str, Any]) -> None:
        self._book(tenant).products[product["product_id"]] = product

    def products(self, tenant: str) -> list[dict[str, Any]]:
        return list(self._book(tenant).products.values())

    def put_settings(self, tenant: str, settings: dict[str, Any] | None) -> None:
        self._book(tenant).settings = settings

    def settings(self, tenant: str) -> dict[str, Any] | None:
        book = self._tenants.get(tenant)
        return book.settings if book else None

    def inventory(self, tenant: str, product_id: str) -> Inventory | None:
        book = self._tenants.get(tenant)
        return book.stock.get(product_id) if book else None

    def tenant_inventory(self, tenant: str) -> TenantInventory:
        book = self._book(tenant)
        return TenantInventory(
            book.settings,
            list(book.products.values()),
            list(book.stock.values()),
            list(book.events.values()),
        )

    def load(self, tenant: str, inventory: TenantInventory) -> None:
        """A tenant's inventory as a state document gives it (its PROCESSING events queued)."""
        self.put_settings(tenant, inventory.settings)
        for product in inventory.products:
            self.put_product(tenant, product)
        for stock in inventory.stock:
            self._book(tenant).stock[stock["product_id"]] = stock
        for event in inventory.events:
            sequence = self._record(tenant, event)
            if event.get("request_id"):
                self._book(tenant).requests.setdefault(event["request_id"], []).append(sequence)

    def add_batch(self, tenant: str, request_id: str, events: list[InventoryEvent]) -> bool:
        book = self._book(tenant)
        if request_id in book.requests:
            return False
        book.requests[request_id] = [self._record(tenant, event) for event in events]
        return True

    def events(
        self, tenant: str, request_id: str | None, product_id: str | None
    ) -> list[InventoryEvent]:
        book = self._tenants.get(tenant)
        if book is None:
            return []
        if request_id is not None:
            kept = (book.events.get(n) for n in book.requests.get(request_id, []))
            return [event for event in kept if event is not None]
        return [e for e in book.events.values() if product_id in (None, e["product_id"])]

    def move(self, tenant: str, stock: StockMove) -> list[StockUpdate]:
        """An order's movements applied and recorded (MemoryStore.save, under its lock)."""
        book = self._book(tenant)
        updates: list[StockUpdate] = []
        for movement in stock.movements:
            before = book.stock.get(movement.product_id)
            after = apply_movement(before, stock.order_id, movement, stock.date)
            book.stock[movement.product_id] = after
            updates.append(StockUpdate(tenant, before, after))
        for event in stock.events:
            self._record(tenant, event)
        return updates

    def drain(
        self, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> list[StockUpdate]:
        updates: list[StockUpdate] = []
        while self._queue:
            tenant, sequence = self._queue.popleft()
            book = self._book(tenant)
            event = book.events.get(sequence)
            if event is None:  # dropped past MAX_INVENTORY_EVENTS
                continue
            before = book.stock.get(event["product_id"])
            after = book.stock[event["product_id"]] = apply(before, event)
            book.events[sequence] = {**event, "status": "PROCESSED"}
            updates.append(StockUpdate(tenant, before, after))
        return updates
