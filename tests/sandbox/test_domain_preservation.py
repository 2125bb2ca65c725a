"""preservation.py: page 002's FO replacement with terminal line items preserved."""

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.domain import (
    IN_PROGRESS_LINE_STATUSES,
    PENDING_LINE_STATUSES,
    PRESERVED_LINE_STATUSES,
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


def test_new_fos_get_generated_ids_and_defaults_and_unlisted_fos_are_removed() -> None:
    """An entry matching no FO is "created with a new fulfillment_order_id" (published
    update-order page), even when it carried one (MINE)."""
    existing = [fo("FO-A", line("i1", "fulfilled"))]
    merged = merge(
        existing,
        [
            {"line_items": [{"line_item_id": "i2", "quantity": 1}]},
            {"fulfillment_order_id": "MINE", "delivery_method": "DIGITAL", "location_id": "L"},
        ],
    )
    assert merged == [
        {
            "fulfillment_order_id": "FO-1",
            "creation_date": NOW,
            "delivery_method": "DELIVERY",
            "line_items": [{"id": "i2", "quantity": 1, "status": "open"}],
        },
        {
            "fulfillment_order_id": "FO-2",
            "creation_date": NOW,
            "delivery_method": "DIGITAL",
            "location_id": "L",
            "line_items": [],
        },
    ]


def test_entries_sharing_an_unknown_id_are_two_new_fos() -> None:
    merged = merge([fo("FO-A")], [{"fulfillment_order_id": "N"}, {"fulfillment_order_id": "N"}])
    assert [f["fulfillment_order_id"] for f in merged] == ["FO-1", "FO-2"]


def test_create_keeps_the_ids_of_new_fos() -> None:
    merged = merge_fulfillment_orders(
        [], [{"fulfillment_order_id": "MINE"}, {}], now=NOW, new_id=id_factory(), keep_new_ids=True
    )
    assert [f["fulfillment_order_id"] for f in merged] == ["MINE", "FO-1"]


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
            line("i1", "allocated"),
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


@pytest.mark.parametrize("status", sorted(PRESERVED_LINE_STATUSES))
def test_listing_a_preserved_line_of_the_matched_fo_is_refused(status: str) -> None:
    """Page 002: "Only pass line items with pending statuses"; lines being picked or packed are
    preserved like terminal ones (ours)."""
    existing = [fo("FO-0"), fo("FO-A", line("i1"), line("i2", status))]
    requested = [
        {"fulfillment_order_id": "FO-0"},
        {"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1"}, {"line_item_id": "i2"}]},
    ]
    with pytest.raises(InvalidRequest) as err:
        merge(existing, requested)
    assert err.value.code == "PRESERVED_LINE_ITEM"
    assert err.value.field == "fulfillment_orders[1].line_items[1].id"
    assert "'i2'" in err.value.message
    assert status in err.value.message
    assert "'FO-A'" in err.value.message


@pytest.mark.parametrize("holder", ["FO-A", "FO-GONE"])
def test_a_line_preserved_in_another_fo_cannot_be_listed(holder: str) -> None:
    """The issue's case: FO-A:[item-1], FO-B:[item-2 x5, item-3] with item-2 fulfilled in FO-A
    would leave item-2 twice (fulfilled in FO-A, open x5 in FO-B). Refused, also when the FO
    holding it is the one the request removes."""
    existing = [
        fo("FO-A", line("item-1"), *([line("item-2", "fulfilled")] if holder == "FO-A" else [])),
        fo("FO-B"),
        *([fo("FO-GONE", line("item-2", "picked"))] if holder == "FO-GONE" else []),
    ]
    requested = [
        {"fulfillment_order_id": "FO-A", "line_items": [{"id": "item-1", "quantity": 1}]},
        {
            "fulfillment_order_id": "FO-B",
            "line_items": [{"id": "item-2", "quantity": 5}, {"id": "item-3", "quantity": 1}],
        },
    ]
    with pytest.raises(InvalidRequest) as err:
        merge(existing, requested)
    assert (err.value.code, err.value.field) == (
        "PRESERVED_LINE_ITEM",
        "fulfillment_orders[1].line_items[0].id",
    )
    assert f"'{holder}'" in err.value.message


@pytest.mark.parametrize(
    ("location", "status"), [({}, "open"), ({"location_id": "L"}, "allocated")]
)
def test_a_kept_pending_line_keeps_its_keys_with_the_requested_quantity_and_fo_status(
    location: dict[str, str], status: str
) -> None:
    """A pending line follows its FO's location (line status catalogue: allocated = "The parent
    fulfillment order has a fulfillment location assigned")."""
    held = line("i1", "allocated", quantity=1, cancellation_reason=None, note="x")
    (merged,) = merge(
        [fo("FO-A", held, **location)],
        [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i1", "quantity": 4}]}],
    )
    assert merged["line_items"] == [{**held, "quantity": 4, "status": status}]


def test_a_location_given_in_the_entry_allocates_the_fo_lines() -> None:
    (merged,) = merge(
        [fo("FO-A", line("i1"), line("i2", "picked"))],
        [{"fulfillment_order_id": "FO-A", "location_id": "L", "line_items": [{"id": "i1"}]}],
    )
    assert merged["line_items"] == [
        {"id": "i1", "quantity": 1, "status": "allocated"},
        line("i2", "picked"),
    ]


def test_a_line_new_to_the_fo_is_pending_with_only_id_and_quantity() -> None:
    merged = merge(
        [fo("FO-A"), fo("FO-B", location_id="L")],
        [
            {
                "fulfillment_order_id": fo_id,
                "line_items": [{"line_item_id": "i1", "quantity": 2, "status": "fulfilled"}],
            }
            for fo_id in ("FO-A", "FO-B")
        ],
    )
    assert [f["line_items"] for f in merged] == [
        [{"id": "i1", "quantity": 2, "status": "open"}],
        [{"id": "i1", "quantity": 2, "status": "allocated"}],
    ]


@pytest.mark.parametrize("status", sorted(IN_PROGRESS_LINE_STATUSES))
def test_in_progress_lines_are_preserved_like_terminal_ones(status: str) -> None:
    """Ours: a line mid-pick or mid-pack is "added back automatically", as page 002 does for
    terminal lines, so the warehouse's work is not lost."""
    busy = line("i2", status, 2, pick_id="P-1")
    (merged,) = merge(
        [fo("FO-A", line("i1"), busy)],
        [{"fulfillment_order_id": "FO-A", "line_items": [{"id": "i3", "quantity": 1}]}],
    )
    assert merged["line_items"][0] is busy
    assert [x["id"] for x in merged["line_items"]] == ["i2", "i3"]


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
    """Ours: all of them; the pending ones follow the location the entry may give."""
    existing = [fo("FO-A", line("i1"), line("i2", "fulfilled"))]
    (kept,) = merge(existing, [{"fulfillment_order_id": "FO-A"}])
    assert kept["line_items"] == existing[0]["line_items"]
    (located,) = merge(existing, [{"fulfillment_order_id": "FO-A", "location_id": "L"}])
    assert located["line_items"] == [line("i1", "allocated"), line("i2", "fulfilled")]


# --- properties ---------------------------------------------------------------------------------

STATUSES = sorted(PENDING_LINE_STATUSES | PRESERVED_LINE_STATUSES)
ITEM_IDS = [f"item-{n}" for n in range(8)]


@st.composite
def existing_and_requested(draw: st.DrawFn) -> tuple[list[FO], list[dict[str, Any]]]:
    """Existing FOs in random status mixes and a request listing, for them, only items that no FO
    holds in a preserved status."""
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
    preserved = {
        x["id"] for f in existing for x in f["line_items"] if x["status"] in PRESERVED_LINE_STATUSES
    }
    pending = [i for i in ITEM_IDS if i not in preserved]
    for f in draw(st.permutations(existing)):
        if draw(st.booleans()):
            continue  # this FO is removed
        chosen = (
            draw(st.lists(st.sampled_from(pending), unique=True, max_size=4)) if pending else []
        )
        key = draw(st.sampled_from(["fulfillment_order_id", "partner_fulfillment_order_reference"]))
        wanted = [{draw(st.sampled_from(["id", "line_item_id"])): i, "quantity": 2} for i in chosen]
        requested.append({key: f[key], "line_items": wanted})
    return existing, requested


@given(existing_and_requested())
def test_preserved_lines_of_matched_fos_survive_unchanged(
    case: tuple[list[FO], list[dict[str, Any]]],
) -> None:
    existing, requested = case
    merged = merge(existing, requested)
    by_id = {f["fulfillment_order_id"]: f for f in existing}
    assert len(merged) == len(requested)
    for entry, result in zip(requested, merged, strict=True):
        before = by_id[result["fulfillment_order_id"]]
        kept = [x for x in before["line_items"] if x["status"] in PRESERVED_LINE_STATUSES]
        assert [x for x in result["line_items"] if x in kept] == kept
        pending = [x for x in result["line_items"] if x not in kept]
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
