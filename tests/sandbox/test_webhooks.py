"""Webhooks as Carriyo sends them (docs/controls.md): events, configurations, deliveries in the
published envelope with the `trigger` header, both authentication kinds, the retry schedule (time
scaled) and the retrigger of failed events.

Deliveries go to receivers on loopback written from the published pages (webhook_receiver.py).
Tests wait on conditions with time-outs (the receiver's, and `WebhookDispatcher.wait_idle`), never
on sleeps.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.config import STANDARD_RETRIES, RetryPolicy, SandboxConfig
from mock_server.domain.triggers import ORDER_TRIGGERS
from tests.sandbox.operations import OPERATIONS
from tests.sandbox.webhook_receiver import WAIT, Receiver, TokenEndpoint

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

SCALE = 0.001  # the published minutes become milliseconds
FAST = RetryPolicy(time_scale=SCALE, timeout=5.0)
SAMPLES = {op.operation_id: op for op in OPERATIONS}
Json = dict[str, Any]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def fast(make_client: ClientFactory) -> Iterator[CheckedClient]:
    """A sandbox whose retry schedule is scaled to milliseconds."""
    client = make_client(SandboxConfig(webhook_retry=FAST))
    yield client
    client.sandbox.close()


@pytest.fixture
def hooked(make_client: ClientFactory, receiver: Receiver) -> Iterator[CheckedClient]:
    """A sandbox started with `--webhook-url` pointing at the receiver, retrying fast."""
    client = make_client(SandboxConfig(webhook_urls=[receiver.url], webhook_retry=FAST))
    yield client
    client.sandbox.close()


def configure(client: CheckedClient, url: str, **fields: Any) -> Json:
    body: Json = {"name": "OMS", "endpoint_url": url, "entity_type": "ORDER"}
    body["notify_status"] = list(ORDER_TRIGGERS)
    response = client.post("/__admin/webhooks/configurations", json={**body, **fields})
    assert response.status_code == 201, response.get_json()
    configured: Json = response.get_json()
    return configured


def events(client: CheckedClient, **query: Any) -> list[Json]:
    response = client.get("/__admin/webhooks", query_string=query)
    assert response.status_code == 200
    found: list[Json] = response.get_json()["events"]
    return found


def configurations(client: CheckedClient) -> list[Json]:
    listed: list[Json] = client.get("/__admin/webhooks/configurations").get_json()["configurations"]
    return listed


def settle(client: CheckedClient) -> None:
    assert client.sandbox.webhooks.wait_idle(WAIT)


def send(client: CheckedClient, operation_id: str, **kwargs: Any) -> None:
    response = SAMPLES[operation_id].send(client, **kwargs)
    assert response.status_code in (200, 201), response.get_json()


# ---------------------------------------------------------------- every trigger, as published
def every_trigger(client: CheckedClient) -> None:
    """Operations on the fixtures that, together, fire each of the 18 order triggers."""
    for operation_id in (
        "createOrder",  # ORDER_CREATE
        "updateOrder",  # ORDER_UPDATE
        "updateFulfillmentOrderLocation",  # ..._UPDATE_LOCATION (FO-1001-A was open: ALLOCATE)
        "updateFulfillmentOrderSchedule",
        "updateFulfillmentOrderPartnerReferences",  # ..._PARTNER_FULFILLMENT_ORDER_REFERENCE
        "updateFulfillmentOrderDeliveryMethod",
        "updateFulfillmentOrderAddress",
        "shipFulfillmentOrder",  # ORD-1003
        "unfulfillFulfillmentOrder",  # ORD-1008
        "mergeFulfillmentOrders",  # ORD-1014
    ):
        send(client, operation_id)
    send(client, "fulfillFulfillmentOrder", order="ORD-1011", fo="FO-1011-A", json=ALL_1011)
    send(client, "splitFulfillmentOrder", order="ORD-1002", fo="FO-1002-A", json=SPLIT_1002)
    send(client, "cancelFulfillmentOrderLineItems", order="ORD-1004", fo="FO-1004-B", json=CANCEL)
    client.patch(
        "/orders/ORD-1009/fulfillment-orders/FO-1009-A/update-partner-references",
        json={"fulfillments": [{"fulfillment_id": "FUL-1009-2", **PARTNER_REFERENCE}]},
    )  # ..._PARTNER_FULFILLMENT_REFERENCES
    client.post(
        "/orders/shipment-status-update",
        json={
            "references": {"partner_order_reference": "SHOP-1005"},
            "post_shipping_info": {"status": "delivered", "shipment_id": "CARSHP3XH8W2LD"},
        },
    )  # ORDER_SHIPMENT_STATUS_UPDATE, ORDER_CLOSED
    send(client, "cancelOrder", order="ORD-1014")  # ORDER_CANCEL


def test_a_receiver_written_from_the_pages_gets_every_order_trigger(
    fast: CheckedClient,
) -> None:
    """The published catalogue, end to end: each delivery's `trigger` header names one of the 18
    and equals the envelope's; `newImage` is the order after the change, `oldImage` before it
    (none for ORDER_CREATE); `event-id` is unique per delivery; the static header is sent."""
    receiver = Receiver(header=("X-API-Key", "secret-key"))
    try:
        configure(
            fast,
            receiver.url,
            authentication={"type": "custom_headers", "headers": {"X-API-Key": "secret-key"}},
        )
        every_trigger(fast)
        settle(fast)
        received = receiver.received
        assert sorted({r.trigger for r in received}) == sorted(ORDER_TRIGGERS)
        assert receiver.refused == 0
        assert len({r.event_id for r in received}) == len(received)
        orders = {e["event_id"]: e for e in events(fast)}
        for delivery in received:
            event = orders[delivery.event_id.split(":")[0]]
            assert delivery.trigger in event["triggers"]
            assert delivery.envelope["newImage"] == event["order"]
            assert delivery.envelope["oldImage"] == event["old_order"]
            created = delivery.trigger == "ORDER_CREATE"
            assert (delivery.envelope["oldImage"] is None) == created
            assert delivery.envelope["operation"] == ("CREATE" if created else "UPDATE")
    finally:
        receiver.close()


PARTNER_REFERENCE = {"partner_fulfillment_reference": "WMS-B"}
ALL_1011 = {"line_items": [{"id": "LI-1011-1", "quantity": 1}]}
SPLIT_1002 = {"line_items": [{"id": "LI-1002-1", "quantity": 1}]}
CANCEL = {"cancellation_reason": "OTHER", "line_items": [{"id": "LI-1004-1", "quantity": 1}]}


# ---------------------------------------------------------------- the event list
def test_every_change_records_an_event_with_the_order_before_and_after(
    client: CheckedClient,
) -> None:
    before = client.get("/orders/ORD-1001").get_json()
    patched = client.patch("/orders/ORD-1001", json={"language": "ar"}).get_json()
    [event] = events(client)
    assert (event["triggers"], event["operation"], event["operation_id"]) == (
        ["ORDER_UPDATE"],
        "UPDATE",
        "updateOrder",
    )
    assert (event["old_order"], event["order"], event["deliveries"]) == (before, patched, [])


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


# ---------------------------------------------------------------- configurations
def test_configurations_are_created_listed_changed_and_deleted(
    fast: CheckedClient, receiver: Receiver
) -> None:
    created = configure(
        fast,
        receiver.url,
        notify_status=["ORDER_UPDATE"],
        authentication={"type": "custom_headers", "headers": {"Authorization": "Bearer static"}},
    )
    assert created["tenant"] == "acme-demo" and created["active"] is True
    assert created["authentication"]["headers"] == {"Authorization": "Be***"}  # masked
    assert configurations(fast) == [created]
    path = f"/__admin/webhooks/configurations/{created['id']}"
    changed = fast.patch(path, json={"name": "OMS 2", "authentication": None}).get_json()
    assert changed["name"] == "OMS 2" and "authentication" not in changed
    assert fast.delete(path).status_code == 204
    assert configurations(fast) == []
    for method in ("patch", "delete"):
        missing = getattr(fast, method)(path, json={"active": True})
        assert missing.status_code == 404
        assert fast.error_fields(missing) == ["webhookId"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notify_status": ["order.updated"]}, "notify_status[0]"),
        ({"endpoint_url": "ftp://example.test/x"}, "endpoint_url"),
        ({"entity_type": "SHIPMENT"}, "entity_type"),
        ({"notify_status": []}, "notify_status"),
    ],
)
def test_an_invalid_configuration_is_400_naming_the_field(
    client: CheckedClient, body: Json, field: str
) -> None:
    valid: Json = {"name": "n", "endpoint_url": "http://x.test/h", "entity_type": "ORDER"}
    valid["notify_status"] = ["ORDER_CREATE"]
    response = client.post("/__admin/webhooks/configurations", json={**valid, **body})
    assert response.status_code == 400
    assert field in client.error_fields(response)


def test_only_the_tenants_listening_triggers_within_the_conditions_are_delivered(
    fast: CheckedClient, receiver: Receiver
) -> None:
    configure(
        fast,
        receiver.url,
        notify_status=["ORDER_CANCEL"],
        conditions={"merchants": ["ACME_FASHION"]},
    )
    fast.patch("/orders/ORD-1001", json={"language": "ar"})  # not a listened trigger
    fast.post(
        "/orders/GLX-5001/cancel",
        json={"cancellation_reason": "OTHER"},
        headers={"tenant-id": "globex-demo"},
    )  # another tenant
    seeded = {
        "order_id": "OTHER-1",
        "merchant": "OTHER_BRAND",
        "status": "open",
        "line_items": [],
        "fulfillment_orders": [],
    }
    fast.seed(seeded)
    fast.post("/orders/OTHER-1/cancel", json={"cancellation_reason": "OTHER"})  # condition
    send(fast, "cancelOrder", order="ORD-1011")
    settle(fast)
    assert [(r.trigger, r.envelope["newImage"]["order_id"]) for r in receiver.received] == [
        ("ORDER_CANCEL", "ORD-1011")
    ]


def test_an_inactive_configuration_is_sent_nothing(fast: CheckedClient, receiver: Receiver) -> None:
    webhook = configure(fast, receiver.url, active=False)
    fast.patch("/orders/ORD-1001", json={"language": "ar"})
    settle(fast)
    assert receiver.received == [] and events(fast)[0]["deliveries"] == []
    fast.patch(f"/__admin/webhooks/configurations/{webhook['id']}", json={"active": True})
    fast.patch("/orders/ORD-1001", json={"language": "fr"})
    assert receiver.wait_for(1)[0].envelope["newImage"]["language"] == "fr"


def test_webhook_url_configures_every_trigger_of_each_fixtures_tenant(
    hooked: CheckedClient, receiver: Receiver
) -> None:
    listed = configurations(hooked)
    assert sorted(c["tenant"] for c in listed) == ["acme-demo", "globex-demo"]
    assert all(c["notify_status"] == list(ORDER_TRIGGERS) for c in listed)
    assert all(c["endpoint_url"] == receiver.url for c in listed)


# ---------------------------------------------------------------- OAuth2 client credentials
def test_oauth2_token_is_fetched_once_cached_and_fetched_again_when_refused(
    fast: CheckedClient,
) -> None:
    tokens = TokenEndpoint("sandbox-client", "s3cret")
    receiver = Receiver(tokens=tokens)
    try:
        auth = {
            "type": "oauth2",
            "token_url": tokens.url,
            "client_id": "sandbox-client",
            "client_secret": "s3cret",
            "parameters": {"audience": "oms"},
        }
        webhook = configure(fast, receiver.url, notify_status=["ORDER_UPDATE"], authentication=auth)
        assert webhook["authentication"]["client_secret"] == "s3***"
        for language in ("ar", "fr"):
            fast.patch("/orders/ORD-1001", json={"language": language})
        first, second = receiver.wait_for(2)
        assert len(tokens.requests) == 1  # cached: the endpoint is hit on cold start only
        assert tokens.requests[0] == {
            "grant_type": "client_credentials",
            "client_id": "sandbox-client",
            "client_secret": "s3cret",
            "audience": "oms",
        }
        assert first.headers["authorization"] == second.headers["authorization"]
        tokens.revoke_all()  # the receiver now refuses the cached token: 401
        fast.patch("/orders/ORD-1001", json={"language": "de"})
        third = receiver.wait_for(3)[2]
        settle(fast)
        assert receiver.refused == 1 and len(tokens.requests) == 2
        assert third.headers["authorization"] == "Bearer token-2"
        [delivery] = events(fast)[0]["deliveries"]
        assert delivery["outcome"] == "delivered" and len(delivery["attempts"]) == 1
    finally:
        receiver.close()
        tokens.close()


def test_a_token_endpoint_that_refuses_fails_the_attempt(fast: CheckedClient) -> None:
    tokens = TokenEndpoint("sandbox-client", "right")
    receiver = Receiver(tokens=tokens)
    try:
        auth = {
            "type": "oauth2",
            "token_url": tokens.url,
            "client_id": "sandbox-client",
            "client_secret": "wrong",
        }
        configure(fast, receiver.url, notify_status=["ORDER_UPDATE"], authentication=auth)
        fast.patch("/orders/ORD-1001", json={"language": "ar"})
        settle(fast)
        [delivery] = events(fast)[0]["deliveries"]
        assert delivery["outcome"] == "failed" and receiver.calls == 0
        assert all("token endpoint" in a["error"] for a in delivery["attempts"])
    finally:
        receiver.close()
        tokens.close()


# ---------------------------------------------------------------- retries and retrigger
def test_a_failed_delivery_is_retried_on_the_published_schedule_time_scaled(
    fast: CheckedClient, receiver: Receiver
) -> None:
    configure(fast, receiver.url, notify_status=["ORDER_UPDATE"])
    receiver.fail_first = 2
    fast.patch("/orders/ORD-1001", json={"language": "ar"})
    received = receiver.wait_for(3)
    settle(fast)
    assert len({r.event_id for r in received}) == 1  # stable across retries
    [delivery] = events(fast)[0]["deliveries"]
    attempts = delivery["attempts"]
    assert delivery["outcome"] == "delivered"
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    starts = [datetime.fromisoformat(a["at"]) for a in attempts]
    for n in (1, 2):
        gap_ms = (starts[n] - starts[n - 1]).total_seconds() * 1000
        assert gap_ms >= attempts[n - 1]["duration_ms"] + STANDARD_RETRIES[n - 1] * SCALE * 1000 - 1


def test_a_delivery_fails_after_the_third_retry_and_is_retriggered(
    fast: CheckedClient, receiver: Receiver
) -> None:
    webhook = configure(fast, receiver.url, notify_status=["ORDER_UPDATE"])
    receiver.fail_first = 100
    fast.patch("/orders/ORD-1001", json={"language": "ar"})
    receiver.wait_for(1 + len(STANDARD_RETRIES))
    settle(fast)
    [delivery] = events(fast)[0]["deliveries"]
    assert (delivery["outcome"], len(delivery["attempts"])) == ("failed", 4)
    assert configurations(fast)[0]["failed"] == 1

    receiver.fail_first = 0  # the receiver is fixed
    now = datetime.now(UTC)
    window = {"start_date": (now - timedelta(hours=1)).isoformat(), "end_date": now.isoformat()}
    answer = fast.post(
        "/__admin/webhooks/retrigger-failed-events", json={"webhook_id": webhook["id"], **window}
    ).get_json()
    assert answer == {
        "original_failure_count": 1,
        "retriggered_count": 1,
        "retriggered_events": [
            {"event_id": delivery["event_id"], "entity_id": "ORD-1001", "trigger": "ORDER_UPDATE"}
        ],
    }
    receiver.wait_for(5)
    settle(fast)
    [delivery] = events(fast)[0]["deliveries"]
    assert (delivery["outcome"], len(delivery["attempts"])) == ("delivered", 5)
    [counted] = configurations(fast)
    assert (counted["failed"], counted["delivered"]) == (0, 1)


def test_a_retrigger_names_a_known_configuration_and_a_day_at_most(client: CheckedClient) -> None:
    now = datetime.now(UTC)
    day = {"start_date": (now - timedelta(days=2)).isoformat(), "end_date": now.isoformat()}
    webhook = configure(client, "http://127.0.0.1:9/hook")
    too_long = client.post(
        "/__admin/webhooks/retrigger-failed-events", json={"webhook_id": webhook["id"], **day}
    )
    assert (too_long.status_code, client.error_fields(too_long)) == (400, ["end_date"])
    day["start_date"] = (now - timedelta(hours=1)).isoformat()
    unknown = client.post(
        "/__admin/webhooks/retrigger-failed-events", json={"webhook_id": "WHK-9999", **day}
    )
    assert (unknown.status_code, client.error_fields(unknown)) == (404, ["webhookId"])
    client.sandbox.close()


def test_the_published_schedule_and_its_time_scale() -> None:
    assert RetryPolicy().delays(False) == (60.0, 180.0, 300.0)
    assert RetryPolicy(time_scale=0.5).delays(True) == (
        30.0,
        90.0,
        150.0,
        1800.0,
        5400.0,
        9000.0,
        14400.0,
        23400.0,
    )
    assert RetryPolicy().timeout == 30.0


# ---------------------------------------------------------------- receivers that misbehave
def test_an_unreachable_receiver_is_an_error_without_status(
    make_client: ClientFactory, receiver: Receiver
) -> None:
    url = receiver.url
    receiver.close()  # nothing listens on that port any more
    client = make_client(SandboxConfig(webhook_urls=[url], webhook_retry=FAST))
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
        client = make_client(SandboxConfig(webhook_retry=FAST))
        try:
            configure(client, url, notify_status=["ORDER_UPDATE"])
            for language in ("ar", "fr"):
                client.patch("/orders/ORD-1001", json={"language": language})
            settle(client)
            assert configurations(client)[0]["failed"] == 2
            attempt = events(client)[0]["deliveries"][0]["attempts"][0]
            assert attempt["status"] is None and "BadStatusLine" in attempt["error"]
        finally:
            client.sandbox.close()
            garbage.shutdown()


def test_a_slow_receiver_never_blocks_the_api(fast: CheckedClient, receiver: Receiver) -> None:
    configure(fast, receiver.url, notify_status=["ORDER_UPDATE"])
    receiver.gate.clear()
    fast.patch("/orders/ORD-1001", json={"language": "ar"})
    assert receiver.entered.wait(WAIT)
    # The delivery is held by the receiver; the API still answers at once.
    assert fast.patch("/orders/ORD-1002", json={"language": "ar"}).status_code == 200
    assert events(fast)[0]["deliveries"][0]["outcome"] == "pending"
    receiver.gate.set()
    assert len(receiver.wait_for(2)) == 2


def test_a_full_queue_drops_its_oldest_delivery(
    make_client: ClientFactory, receiver: Receiver
) -> None:
    client = make_client(SandboxConfig(webhook_retry=FAST, webhook_queue_size=2))
    try:
        configure(client, receiver.url, notify_status=["ORDER_UPDATE"])
        receiver.gate.clear()
        client.patch("/orders/ORD-1001", json={"language": "en"})
        assert receiver.entered.wait(WAIT)  # the first delivery is in flight, the queue empty
        for language in ("ar", "fr", "de"):
            client.patch("/orders/ORD-1001", json={"language": language})
        receiver.gate.set()
        received = receiver.wait_for(3)
        settle(client)
        assert [r.envelope["newImage"]["language"] for r in received] == ["en", "fr", "de"]
        outcomes = [e["deliveries"][0]["outcome"] for e in events(client)]
        assert outcomes == ["delivered", "delivered", "dropped", "delivered"]
        [counted] = configurations(client)
        assert (counted["dropped"], counted["delivered"], counted["queued"]) == (1, 3, 0)
    finally:
        client.sandbox.close()


def test_close_stops_the_workers(make_client: ClientFactory, receiver: Receiver) -> None:
    before = set(threading.enumerate())
    client = make_client(SandboxConfig(webhook_urls=[receiver.url]))
    workers = [t for t in set(threading.enumerate()) - before if t.name.startswith("webhook-")]
    assert len(workers) == 2  # one configuration per fixtures tenant
    client.sandbox.close()
    assert not any(t.is_alive() for t in workers)
