"""quantities.py: an item's FO quantities, over every FO, within its ordered quantity (ours, as the
published fulfill and ship pages validate quantities)."""

from typing import Any

import pytest

from mock_server.domain import InvalidRequest, update_order
from tests.sandbox.support import NOW, create, fo, id_factory, line, order


def update(before: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return update_order(before, body, now=NOW, new_id=id_factory())


def refusal(call: Any, *args: Any) -> tuple[str, str | None]:
    with pytest.raises(InvalidRequest) as err:
        call(*args)
    assert "'i1'" in err.value.message
    return err.value.code, err.value.field


def split(*quantities: int) -> dict[str, Any]:
    """A creation body: item i1 ordered 3, listed in one FO per quantity given."""
    return {
        "line_items": [{"id": "i1", "quantity": 3}],
        "fulfillment_orders": [{"line_items": [{"id": "i1", "quantity": q}]} for q in quantities],
    }


def test_create_may_split_an_item_up_to_its_quantity() -> None:
    created = create(split(1, 2))
    assert [f["line_items"][0]["quantity"] for f in created["fulfillment_orders"]] == [1, 2]


def test_create_refuses_more_than_ordered_naming_the_fo_line_that_passes_it() -> None:
    assert refusal(create, split(1, 1, 2)) == (
        "FO_QUANTITY_EXCEEDED",
        "fulfillment_orders[2].line_items[0].quantity",
    )


def test_lines_the_request_keeps_count_first_and_the_listing_is_named() -> None:
    """An entry without line_items keeps its FO's lines: they hold their quantities before the
    lines the request lists."""
    before = order(fo("FO-A", line("i1", "allocated", 3)), fo("FO-B"))  # i1 ordered 5
    body = {
        "fulfillment_orders": [
            {"fulfillment_order_id": "FO-A"},
            {"fulfillment_order_id": "FO-B", "line_items": [{"line_item_id": "i1", "quantity": 3}]},
        ]
    }
    assert refusal(update, before, body) == (
        "FO_QUANTITY_EXCEEDED",
        "fulfillment_orders[1].line_items[0].quantity",
    )
    body["fulfillment_orders"][1]["line_items"][0]["quantity"] = 2
    assert update(before, body)["fulfillment_orders"][1]["line_items"][0]["quantity"] == 2


@pytest.mark.parametrize(
    ("status", "held"), [("fulfilled", True), ("picked", True), ("cancelled", False)]
)
def test_preserved_lines_hold_their_quantity_unless_cancelled(status: str, held: bool) -> None:
    """Page 002's preserved lines (terminal and, ours, in-progress) still hold their quantity
    when line_items lowers the order's; a cancelled line no longer does."""
    before = order(fo("FO-A", line("i0"), line("i1", status, 3)))
    body = {"line_items": [{"id": "i0", "quantity": 1}, {"id": "i1", "quantity": 2}]}
    if held:
        assert refusal(update, before, body) == ("FO_QUANTITY_EXCEEDED", "line_items[1].quantity")
    else:
        assert update(before, body)["line_items"] == body["line_items"]


def test_an_order_line_without_a_quantity_sets_no_limit() -> None:
    before = order(fo("FO-A", line("i1", "fulfilled", 7)))
    assert update(before, {"line_items": [{"id": "i1", "sku": "S"}]})["line_items"] == [
        {"id": "i1", "sku": "S"}
    ]


def test_an_update_of_other_fields_does_not_recheck_seeded_quantities() -> None:
    before = order(fo("FO-A", line("i1", "fulfilled", 9)))  # seeded as given: 9 of 5
    assert update(before, {"language": "ar"})["language"] == "ar"
