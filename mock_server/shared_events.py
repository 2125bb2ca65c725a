"""The event log of the shared store: the events of every sandbox process in one Redis stream
(`carriyo:events`, trimmed to about the newest EVENTS_KEPT, Redis' cheap approximate trim,
and listed to exactly that many, like the in-memory log), so that
`/__admin/webhooks` on any process lists them all. Each event is written by the save that
announced it (RedisStore.save, one script: never an order without its event, nor an event
without its order, and no round trip of its own). Event ids come from one counter, so they are
unique across processes. This process's listeners (its webhook deliveries) hear the events this
process records: each event is delivered by the process that made it, once.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from .config import EVENTS_KEPT
from .domain.inventory import inventory_envelope
from .events import Event, EventLog, event_of
from .store import Announcement, Record, StockUpdate
from .store.redis import EVENTS, Client, RedisStore


class SharedEventLog(EventLog):
    """EventLog on a Redis stream (see the module's docstring)."""

    def __init__(self, store: RedisStore) -> None:
        super().__init__(EVENTS_KEPT)  # the store trims the stream to about as many
        self._store = store
        self._client: Client = store.client

    def record(self, announced: Announcement, order_json: bytes, saved: Record) -> Event:
        """The event the save of `saved` recorded (RedisStore.save writes it with the order, in
        one script), told to this process's listeners."""
        event = event_of(saved.cache["event_id"], announced.envelope, order_json)
        self.notify(event)
        return event

    def record_stock(
        self, updates: Iterable[StockUpdate], operation_id: str, created_at: str
    ) -> None:
        """The inventory webhook events the store recorded with each stock change (in the
        order's save script, or the drain's transaction), told to this process's listeners."""
        for update in updates:
            envelope = inventory_envelope(
                update.tenant, update.after["product_id"], update.before, operation_id, created_at
            )
            self.notify(event_of(update.event_id or "", envelope, orjson.dumps(update.after)))

    def list(self, tenant: str | None = None) -> list[Event]:
        entries = self._store.call(self._client.xrevrange, EVENTS, count=EVENTS_KEPT)
        events = [
            event_of(fields[b"id"], orjson.loads(fields[b"e"]), fields[b"o"])
            for _, fields in entries
        ]
        return [e for e in events if tenant is None or e["tenant"] == tenant]

    def clear(self) -> None:
        self._store.call(self._client.delete, EVENTS)
