"""Where orders (with their change logs and system logs), locations and access tokens live: the
`Store` protocol, what it hands out (`Record`, `Grant`) and what it refuses (`DuplicateReference`,
`StaleRecord`). `memory.MemoryStore` is the default implementation; `redis.RedisStore`
(`--store redis://...`) shares one store between processes.

Orders and locations belong to a tenant: no lookup of one tenant sees another's. Stored orders
are never mutated: every change replaces the whole order object (the domain returns a new one),
so a reader holding a `Record` always sees one consistent version. Tokens are kept by a hash of
the token (tokens.py), never the token itself. An order's system logs are kept beside it, by
order_id, and are no part of its versions (adding one changes neither the order nor its ETag).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import orjson

from ..domain.inventory_orders import Movement

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


class StaleRecord(Exception):
    """A compare-and-set save lost its race: the order is no longer at the version it was read
    at (another writer, in this process or another, saved it meanwhile). Nothing changed.
    `current` is the version that won (None when the order is gone): the writer starts again
    from it without reading it again."""

    def __init__(self, order_id: str, current: Record | None) -> None:
        super().__init__(order_id)
        self.current = current


class StoreUnavailable(Exception):
    """The shared store cannot be reached (Redis down or restarting): the request is answered
    503 and nothing was changed by it."""


ChangeLog = Sequence[dict[str, Any]]
"""An order's change-log entries, oldest first (the service writes them, the store keeps them)."""
MAX_CHANGES = 1000
"""Change-log entries kept per order (the newest): bounded like the journal and the events."""
SystemLogs = dict[str, list[dict[str, Any]]]
"""A tenant's system logs (add-order-system-log) by order_id, oldest first."""
MAX_SYSTEM_LOGS = 1000
"""System logs kept per order (the newest): an older one's identifier then finds none."""


@dataclass(frozen=True, slots=True)
class Record:
    """One stored order, its change log and its version: a number unique across the store's
    life, new at every write (so an ETag derived from it is never reused, even after a reset)."""

    order: Order
    version: int
    changes: ChangeLog = ()
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def json(self) -> bytes:
        """The order as JSON (serialized once per version: stored orders never change). Kept by
        the record and by the version's event, so it is stored as an exact-size copy: the bytes
        orjson returns keep its buffer's spare room (8.1 kB of memory for a 4.5 kB order,
        measured), and the copy costs about 0.2 us."""
        body: bytes | None = self.cache.get("json")
        if body is None:
            body = self.cache["json"] = bytes(memoryview(orjson.dumps(self.order)))
        return body


class Cursor(NamedTuple):
    """Where a reader of a tenant's changes stands: the store's epoch (a new one after every
    whole-state replace, which drops orders and may restart the versions) and the highest version
    of the tenant it has read."""

    epoch: str
    version: int


START = Cursor("", 0)
"""A reader that has read nothing: its first `changes` answer the whole tenant."""


class Changes(NamedTuple):
    """What `Store.changes` answers: the records saved since the cursor asked about, the cursor
    to ask with next, and whether the records are the whole tenant (`fresh`: the cursor was of
    another epoch, so what the reader kept before is gone)."""

    records: list[Record]
    cursor: Cursor
    fresh: bool


@dataclass(frozen=True, slots=True)
class Announcement:
    """The event a save announces (the transactional outbox): its envelope (kind, tenant, order
    id, time, details; events.py builds it), to be recorded with the saved order's JSON.

    A store that holds the event log itself (RedisStore: one stream for every process) records it
    in the save's own atomic step, so that an order is never saved without its event, nor the
    other way round, and puts the event's id in `Record.cache["event_id"]`. MemoryStore leaves it
    to the in-memory event log, which records it right after the save under the same write lock,
    with nothing in between that can fail."""

    envelope: dict[str, Any]


Inventory = dict[str, Any]
"""A product's stock document (domain/inventory.py): `product_id`, `stock_by_location`."""
InventoryEvent = dict[str, Any]
"""One inventory event as recorded: imported (with `request_id`, `status` PROCESSING, PROCESSED or
REJECTED) or internal (an order's, `status` PROCESSED)."""


class StockUpdate(NamedTuple):
    """A change of one product's stock: its tenant, the document before (None: new) and after,
    and the id of the inventory webhook event the store recorded with it (RedisStore; None:
    the in-memory event log numbers it)."""

    tenant: str
    before: Inventory | None
    after: Inventory
    event_id: str | None = None


MAX_INVENTORY_EVENTS = 10_000
"""Inventory events kept per tenant (the newest): a batch or history older than that is gone."""


@dataclass(frozen=True, slots=True)
class TenantInventory:
    """A tenant's inventory as the state document holds it: its inventory management setting
    (None: off), its products, its stock documents and its inventory events, oldest first (those
    PROCESSING are the queue)."""

    settings: dict[str, Any] | None = None
    products: Sequence[dict[str, Any]] = ()
    stock: Sequence[Inventory] = ()
    events: Sequence[InventoryEvent] = ()


@dataclass(frozen=True, slots=True)
class StockMove:
    """An order's stock change, saved in the same atomic step as the order (never an order without
    its reservation, nor a reservation without its order): its movements (domain), and the
    history entries recording them; `operation` is the operationId that made it. The stores put
    the StockUpdates in `Record.cache["stock"]`."""

    order_id: str
    operation: str
    date: str
    movements: tuple[Movement, ...]
    events: tuple[InventoryEvent, ...]


@dataclass(frozen=True, slots=True)
class Grant:
    """What an issued access token grants: its client, the client's tenants and the scope, until
    `expires_at` (seconds since the epoch)."""

    client_id: str
    tenants: tuple[str, ...]
    scope: str
    expires_at: float


class OrderLocks:
    """One lock per order of this process: `locks(tenant, order_id)` holds it while the order is
    read, changed and saved (a store's `write_lock`)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    @contextmanager
    def __call__(self, tenant: str, order_id: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault((tenant, order_id), threading.Lock())
        with lock:
            yield


class Store(Protocol):
    """What the service and the controls need of a store."""

    def find(self, tenant: str, reference: str, key: str = KEY_ORDER_ID) -> Record | None: ...

    def write_lock(self, tenant: str, order_id: str) -> Any: ...

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
    ) -> Record: ...

    def orders(self, tenant: str) -> list[Order]: ...

    def records(self, tenant: str) -> list[Record]: ...

    def changes(self, tenant: str, since: Cursor) -> Changes:
        """The records of `tenant` saved after `since` (START: every record), read in O(changes):
        a listing keeps what it read and asks only for what changed since."""
        ...

    def records_of(self, tenant: str, order_ids: Sequence[str]) -> list[Record]:
        """The stored records of these ids (those still stored, in the order given)."""
        ...

    def tenants(self) -> list[str]: ...

    def put_location(self, tenant: str, location: Location) -> Location: ...

    def location_by_partner_id(self, tenant: str, partner_location_id: str) -> Location | None: ...

    def location_by_code(
        self, tenant: str, merchant: str, location_code: str
    ) -> Location | None: ...

    def locations(self, tenant: str) -> list[Location]: ...

    def add_system_log(self, tenant: str, order_id: str, entry: dict[str, Any]) -> None: ...

    def system_log(self, tenant: str, order_id: str, identifier: str) -> dict[str, Any] | None: ...

    def system_logs(self, tenant: str) -> SystemLogs: ...

    def replace_all(
        self,
        orders: dict[str, list[Order]],
        locations: dict[str, list[Location]],
        changes: dict[str, dict[str, ChangeLog]] | None = None,
        system_logs: dict[str, SystemLogs] | None = None,
        inventory: dict[str, TenantInventory] | None = None,
    ) -> None: ...

    # Inventory (api/inventory/): products and the inventory setting per tenant, stock per product;
    # `add_batch` records an import's events (False, recording nothing, when the tenant used
    # `request_id` before) and queues those PROCESSING; `drain` applies every queued event in
    # order with `apply`, marking it PROCESSED, and answers what changed; `inventory_events`
    # lists the tenant's events oldest first, those of one batch or one product.
    def put_product(self, tenant: str, product: dict[str, Any]) -> None: ...

    def products(self, tenant: str) -> list[dict[str, Any]]: ...

    def put_inventory_settings(self, tenant: str, settings: dict[str, Any] | None) -> None: ...

    def inventory_settings(self, tenant: str) -> dict[str, Any] | None: ...

    def inventory(self, tenant: str, product_id: str) -> Inventory | None: ...

    def tenant_inventory(self, tenant: str) -> TenantInventory: ...

    def add_batch(self, tenant: str, request_id: str, events: list[InventoryEvent]) -> bool: ...

    def inventory_events(
        self, tenant: str, *, request_id: str | None = None, product_id: str | None = None
    ) -> list[InventoryEvent]: ...

    def drain(
        self, apply: Callable[[Inventory | None, InventoryEvent], Inventory]
    ) -> list[StockUpdate]: ...

    def put_token(self, digest: str, grant: Grant, *, now: float, limit: int) -> None: ...

    def token(self, digest: str) -> Grant | None: ...

    def tokens(self) -> dict[str, Grant]: ...

    def replace_tokens(self, tokens: dict[str, Grant]) -> None: ...
