"""The in-memory store (the default): orders per tenant, indexed by `order_id` and by
`partner_order_reference` (both O(1)), with each order's system logs by identifier; each tenant's
locations indexed by `partner_location_id` and by `(merchant, location_code)`, the two lookups of
page 001's location resolution; access tokens by digest, oldest first.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from ..heap import gc_paused
from . import (
    KEY_ORDER_ID,
    KEY_PARTNER_REFERENCE,
    MAX_CHANGES,
    MAX_SYSTEM_LOGS,
    Announcement,
    ChangeLog,
    Changes,
    Cursor,
    DuplicateReference,
    Grant,
    Inventory,
    InventoryEvent,
    Location,
    Order,
    OrderLocks,
    Record,
    StaleRecord,
    StockMove,
    StockUpdate,
    SystemLogs,
    TenantInventory,
)
from .memory_inventory import InventoryBook


class _Tenant:
    """One tenant's orders with the partner-reference index over them and their system logs, and
    its locations."""

    def __init__(self) -> None:
        self.by_id: dict[str, Record] = {}
        self.latest: OrderedDict[str, Record] = OrderedDict()
        """The same records, the newest version last (`changes` reads back from the end)."""
        self.by_partner_ref: dict[str, str] = {}
        self.system_logs: dict[str, OrderedDict[str, dict[str, Any]]] = {}
        self.locations: dict[str, Location] = {}
        self.by_code: dict[tuple[str, str], Location] = {}


class MemoryStore:
    """The in-memory store. Thread-safe: index changes happen under one short lock, and
    `write_lock(tenant, order_id)` serializes the read-modify-write of one order."""

    def __init__(self) -> None:
        self._tenants: dict[str, _Tenant] = {}
        self._tokens: OrderedDict[str, Grant] = OrderedDict()
        self._index_lock = threading.Lock()
        self.write_lock = OrderLocks()
        self._versions = itertools.count(1)
        self._inventory = InventoryBook()
        self._epoch = "1"

    # ---------------------------------------------------------------- orders
    def find(self, tenant: str, reference: str, key: str = KEY_ORDER_ID) -> Record | None:
        """The order of `tenant` whose `key` (order_id or partner_order_reference) is
        `reference`."""
        bucket = self._tenants.get(tenant)
        if bucket is None:
            return None
        if key == KEY_PARTNER_REFERENCE:
            order_id = bucket.by_partner_ref.get(reference)
            if order_id is None:
                return None
            reference = order_id
        return bucket.by_id.get(reference)

    def save(
        self,
        tenant: str,
        order: Order,
        *,
        replace: bool,
        changes: ChangeLog = (),
        base: Record | None = None,
        event: Announcement | None = None,
        stock: StockMove | None = None,
    ) -> Record:
        """Store `order` (a new object, never mutated afterwards) with its change log `changes`
        and return its new record (`event` is the in-memory event log's to record: see
        `Announcement`), and move the `stock` it brings (under the same lock: no reader sees the
        order without its stock change).

        With `replace=False` an existing `order_id` is a DuplicateReference; with `replace=True`
        the order of that id is replaced. A `partner_order_reference` held by another order of the
        tenant is always a DuplicateReference. With `base` (the record `order` was made from) the
        save is a compare-and-set: StaleRecord unless the stored record is still `base`, and
        `changes` are added to base's log (the newest MAX_CHANGES kept). Under `write_lock` the
        comparison holds unless a whole-store replace came between. Nothing changes when it
        raises.
        """
        order_id = order["order_id"]
        partner_ref = order.get("partner_order_reference")
        with self._index_lock:
            bucket = self._tenants.setdefault(tenant, _Tenant())
            previous = bucket.by_id.get(order_id)
            if base is not None:
                if previous is None or previous.version != base.version:
                    raise StaleRecord(order_id, previous)
                changes = (*base.changes, *changes)[-MAX_CHANGES:]
            elif previous is not None and not replace:
                raise DuplicateReference("order_id", order_id)
            if (
                partner_ref is not None
                and bucket.by_partner_ref.get(partner_ref, order_id) != order_id
            ):
                raise DuplicateReference("partner_order_reference", partner_ref)
            if previous is not None:
                old_ref = previous.order.get("partner_order_reference")
                if old_ref is not None and old_ref != partner_ref:
                    del bucket.by_partner_ref[old_ref]
            if partner_ref is not None:
                bucket.by_partner_ref[partner_ref] = order_id
            record = Record(order, next(self._versions), tuple(changes))
            bucket.by_id[order_id] = record
            bucket.latest[order_id] = record
            bucket.latest.move_to_end(order_id)
            if stock is not None:
                record.cache["stock"] = self._inventory.move(tenant, stock)
            return record

    def orders(self, tenant: str) -> list[Order]:
        """Every order of `tenant`, in insertion order."""
        return [record.order for record in self.records(tenant)]

    def records(self, tenant: str) -> list[Record]:
        """Every stored record of `tenant` (order, version, change log), in insertion order.

        `list()` copies the values in one step (under the GIL): iterating the live dict would
        raise "dictionary changed size" when a write adds an order meanwhile (state export)."""
        bucket = self._tenants.get(tenant)
        return list(bucket.by_id.values()) if bucket else []

    def changes(self, tenant: str, since: Cursor) -> Changes:
        """From the newest end of the tenant's records by version (`_Tenant.latest`), back to
        `since`: O(changes). The epoch is new at each `replace_all`."""
        found: list[Record] = []
        # Under the lock: a write moves an entry of `latest` (no iteration meanwhile), and the
        # epoch and the tenants a replace swaps are read together.
        with self._index_lock:
            epoch, bucket = self._epoch, self._tenants.get(tenant)
            fresh = since.epoch != epoch
            seen = 0 if fresh else since.version
            for record in reversed(bucket.latest.values()) if bucket else ():
                if record.version <= seen:
                    break
                found.append(record)
        top = found[0].version if found else seen
        return Changes(found, Cursor(epoch, top), fresh)

    def records_of(self, tenant: str, order_ids: Sequence[str]) -> list[Record]:
        bucket = self._tenants.get(tenant)
        if bucket is None:
            return []
        found = (bucket.by_id.get(order_id) for order_id in order_ids)
        return [record for record in found if record is not None]

    def tenants(self) -> list[str]:
        return list(self._tenants)

    # ---------------------------------------------------------------- system logs
    def add_system_log(self, tenant: str, order_id: str, entry: dict[str, Any]) -> None:
        """Keep `entry` among the system logs of the order, under its `identifier`; past
        MAX_SYSTEM_LOGS the oldest is dropped."""
        with self._index_lock:
            bucket = self._tenants.setdefault(tenant, _Tenant())
            logs = bucket.system_logs.setdefault(order_id, OrderedDict())
            logs[entry["identifier"]] = entry
            while len(logs) > MAX_SYSTEM_LOGS:
                logs.popitem(last=False)

    def system_log(self, tenant: str, order_id: str, identifier: str) -> dict[str, Any] | None:
        bucket = self._tenants.get(tenant)
        logs = bucket.system_logs.get(order_id) if bucket else None
        return logs.get(identifier) if logs else None

    def system_logs(self, tenant: str) -> SystemLogs:
        """The system logs of every order of `tenant` that has some, oldest first."""
        bucket = self._tenants.get(tenant)
        if bucket is None:
            return {}
        with self._index_lock:
            return {order_id: list(logs.values()) for order_id, logs in bucket.system_logs.items()}

    # ---------------------------------------------------------------- locations
    def put_location(self, tenant: str, location: Location) -> Location:
        """Store a location of `tenant`, replacing its location with the same
        `partner_location_id`."""
        with self._index_lock:
            bucket = self._tenants.setdefault(tenant, _Tenant())
            previous = bucket.locations.get(location["partner_location_id"])
            if previous is not None:
                bucket.by_code.pop((previous["merchant"], previous["location_code"]), None)
            bucket.locations[location["partner_location_id"]] = location
            bucket.by_code[(location["merchant"], location["location_code"])] = location
        return location

    def location_by_partner_id(self, tenant: str, partner_location_id: str) -> Location | None:
        bucket = self._tenants.get(tenant)
        return bucket.locations.get(partner_location_id) if bucket else None

    def location_by_code(self, tenant: str, merchant: str, location_code: str) -> Location | None:
        bucket = self._tenants.get(tenant)
        return bucket.by_code.get((merchant, location_code)) if bucket else None

    def locations(self, tenant: str) -> list[Location]:
        bucket = self._tenants.get(tenant)
        return list(bucket.locations.values()) if bucket else []

    # ---------------------------------------------------------------- access tokens
    def put_token(self, digest: str, grant: Grant, *, now: float, limit: int) -> None:
        """Keep `grant` under `digest`, then drop the oldest tokens while they have expired at
        `now` or more than `limit` are kept (so issuing stays O(1) however often clients ask)."""
        with self._index_lock:
            tokens = self._tokens
            tokens[digest] = grant
            while tokens and (len(tokens) > limit or next(iter(tokens.values())).expires_at <= now):
                tokens.popitem(last=False)

    def token(self, digest: str) -> Grant | None:
        return self._tokens.get(digest)

    def tokens(self) -> dict[str, Grant]:
        with self._index_lock:
            return dict(self._tokens)

    def replace_tokens(self, tokens: dict[str, Grant]) -> None:
        """Replace every token, kept oldest (soonest to expire) first."""
        ordered = OrderedDict(sorted(tokens.items(), key=lambda item: item[1].expires_at))
        with self._index_lock:
            self._tokens = ordered

    # ---------------------------------------------------------------- whole store
    def replace_all(
        self,
        orders: dict[str, list[Order]],
        locations: dict[str, list[Location]],
        changes: dict[str, dict[str, ChangeLog]] | None = None,
        system_logs: dict[str, SystemLogs] | None = None,
        inventory: dict[str, TenantInventory] | None = None,
    ) -> None:
        """Replace every order (with its change log in `changes` and its system logs in
        `system_logs`, none when absent; logs of an order not given are dropped), location and
        tenant inventory at once; on DuplicateReference nothing changes. Tokens stay."""
        fresh = MemoryStore()
        fresh._versions = self._versions
        with gc_paused():
            for tenant, tenant_locations in locations.items():
                for location in tenant_locations:
                    fresh.put_location(tenant, location)
            for tenant, tenant_orders in orders.items():
                logs = (changes or {}).get(tenant, {})
                kept = (system_logs or {}).get(tenant, {})
                for order in tenant_orders:
                    order_id = order["order_id"]
                    fresh.save(tenant, order, replace=True, changes=logs.get(order_id, ()))
                    for entry in kept.get(order_id, []):
                        fresh.add_system_log(tenant, order_id, entry)
            for tenant, tenant_inventory in (inventory or {}).items():
                fresh._inventory.load(tenant, tenant_inventory)
            with self._index_lock:
                self._tenants = fresh._tenants
                self._inventory = fresh._inventory
                self._epoch = str(int(self._epoch) + 1)

    # ---------------------------------------------------------------- inventory
    def put_product(self, tenant: str, product: dict[str, Any]) -> None:
        with self._index_lock:
            self._tenants.setdefault(tenant, _Tenant())
            self._inventory.put_product(tenant, product)

    def products(self, tenant: str) -> list[dict[str, Any]]:
        with self._index_lock:
            return self._inventory.products(tenant)

    def put_inventory_settings(self, tenant: str, settings: dict[str, Any] | None) -> None:
        with self._index_lock:
            self._tenants.setdefault(tenant, _Tenant())
            self._inventory.put_settings(tenant, settings)

    def inventory_settings(self, tenant: str) -> dict[str, Any] | None:
        return self._inventory.settings(tenant)

    def inventory(self, tenant: str, product_id: str) -> Inventory | None:
        return self._inventory.inventory(tenant, product_id)

    def tenant_inventory(self, tenant: str) -> TenantInventory:
        with self._index_lock:
            return self._inventory.tenant_inventory(tenant)

    def add_batch(self, tenant: str, request_id: str, events: list[InventoryEvent]) -> bool:
        with self._index_lock:
            return self._inventory.add_batch(tenant, request_id, events)

    def inventory_events(
        self, tenant: str, *, request_id: str | None = None, product_id: str | None = None
    ) -> list[InventoryEvent]:
        with self._index_lock:
            return self._inventory.events(tenant, request_id, product_id)

    def drain(
        self, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> list[StockUpdate]:
        with self._index_lock:
            return self._inventory.drain(apply)
