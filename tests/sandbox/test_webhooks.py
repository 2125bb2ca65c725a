"""Webhooks (docs/controls.md): the event list, subscriptions, and deliveries with retries.

Deliveries go to a receiver on loopback (an `http.server` in a thread) that records each POST and
can fail the first N of them or hold them until released. Tests wait on conditions with time-outs
(the receiver's, and `WebhookDispatcher.wait_idle`), never on sleeps.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.config import RetryPolicy, SandboxConfig

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

WAIT = 10.0
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.02, timeout=5.0)
FO_PATH = "/orders/ORD-1001/fulfillment-orders/FO-1001-A"


class Receiver:
    """A webhook receiver on a free loopback port: records every POST (headers, JSON body)."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.fail_first = 0
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.entered.set()
                receiver.gate.wait(WAIT)
                with receiver._changed:
                    receiver.posts.append((dict(self.headers), body))
                    failing = len(receiver.posts) <= receiver.fail_first
                    receiver._changed.notify_all()
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def wait_for(self, count: int) -> list[Any]:
        """The bodies, once at least `count` POSTs arrived (fails after WAIT seconds)."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.posts) >= count, WAIT), self.posts
            return [body for _, body in self.posts]

    def close(self) -> None:
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def hooked(make_client: ClientFactory, receiver: Receiver) -> Iterator[CheckedClient]:
    """A sandbox started with `--webhook-url` pointing at the receiver, retrying fast."""
    client = make_client(SandboxConfig(webhook_urls=[receiver.url], webhook_retry=FAST_RETRY))
    yield client
    client.sandbox.close()


def events(client: CheckedClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/webhooks", query_string=query)
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.get_json()["events"]
    return found


def settle(client: CheckedClient) -> None:
    assert client.sandbox.webhooks.wait_idle(WAIT)


# ---------------------------------------------------------------- the event list
def test_every_kind_of_change_records_an_event_with_the_order_after_it(
    client: CheckedClient,
) -> None:
    client.post(
        "/orders",
        json={
            "merchant": "ACME_FASHION",
            "partner_order_reference": "WEB-HOOK-1",
            "line_items": [{"id": "item-1", "sku": "TSHIRT-M", "quantity": 1}],
        },
    )
    patched = client.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()
    client.patch(f"{FO_PATH}/update-location", json={"location_id": "RUH-DC-01"})
    client.patch(
        f"{FO_PATH}/update-schedule",
        json={"scheduled_from": "2030-02-01T09:00:00Z", "scheduled_to": "2030-02-01T13:00:00Z"},
    )
    client.patch(
        f"{FO_PATH}/update-partner-references",
        json={"partner_fulfillment_order_reference": "WMS-9"},
    )
    client.post(
        "/orders/shipment-status-update",
        json={
            "references": {"partner_order_reference": "SHOP-1005"},
            "post_shipping_info": {"status": "delivered", "shipment_id": "CARSHP3XH8W2LD"},
        },
    )
    listed = events(client)
    assert [e["type"] for e in listed] == [
        "order.line_items_auto_closed",
        "fulfillment_order.partner_references_updated",
        "fulfillment_order.schedule_updated",
        "fulfillment_order.location_updated",
        "order.updated",
        "order.created",
    ]
    assert listed[4]["order"] == patched
    assert listed[0]["details"]["closed_line_items"]
    assert all(e["deliveries"] == [] for e in listed)


def test_events_filter_by_tenant_and_limit(client: CheckedClient) -> None:
    client.patch("/orders/ORD-1001", json={"language": "ar"})
    client.patch("/orders/ORD-1002", json={"language": "ar"})
    client.patch("/orders/GLX-5001", json={"language": "ar"}, headers={"tenant-id": "globex-demo"})
    assert [e["order_id"] for e in events(client, tenant="acme-demo")] == ["ORD-1002", "ORD-1001"]
    assert [e["order_id"] for e in events(client, tenant="globex-demo")] == ["GLX-5001"]
    assert [e["order_id"] for e in events(client, limit=1)] == ["GLX-5001"]


def test_reset_forgets_the_events(client: CheckedClient) -> None:
    client.patch("/orders/ORD-1001", json={"language": "ar"})
    client.post("/__admin/reset")
    assert events(client) == []


# ---------------------------------------------------------------- deliveries
def test_each_event_is_posted_to_the_webhook_url(hooked: CheckedClient, receiver: Receiver) -> None:
    order = hooked.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()
    [body] = receiver.wait_for(1)
    settle(hooked)
    [event] = events(hooked)
    assert body == {k: v for k, v in event.items() if k != "deliveries"}
    assert body["order"] == order
    headers = receiver.posts[0][0]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Sandbox-Event-Type"] == "order.updated"
    [delivery] = event["deliveries"]
    assert (delivery["url"], delivery["outcome"]) == (receiver.url, "delivered")
    [attempt] = delivery["attempts"]
    assert (attempt["attempt"], attempt["status"], attempt["error"]) == (1, 204, None)


def test_a_failed_delivery_is_retried_with_exponential_back_off(
    hooked: CheckedClient, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    hooked.patch("/orders/ORD-1001", json={"language": "ar"})
    bodies = receiver.wait_for(3)
    settle(hooked)
    assert len({body["event_id"] for body in bodies}) == 1
    [delivery] = events(hooked)[0]["deliveries"]
    assert delivery["outcome"] == "delivered"
    attempts = delivery["attempts"]
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 500), (2, 500), (3, 204)]
    assert attempts[0]["error"] == "HTTP 500"
    starts = [datetime.fromisoformat(a["at"]) for a in attempts]
    for n in (1, 2):
        gap = (starts[n] - starts[n - 1]).total_seconds() * 1000
        assert gap >= attempts[n - 1]["duration_ms"] + FAST_RETRY.delay(n) * 1000 - 1


def test_a_delivery_fails_after_the_last_attempt(hooked: CheckedClient, receiver: Receiver) -> None:
    receiver.fail_first = 100
    hooked.patch("/orders/ORD-1001", json={"language": "ar"})
    receiver.wait_for(FAST_RETRY.attempts)
    settle(hooked)
    [delivery] = events(hooked)[0]["deliveries"]
    assert delivery["outcome"] == "failed"
    assert len(delivery["attempts"]) == FAST_RETRY.attempts
    [subscription] = hooked.get("/__admin/webhooks/subscriptions").get_json()["subscriptions"]
    assert (subscription["delivered"], subscription["failed"]) == (0, 1)


def test_an_unreachable_receiver_is_an_error_without_status(
    make_client: ClientFactory, receiver: Receiver
) -> None:
    url = receiver.url
    receiver.close()  # nothing listens on that port any more
    client = make_client(SandboxConfig(webhook_urls=[url], webhook_retry=FAST_RETRY))
    try:
        client.patch("/orders/ORD-1001", json={"language": "ar"})
        settle(client)
        [delivery] = events(client)[0]["deliveries"]
        assert delivery["outcome"] == "failed"
        assert all(a["status"] is None and a["error"] for a in delivery["attempts"])
    finally:
        client.sandbox.close()


class GarbageHandler(socketserver.BaseRequestHandler):
    """Answers anything with bytes that are not HTTP."""

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(b"NOT HTTP AT ALL\r\n\r\n")


def test_a_receiver_that_does_not_speak_http_fails_the_delivery_not_the_worker(
    make_client: ClientFactory,
) -> None:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), GarbageHandler) as garbage:
        threading.Thread(target=garbage.serve_forever, kwargs={"poll_interval": 0.05}).start()
        url = f"http://127.0.0.1:{garbage.server_address[1]}/hook"
        client = make_client(
            SandboxConfig(webhook_urls=[url], webhook_retry=RetryPolicy(attempts=1))
        )
        try:
            for language in ("ar", "fr"):
                client.patch("/orders/ORD-1001", json={"language": language})
            settle(client)
            [subscription] = client.get("/__admin/webhooks/subscriptions").get_json()[
                "subscriptions"
            ]
            assert subscription["failed"] == 2
            attempt = events(client)[0]["deliveries"][0]["attempts"][0]
            assert attempt["status"] is None and "BadStatusLine" in attempt["error"]
        finally:
            client.sandbox.close()
            garbage.shutdown()


def test_a_slow_receiver_never_blocks_the_api(hooked: CheckedClient, receiver: Receiver) -> None:
    receiver.gate.clear()
    hooked.patch("/orders/ORD-1001", json={"language": "ar"})
    assert receiver.entered.wait(WAIT)
    # The delivery is held by the receiver; the API still answers at once.
    assert hooked.patch("/orders/ORD-1002", json={"language": "ar"}).status_code == 200
    assert events(hooked)[1]["deliveries"][0]["outcome"] == "pending"
    receiver.gate.set()
    assert len(receiver.wait_for(2)) == 2


def test_a_full_queue_drops_its_oldest_delivery(
    make_client: ClientFactory, receiver: Receiver
) -> None:
    client = make_client(
        SandboxConfig(webhook_urls=[receiver.url], webhook_retry=FAST_RETRY, webhook_queue_size=2)
    )
    try:
        receiver.gate.clear()
        client.patch("/orders/ORD-1001", json={"language": "en"})
        assert receiver.entered.wait(WAIT)  # the first delivery is in flight, the queue empty
        for language in ("ar", "fr", "de"):
            client.patch("/orders/ORD-1001", json={"language": language})
        receiver.gate.set()
        bodies = receiver.wait_for(3)
        settle(client)
        assert [b["order"]["language"] for b in bodies] == ["en", "fr", "de"]
        outcomes = [e["deliveries"][0]["outcome"] for e in events(client)]
        assert outcomes == ["delivered", "delivered", "dropped", "delivered"]
        [subscription] = client.get("/__admin/webhooks/subscriptions").get_json()["subscriptions"]
        assert (subscription["dropped"], subscription["delivered"]) == (1, 3)
    finally:
        client.sandbox.close()


def test_retry_delays_double() -> None:
    policy = RetryPolicy(attempts=4, backoff=0.5)
    assert [policy.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


# ---------------------------------------------------------------- subscriptions
def test_subscriptions_are_created_listed_and_deleted(
    hooked: CheckedClient, receiver: Receiver
) -> None:
    client = hooked
    [started] = client.get("/__admin/webhooks/subscriptions").get_json()["subscriptions"]
    assert client.delete(f"/__admin/webhooks/subscriptions/{started['id']}").status_code == 204
    created = client.post("/__admin/webhooks/subscriptions", json={"url": receiver.url})
    assert created.status_code == 201
    sub = created.get_json()
    listed = client.get("/__admin/webhooks/subscriptions").get_json()["subscriptions"]
    assert [(s["id"], s["url"]) for s in listed] == [(sub["id"], receiver.url)]

    client.patch("/orders/ORD-1001", json={"language": "ar"})
    assert receiver.wait_for(1)[0]["order_id"] == "ORD-1001"

    assert client.delete(f"/__admin/webhooks/subscriptions/{sub['id']}").status_code == 204
    assert client.get("/__admin/webhooks/subscriptions").get_json()["subscriptions"] == []
    client.patch("/orders/ORD-1002", json={"language": "ar"})
    assert events(client)[0]["deliveries"] == []
    missing = client.delete(f"/__admin/webhooks/subscriptions/{sub['id']}")
    assert missing.status_code == 404
    assert client.error_fields(missing) == ["subscriptionId"]


@pytest.mark.parametrize("body", [{}, {"url": "ftp://example.test/x"}, {"url": 3}])
def test_an_invalid_subscription_is_400(client: CheckedClient, body: dict[str, Any]) -> None:
    response = client.post("/__admin/webhooks/subscriptions", json=body)
    assert response.status_code == 400
    assert client.error_fields(response) == ["url"]


def test_close_stops_the_workers(make_client: ClientFactory, receiver: Receiver) -> None:
    before = set(threading.enumerate())
    client = make_client(SandboxConfig(webhook_urls=[receiver.url, receiver.url]))
    workers = [t for t in set(threading.enumerate()) - before if t.name.startswith("webhook-")]
    assert len(workers) == 2
    client.sandbox.close()
    assert not any(t.is_alive() for t in workers)
