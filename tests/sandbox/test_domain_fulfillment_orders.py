"""fulfillment_orders.py: location (page 001), schedule (page 003), partner references (000)."""

import copy
from typing import Any

import pytest

from mock_server.domain import (
    InvalidRequest,
    NotFound,
    update_location,
    update_partner_references,
    update_schedule,
)
from tests.sandbox.support import NOW, by_code, by_partner_id, fo, line, order


def relocate(before: dict[str, Any], fo_id: str, location_id: str) -> dict[str, Any]:
    return update_location(
        before,
        fo_id,
        location_id,
        find_by_partner_id=by_partner_id,
        find_by_code=by_code,
        now=NOW,
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda o: relocate(o, "NOPE", "WH-1"),
        lambda o: update_schedule(o, "NOPE", {"scheduled_to": NOW}, now=NOW),
        lambda o: update_partner_references(
            o, "NOPE", {"partner_fulfillment_order_reference": "R"}, now=NOW
        ),
    ],
    ids=["location", "schedule", "references"],
)
def test_an_unknown_fo_is_not_found(call: Any) -> None:
    with pytest.raises(NotFound) as err:
        call(order(fo("FO-A", line("i1"))))
    assert (err.value.code, err.value.field) == (
        "FULFILLMENT_ORDER_NOT_FOUND",
        "fulfillmentOrderId",
    )


# --- page 001: location ---------------------------------------------------------------------


def test_location_resolves_by_partner_location_id_first() -> None:
    before = order(
        fo("FO-A", line("i1", "allocated"), location_id="OLD"), fo("FO-B", location_id="OLD")
    )
    after = relocate(before, "FO-A", "WH-1")
    assert after["fulfillment_orders"][0] == {
        **before["fulfillment_orders"][0],
        "location_id": "WH-1",
        "status": "allocated",
    }
    assert after["fulfillment_orders"][1] == {
        **before["fulfillment_orders"][1],
        "status": "allocated",
    }


def test_a_location_allocates_the_fo_open_lines_and_nothing_else() -> None:
    """reference/line-item-status-codes: "allocated - The parent fulfillment order has a
    fulfillment location assigned"; a cancelled line keeps its status."""
    before = order(fo("FO-A", line("i1"), line("i2", "cancelled")), fo("FO-B", line("i4")))
    after = relocate(before, "FO-A", "WH-1")
    assert [x["status"] for x in after["fulfillment_orders"][0]["line_items"]] == [
        "allocated",
        "cancelled",
    ]
    assert after["fulfillment_orders"][1]["line_items"] == [line("i4")]
    assert after["status"] == "partially_allocated"


@pytest.mark.parametrize("status", ["processing", "fulfilled", "cancelled", "closed"])
def test_only_an_open_or_allocated_fo_is_relocated(status: str) -> None:
    """platform/orders/allocation: an FO is re-allocated only while open or allocated."""
    with pytest.raises(InvalidRequest) as err:
        relocate(order(fo("FO-A", line("i1", "fulfilled"), status=status)), "FO-A", "WH-1")
    assert (err.value.code, err.value.field) == ("FULFILLMENT_ORDER_NOT_RELOCATABLE", "status")


def test_an_fo_without_a_status_is_gated_by_its_lines() -> None:
    """An FO stored without `status` (never by the sandbox itself) is judged by its lines."""
    busy = fo("FO-A", line("i1", "picked"))
    del busy["status"]
    with pytest.raises(InvalidRequest):
        relocate(order(busy), "FO-A", "WH-1")


def test_location_falls_back_to_the_code_for_the_order_merchant() -> None:
    before = order(fo("FO-A", location_id="OLD"))
    after = relocate(before, "FO-A", "DXB")
    assert after["fulfillment_orders"][0]["location_id"] == "WH-1"


def test_location_code_of_another_merchant_is_not_found() -> None:
    with pytest.raises(InvalidRequest) as err:
        relocate(order(fo("FO-A")), "FO-A", "AUH")
    assert (err.value.code, err.value.field) == ("LOCATION_NOT_FOUND", "location_id")


def test_location_update_stamps_and_recalculates_the_order_status() -> None:
    before = order(fo("FO-A", line("i1", "open"), status="open"), status="open")
    after = relocate(before, "FO-A", "WH-2")
    assert after["update_date"] == NOW
    assert after["status"] == "allocated"
    assert after["fulfillment_orders"][0]["status"] == "allocated"


def test_location_update_does_not_mutate_its_input() -> None:
    before = order(fo("FO-A", location_id="OLD"))
    snapshot = copy.deepcopy(before)
    relocate(before, "FO-A", "WH-1")
    assert before == snapshot


# --- page 003: schedule ---------------------------------------------------------------------

FROM, TO = "2024-06-01T08:00:00Z", "2024-06-01T12:00:00Z"


@pytest.mark.parametrize(
    ("method", "key"),
    [
        ({"delivery_method": "DELIVERY"}, "delivery_schedule"),
        ({}, "delivery_schedule"),
        ({"delivery_method": "COLLECTION"}, "customer_collection_schedule"),
    ],
)
def test_schedule_goes_where_the_delivery_method_says(method: dict[str, str], key: str) -> None:
    target = {**fo("FO-A", line("i1")), **method}
    if not method:
        del target["delivery_method"]
    before = order(target)
    after = update_schedule(before, "FO-A", {"scheduled_from": FROM, "scheduled_to": TO}, now=NOW)
    assert after["fulfillment_orders"][0] == {
        **target,
        key: {"scheduled_from": FROM, "scheduled_to": TO},
    }
    assert after["update_date"] == NOW
    assert before == order(target)


def test_a_digital_fo_has_no_schedule() -> None:
    before = order(fo("FO-A", line("i1"), delivery_method="DIGITAL"))
    with pytest.raises(InvalidRequest) as err:
        update_schedule(before, "FO-A", {"scheduled_to": TO}, now=NOW)
    assert (err.value.code, err.value.field) == ("SCHEDULE_NOT_APPLICABLE", "delivery_method")


@pytest.mark.parametrize("status", ["fulfilled", "cancelled", "closed"])
def test_a_finished_fo_cannot_be_rescheduled(status: str) -> None:
    before = order(fo("FO-A", line("i1", status), status=status))
    with pytest.raises(InvalidRequest) as err:
        update_schedule(before, "FO-A", {"scheduled_to": TO}, now=NOW)
    assert (err.value.code, err.value.field) == ("FULFILLMENT_ORDER_NOT_SCHEDULABLE", "status")


@pytest.mark.parametrize("status", ["open", "allocated", "processing"])
def test_an_unfinished_fo_can_be_rescheduled(status: str) -> None:
    before = order(fo("FO-A", status=status))
    after = update_schedule(before, "FO-A", {"scheduled_to": TO}, now=NOW)
    assert after["fulfillment_orders"][0]["delivery_schedule"] == {"scheduled_to": TO}


def test_given_ends_overwrite_and_the_other_end_is_kept() -> None:
    before = order(fo("FO-A", delivery_schedule={"scheduled_from": FROM, "scheduled_to": TO}))
    later = "2024-06-02T12:00:00Z"
    after = update_schedule(before, "FO-A", {"scheduled_to": later}, now=NOW)
    assert after["fulfillment_orders"][0]["delivery_schedule"] == {
        "scheduled_from": FROM,
        "scheduled_to": later,
    }


@pytest.mark.parametrize(
    ("existing", "body"),
    [
        ({}, {"scheduled_from": TO, "scheduled_to": FROM}),
        ({"scheduled_to": FROM}, {"scheduled_from": TO}),
        ({}, {"scheduled_from": "2024-06-01T10:00:00", "scheduled_to": "2024-06-01T09:00:00Z"}),
    ],
    ids=["both-given", "against-existing-end", "naive-is-utc"],
)
def test_a_window_ending_before_it_starts_is_refused(existing: dict, body: dict) -> None:
    before = order(fo("FO-A", delivery_schedule=existing))
    with pytest.raises(InvalidRequest) as err:
        update_schedule(before, "FO-A", body, now=NOW)
    assert (err.value.code, err.value.field) == ("INVALID_SCHEDULE_WINDOW", "scheduled_from")


@pytest.mark.parametrize(
    "body",
    [
        {"scheduled_from": FROM, "scheduled_to": FROM},
        # 12:00+04:00 is 08:00Z, before 09:00Z, although it sorts after it as a string
        {"scheduled_from": "2024-06-01T12:00:00+04:00", "scheduled_to": "2024-06-01T09:00:00Z"},
    ],
)
def test_windows_compare_as_instants(body: dict[str, str]) -> None:
    after = update_schedule(order(fo("FO-A")), "FO-A", body, now=NOW)
    assert after["fulfillment_orders"][0]["delivery_schedule"] == body


def test_an_unparseable_date_time_is_refused() -> None:
    with pytest.raises(InvalidRequest) as err:
        update_schedule(order(fo("FO-A")), "FO-A", {"scheduled_to": "tomorrow"}, now=NOW)
    assert (err.value.code, err.value.field) == ("INVALID_DATE_TIME", "scheduled_to")


# --- page 000: partner references -----------------------------------------------------------


def shipped_order() -> dict[str, Any]:
    return order(
        fo(
            "FO-A",
            line("i1", "fulfilled", 2, fulfillment_id="F1"),
            line("i2", "closed", fulfillment_id="F1"),
            line("i3", "fulfilled", fulfillment_id="F2"),
            line("i4", "open", fulfillment_id="F4"),
            line("i6", "closed", fulfillment_id="F3"),
            status="processing",
            location_id="WH-1",
            delivery_schedule={"scheduled_to": TO},
            partner_fulfillment_order_reference="R-A",
        ),
        fo(
            "FO-B",
            line("i5", "fulfilled", fulfillment_id="F9"),
            partner_fulfillment_order_reference="R-B",
        ),
        status="allocated",  # stale on purpose: page 000 changes no status
    )


def test_references_are_set_on_the_fo_and_on_the_fulfilled_lines_of_each_fulfillment() -> None:
    """Page 000: "Update partner_fulfillment_reference for individual fulfilled items": F1's
    closed line (i2) is left as it is."""
    before = shipped_order()
    body = {
        "partner_fulfillment_order_reference": "R-NEW",
        "fulfillments": [{"fulfillment_id": "F1", "partner_fulfillment_reference": "PF-1"}],
    }
    after = update_partner_references(before, "FO-A", body, now=NOW)
    expected = copy.deepcopy(before)
    expected["update_date"] = NOW
    target = expected["fulfillment_orders"][0]
    target["partner_fulfillment_order_reference"] = "R-NEW"
    target["line_items"][0]["partner_fulfillment_reference"] = "PF-1"
    assert after == expected


def test_the_fo_reference_alone_may_be_updated_even_to_its_own_value() -> None:
    body = {"partner_fulfillment_order_reference": "R-A"}
    after = update_partner_references(shipped_order(), "FO-A", body, now=NOW)
    assert after == {**shipped_order(), "update_date": NOW}


@pytest.mark.parametrize(
    ("fulfillments", "code", "index"),
    [
        (["F1", "F9"], "FULFILLMENT_NOT_FOUND", 1),  # F9 is FO-B's
        (["F2", "NOPE"], "FULFILLMENT_NOT_FOUND", 1),
        (["F3"], "FULFILLMENT_NOT_FOUND", 0),  # "in the FO's fulfilled items": F3's line is closed
        (["F2", "F4"], "FULFILLMENT_NOT_FOUND", 1),  # F4's line is open
        (["F1", "F2", "F1"], "DUPLICATE_FULFILLMENT_ID", 2),
    ],
)
def test_each_fulfillment_must_be_one_of_this_fo_once(
    fulfillments: list[str], code: str, index: int
) -> None:
    body = {
        "partner_fulfillment_order_reference": "R-NEW",
        "fulfillments": [
            {"fulfillment_id": f, "partner_fulfillment_reference": "PF"} for f in fulfillments
        ],
    }
    with pytest.raises(InvalidRequest) as err:
        update_partner_references(shipped_order(), "FO-A", body, now=NOW)
    assert (err.value.code, err.value.field) == (code, f"fulfillments[{index}].fulfillment_id")


def test_a_reference_used_by_another_fo_is_refused() -> None:
    body = {"partner_fulfillment_order_reference": "R-B"}
    with pytest.raises(InvalidRequest) as err:
        update_partner_references(shipped_order(), "FO-A", body, now=NOW)
    assert (err.value.code, err.value.field) == (
        "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
        "partner_fulfillment_order_reference",
    )


def test_partner_references_do_not_mutate_the_input() -> None:
    before = shipped_order()
    body = {"fulfillments": [{"fulfillment_id": "F2", "partner_fulfillment_reference": "PF"}]}
    update_partner_references(before, "FO-A", body, now=NOW)
    assert before == shipped_order()
