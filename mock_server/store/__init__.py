"""Where orders and locations live: the `Store` protocol, what it hands out (`Record`) and what
it refuses (`DuplicateReference`). `memory.MemoryStore` is the default implementation.

Stored orders are never mutated: every change replaces the whole order object (the domain returns
a new one), so a reader holding a `Record` always sees one consistent version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

Order = dict[str, Any]
Location = dict[str, Any]

KEY_ORDER_ID = "order_id"
KEY_PARTNER_REFERENCE = "partner_order_reference"


class DuplicateReference(Exception):
    """An `order_id` or `partner_order_reference` is already used by another order of the tenant."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{field} {value!r} is already used by another order")
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class Record:
    """One stored order and its version: a number unique across the store's life, new at every
    write (so an ETag derived from it is never reused, even after a reset)."""

    order: Order
    version: int
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class Store(Protocol):
    """What the service and the controls need of a store."""

    def find(self, tenant: str, reference: str, key: str = KEY_ORDER_ID) -> Record | None: ...

    def write_lock(self, tenant: str, order_id: str) -> Any: ...

    def save(self, tenant: str, order: Order, *, replace: bool) -> Record: ...

    def orders(self, tenant: str) -> list[Order]: ...

    def tenants(self) -> list[str]: ...

    def put_location(self, location: Location) -> Location: ...

    def location_by_partner_id(self, partner_location_id: str) -> Location | None: ...

    def location_by_code(self, merchant: str, location_code: str) -> Location | None: ...

    def locations(self) -> list[Location]: ...

    def replace_all(self, orders: dict[str, list[Order]], locations: list[Location]) -> None: ...
