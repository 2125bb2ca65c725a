"""Webhook deliveries: each recorded event is POSTed (JSON) to every subscriber.

Every subscription has its own bounded queue and worker thread, so a slow or dead receiver delays
only its own deliveries, and the API request that caused an event only appends to queues: it is
never blocked or failed by a delivery. A full queue drops its oldest delivery (counted). A failed
attempt (no answer, or a status other than 2xx) is retried after an exponential back-off, up to
`RetryPolicy.attempts` attempts. Every attempt is kept on the event's delivery record.
"""

from __future__ import annotations

import http.client
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..clock import utc_now
from ..config import EVENTS_KEPT, RetryPolicy
from ..events import Event

log = logging.getLogger("mock_server.webhooks")

# Deliveries go straight to the subscriber, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Delivery:
    """One event to one subscriber. Only its subscriber's worker changes it; readers take
    snapshots (`as_json`)."""

    subscription_id: str
    url: str
    outcome: str = "pending"  # pending | delivered | failed | dropped
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "subscription_id": self.subscription_id,
            "url": self.url,
            "outcome": self.outcome,
            "attempts": list(self.attempts),
        }


def post_event(
    url: str, body: bytes, event: Event, timeout: float
) -> tuple[int | None, str | None]:
    """POST one event; returns (HTTP status or None, error or None)."""
    req = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "carriyo-sandbox",
            "X-Sandbox-Event-Id": event["event_id"],
            "X-Sandbox-Event-Type": event["type"],
        },
    )
    try:
        with OPENER.open(req, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"


class Subscriber:
    """One subscription: its URL, its queue of deliveries and the worker that sends them."""

    def __init__(
        self,
        sub_id: str,
        url: str,
        policy: RetryPolicy,
        queue_size: int,
        created_at: str | None = None,
    ) -> None:
        self.id = sub_id
        self.url = url
        self.created_at = created_at or utc_now()
        self.counts = {"delivered": 0, "failed": 0, "dropped": 0}
        self._policy = policy
        self._queue: deque[tuple[Event, Delivery]] = deque()
        self._queue_size = queue_size
        self._busy = False  # a delivery is being attempted
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"webhook-{sub_id}", daemon=True)
        self._thread.start()

    def offer(self, event: Event) -> Delivery:
        """Queue the event (dropping the oldest queued delivery when full); never blocks long."""
        delivery = Delivery(self.id, self.url)
        with self._ready:
            if len(self._queue) >= self._queue_size:
                dropped, oldest = self._queue.popleft()
                oldest.outcome = "dropped"
                self.counts["dropped"] += 1
                self.changed(dropped, "dropped")
            self._queue.append((event, delivery))
            self._ready.notify_all()
        return delivery

    def changed(self, event: Event, outcome: str | None) -> None:
        """A delivery of `event` made an attempt or settled (`outcome`): nothing to do here
        (the shared dispatcher's subscribers keep the record in Redis)."""

    def as_json(self) -> dict[str, Any]:
        with self._ready:
            queued, counts = len(self._queue), dict(self.counts)
        return {
            "id": self.id,
            "url": self.url,
            "created_at": self.created_at,
            "queued": queued,
            **counts,
        }

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued or being delivered; False on time-out."""
        with self._ready:
            return self._ready.wait_for(lambda: not self._queue and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._ready:
            self._ready.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._queue or self._stop.is_set())
                if self._stop.is_set():
                    return
                event, delivery = self._queue.popleft()
                self._busy = True
            self._deliver(event, delivery)
            with self._ready:
                self._busy = False
                self._ready.notify_all()

    def _deliver(self, event: Event, delivery: Delivery) -> None:
        body = orjson.dumps(event)
        for attempt in range(1, self._policy.attempts + 1):
            at, started = utc_now(), time.perf_counter()
            status, error = post_event(self.url, body, event, self._policy.timeout)
            delivery.attempts.append(
                {
                    "attempt": attempt,
                    "at": at,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "status": status,
                    "error": error,
                }
            )
            if status is not None and 200 <= status < 300:
                self._settle(event, delivery, "delivered")
                return
            self.changed(event, None)
            last = attempt == self._policy.attempts
            if last or self._stop.wait(self._policy.delay(attempt)):
                break
        if not self._stop.is_set():
            self._settle(event, delivery, "failed")
            log.warning(
                "webhook %s to %s failed after %d attempts",
                event["event_id"],
                self.url,
                len(delivery.attempts),
            )

    def _settle(self, event: Event, delivery: Delivery, outcome: str) -> None:
        with self._ready:
            delivery.outcome = outcome
            self.counts[outcome] += 1
        self.changed(event, outcome)


class WebhookDispatcher:
    """The subscriptions, and each recorded event's deliveries (the newest `capacity` events)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        queue_size: int = 1000,
        capacity: int = EVENTS_KEPT,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.queue_size = queue_size
        self._capacity = capacity
        self._subscribers: dict[str, Subscriber] = {}
        self._deliveries: OrderedDict[str, list[Delivery]] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def subscribe(self, url: str) -> dict[str, Any]:
        """A new subscription (its worker starts now); every later event goes to `url`."""
        with self._lock:
            sub_id = f"SUB-{next(self._ids):04d}"
            subscriber = self._subscribers[sub_id] = Subscriber(
                sub_id, url, self.policy, self.queue_size
            )
        return subscriber.as_json()

    def unsubscribe(self, sub_id: str) -> bool:
        """Stop delivering to `sub_id`; False when there is no such subscription."""
        with self._lock:
            subscriber = self._subscribers.pop(sub_id, None)
        if subscriber is None:
            return False
        subscriber.close()
        return True

    def subscriptions(self) -> list[dict[str, Any]]:
        with self._lock:
            subscribers = list(self._subscribers.values())
        return [s.as_json() for s in subscribers]

    def on_event(self, event: Event) -> None:
        """EventLog listener: queue the event for every subscriber (called on the API request's
        thread, so it only appends)."""
        with self._lock:
            subscribers = list(self._subscribers.values())
            if not subscribers:
                return
            self._deliveries[event["event_id"]] = [s.offer(event) for s in subscribers]
            while len(self._deliveries) > self._capacity:
                self._deliveries.popitem(last=False)

    def deliveries(self, event_id: str) -> list[dict[str, Any]]:
        with self._lock:
            deliveries = list(self._deliveries.get(event_id, ()))
        return [d.as_json() for d in deliveries]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every subscriber has settled what it was given (delivered, failed or
        dropped); False on time-out."""
        deadline = time.monotonic() + timeout
        with self._lock:
            subscribers = list(self._subscribers.values())
        return all(s.wait_idle(max(0.0, deadline - time.monotonic())) for s in subscribers)

    def clear(self) -> None:
        """Forget the delivery records (the events are gone); subscriptions stay."""
        with self._lock:
            self._deliveries.clear()

    def close(self) -> None:
        """Stop every worker (queued deliveries are abandoned)."""
        with self._lock:
            subscribers = list(self._subscribers.values())
            self._subscribers.clear()
        for subscriber in subscribers:
            subscriber.close()
