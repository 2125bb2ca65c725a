"""lifecycle.py and lines.py: fulfil, ship, unfulfil, split, merge, cancel line items (published
api/orders/operation/* pages), each a rule per test; the stored order is never mutated."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mock_server.domain import (
    InvalidRequest,
    NotFound,
    cancel_line_items,
    fulfill,
    merge,
    ship,
    split,
    unfulfill,
)
from tests.sandbox.support import NOW, fo, id_factory, line, order

Json = dict[str, Any]


def lines_of(result: Json, fo_id: str) -> list[tuple[str, str, int]]:
    found = next(f for f in result["fulfillment_orders"] if f["fulfillment_order_id"] == fo_id)
    return [(li["id"], li["status"], li["quantity"]) for li in found["line_items"]]


def two_line_order(**fo_extra: Any) -> Json:
    """FO-1 (location WH-1 unless told otherwise) holding A x3 and B x1, both allocated; the
    order lines have the same quantities."""
    extra = {"location_id": "WH-1", **fo_extra}
    built = order(fo("FO-1", line("A", "allocated", 3), line("B", "allocated", 1), **extra))
    built["line_items"] = [{"id": "A", "quantity": 3}, {"id": "B", "quantity": 1}]
    return built


def do_fulfill(before: Json, body: Json, **flags: bool) -> Json:
    return fulfill(
        before,
        "FO-1",
        body,
        skip_shipping=flags.get("skip_shipping", False),
        draft=flags.get("draft", False),
        now=NOW,
        new_id=id_factory(),
    )


# ------------------------------------------------------------------ fulfil
def test_fulfil_marks_the_quantity_fulfilled_with_a_fulfillment_id_and_a_shipment() -> None:
    """fulfill-order: fulfilled "with a unique fulfillment ID", the partner reference recorded
    on each line, a shipment created and linked."""
    before = two_line_order()
    kept = copy.deepcopy(before)
    after = do_fulfill(
        before,
        {
            "line_items": [{"id": "A", "quantity": 3}, {"id": "B", "quantity": 1}],
            "partner_fulfillment_reference": "WH-REF",
        },
    )
    assert before == kept
    fulfilled = after["fulfillment_orders"][0]["line_items"]
    assert [li["status"] for li in fulfilled] == ["fulfilled", "fulfilled"]
    assert len({li["fulfillment_id"] for li in fulfilled}) == 2
    assert {li["partner_fulfillment_reference"] for li in fulfilled} == {"WH-REF"}
    (shipment,) = after["shipments"]
    assert all(li["shipment_ids"] == [shipment["shipment_id"]] for li in fulfilled)
    assert shipment["status"] == "booked" and shipment["fulfillment_order_id"] == "FO-1"
    assert (after["status"], after["fulfillment_orders"][0]["status"]) == ("fulfilled", "fulfilled")


def test_a_partial_quantity_splits_the_line_into_fulfilled_and_pending() -> None:
    after = do_fulfill(two_line_order(), {"line_items": [{"id": "A", "quantity": 2}]})
    assert lines_of(after, "FO-1") == [
        ("A", "fulfilled", 2),
        ("A", "allocated", 1),
        ("B", "allocated", 1),
    ]
    assert after["status"] == "processing"


def test_a_draft_shipment_and_skip_shipping() -> None:
    drafted = do_fulfill(two_line_order(), {"line_items": [{"id": "B", "quantity": 1}]}, draft=True)
    assert drafted["shipments"][0]["status"] == "draft"
    skipped = do_fulfill(
        two_line_order(), {"line_items": [{"id": "B", "quantity": 1}]}, skip_shipping=True
    )
    assert "shipments" not in skipped
    assert lines_of(skipped, "FO-1")[-1] == ("B", "closed", 1)  # "items auto-close"


@pytest.mark.parametrize(
    ("fo_extra", "item"),
    [({"delivery_method": "DIGITAL"}, {}), ({}, {"requires_shipping": False})],
    ids=["digital-fo", "no-shipping-needed"],
)
def test_items_that_need_no_shipping_close_at_once(fo_extra: Json, item: Json) -> None:
    before = two_line_order(**fo_extra)
    before["line_items"][1].update(item)
    after = do_fulfill(before, {"line_items": [{"id": "B", "quantity": 1}]})
    assert lines_of(after, "FO-1")[-1] == ("B", "closed", 1)
    assert "shipments" not in after


@pytest.mark.parametrize(
    ("status", "body", "field", "code"),
    [
        (
            "fulfilled",
            {"line_items": [{"id": "A", "quantity": 1}]},
            "line_items[0].id",
            "LINE_ITEM_NOT_FULFILLABLE",
        ),
        (
            "allocated",
            {"line_items": [{"id": "Z", "quantity": 1}]},
            "line_items[0].id",
            "LINE_ITEM_NOT_IN_FULFILLMENT_ORDER",
        ),
        (
            "allocated",
            {"line_items": [{"id": "A", "quantity": 4}]},
            "line_items[0].quantity",
            "QUANTITY_NOT_AVAILABLE",
        ),
    ],
    ids=["not-pending", "unknown-item", "over-the-pending-quantity"],
)
def test_fulfil_refusals_name_the_field(status: str, body: Json, field: str, code: str) -> None:
    """fulfill-order: "Only items in pending status (open or allocated) can be fulfilled";
    "quantity to fulfill (must be ≤ pending quantity)"."""
    before = order(fo("FO-1", line("A", status, 3)))
    with pytest.raises(InvalidRequest) as refused:
        do_fulfill(before, body)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_an_unknown_fo_is_not_found() -> None:
    with pytest.raises(NotFound):
        fulfill(
            two_line_order(),
            "FO-X",
            {"line_items": []},
            skip_shipping=False,
            draft=False,
            now=NOW,
            new_id=id_factory(),
        )


# ------------------------------------------------------------------ ship
def test_ship_links_a_shipment_and_fulfils_allocated_quantities() -> None:
    """ship-fulfillment-order: allocated or fulfilled items; ours: an allocated quantity shipped
    becomes fulfilled, one line, not a second pending copy."""
    after = ship(
        two_line_order(),
        "FO-1",
        {"line_items": [{"id": "A", "quantity": 1}]},
        draft=False,
        now=NOW,
        new_id=id_factory(),
    )
    shipped, rest = after["fulfillment_orders"][0]["line_items"][:2]
    (shipment,) = after["shipments"]
    assert (shipped["status"], shipped["quantity"], shipped["shipment_ids"]) == (
        "fulfilled",
        1,
        [shipment["shipment_id"]],
    )
    assert (rest["status"], rest["quantity"]) == ("allocated", 2)


@pytest.mark.parametrize("status", ["open", "cancelled", "closed"])
def test_ship_refuses_open_cancelled_and_closed_items(status: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        ship(
            order(fo("FO-1", line("A", status))),
            "FO-1",
            {"line_items": [{"id": "A", "quantity": 1}]},
            draft=False,
            now=NOW,
            new_id=id_factory(),
        )
    assert refused.value.code == "LINE_ITEM_NOT_SHIPPABLE"


# ------------------------------------------------------------------ unfulfil
def test_unfulfil_returns_lines_to_allocated_merged_and_cancels_the_shipment() -> None:
    """unfulfill-order: lines back to allocated without fulfillment id, shipment ids and partner
    reference; same id and status merged; the shipment cancelled."""
    fulfilled = do_fulfill(
        two_line_order(),
        {"line_items": [{"id": "A", "quantity": 2}], "partner_fulfillment_reference": "R"},
    )
    fulfillment_id = fulfilled["fulfillment_orders"][0]["line_items"][0]["fulfillment_id"]
    after = unfulfill(fulfilled, "FO-1", {"fulfillment_ids": [fulfillment_id]}, now=NOW)
    assert lines_of(after, "FO-1") == [("A", "allocated", 3), ("B", "allocated", 1)]
    merged = after["fulfillment_orders"][0]["line_items"][0]
    assert not {"fulfillment_id", "shipment_ids", "partner_fulfillment_reference"} & set(merged)
    assert after["shipments"][0]["status"] == "cancelled"
    assert after["status"] == "allocated"


@pytest.mark.parametrize(
    ("status", "code"),
    [("closed", "FULFILLMENT_NOT_REVERSIBLE"), (None, "FULFILLMENT_NOT_FOUND")],
    ids=["delivered", "unknown"],
)
def test_unfulfil_refuses_what_is_not_a_fulfilled_line(status: str | None, code: str) -> None:
    held = [line("A", status, fulfillment_id="FUL-1")] if status else [line("A", "fulfilled")]
    with pytest.raises(InvalidRequest) as refused:
        unfulfill(order(fo("FO-1", *held)), "FO-1", {"fulfillment_ids": ["FUL-1"]}, now=NOW)
    assert (refused.value.code, refused.value.field) == (code, "fulfillment_ids[0]")


@pytest.mark.parametrize(
    ("reference", "reversed_lines"),
    [("WMS-1", {"A", "B"}), ("R-A", {"A"})],
    ids=["fo-reference", "fulfilment-reference"],
)
def test_unfulfil_by_partner_fulfillment_order_reference(
    reference: str, reversed_lines: set[str]
) -> None:
    """unfulfill-order's `partner_fulfillment_order_reference` names the fulfilments to reverse:
    ours, the FO's own reference all its fulfilled lines, a fulfilment's partner reference its."""
    held = [
        line("A", "fulfilled", fulfillment_id="FUL-A", partner_fulfillment_reference="R-A"),
        line("B", "fulfilled", fulfillment_id="FUL-B", partner_fulfillment_reference="R-B"),
    ]
    before = order(fo("FO-1", *held, partner_fulfillment_order_reference="WMS-1"))
    after = unfulfill(before, "FO-1", {"partner_fulfillment_order_reference": reference}, now=NOW)
    pending = {
        x["id"] for x in after["fulfillment_orders"][0]["line_items"] if x["status"] == "open"
    }
    assert pending == reversed_lines


@pytest.mark.parametrize("status", ["fulfilled", "closed"])
def test_unfulfil_by_a_reference_naming_nothing_reversible_is_refused(status: str) -> None:
    """A reference naming no fulfilment, or only a delivered one: 400 naming it."""
    held = line("A", status, fulfillment_id="FUL-A", partner_fulfillment_reference="R-A")
    before = order(fo("FO-1", held))
    reference = "R-A" if status == "closed" else "NOPE"
    with pytest.raises(InvalidRequest) as refused:
        unfulfill(before, "FO-1", {"partner_fulfillment_order_reference": reference}, now=NOW)
    assert refused.value.field == "partner_fulfillment_order_reference"


# ------------------------------------------------------------------ split
def find_none(location_id: str) -> Json:
    raise AssertionError("no location is looked up")


def test_split_moves_quantities_to_a_new_fo_that_inherits_delivery() -> None:
    """split-fulfillment-order: a new FO with a new id, inheriting delivery and carriyo_metadata
    and the original's location; allocated lines; the original's quantities reduced."""
    before = two_line_order(
        delivery={"delivery_type": "EXPRESS"},
        carriyo_metadata=[{"key": "k", "value": "v"}],
        delivery_method="COLLECTION",
    )
    after = split(
        before,
        "FO-1",
        {
            "line_items": [{"id": "A", "quantity": 1}, {"id": "B", "quantity": 1}],
            "partner_fulfillment_order_reference": "SPLIT-1",
        },
        find_location=find_none,
        now=NOW,
        new_id=lambda prefix: f"{prefix}-NEW",
    )
    original, created = after["fulfillment_orders"]
    assert lines_of(after, "FO-1") == [("A", "allocated", 2)]  # B removed at 0
    assert created["fulfillment_order_id"] == "FO-NEW"
    assert [(li["id"], li["status"], li["quantity"]) for li in created["line_items"]] == [
        ("A", "allocated", 1),
        ("B", "allocated", 1),
    ]
    assert (created["delivery"], created["carriyo_metadata"], created["delivery_method"]) == (
        original["delivery"],
        original["carriyo_metadata"],
        "COLLECTION",
    )
    assert (created["location_id"], created["partner_fulfillment_order_reference"]) == (
        "WH-1",
        "SPLIT-1",
    )


def test_a_split_to_a_new_location_and_without_one() -> None:
    located = split(
        two_line_order(),
        "FO-1",
        {"line_items": [{"id": "B", "quantity": 1}], "location_id": "DXB"},
        find_location=lambda _: {"partner_location_id": "WH-9"},
        now=NOW,
        new_id=id_factory(),
    )
    assert located["fulfillment_orders"][1]["location_id"] == "WH-9"
    unlocated = split(
        order(fo("FO-1", line("A", "open", 2))),
        "FO-1",
        {"line_items": [{"id": "A", "quantity": 1}]},
        find_location=find_none,
        now=NOW,
        new_id=id_factory(),
    )
    assert unlocated["fulfillment_orders"][1]["line_items"][0]["status"] == "open"


def test_split_refuses_a_reference_another_fo_has() -> None:
    before = order(
        fo("FO-1", line("A", "open", 2)), fo("FO-2", partner_fulfillment_order_reference="R")
    )
    with pytest.raises(InvalidRequest) as refused:
        split(
            before,
            "FO-1",
            {
                "line_items": [{"id": "A", "quantity": 1}],
                "partner_fulfillment_order_reference": "R",
            },
            find_location=find_none,
            now=NOW,
            new_id=id_factory(),
        )
    assert refused.value.field == "partner_fulfillment_order_reference"


# ------------------------------------------------------------------ merge
def merge_body(lines: list[Json] | None = None) -> Json:
    source: Json = {"fulfillment_order_id": "FO-2"}
    if lines is not None:
        source["line_items"] = lines
    return {"source": source, "destination": {"fulfillment_order_id": "FO-1"}}


def test_merge_moves_every_item_and_removes_the_source() -> None:
    """merge-fulfillment-orders: source items move (same id merged); the emptied source goes."""
    before = order(
        fo("FO-1", line("A", "allocated", 1), location_id="WH-1"),
        fo("FO-2", line("A", "allocated", 2), line("B", "allocated"), location_id="WH-1"),
    )
    after = merge(before, merge_body(), now=NOW)
    assert [f["fulfillment_order_id"] for f in after["fulfillment_orders"]] == ["FO-1"]
    assert lines_of(after, "FO-1") == [("A", "allocated", 3), ("B", "allocated", 1)]


def test_merge_of_some_items_keeps_the_source() -> None:
    before = order(
        fo("FO-1", location_id="WH-1"), fo("FO-2", line("A", "allocated", 2), location_id="WH-1")
    )
    after = merge(before, merge_body([{"id": "A", "quantity": 1}]), now=NOW)
    assert lines_of(after, "FO-2") == [("A", "allocated", 1)]
    assert lines_of(after, "FO-1") == [("A", "allocated", 1)]


@pytest.mark.parametrize(
    ("destination", "source", "field"),
    [
        ({"location_id": "WH-2"}, {}, "destination.location_id"),
        ({"delivery_method": "COLLECTION"}, {}, "destination.delivery_method"),
        ({"delivery_type": "EXPRESS"}, {"delivery_type": "STANDARD"}, "destination.delivery_type"),
    ],
    ids=["location", "delivery-method", "delivery-type"],
)
def test_merge_refuses_fos_that_differ(destination: Json, source: Json, field: str) -> None:
    """ "Must have the same location_id / delivery_type (if specified) / delivery method"."""
    before = order(
        fo("FO-1", line("A", "allocated"), **{"location_id": "WH-1", **destination}),
        fo("FO-2", line("B", "allocated"), **{"location_id": "WH-1", **source}),
    )
    with pytest.raises(InvalidRequest) as refused:
        merge(before, merge_body(), now=NOW)
    assert (refused.value.code, refused.value.field) == ("CANNOT_MERGE", field)


def test_merge_refuses_fulfilled_lines_and_mixed_shipping() -> None:
    with_fulfilled = order(fo("FO-1", line("A", "fulfilled")), fo("FO-2", line("B", "open")))
    with pytest.raises(InvalidRequest) as refused:
        merge(with_fulfilled, merge_body(), now=NOW)
    assert refused.value.field == "destination.fulfillment_order_id"
    mixed = order(fo("FO-1", line("A", "open")), fo("FO-2", line("B", "open")))
    mixed["line_items"][1]["requires_shipping"] = False
    with pytest.raises(InvalidRequest) as refused:
        merge(mixed, merge_body(), now=NOW)
    assert refused.value.field == "source.line_items"


def test_merge_of_an_unknown_or_the_same_fo() -> None:
    before = order(fo("FO-1", line("A", "open")))
    with pytest.raises(NotFound) as missing:
        merge(before, merge_body(), now=NOW)
    assert missing.value.field == "source.fulfillment_order_id"
    with pytest.raises(InvalidRequest):
        merge(
            before,
            {
                "source": {"fulfillment_order_id": "FO-1"},
                "destination": {"fulfillment_order_id": "FO-1"},
            },
            now=NOW,
        )


# ------------------------------------------------------------------ cancel line items
def test_cancel_line_items_cancels_the_quantity_and_records_the_removal() -> None:
    """cancel-fulfillment-order-line-items: cancelled with the reason; the order line's
    removed_quantities updated (ours: its quantity reduced as much)."""
    after = cancel_line_items(
        two_line_order(),
        "FO-1",
        {
            "cancellation_reason": "INVENTORY_OUT_OF_STOCK",
            "line_items": [{"id": "A", "quantity": 1}],
        },
        now=NOW,
    )
    assert lines_of(after, "FO-1")[:2] == [("A", "cancelled", 1), ("A", "allocated", 2)]
    assert after["fulfillment_orders"][0]["line_items"][0]["cancellation_reason"] == (
        "INVENTORY_OUT_OF_STOCK"
    )
    assert after["line_items"][0] == {
        "id": "A",
        "quantity": 2,
        "removed_quantities": [{"quantity": 1, "note": "INVENTORY_OUT_OF_STOCK"}],
    }


def test_cancel_line_items_refuses_fulfilled_items() -> None:
    with pytest.raises(InvalidRequest) as refused:
        cancel_line_items(
            order(fo("FO-1", line("A", "fulfilled"))),
            "FO-1",
            {"cancellation_reason": "OTHER", "line_items": [{"id": "A", "quantity": 1}]},
            now=NOW,
        )
    assert refused.value.code == "LINE_ITEM_NOT_CANCELLABLE"
