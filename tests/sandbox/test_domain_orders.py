"""orders.py: create an order (ours) and update one (page 002)."""

import copy
from typing import Any

import pytest

from mock_server.domain import InvalidRequest, NotUpdatable, update_order
from mock_server.domain.creation import REQUEST_ONLY
from tests.sandbox.support import EARLIER, NOW, containers, create, fo, id_factory, line, order


def update(before: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return update_order(before, body, now=NOW, new_id=id_factory())


# --- create_order -------------------------------------------------------------------------------


def test_create_sets_tenant_dates_and_generated_ids() -> None:
    created = create(
        {
            "tenant": "someone-else",
            "partner_order_reference": "P-1",
            "line_items": [{"sku": "A", "quantity": 2}, {"line_item_id": "keep", "quantity": 1}],
            "fulfillment_orders": [{"line_items": [{"line_item_id": "keep", "quantity": 1}]}],
        }
    )
    assert created["tenant"] == "t1"
    assert created["order_id"] == "ORD-1"
    assert created["partner_order_reference"] == "P-1"
    assert created["creation_date"] == created["update_date"] == NOW
    assert created["line_items"] == [
        {"id": "LI-1", "sku": "A", "quantity": 2},
        {"id": "keep", "quantity": 1},
    ]
    assert created["fulfillment_orders"] == [
        {
            "fulfillment_order_id": "FO-1",
            "creation_date": NOW,
            "delivery_method": "DELIVERY",
            "line_items": [{"id": "keep", "quantity": 1, "status": "open"}],
            "status": "open",
        }
    ]


def test_create_keeps_given_ids_dates_and_delivery_method() -> None:
    created = create(
        {
            "order_id": "MY-ORDER",
            "line_items": [{"id": "a"}],
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "MY-FO",
                    "creation_date": EARLIER,
                    "delivery_method": "COLLECTION",
                    "customer_collection_schedule": {"scheduled_to": EARLIER},
                    "line_items": [{"id": "a", "quantity": 1}],
                }
            ],
        }
    )
    assert created["order_id"] == "MY-ORDER"
    (new_fo,) = created["fulfillment_orders"]
    assert new_fo["fulfillment_order_id"] == "MY-FO"
    assert new_fo["creation_date"] == EARLIER
    assert new_fo["delivery_method"] == "COLLECTION"
    assert new_fo["customer_collection_schedule"] == {"scheduled_to": EARLIER}


def test_create_starts_every_fo_line_open_with_only_id_and_quantity() -> None:
    created = create(
        {
            "line_items": [{"id": "a"}],
            "fulfillment_orders": [
                {
                    "status": "fulfilled",
                    "line_items": [
                        {"id": "a", "quantity": 3, "status": "fulfilled", "fulfillment_id": "F"}
                    ],
                }
            ],
        }
    )
    assert created["fulfillment_orders"][0]["line_items"] == [
        {"id": "a", "quantity": 3, "status": "open"}
    ]
    assert created["fulfillment_orders"][0]["status"] == "open"


def test_create_allocates_the_lines_of_an_fo_with_a_location() -> None:
    """reference/line-item-status-codes: "allocated - The parent fulfillment order has a
    fulfillment location assigned"; the FO and the order roll up to allocated."""
    created = create(
        {
            "line_items": [{"id": "a", "quantity": 2}, {"id": "b", "quantity": 1}],
            "fulfillment_orders": [
                {"location_id": "L-1", "line_items": [{"id": "a", "quantity": 2}]},
                {"line_items": [{"id": "b", "quantity": 1}]},
            ],
        }
    )
    located, unlocated = created["fulfillment_orders"]
    assert located["line_items"] == [{"id": "a", "quantity": 2, "status": "allocated"}]
    assert (located["status"], unlocated["status"]) == ("allocated", "open")
    assert created["status"] == "partially_allocated"


@pytest.mark.parametrize("sent", ["fulfilled", "cancelled", "closed"])
def test_create_derives_the_order_status_whatever_the_client_sent(sent: str) -> None:
    assert create({"status": sent})["status"] == "open"


def test_create_without_lines_or_fos_gives_an_empty_open_order() -> None:
    created = create({})
    assert created["line_items"] == []
    assert created["fulfillment_orders"] == []
    assert created["status"] == "open"


def test_create_applies_the_top_level_delivery_fields_to_the_fos_only() -> None:
    """create-order: the top-level delivery fields are request-only: the FOs created take them
    (an FO's own value wins), the order stores none of them."""
    address, window = {"city": "Dubai"}, {"scheduled_from": NOW}
    created = create(
        {
            "merchant": "m1",
            "delivery_method": "COLLECTION",
            "delivery_type": "EXPRESS",
            "customer_collection_address": address,
            "customer_collection_schedule": window,
            "fulfillment_orders": [{}, {"delivery_method": "DELIVERY"}],
        }
    )
    assert not set(REQUEST_ONLY) & set(created)
    first, second = created["fulfillment_orders"]
    assert {key: first.get(key) for key in REQUEST_ONLY if key in first} == {
        "delivery_method": "COLLECTION",
        "delivery_type": "EXPRESS",
        "customer_collection_address": address,
        "customer_collection_schedule": window,
    }
    assert (second["delivery_method"], second["delivery_type"]) == ("DELIVERY", "EXPRESS")


@pytest.mark.parametrize(("code", "resolved"), [("WH-2", "WH-2"), ("DXB", "WH-1")])
def test_create_resolves_a_location_named_by_code_and_allocates(code: str, resolved: str) -> None:
    """place-order-with-fulfillment-orders: `fulfillment_location.partner_location_code`,
    resolved as page 001 resolves a location (partner id of any merchant, else the merchant's
    code): the FO gets its location_id and its lines are allocated."""
    created = create(
        {
            "merchant": "m1",
            "line_items": [{"id": "i1", "quantity": 1}],
            "fulfillment_orders": [
                {
                    "fulfillment_location": {"partner_location_code": code},
                    "line_items": [{"id": "i1", "quantity": 1}],
                }
            ],
        }
    )
    placed = created["fulfillment_orders"][0]
    assert placed["location_id"] == resolved
    assert [x["status"] for x in placed["line_items"]] == ["allocated"]
    assert created["status"] == "allocated"


def test_create_refuses_an_unknown_location_code() -> None:
    """Neither a partner_location_id nor the merchant's location_code: 400 naming the field."""
    entry = {"fulfillment_location": {"partner_location_code": "AUH"}}  # m2's code
    with pytest.raises(InvalidRequest) as err:
        create({"merchant": "m1", "fulfillment_orders": [{}, entry]})
    assert (err.value.code, err.value.field) == (
        "LOCATION_NOT_FOUND",
        "fulfillment_orders[1].fulfillment_location.partner_location_code",
    )


def test_create_refuses_an_fo_line_that_names_no_order_line_item() -> None:
    body = {
        "line_items": [{"id": "a"}],
        "fulfillment_orders": [
            {"line_items": [{"id": "a", "quantity": 1}]},
            {"line_items": [{"id": "a", "quantity": 1}, {"id": "zz", "quantity": 1}]},
        ],
    }
    with pytest.raises(InvalidRequest) as err:
        create(body)
    assert err.value.code == "LINE_ITEM_NOT_IN_ORDER"
    assert err.value.field == "fulfillment_orders[1].line_items[1].id"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("fulfillment_order_id", "DUPLICATE_FULFILLMENT_ORDER_ID"),
        ("partner_fulfillment_order_reference", "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE"),
    ],
)
def test_create_refuses_fos_sharing_an_id_or_reference(key: str, code: str) -> None:
    body = {"fulfillment_orders": [{key: "X"}, {key: "Y"}, {key: "X"}]}
    with pytest.raises(InvalidRequest) as err:
        create(body)
    assert (err.value.code, err.value.field) == (code, f"fulfillment_orders[2].{key}")


def test_create_refuses_duplicate_order_line_ids() -> None:
    with pytest.raises(InvalidRequest) as err:
        create({"line_items": [{"id": "a"}, {"line_item_id": "a"}]})
    assert (err.value.code, err.value.field) == ("DUPLICATE_LINE_ITEM_ID", "line_items[1].id")


def test_create_does_not_mutate_or_alias_its_body() -> None:
    body = {
        "customer": {"name": "Jo"},
        "line_items": [{"line_item_id": "a"}],
        "fulfillment_orders": [{"carriyo_metadata": [], "line_items": [{"id": "a"}]}],
    }
    snapshot = copy.deepcopy(body)
    created = create(body)
    created["customer"]["name"] = "changed"
    created["fulfillment_orders"][0]["carriyo_metadata"].append({"key": "k"})
    assert body == snapshot


# --- update_order -------------------------------------------------------------------------------


def test_a_cancelled_order_cannot_be_updated() -> None:
    with pytest.raises(NotUpdatable) as err:
        update(order(status="cancelled"), {"language": "en"})
    assert (err.value.code, err.value.field) == ("ORDER_NOT_UPDATABLE", "status")


@pytest.mark.parametrize(
    "status",
    [
        "open",
        "partially_allocated",
        "allocated",
        "processing",
        "partially_fulfilled",
        "fulfilled",
        "closed",
    ],
)
def test_every_other_status_can_be_updated(status: str) -> None:
    assert update(order(status=status), {"language": "fr"})["language"] == "fr"


def test_only_provided_fields_change_and_are_replaced_wholesale() -> None:
    before = order(
        fo("FO-A", line("i1")),
        language="en",
        sales_channel="web",
        taxes_included=True,
        shipping_address={"city": "DUBAI", "country": "AE", "postcode": "1"},
    )
    body = {
        "sales_channel": "app",
        "taxes_included": False,
        "duties_included": True,
        "shipping_address": {"city": "ABU DHABI"},
        "discount_applications": [],
    }
    after = update(before, body)
    assert after == {**before, **body, "update_date": NOW}


def test_keys_outside_the_updatable_list_are_ignored() -> None:
    before = order(fo("FO-A", line("i1")))
    body = {
        "status": "closed",
        "tenant": "other",
        "order_id": "OTHER",
        "creation_date": NOW,
        "redacted": True,
    }
    assert update(before, body) == {**before, "update_date": NOW}


def test_line_items_replace_the_order_lines_entirely() -> None:
    before = order(fo("FO-A", line("i1")), extra_items=["i2", "i3"])
    after = update(before, {"line_items": [{"line_item_id": "i1", "sku": "new"}, {"sku": "B"}]})
    assert after["line_items"] == [{"id": "i1", "sku": "new"}, {"id": "LI-1", "sku": "B"}]
    assert after["fulfillment_orders"] == before["fulfillment_orders"]


def test_line_items_with_duplicate_ids_are_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        update(order(), {"line_items": [{"id": "a"}, {"id": "a"}]})
    assert (err.value.code, err.value.field) == ("DUPLICATE_LINE_ITEM_ID", "line_items[1].id")


def test_dropping_a_line_item_a_fulfilled_fo_line_still_names_is_refused() -> None:
    before = order(fo("FO-A", line("i1"), line("i2", "fulfilled", fulfillment_id="F1")))
    with pytest.raises(InvalidRequest) as err:
        update(before, {"line_items": [{"id": "i1"}]})
    assert err.value.code == "LINE_ITEM_NOT_IN_ORDER"
    assert err.value.field == "fulfillment_orders[0].line_items[1].id"
    assert "'i2'" in err.value.message
    assert "not in the order" in err.value.message


def test_fo_lines_must_name_order_line_items() -> None:
    before = order(fo("FO-A", line("i1")))
    body = {"fulfillment_orders": [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "x"}]}]}
    with pytest.raises(InvalidRequest) as err:
        update(before, body)
    assert err.value.field == "fulfillment_orders[0].line_items[0].id"


def test_references_are_checked_against_the_new_line_items() -> None:
    before = order(fo("FO-A", line("i1")))
    body = {
        "line_items": [{"id": "i1"}, {"id": "i9"}],
        "fulfillment_orders": [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i9"}]}],
    }
    after = update(before, body)
    assert [x["id"] for x in after["fulfillment_orders"][0]["line_items"]] == ["i9"]


def test_an_update_without_lines_or_fos_does_not_recheck_references() -> None:
    before = order(fo("FO-A", line("i1")))
    before["line_items"] = []  # inconsistent seeded data
    assert update(before, {"language": "ar"})["language"] == "ar"


def test_fulfillment_orders_not_listed_are_removed() -> None:
    before = order(fo("FO-A", line("i1")), fo("FO-B", line("i2", "fulfilled")))
    body = {"fulfillment_orders": [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1"}]}]}
    after = update(before, body)
    assert [f["fulfillment_order_id"] for f in after["fulfillment_orders"]] == ["FO-A"]


def test_update_stamps_update_date_and_refreshes_statuses() -> None:
    before = order(fo("FO-A", line("i1", "fulfilled"), status="fulfilled"), status="fulfilled")
    before["line_items"].append({"id": "i2"})
    body = {"fulfillment_orders": [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i2"}]}]}
    after = update(before, body)
    assert after["update_date"] == NOW
    assert after["creation_date"] == EARLIER
    assert after["fulfillment_orders"][0]["status"] == "processing"
    assert after["status"] == "processing"


def test_update_does_not_mutate_its_inputs_nor_alias_its_body() -> None:
    """What the result takes from the body is a copy; what it keeps of the order is shared (stored
    orders are never mutated), so changing its new parts leaves both inputs as they were."""
    before = order(fo("FO-A", line("i1"), line("i2", "closed")), customer={"name": "Jo"})
    body = {
        "customer": {"name": "Al"},
        "line_items": [{"id": "i1"}, {"id": "i2"}, {"id": "i3"}],
        "fulfillment_orders": [
            {"fulfillment_order_id": "FO-A", "line_items": [{"id": "i3", "quantity": 2}]}
        ],
    }
    before_snapshot, body_snapshot = copy.deepcopy(before), copy.deepcopy(body)
    after = update(before, body)
    assert before == before_snapshot
    assert body == body_snapshot
    assert not containers(after) & containers(body)
    after["customer"]["name"] = "changed"
    after["fulfillment_orders"][0]["line_items"][-1]["status"] = "changed"  # i3, new
    assert before == before_snapshot
