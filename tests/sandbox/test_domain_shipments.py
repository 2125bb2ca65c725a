"""shipments.py: page 004's auto-close on a delivered shipment."""

import copy
from typing import Any

import pytest

from mock_server.domain import apply_shipment
from tests.sandbox.support import EARLIER, NOW, fo, line, order


def shipped_order(**extra: Any) -> dict[str, Any]:
    return order(
        fo(
            "FO-A",
            line("i1", "fulfilled", shipment_ids=["S1"]),
            line("i2", "fulfilled", shipment_ids=["S2"]),
            line("i3", "open"),
            status="processing",
        ),
        fo("FO-B", line("i4", "fulfilled", shipment_ids=["S0", "S1"]), status="fulfilled"),
        **{"status": "processing", "creation_source": {"source_type": "API"}, **extra},
    )


def delivered(shipment_id: str | None = "S1", status: str = "delivered") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "references": {"partner_order_reference": "P-0"},
        "post_shipping_info": {"status": status},
    }
    if shipment_id is not None:
        payload["shipment_id"] = shipment_id
    return payload


def statuses(o: dict[str, Any]) -> list[list[str]]:
    return [[x["status"] for x in f["line_items"]] for f in o["fulfillment_orders"]]


def test_delivered_closes_the_fulfilled_lines_of_that_shipment() -> None:
    before = shipped_order()
    after, closed = apply_shipment(before, delivered("S1", "Delivered"), now=NOW)
    assert statuses(after) == [["closed", "fulfilled", "open"], ["closed"]]
    assert closed == [
        {"fulfillment_order_id": "FO-A", "line_item_id": "i1"},
        {"fulfillment_order_id": "FO-B", "line_item_id": "i4"},
    ]
    assert after["update_date"] == NOW
    assert [f["status"] for f in after["fulfillment_orders"]] == ["processing", "closed"]
    assert after["status"] == "processing"
    assert before == shipped_order()


def test_without_a_shipment_id_every_fulfilled_line_closes() -> None:
    after, closed = apply_shipment(shipped_order(), delivered(None), now=NOW)
    assert statuses(after) == [["closed", "closed", "open"], ["closed"]]
    assert len(closed) == 3


@pytest.mark.parametrize(
    ("before", "payload"),
    [
        (shipped_order(), delivered(status="in_transit")),
        (shipped_order(), {"shipment_id": "S1"}),
        (shipped_order(), {"shipment_id": "S1", "post_shipping_info": {}}),
        (shipped_order(creation_source={"source_type": "SHOPIFY"}), delivered()),
        (shipped_order(creation_source={"source_type": "shopify"}), delivered()),
        (shipped_order(status="cancelled"), delivered()),
        (shipped_order(), delivered("S-UNKNOWN")),
        (order(fo("FO-A", line("i1", "closed", shipment_ids=["S1"]))), delivered()),
    ],
    ids=[
        "not-delivered",
        "no-shipping-info",
        "no-status",
        "shopify",
        "shopify-lowercase",
        "cancelled-order",
        "no-matching-line",
        "already-closed",
    ],
)
def test_an_ineligible_notification_returns_the_very_same_order(
    before: dict[str, Any], payload: dict[str, Any]
) -> None:
    snapshot = copy.deepcopy(before)
    after, closed = apply_shipment(before, payload, now=NOW)
    assert after is before
    assert closed == []
    assert before == snapshot
    assert before["update_date"] == EARLIER


def test_closing_every_line_closes_the_order() -> None:
    before = order(
        fo("FO-A", line("i1", "fulfilled", shipment_ids=["S1"]), line("i2", "cancelled"))
    )
    after, _ = apply_shipment(before, delivered(), now=NOW)
    assert after["status"] == "closed"
