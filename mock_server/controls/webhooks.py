"""Webhook deliveries as Carriyo sends them: each recorded event goes, once per trigger it fires,
to every active configuration of its tenant that listens for that trigger (webhook_configs.py).

A delivery POSTs the published envelope (`oldImage`, `newImage`, `trigger`, `operation`) with the
headers `trigger` and `event-id` (stable across retries: the event's id and the trigger) and the
configuration's authentication (webhook_auth.py). A 2xx completes it; any other answer, a
time-out or a failed connection is retried on the published schedule (config.RetryPolicy, scaled
by `--webhook-time-scale`); a delivery still failing after its last retry stays `failed` until
it is retriggered (`retrigger`, the admin API's retrigger-failed-events).

Every configuration has its own bounded queue and worker thread, so a slow or dead receiver delays
only its own deliveries, and the API request that caused an event only appends to queues: it is
never blocked or failed by a delivery. A full queue drops its oldest delivery (counted).
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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from ..clock import utc_now
from ..config import EVENTS_KEPT, RetryPolicy
from ..domain.inventory import webhook_image
from ..events import Event
from .webhook_auth import OPENER, Credentials, TokenError
from .webhook_configs import Configuration, new_configuration, public, triggers_for, updated

log = logging.getLogger("mock_server.webhooks")
RETRIGGER_LIMIT = 1_000
"""Events one retrigger call sends again at most (retrigger-failed-webhook-events)."""


@dataclass
class Delivery:
    """One trigger of one event to one configuration. Only its configuration's worker changes it
    once queued; readers take snapshots (`as_json`)."""

    webhook_id: str
    url: str
    event_id: str
    trigger: str
    outcome: str = "pending"  # pending | delivered | failed | dropped
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "webhook_id": self.webhook_id,
            "url": self.url,
            "event_id": self.event_id,
            "trigger": self.trigger,
            "outcome": self.outcome,
            "attempts": list(self.attempts),
        }

    @classmethod
    def of(cls, record: dict[str, Any]) -> Delivery:
        return cls(**{**record, "attempts": list(record["attempts"])})


def envelope(event: Event, trigger: str) -> bytes:
    """The body of an order webhook (reference/order-webhook-events: camelCase images), or of
    the inventory webhook (reference/inventory-webhook-events: snake_case, each image the
    product's stock by location)."""
    if event.get("entity_type") == "INVENTORY":
        return orjson.dumps(
            {
                "old_image": webhook_image(loaded(event["old_order"])),
                "new_image": webhook_image(loaded(event["order"])),
                "trigger": trigger,
                "operation": event["operation"],
            }
        )
    return orjson.dumps(
        {
            "oldImage": event["old_order"],
            "newImage": event["order"],
            "trigger": trigger,
            "operation": event["operation"],
        }
    )


def loaded(image: Any) -> Any:
    """An event's image as data (the in-memory log keeps the one after as JSON, an
    orjson.Fragment, which only orjson can read back)."""
    return orjson.loads(orjson.dumps(image))


def post(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int | None, str | None]:
    """POST one delivery; (HTTP status or None, error or None)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"


class Endpoint:
    """One configuration: its queue of deliveries, its credentials and the worker that sends."""

    def __init__(self, config: Configuration, policy: RetryPolicy, queue_size: int) -> None:
        self.config = config
        self.counts = {"queued": 0, "delivered": 0, "failed": 0, "dropped": 0}
        self.credentials = Credentials(config.get("authentication"), policy.timeout)
        self._policy = policy
        self._queue: deque[tuple[Event, Delivery]] = deque()
        self._queue_size = queue_size
        self._busy = False  # a delivery is being attempted
        self._ready = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"webhook-{config['id']}", daemon=True
        )
        self._thread.start()

    @property
    def id(self) -> str:
        return str(self.config["id"])

    def reconfigure(self, config: Configuration) -> None:
        """Deliver by `config` from now on (new credentials when its authentication changed)."""
        if config.get("authentication") != self.config.get("authentication"):
            self.credentials = Credentials(config.get("authentication"), self._policy.timeout)
        self.config = config

    def delivery(self, event: Event, trigger: str) -> Delivery:
        """A new delivery of `trigger` of `event` to this configuration (`offer` queues it)."""
        delivered_id = f"{event['event_id']}:{trigger}"
        return Delivery(self.id, self.config["endpoint_url"], delivered_id, trigger)

    def requeue(self, event: Event, delivery: Delivery) -> None:
        """Send a failed delivery again, on a fresh schedule (a retrigger)."""
        delivery.outcome = "pending"
        self.count("failed", -1)
        self.offer(event, delivery)

    def count(self, name: str, by: int) -> None:
        """Change one of the configuration's counters (the shared endpoints' are in Redis too)."""
        with self._ready:
            self.counts[name] += by

    def recorded(self, event: Event) -> None:
        """A delivery of `event` made an attempt or settled: nothing to do here (the shared
        dispatcher's endpoints keep the record in Redis)."""

    def as_json(self) -> dict[str, Any]:
        with self._ready:
            counts = dict(self.counts)
        return {**public(self.config), **counts}

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued or being delivered; False on time-out."""
        with self._ready:
            return self._ready.wait_for(lambda: not self._queue and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._ready:
            self._ready.notify_all()
        self._thread.join(timeout)

    def offer(self, event: Event, delivery: Delivery) -> None:
        """Queue `delivery` (dropping the oldest queued one when full); never blocks long."""
        with self._ready:
            if len(self._queue) >= self._queue_size:
                dropped, oldest = self._queue.popleft()
                oldest.outcome = "dropped"
                self.count("dropped", 1)
                self.count("queued", -1)
                self.recorded(dropped)
            self._queue.append((event, delivery))
            self.count("queued", 1)
            self._ready.notify_all()

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
        body = envelope(event, delivery.trigger)
        delays = self._policy.delays(bool(self.config.get("extended_retries")))
        for retry in range(len(delays) + 1):
            at, started = utc_now(), time.perf_counter()
            status, error = self._attempt(delivery, body)
            delivery.attempts.append(
                {
                    "attempt": len(delivery.attempts) + 1,
                    "at": at,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "status": status,
                    "error": error,
                }
            )
            if status is not None and 200 <= status < 300:
                self._settle(event, delivery, "delivered")
                return
            self.recorded(event)
            if retry == len(delays) or self._stop.wait(delays[retry]):
                break
        if not self._stop.is_set():
            self._settle(event, delivery, "failed")
            log.warning("webhook %s to %s failed", delivery.event_id, delivery.url)

    def _attempt(self, delivery: Delivery, body: bytes) -> tuple[int | None, str | None]:
        """One attempt: with OAuth2, a 401 fetches a new token and posts once more."""
        for _ in range(2 if self.credentials.oauth2 else 1):
            try:
                auth = self.credentials.headers()
            except TokenError as exc:
                return None, str(exc)
            headers = {
                **auth,
                "Content-Type": "application/json",
                "User-Agent": "carriyo-sandbox",
                "trigger": delivery.trigger,
                "event-id": delivery.event_id,
            }
            status, error = post(delivery.url, body, headers, self._policy.timeout)
            if status != 401 or not self.credentials.oauth2:
                break
            self.credentials.refused()
        return status, error

    def _settle(self, event: Event, delivery: Delivery, outcome: str) -> None:
        with self._ready:
            delivery.outcome = outcome
            self.count(outcome, 1)
            self.count("queued", -1)
        self.recorded(event)


class WebhookDispatcher:
    """The configurations, and each recorded event's deliveries (the newest `capacity` events)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        queue_size: int = 1000,
        capacity: int = EVENTS_KEPT,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.queue_size = queue_size
        self._capacity = capacity
        self._endpoints: dict[str, Endpoint] = {}
        self._deliveries: OrderedDict[str, list[Delivery]] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ configurations
    def configure(self, tenant: str, body: dict[str, Any]) -> dict[str, Any]:
        """A new configuration of `tenant` (its worker starts now)."""
        with self._lock:
            config = new_configuration(f"WHK-{next(self._ids):04d}", tenant, body, utc_now())
            endpoint = self._endpoints[config["id"]] = self._endpoint(config)
        return endpoint.as_json()

    def configure_once(self, tenant: str, body: dict[str, Any]) -> None:
        """Configure unless `tenant` has a configuration to the same URL (`--webhook-url`)."""
        if not any(
            config["tenant"] == tenant and config["endpoint_url"] == body["endpoint_url"]
            for config in self.configurations()
        ):
            self.configure(tenant, body)

    def reconfigure(self, config_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The configuration with `body`'s fields changed; None when there is no such one."""
        with self._lock:
            endpoint = self._endpoints.get(config_id)
            if endpoint is not None:
                endpoint.reconfigure(updated(endpoint.config, body))
        return None if endpoint is None else endpoint.as_json()

    def remove(self, config_id: str) -> bool:
        """Stop delivering to `config_id`; False when there is no such configuration."""
        with self._lock:
            endpoint = self._endpoints.pop(config_id, None)
        if endpoint is None:
            return False
        endpoint.close()
        return True

    def configurations(self, tenant: str | None = None) -> list[dict[str, Any]]:
        return [
            endpoint.as_json()
            for endpoint in self._current()
            if tenant is None or endpoint.config["tenant"] == tenant
        ]

    # ------------------------------------------------------------------ deliveries
    def on_event(self, event: Event) -> None:
        """EventLog listener: queue the event's deliveries (called on the API request's thread,
        so it only appends)."""
        planned = [
            (endpoint, endpoint.delivery(event, trigger))
            for endpoint in self._current()
            for trigger in triggers_for(endpoint.config, event)
        ]
        if not planned:
            return
        self._remember(event, [delivery for _, delivery in planned])  # before any attempt
        for endpoint, delivery in planned:
            endpoint.offer(event, delivery)

    def deliveries(self, event_id: str) -> list[dict[str, Any]]:
        with self._lock:
            deliveries = list(self._deliveries.get(event_id, ()))
        return [d.as_json() for d in deliveries]

    def retrigger(
        self, config_id: str, events: Iterable[Event], start: datetime, end: datetime
    ) -> dict[str, Any] | None:
        """Send again, from a fresh schedule, the failed deliveries to `config_id` of the events
        recorded between `start` and `end` (at most RETRIGGER_LIMIT); None when there is no such
        configuration. The answer is retrigger-failed-webhook-events' own."""
        endpoint = next((e for e in self._current() if e.id == config_id), None)
        if endpoint is None:
            return None
        failed = [
            (event, delivery)
            for event in events
            if event["tenant"] == endpoint.config["tenant"]
            and start <= datetime.fromisoformat(event["created_at"]) <= end
            for delivery in self._records(event["event_id"])
            if delivery.webhook_id == config_id and delivery.outcome == "failed"
        ]
        for event, delivery in failed[:RETRIGGER_LIMIT]:
            endpoint.requeue(event, delivery)
        return {
            "original_failure_count": len(failed),
            "retriggered_count": min(len(failed), RETRIGGER_LIMIT),
            "retriggered_events": [
                {"event_id": d.event_id, "entity_id": e["order_id"], "trigger": d.trigger}
                for e, d in failed[:RETRIGGER_LIMIT]
            ],
        }

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every configuration has settled what it was given (delivered, failed or
        dropped); False on time-out."""
        deadline = time.monotonic() + timeout
        return all(
            endpoint.wait_idle(max(0.0, deadline - time.monotonic()))
            for endpoint in self._current()
        )

    def clear(self) -> None:
        """Forget the delivery records (the events are gone); configurations stay."""
        with self._lock:
            self._deliveries.clear()

    def close(self) -> None:
        """Stop every worker (queued deliveries are abandoned)."""
        with self._lock:
            endpoints = list(self._endpoints.values())
            self._endpoints.clear()
        for endpoint in endpoints:
            endpoint.close()

    # ------------------------------------------------------------------ for the shared one
    def _endpoint(self, config: Configuration) -> Endpoint:
        return Endpoint(config, self.policy, self.queue_size)

    def _current(self) -> list[Endpoint]:
        """The endpoints of every configuration, by id."""
        with self._lock:
            return [self._endpoints[key] for key in sorted(self._endpoints)]

    def _remember(self, event: Event, deliveries: list[Delivery]) -> None:
        with self._lock:
            self._deliveries[event["event_id"]] = deliveries
            while len(self._deliveries) > self._capacity:
                self._deliveries.popitem(last=False)

    def _records(self, event_id: str) -> list[Delivery]:
        """The deliveries of `event_id` that a retrigger may send again."""
        with self._lock:
            return list(self._deliveries.get(event_id, ()))
