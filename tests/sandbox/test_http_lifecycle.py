"""The published order lifecycle over HTTP (api/orders/operation/*): cancel, fulfil, ship,
unfulfil, split, merge, cancel line items, delivery method, address, redact and change logs —
each rule once through the API, refusals changing nothing, and one whole lifecycle end to end.

Every response is checked against `openapi.yaml` by the `client` fixture (conftest.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from tests.sandbox.client import CheckedClient

Json = dict[str, Any]


def fo_path(order: str, fo: str, action: str = "") -> str:
    return f"/orders/{order}/fulfillment-orders/{fo}" + (f"/{action}" if action else "")


def lines(order: Json, fo_id: str) -> list[tuple[str, str, int]]:
    fo = next(f for f in order["fulfillment_orders"] if f["fulfillment_order_id"] == fo_id)
    return [(line["id"], line["status"], line["quantity"]) for line in fo["line_items"]]


def refused(response: TestResponse, status: int = 400) -> list[str | None]:
    assert response.status_code == status, response.get_json()
    return [detail.get("field") for detail in response.get_json()["error_details"]]


# ------------------------------------------------------------------ a whole lifecycle
def test_create_fulfil_deliver_update_and_read_the_change_log(client: CheckedClient) -> None:
    """docs/behaviour.md's worked example: create -> fulfil (a shipment) -> page 004 `delivered`
    closes the lines -> update order keeps the closed lines -> the change log lists every step."""
    created = client.post(
        "/orders",
        json={
            "merchant": "ACME_FASHION",
            "partner_order_reference": "LIFE-1",
            "line_items": [
                {"id": "tee", "sku": "TEE-M", "quantity": 2},
                {"id": "cap", "quantity": 1},
            ],
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-L1",
                    "location_id": "DXB-WH-01",
                    "line_items": [{"id": "tee", "quantity": 2}, {"id": "cap", "quantity": 1}],
                }
            ],
        },
    )
    assert created.status_code == 200, created.get_json()
    order_id = created.get_json()["order_id"]
    fulfilled = client.post(
        fo_path(order_id, "FO-L1", "fulfill"),
        json={
            "line_items": [{"id": "tee", "quantity": 2}],
            "partner_fulfillment_reference": "WH-9",
        },
    )
    assert fulfilled.status_code == 200, fulfilled.get_json()
    tee = fulfilled.get_json()["fulfillment_orders"][0]["line_items"][0]
    (shipment_id,) = tee["shipment_ids"]
    delivered = client.post(
        "/orders/shipment-status-update",
        json={
            "shipment_id": shipment_id,
            "references": {"partner_order_reference": "LIFE-1"},
            "post_shipping_info": {"status": "delivered"},
        },
    )
    assert lines(delivered.get_json(), "FO-L1") == [("tee", "closed", 2), ("cap", "allocated", 1)]
    assert delivered.get_json()["shipments"][0]["status"] == "delivered"
    updated = client.patch(
        f"/orders/{order_id}",
        json={
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-L1", "line_items": [{"id": "cap", "quantity": 1}]}
            ]
        },
    )
    assert lines(updated.get_json(), "FO-L1") == [("tee", "closed", 2), ("cap", "allocated", 1)]
    log = client.get(f"/orders/{order_id}/change-logs").get_json()
    assert [entry["operation"] for entry in log] == [
        "createOrder",
        "fulfillFulfillmentOrder",
        "notifyShipmentStatus",
        "updateOrder",
    ]
    assert log[-1]["changed_fields"] == []  # listed as given: nothing but update_date changed
    newest_first = client.get(
        f"/orders/{order_id}/change-logs", query_string={"sort_order": "DESC"}
    )
    assert newest_first.get_json() == log[::-1]
    assert "fulfillment_orders[FO-L1].line_items" in log[1]["changed_fields"]


# ------------------------------------------------------------------ cancel order
def test_cancel_order_cancels_every_line_and_records_the_removals(client: CheckedClient) -> None:
    """cancel-order: quantities to 0 with removed quantities recorded, FO lines cancelled, the
    order cancelled with its reason; then it cannot be updated (page 002)."""
    before = client.order("ORD-1002")
    response = client.post("/orders/ORD-1002/cancel", json={"cancellation_reason": "STAFF_ERROR"})
    after = client.assert_changed(response, before, "ORDER_CANCEL")
    assert (after["status"], after["cancellation_reason"]) == ("cancelled", "STAFF_ERROR")
    assert [(i["quantity"], i["removed_quantities"]) for i in after["line_items"]] == [
        (0, [{"quantity": 2, "note": "STAFF_ERROR"}]),
        (0, [{"quantity": 1, "note": "STAFF_ERROR"}]),
    ]
    assert {line["status"] for fo in after["fulfillment_orders"] for line in fo["line_items"]} == {
        "cancelled"
    }
    assert refused(client.patch("/orders/ORD-1002", json={"language": "ar"})) == ["status"]


@pytest.mark.parametrize("order_id", ["ORD-1004", "ORD-1005", "ORD-1006", "ORD-1007"])
def test_cancel_order_refuses_what_is_past_allocation(client: CheckedClient, order_id: str) -> None:
    """ "Orders cannot be cancelled when" processing/fulfilled/closed/cancelled: 400, no change."""
    with client.unchanged(order_id):
        response = client.post(f"/orders/{order_id}/cancel", json={"cancellation_reason": "OTHER"})
    assert refused(response) == ["status"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "cancellation_reason"), ({"cancellation_reason": "BORED"}, "cancellation_reason")],
)
def test_cancel_order_needs_one_of_the_six_reasons(
    client: CheckedClient, body: Json, field: str
) -> None:
    with client.unchanged("ORD-1001"):
        assert refused(client.post("/orders/ORD-1001/cancel", json=body)) == [field]


# ------------------------------------------------------------------ fulfil, ship, unfulfil
def test_fulfil_with_skip_shipping_closes_the_lines(client: CheckedClient) -> None:
    response = client.post(
        fo_path("ORD-1003", "FO-1003-A", "fulfill"),
        json={"line_items": [{"id": "LI-1003-2", "quantity": 2}]},
        query_string={"skip_shipping": "true"},
    )
    assert response.status_code == 200, response.get_json()
    assert lines(response.get_json(), "FO-1003-A")[1] == ("LI-1003-2", "closed", 2)
    assert "shipments" not in response.get_json()


def test_a_draft_shipment(client: CheckedClient) -> None:
    response = client.post(
        fo_path("ORD-1003", "FO-1003-A", "fulfill"),
        json={"line_items": [{"line_item_id": "LI-1003-1", "quantity": 1}]},  # older samples' name
        query_string={"create_draft_shipment": "true"},
    )
    assert response.get_json()["shipments"][0]["status"] == "draft"
    assert lines(response.get_json(), "FO-1003-A")[:2] == [
        ("LI-1003-1", "fulfilled", 1),
        ("LI-1003-1", "allocated", 3),
    ]


def test_a_flag_that_is_not_a_boolean_is_400_naming_it(client: CheckedClient) -> None:
    with client.unchanged("ORD-1003"):
        response = client.post(
            fo_path("ORD-1003", "FO-1003-A", "fulfill"),
            json={"line_items": [{"id": "LI-1003-2", "quantity": 1}]},
            query_string={"skip_shipping": "yes"},
        )
    assert refused(response) == ["skip_shipping"]


@pytest.mark.parametrize(
    ("order_id", "fo_id", "action", "body", "field"),
    [
        (
            "ORD-1004",
            "FO-1004-A",
            "fulfill",
            {"line_items": [{"id": "LI-1004-2", "quantity": 1}]},
            "line_items[0].id",
        ),
        (
            "ORD-1003",
            "FO-1003-A",
            "fulfill",
            {"line_items": [{"id": "LI-1003-2", "quantity": 3}]},
            "line_items[0].quantity",
        ),
        (
            "ORD-1001",
            "FO-1001-A",
            "ship",
            {"line_items": [{"id": "LI-1001-1", "quantity": 1}]},
            "line_items[0].id",
        ),
        (
            "ORD-1006",
            "FO-1006-A",
            "unfulfill",
            {"fulfillment_ids": ["FUL-1006-1"]},
            "fulfillment_ids[0]",
        ),
        (
            "ORD-1008",
            "FO-1008-A",
            "unfulfill",
            {"fulfillment_ids": ["FUL-1008-1", "NOPE"]},
            "fulfillment_ids[1]",
        ),
        (
            "ORD-1013",
            "FO-1013-A",
            "split",
            {"line_items": [{"id": "LI-1013-1", "quantity": 1}]},
            "line_items[0].id",
        ),
        (
            "ORD-1003",
            "FO-1003-A",
            "split",
            {"line_items": [{"id": "LI-1003-1", "quantity": 1}], "location_id": "NOWHERE"},
            "location_id",
        ),
        (
            "ORD-1005",
            "FO-1005-A",
            "cancel",
            {"cancellation_reason": "OTHER", "line_items": [{"id": "LI-1005-1", "quantity": 1}]},
            "line_items[0].id",
        ),
    ],
    ids=[
        "fulfil-fulfilled",
        "fulfil-over-quantity",
        "ship-open",
        "unfulfil-delivered",
        "unfulfil-unknown",
        "split-picked",
        "split-unknown-location",
        "cancel-fulfilled",
    ],
)
def test_lifecycle_refusals_name_the_field_and_change_nothing(
    client: CheckedClient, order_id: str, fo_id: str, action: str, body: Json, field: str
) -> None:
    """Each published page's status and quantity gates: 400 naming the field, nothing applied."""
    with client.unchanged(order_id):
        response = client.post(fo_path(order_id, fo_id, action), json=body)
    assert refused(response) == [field]


def test_unfulfil_returns_the_lines_and_cancels_the_shipment(client: CheckedClient) -> None:
    before = client.order("ORD-1008")
    response = client.post(
        fo_path("ORD-1008", "FO-1008-A", "unfulfill"), json={"fulfillment_ids": ["FUL-1008-1"]}
    )
    after = client.assert_changed(response, before, "FULFILLMENT_ORDER_UNFULFILL")
    assert lines(after, "FO-1008-A") == [
        ("LI-1008-1", "allocated", 1),
        ("LI-1008-2", "allocated", 1),
    ]
    assert after["status"] == "allocated"


def test_unfulfil_by_partner_fulfillment_order_reference(client: CheckedClient) -> None:
    """The published body's other identifier: the FO's reference reverses its fulfilments; one
    naming nothing is a 400 naming it; a body naming neither is a 400 (ours)."""
    order_id, fo_id = "ORD-1008", "FO-1008-A"
    path = fo_path(order_id, fo_id, "unfulfill")
    with client.unchanged(order_id):
        for body in ({"partner_fulfillment_order_reference": "NOPE"}, {}):
            assert client.post(path, json=body).status_code == 400
    reference = {"partner_fulfillment_order_reference": "WMS-1008"}
    client.patch(fo_path(order_id, fo_id, "update-partner-references"), json=reference)
    before = client.order(order_id)
    after = client.assert_changed(
        client.post(path, json=reference), before, "FULFILLMENT_ORDER_UNFULFILL"
    )
    assert {status for _, status, _ in lines(after, fo_id)} == {"allocated"}


# ------------------------------------------------------------------ split and merge
def test_split_then_merge_back(client: CheckedClient) -> None:
    """split-fulfillment-order then merge-fulfillment-orders: the split FO is new (new id, the
    given reference and location), and merging it back removes it."""
    split = client.post(
        fo_path("ORD-1003", "FO-1003-A", "split"),
        json={
            "line_items": [{"id": "LI-1003-1", "quantity": 1}],
            "partner_fulfillment_order_reference": "SPLIT-9",
        },
    ).get_json()
    original, created = split["fulfillment_orders"]
    assert created["partner_fulfillment_order_reference"] == "SPLIT-9"
    assert created["location_id"] == original["location_id"] == "AUH-YAS-01"
    assert created["delivery_method"] == "COLLECTION"
    assert lines(split, created["fulfillment_order_id"]) == [("LI-1003-1", "allocated", 1)]
    merged = client.post(
        "/orders/ORD-1003/fulfillment-orders/merge",
        json={
            "source": {"fulfillment_order_id": created["fulfillment_order_id"]},
            "destination": {"fulfillment_order_id": "FO-1003-A"},
        },
    )
    assert merged.status_code == 200, merged.get_json()
    assert [fo["fulfillment_order_id"] for fo in merged.get_json()["fulfillment_orders"]] == [
        "FO-1003-A"
    ]
    assert lines(merged.get_json(), "FO-1003-A") == [
        ("LI-1003-1", "allocated", 4),
        ("LI-1003-2", "allocated", 2),
    ]


def test_a_split_to_another_location_of_the_tenant(client: CheckedClient) -> None:
    response = client.post(
        fo_path("ORD-1003", "FO-1003-A", "split"),
        json={"line_items": [{"id": "LI-1003-2", "quantity": 2}], "location_id": "DXB-WH-01"},
    )
    assert response.status_code == 200, response.get_json()
    _, created = response.get_json()["fulfillment_orders"]
    # ACME_HOME's location_code DXB-WH-01 is JAFZA-WH-07, but a partner_location_id comes first
    # (page 001): DXB-WH-01 is a location of the tenant
    assert created["location_id"] == "DXB-WH-01"
    assert lines(response.get_json(), "FO-1003-A") == [("LI-1003-1", "allocated", 4)]


def test_merge_refuses_fos_at_different_locations(client: CheckedClient) -> None:
    with client.unchanged("ORD-1002"):
        response = client.post(
            "/orders/ORD-1002/fulfillment-orders/merge",
            json={
                "source": {"fulfillment_order_id": "FO-1002-B"},
                "destination": {"fulfillment_order_id": "FO-1002-A"},
            },
        )
    assert refused(response) == ["destination.location_id"]


def test_merge_of_an_unknown_fo_is_404(client: CheckedClient) -> None:
    with client.unchanged("ORD-1014"):
        response = client.post(
            "/orders/ORD-1014/fulfillment-orders/merge",
            json={
                "source": {"fulfillment_order_id": "FO-NOPE"},
                "destination": {"fulfillment_order_id": "FO-1014-A"},
            },
        )
    assert refused(response, 404) == ["source.fulfillment_order_id"]


# ------------------------------------------------------------------ cancel line items
def test_cancel_line_items_records_the_removal_on_the_order_line(client: CheckedClient) -> None:
    before = client.order("ORD-1003")
    response = client.post(
        fo_path("ORD-1003", "FO-1003-A", "cancel"),
        json={
            "cancellation_reason": "INVENTORY_OUT_OF_STOCK",
            "line_items": [{"id": "LI-1003-2", "quantity": 1}],
        },
    )
    after = client.assert_changed(response, before, "FULFILLMENT_ORDER_CANCEL_LINE_ITEMS")
    assert lines(after, "FO-1003-A")[1:] == [
        ("LI-1003-2", "cancelled", 1),
        ("LI-1003-2", "allocated", 1),
    ]
    item = after["line_items"][1]
    assert (item["quantity"], item["removed_quantities"]) == (
        1,
        [{"quantity": 1, "note": "INVENTORY_OUT_OF_STOCK"}],
    )


# ------------------------------------------------------------------ delivery method and address
def test_switching_to_collection_clears_the_delivery_address_and_schedule(
    client: CheckedClient, fixture_order: Any
) -> None:
    """update-fulfillment-order-delivery-method: "Switching to a new delivery method will clear the
    address and schedule fields associated with the previous method"."""
    seeded = fixture_order("ORD-1001")
    fo = seeded["fulfillment_orders"][0]
    fo["delivery_address"] = {"address1": "1 Road", "city": "DUBAI", "country": "AE"}
    fo["delivery_schedule"] = {"scheduled_from": "2030-01-01T09:00:00Z"}
    client.seed(seeded)
    response = client.patch(
        fo_path("ORD-1001", "FO-1001-A", "update-delivery-method"),
        json={
            "delivery_method": "COLLECTION",
            "address": {"partner_location_id": "AUH-YAS-01"},
            "scheduled_to": "2030-01-02T18:00:00Z",
        },
    )
    assert response.status_code == 200, response.get_json()
    after = response.get_json()["fulfillment_orders"][0]
    assert after["delivery_method"] == "COLLECTION"
    assert "delivery_address" not in after and "delivery_schedule" not in after
    assert after["customer_collection_address"] == {"partner_location_id": "AUH-YAS-01"}
    assert after["customer_collection_schedule"] == {"scheduled_to": "2030-01-02T18:00:00Z"}


def test_the_delivery_method_of_a_started_fo_cannot_change(client: CheckedClient) -> None:
    with client.unchanged("ORD-1004"):
        response = client.patch(
            fo_path("ORD-1004", "FO-1004-A", "update-delivery-method"),
            json={"delivery_method": "DIGITAL"},
        )
    assert refused(response) == ["delivery_method"]


def test_update_address_sets_the_address_the_method_reads(client: CheckedClient) -> None:
    address = {
        "contact_name": "Jo Bloggs",
        "address1": "2 Marina Walk",
        "city": "DUBAI",
        "country": "AE",
    }
    delivery = client.patch(
        fo_path("ORD-1001", "FO-1001-A", "update-address"), json={"address": address}
    )
    assert delivery.get_json()["fulfillment_orders"][0]["delivery_address"] == address
    collection = client.patch(
        fo_path("ORD-1003", "FO-1003-A", "update-address"), json={"address": address}
    )
    assert collection.get_json()["fulfillment_orders"][0]["customer_collection_address"] == address
    with client.unchanged("ORD-1011"):
        digital = client.patch(
            fo_path("ORD-1011", "FO-1011-A", "update-address"), json={"address": address}
        )
    assert refused(digital) == ["address"]


# ------------------------------------------------------------------ redact
def test_redact_clears_personal_data_and_the_order_still_works(client: CheckedClient) -> None:
    before = client.order("ORD-1003")
    after = client.assert_changed(client.post("/orders/ORD-1003/redact"), before, "ORDER_UPDATE")
    assert after["redacted"] is True
    for address in (
        after["shipping_address"],
        after["billing_address"],
        after["fulfillment_orders"][0].get("customer_collection_address", {}),
    ):
        assert not {"contact_name", "contact_phone", "contact_email", "address1", "coords"} & set(
            address
        )
    assert after["shipping_address"]["city"] == "Abu Dhabi"  # operational data stays
    assert client.patch("/orders/ORD-1003", json={"language": "ar"}).status_code == 200
    again = client.post("/orders/ORD-1003/redact")
    assert again.status_code == 200 and again.get_json()["redacted"] is True


# ------------------------------------------------------------------ change logs, preserved lines
def test_the_change_log_of_an_unknown_order_is_404_and_sort_order_is_checked(
    client: CheckedClient,
) -> None:
    assert refused(client.get("/orders/NOPE/change-logs"), 404) == ["orderReference"]
    assert refused(
        client.get("/orders/ORD-1001/change-logs", query_string={"sort_order": "UP"})
    ) == ["sort_order"]
    assert client.get("/orders/ORD-1001/change-logs").get_json() == []  # seeded: no history yet


def test_the_pending_part_of_an_item_fulfilled_elsewhere_stays_listable(
    client: CheckedClient,
) -> None:
    """Page 002 (ours, docs/behaviour.md): FO-1004-B holds LI-1004-1 allocated while its other
    unit is fulfilled in FO-1004-A; listing it in FO-1004-B keeps it, as any pending line."""
    response = client.patch(
        "/orders/ORD-1004",
        json={
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-1004-A"},
                {
                    "fulfillment_order_id": "FO-1004-B",
                    "line_items": [{"id": "LI-1004-1", "quantity": 1}],
                },
            ]
        },
    )
    assert response.status_code == 200, response.get_json()
    assert lines(response.get_json(), "FO-1004-B") == [("LI-1004-1", "allocated", 1)]


def test_a_partly_fulfilled_line_keeps_its_remainder_on_update(client: CheckedClient) -> None:
    client.post(
        fo_path("ORD-1003", "FO-1003-A", "fulfill"),
        json={"line_items": [{"id": "LI-1003-1", "quantity": 1}]},
    )
    response = client.patch(
        "/orders/ORD-1003",
        json={
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-1003-A",
                    "line_items": [
                        {"id": "LI-1003-1", "quantity": 3},
                        {"id": "LI-1003-2", "quantity": 2},
                    ],
                }
            ]
        },
    )
    assert response.status_code == 200, response.get_json()
    assert lines(response.get_json(), "FO-1003-A") == [
        ("LI-1003-1", "fulfilled", 1),
        ("LI-1003-1", "allocated", 3),
        ("LI-1003-2", "allocated", 2),
    ]
