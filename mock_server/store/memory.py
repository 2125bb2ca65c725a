"""The in-memory store (the default): orders per tenant, indexed by `order_id` and by
`partner_order_reference` (both O(1)); locations indexed by `partner_location_id` and by
`(merchant, location_code)`, the two lookups of page 001's location resolution.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..heap import gc_paused
from . import KEY_ORDER_ID, KEY_PARTNER_REFERENCE, DuplicateReference, Location, Order, Record


class _Tenant:
    """One tenant's orders and the partner-reference index over them."""

    def __init__(self) -> None:
        self.by_id: dict[str, Record] = {}
        self.by_partner_ref: dict[str, str] = {}


class MemoryStore:
    """The in-memory store. Thread-safe: index changes happen under one short lock, and
    `write_lock(tenant, order_id)` serializes the read-modify-write of one order."""

    def __init__(self) -> None:
        self._tenants: dict[str, _Tenant] = {}
        self._locations: dict[str, Location] = {}
        self._by_code: dict[tuple[str, str], Location] = {}
        self._index_lock = threading.Lock()
        self._order_locks: dict[tuple[str, str], threading.Lock] = {}
        self._versions = itertools.count(1)

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

    @contextmanager
    def write_lock(self, tenant: str, order_id: str) -> Iterator[None]:
        """Hold the lock of one order while it is read, changed and saved."""
        with self._index_lock:
            lock = self._order_locks.setdefault((tenant, order_id), threading.Lock())
        with lock:
            yield

    def save(self, tenant: str, order: Order, *, replace: bool) -> Record:
        """Store `order` (a new object, never mutated afterwards) and return its new record.

        With `replace=False` an existing `order_id` is a DuplicateReference; with `replace=True`
        the order of that id is replaced. A `partner_order_reference` held by another order of the
        tenant is always a DuplicateReference. Nothing changes when it raises.
        """
        order_id = order["order_id"]
        partner_ref = order.get("partner_order_reference")
        with self._index_lock:
            bucket = self._tenants.setdefault(tenant, _Tenant())
            previous = bucket.by_id.get(order_id)
            if previous is not None and not replace:
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
            record = Record(order, next(self._versions))
            bucket.by_id[order_id] = record
            return record

    def orders(self, tenant: str) -> list[Order]:
        """Every order of `tenant`, in insertion order.

        `list()` copies the values in one step (under the GIL): iterating the live dict would
        raise "dictionary changed size" when a write adds an order meanwhile (state export)."""
        bucket = self._tenants.get(tenant)
        return [record.order for record in list(bucket.by_id.values())] if bucket else []

    def tenants(self) -> list[str]:
        return list(self._tenants)

    # ---------------------------------------------------------------- locations
    def put_location(self, location: Location) -> Location:
        """Store a location, replacing one with the same `partner_location_id`."""
        with self._index_lock:
            previous = self._locations.get(location["partner_location_id"])
            if previous is not None:
                self._by_code.pop((previous["merchant"], previous["location_code"]), None)
            self._locations[location["partner_location_id"]] = location
            self._by_code[(location["merchant"], location["location_code"])] = location
        return location

    def location_by_partner_id(self, partner_location_id: str) -> Location | None:
        return self._locations.get(partner_location_id)

    def location_by_code(self, merchant: str, location_code: str) -> Location | None:
        return self._by_code.get((merchant, location_code))

    def locations(self) -> list[Location]:
        return list(self._locations.values())

    # ---------------------------------------------------------------- whole store
    def replace_all(self, orders: dict[str, list[Order]], locations: list[Location]) -> None:
        """Replace every order and location at once; on DuplicateReference nothing changes."""
        fresh = MemoryStore()
        fresh._versions = self._versions
        with gc_paused():
            for location in locations:
                fresh.put_location(location)
            for tenant, tenant_orders in orders.items():
                for order in tenant_orders:
                    fresh.save(tenant, order, replace=True)
            with self._index_lock:
                self._tenants, self._locations = fresh._tenants, fresh._locations
                self._by_code = fresh._by_code
