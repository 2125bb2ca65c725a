"""line_items.py: `id` / `line_item_id` normalisation (page 002 names it both ways)."""

import copy

import pytest

from mock_server.domain import InvalidRequest
from mock_server.domain.line_items import normalise_line_items
from tests.sandbox.support import id_factory


def test_line_item_id_becomes_id_and_other_keys_stay() -> None:
    result = normalise_line_items(
        [{"line_item_id": "a", "sku": "S"}, {"id": "b"}, {"id": "c", "line_item_id": "c"}],
        path="line_items",
    )
    assert result == [{"id": "a", "sku": "S"}, {"id": "b"}, {"id": "c"}]


def test_differing_id_and_line_item_id_are_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        normalise_line_items([{"id": "a"}, {"id": "b", "line_item_id": "c"}], path="line_items")
    assert (err.value.code, err.value.field) == ("LINE_ITEM_ID_MISMATCH", "line_items[1].id")


def test_missing_ids_are_generated_when_a_factory_is_given() -> None:
    result = normalise_line_items([{"sku": "S"}, {"id": "x"}, {}], path="p", new_id=id_factory())
    assert [item["id"] for item in result] == ["LI-1", "x", "LI-2"]


def test_missing_id_without_a_factory_is_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        normalise_line_items([{"quantity": 1}], path="fulfillment_orders[2].line_items")
    assert err.value.code == "LINE_ITEM_ID_REQUIRED"
    assert err.value.field == "fulfillment_orders[2].line_items[0].id"


def test_duplicate_ids_are_refused_naming_the_second() -> None:
    with pytest.raises(InvalidRequest) as err:
        normalise_line_items([{"id": "a"}, {"id": "b"}, {"line_item_id": "a"}], path="line_items")
    assert (err.value.code, err.value.field) == ("DUPLICATE_LINE_ITEM_ID", "line_items[2].id")
    assert "'a'" in err.value.message


def test_input_is_neither_mutated_nor_aliased() -> None:
    items = [{"line_item_id": "a", "taxes": [{"rate": 1}]}]
    snapshot = copy.deepcopy(items)
    result = normalise_line_items(items, path="line_items")
    result[0]["taxes"].append({"rate": 2})
    assert items == snapshot


def test_zero_quantity_is_refused_naming_the_quantity() -> None:
    with pytest.raises(InvalidRequest) as err:
        normalise_line_items([{"id": "a", "quantity": 1}, {"id": "b", "quantity": 0}], path="x")
    assert (err.value.code, err.value.field) == ("ZERO_QUANTITY", "x[1].quantity")
