"""preservation.py: page 002's FO replacement with terminal line items preserved."""

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.domain import (
    PENDING_LINE_STATUSES,
    TERMINAL_LINE_STATUSES,
    InvalidRequest,
    merge_fulfillment_orders,
    update_order,
)
from tests.sandbox.support import EARLIER, NOW, containers, fo, id_factory, line, order

FO = dict[str, Any]


def merge(existing: list[FO], requested: list[dict[str, Any]]) -> list[FO]:
    return merge_fulfillment_orders(existing, requested, now=NOW, new_id=id_factory())


def lines_of(fos: list[FO]) -> dict[str, list[FO]]:
    return {f["fulfillment_order_id"]: f["line_items"] for f in fos}


# --- page 002's worked examples, verbatim -------------------------------------------------------

SHIPPED = line("item-2", "fulfilled", fulfillment_id="F-1", shipment_ids=["S-1"])


def test_page_002_example_1_add_an_item_next_to_a_fulfilled_one() -> None:
    before = order(fo("FO-123", line("item-1"), SHIPPED), extra_items=["item-3"])
    body = {
        "fulfillment_orders": [
            {
                "fulfillment_order_id": "FO-123",
                "line_items": [{"id": "item-1", "quantity": 1}, {"id": "item-3", "quantity": 2}],
            }
        ]
    }
    after = update_order(before, body, now=NOW, new_id=id_factory())
    # "Result: FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)"
    assert lines_of(after["fulfillment_orders"]) == {
        "FO-123": [line("item-1"), SHIPPED, line("item-3", quantity=2)]
    }


def test_page_002_example_2_remove_an_open_item() -> None:
    before = order(fo("FO-123", line("item-1"), line("item-2"), line("item-3")))
    body = {
        "fulfillment_orders": [
            {
                "fulfillment_order_id": "FO-123",
                "line_items": [{"id": "item-1", "quantity": 1}, {"id": "item-3", "quantity": 1}],
            }
        ]
    }
    after = update_order(before, body, now=NOW, new_id=id_factory())
    assert lines_of(after["fulfillment_orders"]) == {"FO-123": [line("item-1"), line("item-3")]}


def test_page_002_example_3_move_an_item_between_fos() -> None:
    before = order(fo("FO-A", line("item-1"), line("item-2")), fo("FO-B", line("item-3")))
    body = {
        "fulfillment_orders": [
            {"fulfillment_order_id": "FO-A", "line_items": [{"id": "item-1", "quantity": 1}]},
            {
                "fulfillment_order_id": "FO-B",
                "line_items": [{"id": "item-2", "quantity": 1}, {"id": "item-3", "quantity": 1}],
            },
        ]
    }
    after = update_order(before, body, now=NOW, new_id=id_factory())
    assert lines_of(after["fulfillment_orders"]) == {
        "FO-A": [line("item-1")],
        "FO-B": [line("item-3"), line("item-2")],
    }


# --- matching -----------------------------------------------------------------------------------


def test_an_entry_matches_by_reference_and_the_fo_keeps_its_own_id() -> None:
    existing = [fo("FO-A", line("i1"), partner_fulfillment_order_reference="R-A")]
    (merged,) = merge(
        existing,
        [{"fulfillment_order_id": "unknown", "partner_fulfillment_order_reference": "R-A"}],
    )
    assert merged["fulfillment_order_id"] == "FO-A"
    assert merged["creation_date"] == EARLIER
    assert merged["line_items"] == [line("i1")]


def test_the_id_takes_precedence_over_the_reference() -> None:
    existing = [
        fo("FO-A", partner_fulfillment_order_reference="R-A"),
        fo("FO-B", partner_fulfillment_order_reference="R-B"),
    ]
    merged = merge(existing, [{"fulfillment_order_id": "FO-B", "location_id": "L"}])
    assert [(f["fulfillment_order_id"], f.get("location_id")) for f in merged] == [("FO-B", "L")]


def test_two_entries_matching_one_fo_are_refused() -> None:
    existing = [fo("FO-A", partner_fulfillment_order_reference="R-A"), fo("FO-B")]
    requested = [
        {"fulfillment_order_id": "FO-B"},
        {"partner_fulfillment_order_reference": "R-A"},
        {"fulfillment_order_id": "FO-A"},
    ]
    with pytest.raises(InvalidRequest) as err:
        merge(existing, requested)
    assert (err.value.code, err.value.field) == (
        "DUPLICATE_FULFILLMENT_ORDER",
        "fulfillment_orders[2]",
    )


def test_new_fos_get_defaults_and_unlisted_fos_are_removed() -> None:
    existing = [fo("FO-A", line("i1", "fulfilled"))]
    merged = merge(
        existing,
        [
            {"line_items": [{"line_item_id": "i1", "quantity": 1}]},
            {"fulfillment_order_id": "MINE", "delivery_method": "DIGITAL"},
        ],
    )
    assert merged == [
        {
            "fulfillment_order_id": "FO-1",
            "creation_date": NOW,
            "delivery_method": "DELIVERY",
            "line_items": [{"id": "i1", "quantity": 1, "status": "open"}],
        },
        {
            "fulfillment_order_id": "MINE",
            "creation_date": NOW,
            "delivery_method": "DIGITAL",
            "line_items": [],
        },
    ]


@pytest.mark.parametrize(
    ("requested", "code", "field"),
    [
        (
            [
                {"fulfillment_order_id": "FO-A", "partner_fulfillment_order_reference": "R-X"},
                {"fulfillment_order_id": "FO-B"},
                {"partner_fulfillment_order_reference": "R-X"},
            ],
            "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
            "fulfillment_orders[2].partner_fulfillment_order_reference",
        ),
        (
            [
                {"fulfillment_order_id": "FO-A", "partner_fulfillment_order_reference": "R-B"},
                {"fulfillment_order_id": "FO-B"},
            ],
            "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
            "fulfillment_orders[1].partner_fulfillment_order_reference",
        ),
        (
            [{"fulfillment_order_id": "N"}, {"fulfillment_order_id": "N"}],
            "DUPLICATE_FULFILLMENT_ORDER_ID",
            "fulfillment_orders[1].fulfillment_order_id",
        ),
    ],
)
def test_resulting_fos_must_not_share_an_id_or_reference(
    requested: list[dict[str, Any]], code: str, field: str
) -> None:
    existing = [
        fo("FO-A", partner_fulfillment_order_reference="R-A"),
        fo("FO-B", partner_fulfillment_order_reference="R-B"),
    ]
    with pytest.raises(InvalidRequest) as err:
        merge(existing, requested)
    assert (err.value.code, err.value.field) == (code, field)


def test_fo_fields_in_the_entry_replace_and_absent_ones_are_kept() -> None:
    existing = [
        fo(
            "FO-A",
            line("i1"),
            status="allocated",
            location_id="OLD",
            delivery={"delivery_type": "EXPRESS", "instructions": "ring"},
            delivery_schedule={"scheduled_from": EARLIER},
            allocation_history=[{"date": EARLIER, "location_id": "OLD"}],
            carriyo_metadata=[{"key": "k", "value": "v"}],
        )
    ]
    entry = {
        "fulfillment_order_id": "FO-A",
        "location_id": "NEW",
        "delivery": {"delivery_type": "STANDARD"},
        "status": "closed",
        "creation_date": NOW,
        "delivery_schedule": {},
    }
    (merged,) = merge(existing, [entry])
    assert merged == {
        **existing[0],
        "location_id": "NEW",
        "delivery": {"delivery_type": "STANDARD"},
    }


# --- line items ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(TERMINAL_LINE_STATUSES))
def test_listing_a_terminal_line_of_the_matched_fo_is_refused(status: str) -> None:
    existing = [fo("FO-0"), fo("FO-A", line("i1"), line("i2", status))]
    requested = [
        {"fulfillment_order_id": "FO-0"},
        {"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1"}, {"line_item_id": "i2"}]},
    ]
    with pytest.raises(InvalidRequest) as err:
        merge(existing, requested)
    assert err.value.code == "TERMINAL_LINE_ITEM"
    assert err.value.field == "fulfillment_orders[1].line_items[1].id"
    assert "'i2'" in err.value.message
    assert status in err.value.message


def test_a_pending_line_keeps_its_status_and_keys_with_the_requested_quantity() -> None:
    held = line("i1", "allocated", quantity=1, cancellation_reason=None, note="x")
    (merged,) = merge(
        [fo("FO-A", held)],
        [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1", "quantity": 4}]}],
    )
    assert merged["line_items"] == [{**held, "quantity": 4}]


def test_a_line_new_to_the_fo_is_open_with_only_id_and_quantity() -> None:
    (merged,) = merge(
        [fo("FO-A")],
        [
            {
                "fulfillment_order_id": "FO-A",
                "line_items": [{"line_item_id": "i1", "quantity": 2, "status": "fulfilled"}],
            }
        ],
    )
    assert merged["line_items"] == [{"id": "i1", "quantity": 2, "status": "open"}]


def test_a_line_terminal_in_another_fo_may_be_listed() -> None:
    existing = [fo("FO-A", line("i1", "fulfilled")), fo("FO-B")]
    requested = [
        {"fulfillment_order_id": "FO-A"},
        {"fulfillment_order_id": "FO-B", "line_items": [{"id": "i1", "quantity": 1}]},
    ]
    assert lines_of(merge(existing, requested)) == {
        "FO-A": [line("i1", "fulfilled")],
        "FO-B": [line("i1")],
    }


def test_duplicate_lines_in_one_entry_are_refused() -> None:
    requested = [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1"}, {"id": "i1"}]}]
    with pytest.raises(InvalidRequest) as err:
        merge([fo("FO-A")], requested)
    assert (err.value.code, err.value.field) == (
        "DUPLICATE_LINE_ITEM_ID",
        "fulfillment_orders[0].line_items[1].id",
    )


def test_terminal_and_kept_lines_stay_in_place_and_new_lines_follow() -> None:
    existing = [fo("FO-A", line("a"), line("b", "closed"), line("c", "allocated"), line("d"))]
    requested = [
        {"fulfillment_order_id": "FO-A", "line_items": [{"id": "z"}, {"id": "c"}, {"id": "a"}]}
    ]
    ((_, merged),) = lines_of(merge(existing, requested)).items()
    assert [x["id"] for x in merged] == ["a", "b", "c", "z"]


def test_an_entry_without_line_items_keeps_the_fo_lines() -> None:
    existing = [fo("FO-A", line("i1"), line("i2", "fulfilled"))]
    (merged,) = merge(existing, [{"fulfillment_order_id": "FO-A", "location_id": "L"}])
    assert merged["line_items"] == existing[0]["line_items"]


# --- properties ---------------------------------------------------------------------------------

STATUSES = ["open", "allocated", "fulfilled", "cancelled", "closed"]
ITEM_IDS = [f"item-{n}" for n in range(8)]


@st.composite
def existing_and_requested(draw: st.DrawFn) -> tuple[list[FO], list[dict[str, Any]]]:
    """Existing FOs in random status mixes and a request listing only pending lines for them."""
    existing: list[FO] = []
    for k in range(draw(st.integers(0, 4))):
        ids = draw(st.lists(st.sampled_from(ITEM_IDS), unique=True, max_size=5))
        lines = [
            line(
                i, draw(st.sampled_from(STATUSES)), draw(st.integers(1, 9)), shipment_ids=[f"S{k}"]
            )
            for i in ids
        ]
        existing.append(fo(f"FO-{k}", *lines, partner_fulfillment_order_reference=f"R-{k}"))
    requested = []
    for f in draw(st.permutations(existing)):
        if draw(st.booleans()):
            continue  # this FO is removed
        terminal = {x["id"] for x in f["line_items"] if x["status"] in TERMINAL_LINE_STATUSES}
        pending = [i for i in ITEM_IDS if i not in terminal]
        chosen = (
            draw(st.lists(st.sampled_from(pending), unique=True, max_size=4)) if pending else []
        )
        key = draw(st.sampled_from(["fulfillment_order_id", "partner_fulfillment_order_reference"]))
        wanted = [{draw(st.sampled_from(["id", "line_item_id"])): i, "quantity": 2} for i in chosen]
        requested.append({key: f[key], "line_items": wanted})
    return existing, requested


@given(existing_and_requested())
def test_terminal_lines_of_matched_fos_survive_unchanged(
    case: tuple[list[FO], list[dict[str, Any]]],
) -> None:
    existing, requested = case
    merged = merge(existing, requested)
    by_id = {f["fulfillment_order_id"]: f for f in existing}
    assert len(merged) == len(requested)
    for entry, result in zip(requested, merged, strict=True):
        before = by_id[result["fulfillment_order_id"]]
        terminal = [x for x in before["line_items"] if x["status"] in TERMINAL_LINE_STATUSES]
        assert [x for x in result["line_items"] if x in terminal] == terminal
        pending = [x for x in result["line_items"] if x not in terminal]
        assert all(x["status"] in PENDING_LINE_STATUSES for x in pending)
        assert {x["id"] for x in pending} == {
            x.get("id", x.get("line_item_id")) for x in entry["line_items"]
        }


@given(existing_and_requested())
def test_merge_never_mutates_its_inputs_nor_aliases_the_request(
    case: tuple[list[FO], list[dict[str, Any]]],
) -> None:
    """The stored FOs and the request are left as they were; the result shares no dict or list
    with the request (it may share unchanged parts with the stored FOs, never mutated)."""
    existing, requested = case
    snapshot = copy.deepcopy(case)
    merged = merge(existing, requested)
    assert (existing, requested) == snapshot
    assert not containers(merged) & containers(requested)
