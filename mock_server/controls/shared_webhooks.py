"""Webhook subscriptions and deliveries of the shared store.

The subscriptions live in Redis (`carriyo:subs`), so each process knows every subscription (its
copy kept true by tracking.py). An event is delivered by the process that recorded it, through
its own worker for that subscription: so each event is POSTed once per subscription whatever the
number of processes, with the same bounded queue, back-off and retries as in memory. The
delivery records (every attempt, the outcome) and each subscription's counts are kept in Redis,
so `/__admin/webhooks` on any process shows them; the records are trimmed to the newest
`capacity` events, as in memory.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..clock import utc_now
from ..config import EVENTS_KEPT, RetryPolicy
from ..events import Event
from ..store.redis import Client, RedisStore, key
from .webhooks import Subscriber, WebhookDispatcher

SUBS, SUB_IDS, COUNTS = key("subs"), key("sub-ids"), key("sub-counts:")
DELIVERIES, DELIVERY_ORDER = key("deliveries"), key("delivery-order")
OUTCOMES = ("delivered", "failed", "dropped")
SUBSCRIBE_ONCE = """
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1])[1] == ARGV[1] then return all[i] end
end
local id = string.format('SUB-%04d', redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], id, cjson.encode({ARGV[1], ARGV[2]}))
return id
"""
REMEMBER = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1])
while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
  redis.call('HDEL', KEYS[1], redis.call('LPOP', KEYS[2]))
end
"""
UPDATE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
"""


class SharedSubscriber(Subscriber):
    """A subscription's worker in this process; its counts and records are kept in Redis."""

    def __init__(
        self, dispatcher: SharedWebhookDispatcher, sub_id: str, url: str, created_at: str
    ) -> None:
        self._dispatcher = dispatcher
        super().__init__(sub_id, url, dispatcher.policy, dispatcher.queue_size, created_at)

    def offer(self, event: Event) -> Any:
        delivery = super().offer(event)
        self._dispatcher.count(self.id, "queued", 1)
        return delivery

    def changed(self, event: Event, outcome: str | None) -> None:
        if outcome is not None:
            self._dispatcher.count(self.id, outcome, 1)
            self._dispatcher.count(self.id, "queued", -1)
        self._dispatcher.keep_records(event["event_id"])


class SharedWebhookDispatcher(WebhookDispatcher):
    """WebhookDispatcher with its subscriptions and records in Redis (see the docstring)."""

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
        self._subscribe_once = self._client.register_script(SUBSCRIBE_ONCE)
        self._remember = self._client.register_script(REMEMBER)
        self._update = self._client.register_script(UPDATE)

    def subscribe(self, url: str) -> dict[str, Any]:
        sub_id = f"SUB-{self._store.call(self._client.incr, SUB_IDS):04d}"
        created_at = utc_now()
        self._store.call(self._client.hset, SUBS, sub_id, orjson.dumps([url, created_at]))
        return self._json(sub_id, url, created_at)

    def subscribe_once(self, url: str) -> None:
        """Subscribe `url` unless a subscription to it exists (`--webhook-url` of each of the
        processes that start on one Redis, and of each restart)."""
        self._store.call(self._subscribe_once, keys=[SUBS, SUB_IDS], args=[url, utc_now()])

    def unsubscribe(self, sub_id: str) -> bool:
        with self._store.unavailable_as():
            removed = self._client.hdel(SUBS, sub_id)
            self._client.delete(COUNTS + sub_id.encode())
        self._sync()
        return bool(removed)

    def subscriptions(self) -> list[dict[str, Any]]:
        return [
            self._json(sub_id, url, created_at)
            for sub_id, (url, created_at) in sorted(self._shared().items())
        ]

    def on_event(self, event: Event) -> None:
        subscribers = self._sync()
        if not subscribers:
            return
        deliveries = [s.offer(event) for s in subscribers]
        with self._lock:
            self._deliveries[event["event_id"]] = deliveries
            while len(self._deliveries) > self._capacity:
                self._deliveries.popitem(last=False)
        self._store.call(
            self._remember,
            keys=[DELIVERIES, DELIVERY_ORDER],
            args=[event["event_id"], records_json(deliveries), self._capacity],
        )

    def deliveries(self, event_id: str) -> list[dict[str, Any]]:
        raw = self._store.call(self._client.hget, DELIVERIES, event_id)
        return [] if raw is None else list(orjson.loads(raw))

    def clear(self) -> None:
        super().clear()
        self._store.call(self._client.delete, DELIVERIES, DELIVERY_ORDER)

    # ------------------------------------------------------------------ for the subscribers
    def count(self, sub_id: str, name: str, by: int) -> None:
        self._store.call(self._client.hincrby, COUNTS + sub_id.encode(), name, by)

    def keep_records(self, event_id: str) -> None:
        """Write the records of this process's deliveries of `event_id` (if still kept)."""
        with self._lock:
            deliveries = list(self._deliveries.get(event_id, ()))
        if deliveries:
            self._store.call(
                self._update, keys=[DELIVERIES], args=[event_id, records_json(deliveries)]
            )

    # ------------------------------------------------------------------ internals
    def _json(self, sub_id: str, url: str, created_at: str) -> dict[str, Any]:
        counts = self._store.call(self._client.hgetall, COUNTS + sub_id.encode())
        number = {name.decode(): int(value) for name, value in counts.items()}
        return {
            "id": sub_id,
            "url": url,
            "created_at": created_at,
            "queued": max(0, number.get("queued", 0)),
            **{outcome: number.get(outcome, 0) for outcome in OUTCOMES},
        }

    def _shared(self) -> dict[str, tuple[str, str]]:
        """Every subscription, by id: (url, created_at); this process's copy when it is true."""
        tracker = self._store.tracker
        copy: dict[str, tuple[str, str]] | None = tracker.get(SUBS)
        if copy is None:
            epoch = tracker.current_epoch()
            stored = self._store.call(self._client.hgetall, SUBS)
            copy = {key.decode(): tuple(orjson.loads(raw)) for key, raw in stored.items()}
            tracker.put(SUBS, copy, epoch)
        return copy

    def _sync(self) -> list[Subscriber]:
        """This process's workers, one per shared subscription (started and stopped to match)."""
        shared = self._shared()
        with self._lock:
            gone = [s for sub_id, s in self._subscribers.items() if sub_id not in shared]
            for subscriber in gone:
                del self._subscribers[subscriber.id]
            for sub_id, (url, created_at) in sorted(shared.items()):
                if sub_id not in self._subscribers:
                    self._subscribers[sub_id] = SharedSubscriber(self, sub_id, url, created_at)
            subscribers = list(self._subscribers.values())
        for subscriber in gone:
            subscriber.close()
        return subscribers


def records_json(deliveries: list[Any]) -> bytes:
    return orjson.dumps([delivery.as_json() for delivery in deliveries])
