"""The orders service: one method per public operation, each binding its domain rule, its event
and what a duplicate reference means for it (see docs/behaviour.md).

Common to every write: validate fully, then apply; a failure changes nothing (the domain returns
a new order and only the store's save publishes it); writes to one order are serialized (in one
process by the store's lock, across processes by the save's compare-and-set, retried); a stale
`If-Match` is 409 CONCURRENT_UPDATE (page 002); every change records an event for the webhooks.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from . import domain
from .clock import later_than, new_id, utc_now
from .domain import (
    CONCURRENT_UPDATE,
    Conflict,
    DomainError,
    InvalidRequest,
    Location,
    NotFound,
    Order,
)
from .domain import triggers as t
from .domain.listing import Listing, ListQuery, listing_key
from .events import EventLog
from .heap import gc_paused
from .inventory_service import InventoryService
from .store import (
    KEY_ORDER_ID,
    KEY_PARTNER_REFERENCE,
    START,
    Announcement,
    ChangeLog,
    Cursor,
    DuplicateReference,
    Record,
    StaleRecord,
    StockMove,
    Store,
)

Change = Callable[[Order, str], Order]
"""A write's domain rule: the order changed at the time given (its new `update_date`)."""
Refusal = type[DomainError]
Precondition = Callable[[Record], bool]
"""What a write asks of the order it changes (the HTTP layer's `If-Match`), checked under the
order's lock: False is page 002's 409 CONCURRENT_UPDATE."""
WRITE_ATTEMPTS = 32
"""Tries of one write whose compare-and-set keeps losing to other processes' writes of the same
order; then page 002's 409 CONCURRENT_UPDATE. (One store's lock serialises its own process's
writers, so a lost race needs another process: with the memory store it never happens.) Each
loss is followed by a random pause of up to LOST_RACE_PAUSE * 2**n seconds (at most
LONGEST_PAUSE), outside the lock, and each try starts from the newer of the version that won
and the stored one: a writer that retried from the winner's version alone lost again to its own
process's writers, which had written meanwhile (one blind update in ~1,000 of a storm on a loaded
2-core machine ended in a 409)."""
LOST_RACE_PAUSE = 0.0005
LONGEST_PAUSE = 0.02


class OrderRef(NamedTuple):
    """How a request names an order: its tenant, and `reference` read as `key` (`order_id` or
    `partner_order_reference`, pages 000-003)."""

    tenant: str
    reference: str
    key: str = KEY_ORDER_ID


class OrderService:
    """Orders of every tenant: the operations of `openapi.yaml` on top of a Store."""

    def __init__(
        self,
        store: Store,
        events: EventLog,
        *,
        clock: Callable[[], str] = utc_now,
        ids: Callable[[str], str] = new_id,
    ) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self.ids = ids
        self.inventory = InventoryService(store, events, clock=clock)
        self._listings: dict[str, tuple[Cursor, Listing]] = {}
        """`list_orders`' view of each tenant it listed, and the store's cursor it was read at."""
        self._listing_lock = threading.Lock()

    # ------------------------------------------------------------------ the public operations
    def get(self, ref: OrderRef) -> Record:
        """GET /orders/{orderReference}: the order, or NotFound; an order of another tenant is
        not found."""
        record = self.store.find(*ref)
        if record is None:
            raise NotFound(
                "ORDER_NOT_FOUND", f"Order {ref.reference!r} not found", "orderReference"
            )
        return record

    def list_orders(self, tenant: str, query: ListQuery) -> tuple[list[Record], int]:
        """The MCP tool `list_orders` (no REST operation lists orders): one page of the tenant's
        orders that pass the query's filters, in its order, and how many passed. The tenant's
        `Listing` is kept between calls and given only the orders saved since the last one
        (`Store.changes`, O(changes)); the page's records are then read, and answered with. One
        call at a time: a Listing is not thread-safe, and a second caller would read the same
        changes again."""
        with self._listing_lock, gc_paused():  # a whole tenant read: no collector pass
            cursor, listing = self._listings.get(tenant) or (START, Listing())
            changes = self.store.changes(tenant, cursor)
            keys = [
                (record.order["order_id"], listing_key(record.order)) for record in changes.records
            ]
            if changes.fresh:
                listing.replace(keys)
            else:
                listing.update(keys)
            self._listings[tenant] = (changes.cursor, listing)
            page, total = listing.page(query)
        return self.store.records_of(tenant, page), total

    def create(self, tenant: str, body: dict[str, Any]) -> Record:
        """POST /orders: a new order, its FOs' locations named by code resolved among the
        tenant's locations; an id or reference already used in the tenant is 409."""
        now = self.clock()
        order = domain.create_order(
            body,
            tenant=tenant,
            now=now,
            new_id=self.ids,
            find_by_partner_id=functools.partial(self.store.location_by_partner_id, tenant),
            find_by_code=functools.partial(self.store.location_by_code, tenant),
        )
        entry = domain.change_entry("createOrder", None, order, now=now, new_id=self.ids)
        event = self.events.announce(
            tenant, order, t.fired(t.ORDER_CREATE, None, order), "createOrder"
        )
        timing = self.inventory.timing(tenant)
        stock = self.inventory.stock_move(tenant, None, order, "createOrder", now, timing)
        with self.store.write_lock(tenant, order["order_id"]):
            record = self._save(
                tenant,
                order,
                replace=False,
                duplicate=Conflict,
                changes=(entry,),
                event=event,
                stock=stock,
            )
        self.events.record(event, record.json(), record)
        self.events.record_stock(record.cache.get("stock", ()), "createOrder", now)
        return record

    def update_order(
        self, ref: OrderRef, body: dict[str, Any], precondition: Precondition | None = None
    ) -> Record:
        """Page 002: update order; a reference another order of the tenant has is 400."""
        return self._change(
            ref,
            lambda order, now: domain.update_order(order, body, now=now, new_id=self.ids),
            operation="updateOrder",
            trigger=t.ORDER_UPDATE,
            precondition=precondition,
            duplicate=InvalidRequest,  # ours: the reference of another order of the tenant
        )

    def update_location(
        self, ref: OrderRef, fo_id: str, location_id: str, precondition: Precondition | None = None
    ) -> Record:
        """Page 001: update an FO's location, resolved among the locations of the order's
        tenant (ours: a tenant never sees another's)."""
        return self._change(
            ref,
            lambda order, now: domain.update_location(
                order,
                fo_id,
                location_id,
                find_by_partner_id=functools.partial(self.store.location_by_partner_id, ref.tenant),
                find_by_code=functools.partial(self.store.location_by_code, ref.tenant),
                now=now,
            ),
            operation="updateFulfillmentOrderLocation",
            trigger=t.FO_UPDATE_LOCATION,
            precondition=precondition,
        )

    def update_schedule(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """Page 003: update an FO's schedule."""
        return self._change(
            ref,
            lambda order, now: domain.update_schedule(order, fo_id, body, now=now),
            operation="updateFulfillmentOrderSchedule",
            trigger=t.FO_UPDATE_SCHEDULE,
            precondition=precondition,
        )

    def update_partner_references(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """Page 000: update an FO's partner references."""
        return self._change(
            ref,
            lambda order, now: domain.update_partner_references(order, fo_id, body, now=now),
            operation="updateFulfillmentOrderPartnerReferences",
            trigger=t.FO_PARTNER_REFERENCES,
            precondition=precondition,
        )

    def notify_shipment(self, tenant: str, payload: dict[str, Any]) -> Record | None:
        """Page 004: the order of `references.partner_order_reference`, after auto-close; None
        when the tenant has no order with that reference."""
        ref = OrderRef(
            tenant, payload["references"]["partner_order_reference"], KEY_PARTNER_REFERENCE
        )
        if self.store.find(*ref) is None:
            return None
        closed: list[dict[str, Any]] = []

        def close_lines(order: Order, now: str) -> Order:
            updated, lines = domain.apply_shipment(order, payload, now=now)
            closed.extend(lines)
            return updated

        return self._change(
            ref,
            close_lines,
            operation="notifyShipmentStatus",
            trigger=t.ORDER_SHIPMENT_STATUS_UPDATE,
            details={"closed_line_items": closed},
        )

    def change_logs(self, ref: OrderRef, newest_first: bool = False) -> list[dict[str, Any]]:
        """list-order-change-logs: the order's change log, by `log_date` ascending (or
        descending: `sort_order=DESC`)."""
        changes = list(self.get(ref).changes)
        return changes[::-1] if newest_first else changes

    def add_system_log(self, ref: OrderRef, body: dict[str, Any]) -> dict[str, Any]:
        """add-order-system-log: the log kept beside the order under a new identifier, and
        answered. Ours (the page is silent): the order does not change, so no change-log entry,
        no event, the same ETag."""
        order = self.get(ref).order
        entry = domain.system_log_entry(
            order, body, tenant=ref.tenant, identifier=self.ids("SYSLOG")
        )
        self.store.add_system_log(ref.tenant, order["order_id"], entry)
        return entry

    def system_log_url(self, ref: OrderRef, identifier: str) -> str:
        """get-order-system-log-detail-url: the URL of the order's system log `identifier`."""
        order_id = self.get(ref).order["order_id"]
        found = self.store.system_log(ref.tenant, order_id, identifier)
        return domain.detail_url(found, identifier)

    def cancel_order(
        self, ref: OrderRef, body: dict[str, Any], precondition: Precondition | None = None
    ) -> Record:
        """cancel-order."""
        return self._change(
            ref,
            lambda order, now: domain.cancel_order(order, body, now=now),
            operation="cancelOrder",
            trigger=t.ORDER_CANCEL,
            precondition=precondition,
        )

    def redact(self, ref: OrderRef, precondition: Precondition | None = None) -> Record:
        """redact-order."""
        return self._change(
            ref,
            lambda order, now: domain.redact(order, now=now),
            operation="redactOrder",
            trigger=t.ORDER_UPDATE,
            precondition=precondition,
        )

    def fulfill(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        *,
        skip_shipping: bool = False,
        draft: bool = False,
        precondition: Precondition | None = None,
    ) -> Record:
        """fulfill-order (`skip_shipping`, `create_draft_shipment` as `draft`)."""
        return self._change(
            ref,
            lambda order, now: domain.fulfill(
                order,
                fo_id,
                body,
                skip_shipping=skip_shipping,
                draft=draft,
                now=now,
                new_id=self.ids,
            ),
            operation="fulfillFulfillmentOrder",
            trigger=t.FO_FULFILL,
            precondition=precondition,
        )

    def ship(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        *,
        draft: bool = False,
        precondition: Precondition | None = None,
    ) -> Record:
        """ship-fulfillment-order (`create_draft_shipment` as `draft`)."""
        return self._change(
            ref,
            lambda order, now: domain.ship(
                order, fo_id, body, draft=draft, now=now, new_id=self.ids
            ),
            operation="shipFulfillmentOrder",
            trigger=t.FO_SHIP_LINE_ITEMS,
            precondition=precondition,
        )

    def unfulfill(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """unfulfill-order."""
        return self._change(
            ref,
            lambda order, now: domain.unfulfill(order, fo_id, body, now=now),
            operation="unfulfillFulfillmentOrder",
            trigger=t.FO_UNFULFILL,
            precondition=precondition,
        )

    def split(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """split-fulfillment-order; a `location_id` is resolved among the tenant's locations as
        page 001 resolves one."""

        def split_order(order: Order, now: str) -> Order:
            return domain.split(
                order,
                fo_id,
                body,
                find_location=functools.partial(self._resolve_location, ref.tenant, order),
                now=now,
                new_id=self.ids,
            )

        return self._change(
            ref,
            split_order,
            operation="splitFulfillmentOrder",
            trigger=t.FO_SPLIT,
            precondition=precondition,
        )

    def merge(
        self, ref: OrderRef, body: dict[str, Any], precondition: Precondition | None = None
    ) -> Record:
        """merge-fulfillment-orders."""
        return self._change(
            ref,
            lambda order, now: domain.merge(order, body, now=now),
            operation="mergeFulfillmentOrders",
            trigger=t.FO_MERGE,
            precondition=precondition,
        )

    def cancel_line_items(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """cancel-fulfillment-order-line-items."""
        return self._change(
            ref,
            lambda order, now: domain.cancel_line_items(order, fo_id, body, now=now),
            operation="cancelFulfillmentOrderLineItems",
            trigger=t.FO_CANCEL_LINE_ITEMS,
            precondition=precondition,
        )

    def update_delivery_method(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """update-fulfillment-order-delivery-method."""
        return self._change(
            ref,
            lambda order, now: domain.update_delivery_method(order, fo_id, body, now=now),
            operation="updateFulfillmentOrderDeliveryMethod",
            trigger=t.FO_UPDATE_DELIVERY_METHOD,
            precondition=precondition,
        )

    def update_address(
        self,
        ref: OrderRef,
        fo_id: str,
        body: dict[str, Any],
        precondition: Precondition | None = None,
    ) -> Record:
        """update-fulfillment-order-address."""
        return self._change(
            ref,
            lambda order, now: domain.update_address(order, fo_id, body, now=now),
            operation="updateFulfillmentOrderAddress",
            trigger=t.FO_UPDATE_ADDRESS,
            precondition=precondition,
        )

    # ------------------------------------------------------------------ the admin API's
    def seed(self, tenant: str, order: Order) -> Record:
        """`POST /__admin/orders`: store `order` as given (an FO without a status gets its derived
        one), replacing one with the same order_id; a partner_order_reference of another order of
        the tenant is a 409. No event."""
        with self.store.write_lock(tenant, order["order_id"]):
            return self._save(
                tenant, domain.with_fo_statuses(order), replace=True, duplicate=Conflict
            )

    # ------------------------------------------------------------------ common to the writes
    def _change(
        self,
        ref: OrderRef,
        change: Change,
        *,
        operation: str,
        trigger: str,
        precondition: Precondition | None = None,
        duplicate: Refusal = InvalidRequest,
        details: dict[str, Any] | None = None,
    ) -> Record:
        """Apply `change` to the order under its lock and save the result with a change-log entry
        naming `operation` (its operationId) and the fields that changed, and its webhook event:
        the operation's `trigger` and those the change brings about (domain/triggers.py).

        The change is given the time it happens, kept later than the order's last `update_date`
        (timestamps have milliseconds only, and If-Match accepts an `update_date`). It works on
        the stored order and returns a new one (or the same object when there is nothing to do:
        then nothing is saved or logged); any DomainError it raises leaves the stored order
        untouched. A saved order whose reference another order of the tenant holds
        is refused as `duplicate` (only update order can change the reference, and names it).
        """
        tenant = ref.tenant
        order_id = self.get(ref).order["order_id"]
        timing = self.inventory.timing(tenant)  # once: a write's retries use the same setting
        won: Record | None = None  # the version a lost race came back with
        for attempt in range(WRITE_ATTEMPTS):
            if won is not None:
                time.sleep(random.uniform(0, min(LOST_RACE_PAUSE * 2**attempt, LONGEST_PAUSE)))
            with self.store.write_lock(tenant, order_id):
                stored = self.get(OrderRef(tenant, order_id))  # this process may have written
                current = won if won is not None and won.version > stored.version else stored
                if precondition is not None and not precondition(current):
                    raise Conflict("CONCURRENT_UPDATE", CONCURRENT_UPDATE, "If-Match")
                now = later_than(current.order.get("update_date"), self.clock())
                updated = change(current.order, now)
                if updated is current.order:
                    return current
                entry = domain.change_entry(
                    operation, current.order, updated, now=updated["update_date"], new_id=self.ids
                )
                announced = self.events.announce(
                    tenant,
                    updated,
                    t.fired(trigger, current.order, updated),
                    operation,
                    current.json(),
                    details,
                )
                stock = self.inventory.stock_move(
                    tenant, current.order, updated, operation, updated["update_date"], timing
                )
                try:
                    record = self._save(
                        tenant,
                        updated,
                        replace=True,
                        duplicate=duplicate,
                        changes=(entry,),
                        base=current,
                        event=announced,
                        stock=stock,
                    )
                except StaleRecord as lost:
                    won = lost.current  # another process wrote it: change that version again
                    continue
            self.events.record(announced, record.json(), record)
            self.events.record_stock(record.cache.get("stock", ()), operation, now)
            return record
        raise Conflict("CONCURRENT_UPDATE", CONCURRENT_UPDATE)

    def _resolve_location(self, tenant: str, order: Order, location_id: str) -> Location:
        """Page 001's resolution among the locations of `tenant`."""
        return domain.resolve_location(
            order,
            location_id,
            functools.partial(self.store.location_by_partner_id, tenant),
            functools.partial(self.store.location_by_code, tenant),
        )

    def _save(
        self,
        tenant: str,
        order: Order,
        *,
        replace: bool,
        duplicate: Refusal,
        changes: ChangeLog = (),
        base: Record | None = None,
        event: Announcement | None = None,
        stock: StockMove | None = None,
    ) -> Record:
        """Store `order` with its change log (`changes` added to base's log when `base` is
        given), the `event` it announces and the `stock` it moves (one atomic step); a
        DuplicateReference from the store is refused as `duplicate`."""
        try:
            return self.store.save(
                tenant, order, replace=replace, changes=changes, base=base, event=event, stock=stock
            )
        except DuplicateReference as exc:
            raise duplicate("DUPLICATE_REFERENCE", str(exc), exc.field) from exc
