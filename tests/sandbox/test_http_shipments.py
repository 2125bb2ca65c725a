"""Shipment status notification, `POST /orders/shipment-status-update` (page 004): auto-close of
delivered fulfilled lines; everything else comes back unchanged.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

Json = dict[str, Any]
AUTO_CLOSED = "ORDER_SHIPMENT_STATUS_UPDATE"


def notify(client: CheckedClient, reference: str, status: Any = None, **extra: Any) -> TestResponse:
    """POST a shipment for `reference`, with `post_shipping_info.status` when given."""
    body: Json = {"references": {"partner_order_reference": reference}, **extra}
    if status is not None:
        body["post_shipping_info"] = {"status": status}
    return client.post("/orders/shipment-status-update", json=body)


def statuses(order: Json) -> dict[str, str]:
    """`FO id/line id` -> line status."""
    return {
        f"{fo['fulfillment_order_id']}/{line['id']}": line["status"]
        for fo in order["fulfillment_orders"]
        for line in fo["line_items"]
    }


def closed(order: Json, *keys: str) -> Json:
    """`order` with the named lines (`FO id/line id`) closed; statuses left to re-derive."""
    fos = [
        {
            **fo,
            "line_items": [
                {**line, "status": "closed"}
                if f"{fo['fulfillment_order_id']}/{line['id']}" in keys
                else line
                for line in fo["line_items"]
            ],
        }
        for fo in order["fulfillment_orders"]
    ]
    return {**order, "fulfillment_orders": fos}


@pytest.mark.parametrize("status", ["delivered", "DELIVERED", "Delivered"])
def test_delivered_closes_the_shipments_fulfilled_lines(client: CheckedClient, status: str) -> None:
    """Page 004: `delivered` (any case, ours) closes the FO lines with status fulfilled whose
    shipment_ids contain the shipment_id; the cancelled line stays; ORD-1005 becomes closed."""
    before = client.order("ORD-1005")
    response = notify(client, "SHOP-1005", status, shipment_id="CARSHP3XH8W2LD")
    after = client.assert_changed(response, before, AUTO_CLOSED)
    expected = closed(before[0], "FO-1005-A/LI-1005-1", "FO-1005-A/LI-1005-2")
    expected["fulfillment_orders"][0]["status"] = "closed"
    assert after == {**expected, "status": "closed", "update_date": client.clock.last}
    assert client.events()[0]["details"]["closed_line_items"] == [
        {"fulfillment_order_id": "FO-1005-A", "line_item_id": "LI-1005-1"},
        {"fulfillment_order_id": "FO-1005-A", "line_item_id": "LI-1005-2"},
    ]


def test_the_deprecated_path_answers_as_the_published_one(
    client: CheckedClient, make_client: ClientFactory
) -> None:
    """`POST /orders/shipment-status` (the sandbox's earlier path, deprecated) keeps answering:
    the same order, closed the same way, as at `/orders/shipment-status-update`."""
    body = {
        "shipment_id": "CARSHP3XH8W2LD",
        "references": {"partner_order_reference": "SHOP-1005"},
        "post_shipping_info": {"status": "delivered"},
    }
    published = client.post("/orders/shipment-status-update", json=body)
    other = make_client()
    deprecated = other.post("/orders/shipment-status", json=body)
    assert (published.status_code, deprecated.status_code) == (200, 200)
    assert statuses(deprecated.get_json()) == statuses(published.get_json())
    assert deprecated.get_json()["status"] == published.get_json()["status"] == "closed"
    assert other.events()[0]["triggers"][0] == AUTO_CLOSED


@pytest.mark.parametrize("shipment_id", [None, "CARSHP2WL9P4HX"])
def test_delivered_without_or_with_the_shipment_id(
    client: CheckedClient, shipment_id: str | None
) -> None:
    """Ours: without a shipment_id every fulfilled line closes; ORD-1009 stays processing
    because its DIGITAL line is still allocated (fixtures/README.md)."""
    before = client.order("ORD-1009")
    extra = {"shipment_id": shipment_id} if shipment_id else {}
    after = client.assert_changed(
        notify(client, "SHOP-1009", "delivered", **extra), before, AUTO_CLOSED
    )
    assert statuses(after) == statuses(closed(before[0], "FO-1009-A/LI-1009-2"))
    assert after["status"] == "processing"
    assert [fo["status"] for fo in after["fulfillment_orders"]] == ["closed", "allocated"]


@pytest.mark.parametrize(
    ("reference", "status", "extra"),
    [
        pytest.param("SHOP-1005", "in_transit", {}, id="in-transit"),
        pytest.param("SHOP-1005", "out_for_delivery", {}, id="out-for-delivery"),
        pytest.param("SHOP-1005", "", {}, id="empty-status"),
        pytest.param("SHOP-1005", "delivered-ish", {}, id="not-exactly-delivered"),
        pytest.param("SHOP-1005", None, {}, id="no-post-shipping-info"),
        pytest.param(
            "SHOP-1005", "delivered", {"shipment_id": "CARSHP-OTHER"}, id="other-shipment"
        ),
        pytest.param("SHOP-1008", "delivered", {}, id="shopify-order"),
        pytest.param("SHOP-1007", "delivered", {}, id="cancelled-order"),
        pytest.param("SHOP-1001", "delivered", {}, id="nothing-fulfilled"),
        pytest.param("SHOP-1006", "delivered", {}, id="already-closed"),
    ],
)
def test_unqualified_notifications_return_the_order_unchanged(
    client: CheckedClient, reference: str, status: str | None, extra: Json
) -> None:
    """Page 004: "may return the unchanged order when the shipment does not qualify" (not
    delivered; "Shopify-sourced orders are skipped"; ours: a cancelled order, or no fulfilled
    line of that shipment): same body, same update_date and ETag, no event."""
    order, etag = client.order(reference, key="partner_order_reference")
    with client.unchanged(order["order_id"]):
        response = notify(client, reference, status, **extra)
    assert response.status_code == 200
    assert (response.get_json(), response.headers["ETag"]) == (order, etag)


def test_second_delivered_notification_changes_nothing(client: CheckedClient) -> None:
    """Once closed, the lines are no longer fulfilled: a repeat is the unchanged order."""
    assert notify(client, "SHOP-1005", "delivered").status_code == 200
    with client.unchanged("ORD-1005"):
        assert notify(client, "SHOP-1005", "delivered").status_code == 200


@pytest.mark.parametrize("status", ["delivered", "in_transit"])
def test_unknown_reference_is_an_empty_200(client: CheckedClient, status: str) -> None:
    """Page 004: "The response body may be empty when no order is found"."""
    with client.unchanged():
        response = notify(client, "NO-SUCH-REFERENCE", status)
    assert (response.status_code, response.data) == (200, b"")


def test_reference_is_a_partner_order_reference_not_an_order_id(client: CheckedClient) -> None:
    """Page 004 matches `references.partner_order_reference`, never an order_id."""
    with client.unchanged("ORD-1005"):
        response = notify(client, "ORD-1005", "delivered")
    assert response.data == b""


def test_other_shipment_fields_are_accepted_and_ignored(client: CheckedClient) -> None:
    """Page 004: the body is a whole shipment (the webhook structure); extra fields are fine."""
    before = client.order("ORD-1005")
    response = notify(
        client,
        "SHOP-1005",
        "delivered",
        shipment_id="CARSHP3XH8W2LD",
        carrier="ARAMEX",
        pickup={"city": "DUBAI"},
        references_extra={"x": 1},
    )
    assert client.assert_changed(response, before, AUTO_CLOSED)["status"] == "closed"
