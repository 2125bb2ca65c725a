"""domain/inventory.py and inventory_orders.py: the Inventory API's event rules and each order
operation's "Inventory Impact", run through the real order operations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mock_server.domain import cancel_line_items, cancel_order, fulfill, unfulfill, update_location
from mock_server.domain.inventory import (
    apply_event,
    available,
    duplicated_places,
    empty_level,
    event_refusal,
)
from mock_server.domain.inventory_orders import (
    ON_ORDER_FULFILLED,
    ON_SHIPMENT_SHIPPED,
    Movement,
    apply_movement,
    internal_event_type,
    movements,
)
from tests.sandbox.support import NOW, by_code, by_partner_id, create, id_factory

Json = dict[str, Any]
MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LOCATION = {"partner_location_id": "WH-1", "inventory_enabled": True}


def event(**fields: Any) -> Json:
    return {"product_id": "P1", "location_id": "WH-1", **fields}


def refusal(
    item: Json, *, location: Json | None = LOCATION, batch: list[Json] | None = None
) -> Any:
    return event_refusal(
        item,
        now=MOMENT,
        products={"P1"},
        location=location,
        duplicated=duplicated_places(batch or [item]),
    )


# ------------------------------------------------------------------------- events move numbers
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"event_type": "SNAPSHOT", "on_hand": 7, "unavailable": 2}, (7, 2)),
        ({"event_type": "SNAPSHOT_ONHAND", "on_hand": 7}, (7, 3)),
        ({"event_type": "SNAPSHOT_UNAVAILABLE", "unavailable": 1}, (10, 1)),
        ({"event_type": "INVENTORY_ADJUSTMENT_ONHAND", "on_hand": -4}, (6, 3)),
        ({"event_type": "INVENTORY_ADJUSTMENT_UNAVAILABLE", "unavailable": 2}, (10, 5)),
        ({"event_type": "RETURN", "unavailable": 1}, (10, 4)),
        ({"event_type": "PO_RECEIPT", "on_hand": 5}, (15, 3)),
        ({"event_type": "SALE", "on_hand": -2}, (8, 3)),
        ({"event_type": "TRANSFER_OUT", "on_hand": -1, "unavailable": -1}, (9, 2)),
    ],
)
def test_set_types_replace_and_adjust_types_add(fields: Json, expected: tuple[int, int]) -> None:
    level = {**empty_level(), "on_hand": 10, "unavailable": 3, "reserved": 4}
    moved = apply_event(level, event(**fields))
    assert (moved["on_hand"], moved["unavailable"]) == expected
    assert moved["reserved"] == 4  # no imported event touches the orders' share
    assert level["on_hand"] == 10  # the level given is unchanged


def test_available_is_on_hand_minus_reserved_minus_unavailable() -> None:
    assert available({"on_hand": 10, "reserved": 3, "unavailable": 2}) == 5


# ------------------------------------------------------------------------- validation rules
def test_a_valid_event_is_accepted() -> None:
    assert refusal(event(event_type="SNAPSHOT", on_hand=1, unavailable=0)) is None


@pytest.mark.parametrize("quantity", [1_000_001, -1_000_001])
def test_quantities_outside_a_million_are_refused(quantity: int) -> None:
    assert "between" in refusal(event(event_type="SNAPSHOT_ONHAND", on_hand=quantity))


@pytest.mark.parametrize("quantity", [1_000_000, -1_000_000])
def test_quantities_at_a_million_are_accepted(quantity: int) -> None:
    assert refusal(event(event_type="INVENTORY_ADJUSTMENT_ONHAND", on_hand=quantity)) is None


@pytest.mark.parametrize(
    ("offset", "refused"),
    [
        (timedelta(seconds=1), True),
        (-timedelta(days=14, seconds=1), True),
        (-timedelta(days=13), False),
    ],
)
def test_the_timestamp_lies_in_the_last_14_days(offset: timedelta, refused: bool) -> None:
    stamp = (MOMENT + offset).isoformat()
    item = event(event_type="SNAPSHOT_ONHAND", on_hand=1, event_timestamp=stamp)
    assert (refusal(item) is not None) is refused


def test_a_product_and_location_twice_in_a_batch_refuses_both() -> None:
    first = event(event_type="SNAPSHOT_ONHAND", on_hand=1)
    second = event(event_type="SNAPSHOT_ONHAND", on_hand=2)
    other = event(event_type="SNAPSHOT_ONHAND", on_hand=2, location_id="WH-2")
    batch = [first, second, other]
    assert refusal(first, batch=batch) and refusal(second, batch=batch)
    assert refusal(other, batch=batch) is None


def test_unknown_product_unknown_and_disabled_location_are_refused() -> None:
    sale = {"event_type": "SALE", "on_hand": -1}
    assert "product" in refusal(event(**sale, product_id="P9"))
    assert "does not exist" in refusal(event(**sale), location=None)
    assert "inventory-enabled" in refusal(event(**sale), location={"partner_location_id": "WH-1"})


@pytest.mark.parametrize(
    "fields",
    [
        {"event_type": "ORDER_RESERVATION", "on_hand": 1},
        {"event_type": "NOT_A_TYPE", "on_hand": 1},
        {"event_type": "SNAPSHOT", "on_hand": 1},
        {"event_type": "SNAPSHOT_ONHAND", "on_hand": 1, "unavailable": 1},
        {"event_type": "PO_RECEIPT"},
    ],
)
def test_types_and_their_required_fields(fields: Json) -> None:
    assert refusal(event(**fields)) is not None


# ------------------------------------------------------------------------- order effects
def created(quantity: int = 3) -> Json:
    """An order of 3 x P1 allocated at WH-1 (the line's sku is its product)."""
    return create(
        {
            "merchant": "m1",
            "line_items": [{"id": "A", "sku": "P1", "quantity": quantity}],
            "fulfillment_orders": [
                {"location_id": "WH-1", "line_items": [{"id": "A", "quantity": quantity}]}
            ],
        }
    )


def moved(
    before: Json | None, after: Json, timing: str = ON_ORDER_FULFILLED
) -> list[tuple[Any, ...]]:
    return [
        (m.product_id, m.location_id, m.on_hand, m.reserved)
        for m in movements(before, after, timing)
    ]


def fo_id(order: Json) -> str:
    return str(order["fulfillment_orders"][0]["fulfillment_order_id"])


def fulfilled(order: Json, quantity: int, **flags: bool) -> Json:
    body = {"line_items": [{"id": "A", "quantity": quantity}]}
    return fulfill(
        order,
        fo_id(order),
        body,
        skip_shipping=flags.get("skip", False),
        draft=False,
        now=NOW,
        new_id=id_factory(),
    )


def test_create_reserves_the_allocated_quantity() -> None:
    assert moved(None, created()) == [("P1", "WH-1", 0, 3)]


def test_cancel_order_releases_the_reservation() -> None:
    order = created()
    after = cancel_order(order, {"cancellation_reason": "OTHER"}, now=NOW)
    assert moved(order, after) == [("P1", "WH-1", 0, -3)]


def test_cancel_line_items_releases_the_cancelled_quantity() -> None:
    order = created()
    body = {"cancellation_reason": "OTHER", "line_items": [{"id": "A", "quantity": 1}]}
    after = cancel_line_items(order, fo_id(order), body, now=NOW)
    assert moved(order, after) == [("P1", "WH-1", 0, -1)]


def test_fulfil_reduces_on_hand_and_reserved_once() -> None:
    order = created()
    after = fulfilled(order, 2)
    assert moved(order, after) == [("P1", "WH-1", -2, -2)]
    assert moved(after, after) == []


def test_fulfil_with_the_other_timing_moves_nothing_until_closed() -> None:
    order = created()
    assert moved(order, fulfilled(order, 2), ON_SHIPMENT_SHIPPED) == []
    assert moved(order, fulfilled(order, 2, skip=True), ON_SHIPMENT_SHIPPED) == [
        ("P1", "WH-1", -2, -2)
    ]


def test_unfulfil_restores_on_hand_and_the_reservation() -> None:
    after_fulfil = fulfilled(created(), 3)
    line = after_fulfil["fulfillment_orders"][0]["line_items"][0]
    after = unfulfill(
        after_fulfil, fo_id(after_fulfil), {"fulfillment_ids": [line["fulfillment_id"]]}, now=NOW
    )
    assert moved(after_fulfil, after) == [("P1", "WH-1", 3, 3)]


def test_relocation_moves_the_reservation() -> None:
    order = created()
    after = update_location(
        order, fo_id(order), "WH-3", find_by_partner_id=by_partner_id, find_by_code=by_code, now=NOW
    )
    assert moved(order, after) == [("P1", "WH-1", 0, -3), ("P1", "WH-3", 0, 3)]


def test_apply_movement_keeps_the_orders_reservation() -> None:
    stocked = apply_movement(None, "O1", Movement("P1", "WH-1", 0, 3, 3), NOW)
    level = stocked["stock_by_location"]["WH-1"]
    assert (level["reserved"], level["reservations"]["O1"]["reserved_quantity"]) == (3, 3)
    released = apply_movement(stocked, "O1", Movement("P1", "WH-1", -3, -3, 0), NOW)
    level = released["stock_by_location"]["WH-1"]
    assert (level["on_hand"], level["reserved"], level["reservations"]) == (-3, 0, {})
    assert stocked["stock_by_location"]["WH-1"]["reserved"] == 3  # the input is unchanged


def test_each_operation_has_its_internal_event_type() -> None:
    assert internal_event_type("createOrder") == "ORDER_RESERVATION"
    assert internal_event_type("cancelFulfillmentOrderLineItems") == "ORDER_CANCELLATION"
    assert internal_event_type("fulfillFulfillmentOrder") == "ORDER_FULFILLMENT"
    assert internal_event_type("unfulfillFulfillmentOrder") == "ORDER_UNFULFILLED"
    assert internal_event_type("updateFulfillmentOrderLocation") == "ORDER_UPDATE"
