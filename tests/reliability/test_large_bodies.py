"""A body near the 1 MiB limit does not hold other clients up: a list past its limit (1,000 line
items, 100 fulfillment orders; docs/reliability.md) is refused from the fast validator's pass,
naming the list, without the reference validator walking every item of it first (1.9 s for
25,641 line items, a GET sent meanwhile waiting as long)."""

from __future__ import annotations

import threading
import time

import orjson

from tests.launcher import Server

TOO_MANY = 25_641
"""Line items `{"id": "L<n>", "quantity": 1}` that fit just under 1 MiB."""
WAIT_BOUND_SECONDS = 1.0
"""How long the refusal, and a GET sent meanwhile, may take (both took 1.9 s before)."""


def line_items(count: int) -> list[dict[str, object]]:
    return [{"id": f"L{n}", "quantity": 1} for n in range(count)]


def test_a_list_past_its_limit_is_refused_at_once(sandbox: Server) -> None:
    body = orjson.dumps({"line_items": line_items(TOO_MANY)})
    assert len(body) < 1024 * 1024
    headers = {**sandbox.headers(), "content-type": "application/json"}
    started = time.monotonic()
    reply = sandbox.raw("PATCH", "/orders/ORD-1001", body, headers)
    elapsed = time.monotonic() - started
    assert reply.status == 400
    assert reply.json()["error_details"] == [
        {
            "code": "TOO_MANY_ITEMS",
            "message": f"{TOO_MANY} items, more than the 1000 allowed",
            "field": "line_items",
        }
    ]
    assert elapsed < WAIT_BOUND_SECONDS, f"refused after {elapsed:.2f} s"


def test_a_read_is_not_held_up_by_a_large_body(sandbox: Server) -> None:
    body = orjson.dumps({"line_items": line_items(TOO_MANY)})
    headers = {**sandbox.headers(), "content-type": "application/json"}
    sent = threading.Event()

    def send_large() -> None:
        sent.set()
        sandbox.raw("PATCH", "/orders/ORD-1001", body, headers)

    writer = threading.Thread(target=send_large)
    writer.start()
    sent.wait(5)
    started = time.monotonic()
    status = sandbox.call("GET", "/orders/ORD-1002").status_code
    elapsed = time.monotonic() - started
    writer.join(30)
    assert status == 200
    assert elapsed < WAIT_BOUND_SECONDS, f"the read waited {elapsed:.2f} s"
