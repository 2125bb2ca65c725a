"""The `carriyo_sandbox` fixture, used the way a user's test suite uses it: nothing imported from
the project; `pip install` registered the plugin."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests


@pytest.fixture(autouse=True)
def clean(carriyo_sandbox: Any) -> Iterator[None]:
    """Each test starts from the fixtures baseline, with an empty journal."""
    carriyo_sandbox.reset()
    yield


def test_the_api_answers_at_base_url_with_the_given_headers(carriyo_sandbox: Any) -> None:
    assert carriyo_sandbox.base_url.startswith("http://127.0.0.1:")
    assert set(carriyo_sandbox.headers) == {"x-api-key", "tenant-id", "Authorization"}
    url = f"{carriyo_sandbox.base_url}/orders/ORD-1001"
    response = requests.get(url, headers=carriyo_sandbox.headers, timeout=30)
    assert response.status_code == 200
    assert response.json()["order_id"] == "ORD-1001"
    without = {**carriyo_sandbox.headers, "Authorization": ""}
    assert requests.get(url, headers=without, timeout=30).status_code == 401


def test_an_integration_gets_its_own_token_at_token_url(carriyo_sandbox: Any) -> None:
    """As against Carriyo: any client id and secret get a token there."""
    body = {"client_id": "my-integration", "client_secret": "whatever"}
    issued = requests.post(carriyo_sandbox.token_url, json=body, timeout=30)
    assert issued.status_code == 200
    headers = {
        **carriyo_sandbox.headers,
        "Authorization": f"Bearer {issued.json()['access_token']}",
    }
    url = f"{carriyo_sandbox.base_url}/orders/ORD-1001"
    assert requests.get(url, headers=headers, timeout=30).status_code == 200


def test_seed_order_stores_an_order_as_given(carriyo_sandbox: Any) -> None:
    order = {
        "order_id": "MY-ORDER-1",
        "partner_order_reference": "MY-REF-1",
        "status": "fulfilled",
        "line_items": [{"id": "li-1", "sku": "SKU-1", "quantity": 1}],
        "fulfillment_orders": [],
    }
    stored = carriyo_sandbox.seed_order(order)
    assert stored["order_id"] == "MY-ORDER-1"
    fetched = requests.get(
        f"{carriyo_sandbox.base_url}/orders/MY-REF-1",
        params={"key": "partner_order_reference"},
        headers=carriyo_sandbox.headers,
        timeout=30,
    )
    assert fetched.json() == stored


def test_seed_order_for_another_tenant(carriyo_sandbox: Any) -> None:
    order = {"order_id": "T2-1", "status": "open", "line_items": [], "fulfillment_orders": []}
    carriyo_sandbox.seed_order(order, tenant="tenant-two")
    mine = requests.get(
        f"{carriyo_sandbox.base_url}/orders/T2-1", headers=carriyo_sandbox.headers, timeout=30
    )
    theirs = requests.get(
        f"{carriyo_sandbox.base_url}/orders/T2-1",
        headers={**carriyo_sandbox.headers, "tenant-id": "tenant-two"},
        timeout=30,
    )
    assert (mine.status_code, theirs.status_code) == (404, 200)


def test_requests_lists_what_my_code_sent(carriyo_sandbox: Any) -> None:
    requests.patch(
        f"{carriyo_sandbox.base_url}/orders/ORD-1001",
        json={"language": "ar"},
        headers=carriyo_sandbox.headers,
        timeout=30,
    )
    [entry] = carriyo_sandbox.requests()
    assert (entry["method"], entry["path"], entry["status"]) == ("PATCH", "/orders/ORD-1001", 200)
    assert entry["body"] == {"language": "ar"}
    assert entry["headers"]["X-Api-Key"].endswith("***")
    assert carriyo_sandbox.requests(status="4xx") == []


def test_webhooks_lists_the_events_of_my_changes(carriyo_sandbox: Any) -> None:
    changed = requests.patch(
        f"{carriyo_sandbox.base_url}/orders/ORD-1001",
        json={"language": "ar"},
        headers=carriyo_sandbox.headers,
        timeout=30,
    ).json()
    [event] = carriyo_sandbox.webhooks()
    assert (event["triggers"][0], event["order"]) == ("ORDER_UPDATE", changed)


class MyReceiver(BaseHTTPRequestHandler):
    """A user's webhook endpoint: keeps each call's `trigger` header and body."""

    received: queue.Queue[tuple[str, Any]] = queue.Queue()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.put((self.headers["trigger"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_configure_webhook_delivers_my_changes_to_my_endpoint(carriyo_sandbox: Any) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), MyReceiver) as server:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
            webhook = carriyo_sandbox.configure_webhook(url, ["ORDER_UPDATE"])
            assert (webhook["endpoint_url"], webhook["notify_status"]) == (url, ["ORDER_UPDATE"])
            requests.patch(
                f"{carriyo_sandbox.base_url}/orders/ORD-1001",
                json={"language": "fr"},
                headers=carriyo_sandbox.headers,
                timeout=30,
            )
            trigger, body = MyReceiver.received.get(timeout=10)
            assert (trigger, body["trigger"]) == ("ORDER_UPDATE", "ORDER_UPDATE")
            assert (body["oldImage"]["language"], body["newImage"]["language"]) == ("en", "fr")
        finally:
            carriyo_sandbox.reset()  # the configuration goes too
            server.shutdown()


def test_reset_returns_to_the_fixtures(carriyo_sandbox: Any) -> None:
    url = f"{carriyo_sandbox.base_url}/orders/ORD-1001"
    original = requests.get(url, headers=carriyo_sandbox.headers, timeout=30).json()
    requests.patch(url, json={"language": "ar"}, headers=carriyo_sandbox.headers, timeout=30)
    carriyo_sandbox.reset()
    assert carriyo_sandbox.requests() == [] and carriyo_sandbox.webhooks() == []
    assert requests.get(url, headers=carriyo_sandbox.headers, timeout=30).json() == original


def test_fulfil_then_deliver_closes_the_lines(carriyo_sandbox: Any) -> None:
    """The lifecycle helpers go through the public API: fulfil makes a shipment, delivering it
    (page 004) closes the lines and the order."""
    fulfilled = carriyo_sandbox.fulfill("ORD-1003", "FO-1003-A", {"LI-1003-1": 4, "LI-1003-2": 2})
    (shipment_id,) = {
        shipment
        for line in fulfilled["fulfillment_orders"][0]["line_items"]
        for shipment in line["shipment_ids"]
    }
    delivered = carriyo_sandbox.deliver(shipment_id)
    assert delivered["status"] == "closed"
    assert {line["status"] for line in delivered["fulfillment_orders"][0]["line_items"]} == {
        "closed"
    }
    assert [e["triggers"][0] for e in carriyo_sandbox.webhooks()][:2] == [
        "ORDER_SHIPMENT_STATUS_UPDATE",
        "FULFILLMENT_ORDER_FULFILL",
    ]


def test_fulfil_without_shipping_and_cancel(carriyo_sandbox: Any) -> None:
    closed = carriyo_sandbox.fulfill("ORD-1001", "FO-1001-A", {"LI-1001-1": 1}, skip_shipping=True)
    assert closed["fulfillment_orders"][0]["line_items"][0]["status"] == "closed"
    cancelled = carriyo_sandbox.cancel("ORD-1002", "PAYMENT_ISSUE")
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("cancelled", "PAYMENT_ISSUE")


def test_a_refused_helper_call_says_why(carriyo_sandbox: Any) -> None:
    with pytest.raises(Exception, match="ORDER_NOT_CANCELLABLE"):
        carriyo_sandbox.cancel("ORD-1004")
    with pytest.raises(Exception, match="no order carries that shipment"):
        carriyo_sandbox.deliver("CARSHP-NOPE")
