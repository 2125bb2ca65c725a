"""Webhook configurations and deliveries of the shared store.

The configurations live in Redis (`carriyo:webhook-configs`), so each process knows every one
(its copy kept true by tracking.py). An event is delivered by the process that recorded it,
through its own worker for that configuration: so each trigger of an event is POSTed once per
configuration whatever the number of processes, with the same bounded queue, schedule and
authentication as in memory (each process caches its own OAuth2 token). The delivery records
(every attempt, the outcome) and each configuration's counts are kept in Redis, so
`/__admin/webhooks` on any process shows them, and any process can retrigger a failed delivery
(it sends it from its own worker); the records are trimmed to the newest `capacity` events, as in
memory.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..clock import utc_now
from ..config import EVENTS_KEPT, RetryPolicy
from ..events import Event
from ..store.redis import KEEP_NEWEST, Client, RedisStore, key
from .webhook_configs import Configuration, new_configuration, updated
from .webhooks import Delivery, Endpoint, WebhookDispatcher

CONFIGURATIONS, WEBHOOK_IDS = key("webhook-configs"), key("webhook-ids")
COUNTS = key("webhook-counts:")
DELIVERIES, DELIVERY_ORDER = key("deliveries"), key("delivery-order")
COUNTED = ("queued", "delivered", "failed", "dropped")
CONFIGURE_ONCE = """
local all = redis.call('HVALS', KEYS[1])
for i = 1, #all do
  local config = cjson.decode(all[i])
  if config['tenant'] == ARGV[2] and config['endpoint_url'] == ARGV[3] then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return 1
"""
UPDATE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
"""


class SharedEndpoint(Endpoint):
    """A configuration's worker in this process; its counts and records are kept in Redis."""

    def __init__(self, dispatcher: SharedWebhookDispatcher, config: Configuration) -> None:
        self._dispatcher = dispatcher
        super().__init__(config, dispatcher.policy, dispatcher.queue_size)

    def count(self, name: str, by: int) -> None:
        super().count(name, by)
        self._dispatcher.count(self.id, name, by)

    def recorded(self, event: Event) -> None:
        self._dispatcher.keep_records(event["event_id"])

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), **self._dispatcher.counts(self.id)}


class SharedWebhookDispatcher(WebhookDispatcher):
    """WebhookDispatcher with its configurations and records in Redis (see the docstring)."""

    def __init__(
        self,
        store: RedisStore,
        policy: RetryPolicy | None = None,
        queue_size: int = 1000,
        capacity: int = EVENTS_KEPT,
    ) -> None:
        super().__init__(policy, queue_size, capacity)
        self._store = store
        self._client: Client = store.client
        self._configure_once = self._client.register_script(CONFIGURE_ONCE)
        self._remember_script = self._client.register_script(KEEP_NEWEST)
        self._update = self._client.register_script(UPDATE)

    def configure(self, tenant: str, body: dict[str, Any]) -> dict[str, Any]:
        config = new_configuration(self._new_id(), tenant, body, utc_now())
        self._store.call(self._client.hset, CONFIGURATIONS, config["id"], orjson.dumps(config))
        return self._endpoint_of(config["id"]).as_json()

    def configure_once(self, tenant: str, body: dict[str, Any]) -> None:
        """Configure unless `tenant` has a configuration to the same URL (`--webhook-url` of each
        of the processes that start on one Redis, and of each restart), in one script."""
        config = new_configuration(self._new_id(), tenant, body, utc_now())
        self._store.call(
            self._configure_once,
            keys=[CONFIGURATIONS],
            args=[config["id"], tenant, config["endpoint_url"], orjson.dumps(config)],
        )

    def reconfigure(self, config_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        config = self._shared().get(config_id)
        if config is None:
            return None
        changed = updated(config, body)
        self._store.call(self._client.hset, CONFIGURATIONS, config_id, orjson.dumps(changed))
        return self._endpoint_of(config_id).as_json()

    def remove(self, config_id: str) -> bool:
        with self._store.unavailable_as():
            removed = self._client.hdel(CONFIGURATIONS, config_id)
            self._client.delete(COUNTS + config_id.encode())
        self._current()
        return bool(removed)

    def deliveries(self, event_id: str) -> list[dict[str, Any]]:
        raw = self._store.call(self._client.hget, DELIVERIES, event_id)
        return [] if raw is None else list(orjson.loads(raw))

    def clear(self) -> None:
        super().clear()
        self._store.call(self._client.delete, DELIVERIES, DELIVERY_ORDER)

    # ------------------------------------------------------------------ for the endpoints
    def count(self, config_id: str, name: str, by: int) -> None:
        self._store.call(self._client.hincrby, COUNTS + config_id.encode(), name, by)

    def counts(self, config_id: str) -> dict[str, int]:
        stored = self._store.call(self._client.hgetall, COUNTS + config_id.encode())
        number = {name.decode(): int(value) for name, value in stored.items()}
        return {name: max(0, number.get(name, 0)) for name in COUNTED}

    def keep_records(self, event_id: str) -> None:
        """Write the records of this process's deliveries of `event_id` (if still kept)."""
        with self._lock:
            deliveries = list(self._deliveries.get(event_id, ()))
        if deliveries:
            self._store.call(
                self._update, keys=[DELIVERIES], args=[event_id, records_json(deliveries)]
            )

    # ------------------------------------------------------------------ internals
    def _new_id(self) -> str:
        return f"WHK-{self._store.call(self._client.incr, WEBHOOK_IDS):04d}"

    def _endpoint(self, config: Configuration) -> Endpoint:
        return SharedEndpoint(self, config)

    def _endpoint_of(self, config_id: str) -> Endpoint:
        return next(e for e in self._current() if e.id == config_id)

    def _remember(self, event: Event, deliveries: list[Delivery]) -> None:
        super()._remember(event, deliveries)
        self._store.call(
            self._remember_script,
            keys=[DELIVERIES, DELIVERY_ORDER],
            args=[event["event_id"], records_json(deliveries), self._capacity],
        )

    def _records(self, event_id: str) -> list[Delivery]:
        """The event's deliveries as Redis has them, adopted by this process (a retrigger sends
        them from here, and keeps their records)."""
        deliveries = [Delivery.of(record) for record in self.deliveries(event_id)]
        with self._lock:
            if deliveries:
                self._deliveries[event_id] = deliveries
        return deliveries

    def _shared(self) -> dict[str, Configuration]:
        """Every configuration, by id; this process's copy when it is true."""
        tracker = self._store.tracker
        copy: dict[str, Configuration] | None = tracker.get(CONFIGURATIONS)
        if copy is None:
            epoch = tracker.current_epoch()
            stored = self._store.call(self._client.hgetall, CONFIGURATIONS)
            copy = {key.decode(): orjson.loads(raw) for key, raw in stored.items()}
            tracker.put(CONFIGURATIONS, copy, epoch)
        return copy

    def _current(self) -> list[Endpoint]:
        """This process's workers, one per shared configuration (started, changed and stopped
        to match)."""
        shared = self._shared()
        with self._lock:
            gone = [e for config_id, e in self._endpoints.items() if config_id not in shared]
            for endpoint in gone:
                del self._endpoints[endpoint.id]
            for config_id, config in shared.items():
                mine = self._endpoints.get(config_id)
                if mine is None:
                    self._endpoints[config_id] = self._endpoint(config)
                elif mine.config != config:
                    mine.reconfigure(config)
            endpoints = [self._endpoints[key] for key in sorted(self._endpoints)]
        for endpoint in gone:
            endpoint.close()
        return endpoints


def records_json(deliveries: list[Delivery]) -> bytes:
    return orjson.dumps([delivery.as_json() for delivery in deliveries])
