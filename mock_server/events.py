"""The webhook events the sandbox records: one per state change, with the order before and after
it (as JSON) and the order webhook triggers it fires (domain/triggers.py).

Events are recorded whether or not a webhook configuration listens (platform/webhooks: "Events
are emitted whether or not anyone is subscribed"); the controls deliver them in Carriyo's
envelope (`oldImage`, `newImage`, `trigger`, `operation`).
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from .clock import utc_now
from .config import EVENTS_KEPT
from .domain.inventory import inventory_envelope
from .store import Announcement, Record, StockUpdate

Event = dict[str, Any]


class EventLog:
    """A bounded, thread-safe list of events, newest last; listeners are called on each record."""

    def __init__(self, capacity: int = EVENTS_KEPT) -> None:
        self._events: deque[Event] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.listeners: list[Callable[[Event], None]] = []

    @staticmethod
    def announce(
        tenant: str,
        order: dict[str, Any],
        triggers: list[str],
        operation_id: str,
        old: bytes | None = None,
        details: dict[str, Any] | None = None,
    ) -> Announcement:
        """The event a save of `order` is about to make: the `triggers` it fires, the operation
        (`operation_id`) that made it, and the order before it as JSON (`old`, None when the order
        is new). The merchant is kept for the configurations' conditions."""
        envelope = {
            "triggers": " ".join(triggers),  # see triggers_of
            "operation": "UPDATE" if old is not None else "CREATE",
            "operation_id": operation_id,
            "tenant": tenant,
            "order_id": order["order_id"],
            "merchant": order.get("merchant"),
            "created_at": utc_now(),
            "old_order": None if old is None else orjson.Fragment(old),
        }
        return Announcement({**envelope, **({"details": details} if details else {})})

    def record(self, announced: Announcement, order_json: bytes, saved: Record) -> Event:
        """Append the event `announced` with the saved order, given as its JSON, and tell the
        listeners.

        The event holds the order serialized (an `orjson.Fragment`, which `orjson.dumps` embeds as
        is), not the order's dicts: 10,000 events of object graphs made every full pass of the
        garbage collector scan them, a 20-50 ms pause in the middle of a request.
        """
        with self._lock:
            event = event_of(f"EVT-{next(self._ids):08d}", announced.envelope, order_json)
            self._events.append(event)
        self.notify(event)
        return event

    def record_stock(
        self, updates: Iterable[StockUpdate], operation_id: str, created_at: str
    ) -> None:
        """Record each stock change as an inventory webhook event (the stock before and after
        where an order event has the order; domain/inventory.py's envelope) and tell the
        listeners."""
        for update in updates:
            announced = Announcement(
                inventory_envelope(
                    update.tenant,
                    update.after["product_id"],
                    update.before,
                    operation_id,
                    created_at,
                )
            )
            with self._lock:
                event = event_of(
                    f"EVT-{next(self._ids):08d}", announced.envelope, orjson.dumps(update.after)
                )
                self._events.append(event)
            self.notify(event)

    def notify(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    def list(self, tenant: str | None = None) -> list[Event]:
        """Events, newest first, optionally of one tenant only."""
        with self._lock:
            events = list(self._events)
        events.reverse()
        return [e for e in events if tenant is None or e["tenant"] == tenant]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def triggers_of(event: Event) -> list[str]:
    """The triggers an event fires. The event keeps them as one space-separated string: a kept
    event holds no container, so the garbage collector stops tracking it (10,000 tracked events
    made its full passes long pauses in the middle of requests)."""
    names: str = event["triggers"]
    return names.split()


def event_of(event_id: bytes | str, envelope: Event, order_json: bytes) -> Event:
    """An event as the logs hold it: its id first, the order after the change embedded as JSON,
    details last."""
    name = event_id.decode() if isinstance(event_id, bytes) else event_id
    fields = dict(envelope)
    details = fields.pop("details", None)
    return {
        "event_id": name,
        **fields,
        "order": orjson.Fragment(order_json),
        **({"details": details} if details else {}),
    }
