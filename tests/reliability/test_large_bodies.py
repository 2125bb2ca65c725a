"""A body near the 1 MiB limit does not hold other clients up: a list past its limit (1,000 line
items, 100 fulfillment orders; docs/reliability.md) is refused from the fast validator's pass,
naming the list, without the reference validator walking every item of it first (1.9 s for
25,641 line items, a GET sent meanwhile waiting as long)."""

from __future__ import annotations

from tests.launcher import Server
from tests.reliability.client_faults import (
    TOO_MANY,
    create_largest,
    get_while_too_many,
    send_too_many,
    too_many_items,
)

WAIT_BOUND_SECONDS = 1.0
"""How long the refusal, and a GET sent meanwhile, may take (both took 1.9 s before)."""


def test_a_list_past_its_limit_is_refused_at_once(sandbox: Server) -> None:
    assert len(too_many_items()) < 1024 * 1024
    reply, elapsed = send_too_many(sandbox)
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
    status, elapsed = get_while_too_many(sandbox)
    assert status == 200
    assert elapsed < WAIT_BOUND_SECONDS, f"the read waited {elapsed:.2f} s"


def test_the_largest_valid_body_is_accepted(sandbox: Server) -> None:
    """An order of 1,000 line items, the limit, is created: the limit is not one short."""
    status, _ = create_largest(sandbox)
    assert status == 200
