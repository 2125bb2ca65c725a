"""Create and get (ours: `POST /orders` 200, `GET /orders/{orderReference}`; the pages show
neither, see their descriptions in `openapi.yaml`).

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.sandbox.client import CheckedClient
    from tests.sandbox.conftest import ClientFactory

FIXTURE_IDS = {"ORD-1001", "LI-1001-1", "FO-1001-A"}


def create(client: CheckedClient, body: dict[str, Any]) -> dict[str, Any]:
    """POST /orders, which must be 200 with an ETag and a recorded `order.created` event."""
    response = client.post("/orders", json=body)
    assert response.status_code == 200, response.get_json()
    created: dict[str, Any] = response.get_json()
    assert client.order(created["order_id"]) == (created, response.headers["ETag"])
    newest = client.events()[0]
    assert (newest["triggers"][0], newest["order"]) == ("ORDER_CREATE", created)
    return created


def test_create_generates_missing_ids_and_allocates_lines_that_have_a_location(
    client: CheckedClient,
) -> None:
    """Ours: ids generated when absent; every FO line starts pending, `allocated` in an FO with a
    location (reference/line-item-status-codes); statuses derived."""
    created = create(
        client,
        {
            "merchant": "ACME_FASHION",
            "partner_order_reference": "WEB-1",
            "line_items": [{"sku": "TSHIRT-M", "quantity": 2}, {"id": "item-2", "quantity": 1}],
            "fulfillment_orders": [
                {
                    "location_id": "DXB-WH-01",
                    "line_items": [{"line_item_id": "item-2", "quantity": 1}],
                }
            ],
        },
    )
    generated = created["order_id"], created["line_items"][0]["id"]
    (fo,) = created["fulfillment_orders"]
    assert all(generated) and not FIXTURE_IDS & {*generated, fo["fulfillment_order_id"]}
    assert fo["fulfillment_order_id"]
    assert fo["line_items"] == [{"id": "item-2", "quantity": 1, "status": "allocated"}]
    assert (fo["status"], created["status"]) == ("allocated", "allocated")
    assert fo["delivery_method"] == "DELIVERY"
    assert created["tenant"] == client.headers["tenant-id"]
    assert created["creation_date"] == created["update_date"] == fo["creation_date"]
    assert created["update_date"] == client.clock.last


def test_create_keeps_given_ids(client: CheckedClient) -> None:
    """Ours: `order_id`, line item and FO ids are kept when given."""
    created = create(
        client,
        {
            "merchant": "ACME_HOME",
            "order_id": "MY-ORDER",
            "line_items": [{"line_item_id": "MY-LINE", "quantity": 1}],
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "MY-FO",
                    "delivery_method": "COLLECTION",
                    "line_items": [{"id": "MY-LINE", "quantity": 1}],
                }
            ],
        },
    )
    assert created["order_id"] == "MY-ORDER"
    assert [line["id"] for line in created["line_items"]] == ["MY-LINE"]
    assert "line_item_id" not in created["line_items"][0]
    assert created["fulfillment_orders"][0]["fulfillment_order_id"] == "MY-FO"
    assert created["fulfillment_orders"][0]["delivery_method"] == "COLLECTION"


def test_create_opens_lines_whatever_the_request_says(client: CheckedClient) -> None:
    """Ours: "every fulfillment order line item starts with status open, whatever the request
    says"; the order status is derived, never taken from the request."""
    created = create(
        client,
        {
            "merchant": "ACME_FASHION",
            "status": "fulfilled",
            "line_items": [{"id": "a", "quantity": 1}],
            "fulfillment_orders": [
                {
                    "status": "fulfilled",
                    "line_items": [
                        {"id": "a", "quantity": 1, "status": "fulfilled", "fulfillment_id": "F"}
                    ],
                }
            ],
        },
    )
    assert created["fulfillment_orders"][0]["line_items"] == [
        {"id": "a", "quantity": 1, "status": "open"}
    ]
    assert created["status"] == created["fulfillment_orders"][0]["status"] == "open"


def test_create_applies_top_level_delivery_fields_and_resolves_location_codes(
    client: CheckedClient,
) -> None:
    """create-order: the top-level delivery fields go to the FOs created, not the order; an FO
    naming its location by `fulfillment_location.partner_location_code` gets its location_id
    (resolved as page 001 resolves one) and allocated lines."""
    address = {"city": "Dubai", "country": "AE"}
    created = create(
        client,
        {
            "merchant": "ACME_FASHION",
            "delivery_method": "DELIVERY",
            "delivery_address": address,
            "line_items": [{"id": "item-1", "quantity": 1}],
            "fulfillment_orders": [
                {
                    "fulfillment_location": {"partner_location_code": "AF-RUH-01"},
                    "line_items": [{"id": "item-1", "quantity": 1}],
                }
            ],
        },
    )
    assert "delivery_method" not in created and "delivery_address" not in created
    (fo,) = created["fulfillment_orders"]
    assert (fo["delivery_method"], fo["delivery_address"]) == ("DELIVERY", address)
    assert (fo["location_id"], fo["status"], created["status"]) == (
        "RUH-DC-01",
        "allocated",
        "allocated",
    )


def test_create_refuses_an_unknown_location_code(client: CheckedClient) -> None:
    """An FO's partner_location_code that resolves to no location of the tenant: 400 in the
    published error body naming it, nothing created."""
    entry = {"fulfillment_location": {"partner_location_code": "AH-AUH-01"}}  # ACME_HOME's
    with client.unchanged():
        refused = client.post(
            "/orders", json={"merchant": "ACME_FASHION", "fulfillment_orders": [entry]}
        )
    assert refused.status_code == 400
    assert refused.get_json()["status"] == "400"
    assert client.error_fields(refused) == [
        "fulfillment_orders[0].fulfillment_location.partner_location_code"
    ]


def test_get_honours_key(client: CheckedClient) -> None:
    """Pages 000-003's `key`: the created order is found by order_id and by partner reference."""
    created = create(client, {"merchant": "ACME_FASHION", "partner_order_reference": "WEB-7"})
    assert client.order("WEB-7", key="partner_order_reference") == client.order(
        created["order_id"], key="order_id"
    )
    assert client.get("/orders/WEB-7").status_code == 404


def test_get_returns_the_stored_fixture(client: CheckedClient, fixture_order: Any) -> None:
    """GET returns the stored order exactly."""
    assert client.order("ORD-1004")[0] == fixture_order("ORD-1004")


def test_ids_are_per_tenant(make_client: ClientFactory) -> None:
    """Orders belong to their tenant: another tenant may use the same ids and references."""
    client = make_client(headers={"x-api-key": "k", "tenant-id": "globex-demo"})
    created = create(
        client,
        {
            "merchant": "ACME_FASHION",
            "order_id": "ORD-1001",
            "partner_order_reference": "SHOP-1001",
        },
    )
    assert created["tenant"] == "globex-demo"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("update_source", {"source": "admin-ui"}),
        ("redacted", True),
        ("auto_allocation_failed", True),
        ("cancellation_reason", "CUSTOMER_CANCELLATION"),
        ("error_details", [{"code": "X"}]),
    ],
)
def test_create_ignores_server_owned_order_fields(
    client: CheckedClient, field: str, value: Any
) -> None:
    """Order fields that `CreateOrderRequest` does not declare are the server's (page 004's
    model): a create request cannot set them, valid or not."""
    for sent in (value, 12345):
        created = create(client, {"merchant": "ACME_FASHION", field: sent})
        assert field not in created


def test_new_fo_ignores_server_owned_fields(client: CheckedClient) -> None:
    """`allocation_history` and `status` of a fulfillment order are the server's (page 004)."""
    created = create(
        client,
        {
            "merchant": "ACME_FASHION",
            "fulfillment_orders": [{"allocation_history": 3, "status": "bogus"}],
        },
    )
    (fo,) = created["fulfillment_orders"]
    assert "allocation_history" not in fo
    assert fo["status"] == "open"


def test_new_fo_creation_date_is_validated(client: CheckedClient) -> None:
    """A new FO's `creation_date` is kept when given (domain rule), so it must be a date-time."""
    response = client.post(
        "/orders",
        json={"merchant": "ACME_FASHION", "fulfillment_orders": [{"creation_date": "nope"}]},
    )
    assert response.status_code == 400
    assert client.error_fields(response) == ["fulfillment_orders[0].creation_date"]


def test_create_refuses_fo_quantities_over_the_ordered_ones(client: CheckedClient) -> None:
    """Ours (as the published fulfill and ship pages): an item's FO quantities may not exceed its
    ordered quantity; the 400 names the FO line that passes it, and nothing is created."""
    body = {
        "merchant": "ACME_FASHION",
        "order_id": "TOO-MANY",
        "line_items": [{"id": "a", "quantity": 2}],
        "fulfillment_orders": [
            {"line_items": [{"id": "a", "quantity": 1}]},
            {"line_items": [{"id": "a", "quantity": 2}]},
        ],
    }
    response = client.post("/orders", json=body)
    assert response.status_code == 400
    assert client.error_fields(response) == ["fulfillment_orders[1].line_items[0].quantity"]
    assert client.get("/orders/TOO-MANY").status_code == 404
