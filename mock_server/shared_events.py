"""The event log of the shared store: the events of every sandbox process in one Redis stream
(`carriyo:events`, trimmed to about the newest DEFAULT_CAPACITY, Redis' cheap approximate trim,
and listed to exactly that many, like the in-memory log), so that
`/__admin/webhooks` on any process lists them all. Event ids come from one counter, so they are
unique across processes. This process's listeners (its webhook deliveries) hear the events this
process records: each event is delivered by the process that made it, once.
"""

from __future__ import annotations

from typing import Any

import orjson

from .clock import utc_now
from .events import DEFAULT_CAPACITY, Event, EventLog
from .store.redis import PREFIX, Client, RedisStore

STREAM, IDS = PREFIX + b"events", PREFIX + b"event-ids"
RECORD = """
local event_id = string.format('EVT-%08d', redis.call('INCR', KEYS[2]))
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'id', event_id, 'e', ARGV[1], 'o', ARGV[2])
return event_id
"""


class SharedEventLog(EventLog):
    """EventLog on a Redis stream (see the module's docstring)."""

    def __init__(self, store: RedisStore, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__(capacity)
        self._store = store
        self._client: Client = store.client
        self._capacity = capacity
        self._record = self._client.register_script(RECORD)

    def record(
        self,
        kind: str,
        tenant: str,
        order_id: str,
        order_json: bytes,
        details: dict[str, Any] | None = None,
    ) -> Event:
        envelope: Event = {
            "type": kind,
            "tenant": tenant,
            "order_id": order_id,
            "created_at": utc_now(),
            **({"details": details} if details else {}),
        }
        event_id = self._store.call(
            self._record,
            keys=[STREAM, IDS],
            args=[orjson.dumps(envelope), order_json, self._capacity],
        )
        event = event_of(event_id, envelope, order_json)
        for listener in self.listeners:
            listener(event)
        return event

    def list(self, tenant: str | None = None) -> list[Event]:
        entries = self._store.call(self._client.xrevrange, STREAM, count=self._capacity)
        events = [
            event_of(fields[b"id"], orjson.loads(fields[b"e"]), fields[b"o"])
            for _, fields in entries
        ]
        return [e for e in events if tenant is None or e["tenant"] == tenant]

    def clear(self) -> None:
        self._store.call(self._client.delete, STREAM)


def event_of(event_id: bytes | str, envelope: Event, order_json: bytes) -> Event:
    """An event as the in-memory log holds it: its id first, the order embedded as JSON."""
    name = event_id.decode() if isinstance(event_id, bytes) else event_id
    fields = dict(envelope)
    details = fields.pop("details", None)
    return {
        "event_id": name,
        **fields,
        "order": orjson.Fragment(order_json),
        **({"details": details} if details else {}),
    }
