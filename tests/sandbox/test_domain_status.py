"""status.py: the published status model — an FO's status from its lines, an order's from its FOs
(reference/line-item-status-codes, api/orders/fulfillment-orders, platform/orders/order-lifecycle,
api/orders/order-object)."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.domain import derive_fo_status, derive_order_status, refresh_statuses
from mock_server.domain.status import with_fo_statuses
from tests.sandbox.support import fo, line, order

LINE_STATUSES = [
    "open",
    "allocated",
    "pick_in_progress",
    "picked",
    "pack_in_progress",
    "fulfilled",
    "closed",
    "cancelled",
]
FO_STATUSES = {"open", "allocated", "processing", "fulfilled", "cancelled", "closed"}
ORDER_STATUSES = FO_STATUSES | {"partially_allocated"}


def lines_in(*statuses: str, **extra: object) -> dict[str, object]:
    return fo("FO-X", *(line(f"i{k}", status) for k, status in enumerate(statuses)), **extra)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["cancelled"], "cancelled"),
        (["cancelled", "cancelled"], "cancelled"),
        (["closed"], "closed"),
        (["closed", "cancelled"], "closed"),
        (["fulfilled"], "fulfilled"),
        (["fulfilled", "closed", "cancelled"], "fulfilled"),
        (["fulfilled", "cancelled"], "fulfilled"),
        (["pick_in_progress"], "processing"),
        (["picked", "allocated"], "processing"),
        (["pack_in_progress", "fulfilled"], "processing"),
        (["fulfilled", "open"], "processing"),
        (["closed", "allocated"], "processing"),
        (["allocated", "allocated", "cancelled"], "allocated"),
        (["allocated", "open"], "allocated"),
        (["open", "cancelled"], "open"),
        (["open", "open"], "open"),
    ],
)
def test_fo_status_from_its_lines(statuses: list[str], expected: str) -> None:
    assert derive_fo_status(lines_in(*statuses)) == expected


@pytest.mark.parametrize(("location", "expected"), [(None, "open"), ("DXB-WH-01", "allocated")])
def test_an_fo_without_lines_follows_its_location(location: str | None, expected: str) -> None:
    """Ours: "open — Created, no location assigned yet", "allocated — Assigned to a location"."""
    extra = {"location_id": location} if location else {}
    assert derive_fo_status(lines_in(**extra)) == expected


@pytest.mark.parametrize(
    ("fo_statuses", "expected"),
    [
        ([], "open"),
        (["open", "open"], "open"),
        (["allocated", "open"], "partially_allocated"),
        (["allocated", "allocated"], "allocated"),
        (["allocated", "cancelled"], "allocated"),
        (["processing", "allocated"], "processing"),
        (["processing", "open"], "processing"),
        (["fulfilled", "open"], "processing"),  # the order object page: "or partially fulfilled"
        (["closed", "allocated"], "processing"),
        (["fulfilled", "fulfilled"], "fulfilled"),
        (["fulfilled", "closed", "cancelled"], "fulfilled"),
        (["closed", "closed"], "closed"),
        (["closed", "cancelled"], "closed"),
        (["cancelled"], "cancelled"),
        (["cancelled", "cancelled"], "cancelled"),
    ],
)
def test_order_status_rolls_up_from_its_fos(fo_statuses: list[str], expected: str) -> None:
    assert derive_order_status(fo_statuses) == expected


@given(st.lists(st.sampled_from(LINE_STATUSES)), st.sampled_from([None, "L"]))
def test_fo_status_is_a_published_fo_status(statuses: list[str], location: str | None) -> None:
    extra = {"location_id": location} if location else {}
    assert derive_fo_status(lines_in(*statuses, **extra)) in FO_STATUSES


@given(st.lists(st.sampled_from(sorted(FO_STATUSES))), st.randoms())
def test_order_status_is_published_and_ignores_fo_order(statuses: list[str], rnd) -> None:
    shuffled = list(statuses)
    rnd.shuffle(shuffled)
    assert derive_order_status(shuffled) == derive_order_status(statuses) in ORDER_STATUSES


def test_refresh_sets_fo_and_order_statuses() -> None:
    before = order(
        fo("FO-A", line("i1", "fulfilled"), line("i2", "open"), status="closed"),
        fo("FO-B", line("i3", "allocated"), status="open"),
        fo("FO-C", line("i4", "picked"), status="fulfilled"),
        fo("FO-D", status="fulfilled"),
        status="closed",
    )
    after = refresh_statuses(before)
    assert [f["status"] for f in after["fulfillment_orders"]] == [
        "processing",
        "allocated",
        "processing",
        "open",
    ]
    assert after["status"] == "processing"


def test_an_order_whose_fos_are_all_cancelled_is_cancelled() -> None:
    """ "Cancellations propagate the same way: when every leaf is cancelled the parent flips to
    cancelled" (platform/orders/order-lifecycle)."""
    after = refresh_statuses(order(fo("FO-A", line("i1", "cancelled")), status="open"))
    assert after["fulfillment_orders"][0]["status"] == after["status"] == "cancelled"


def test_refresh_keeps_a_cancelled_order_cancelled_but_refreshes_its_fos() -> None:
    after = refresh_statuses(
        order(fo("FO-A", line("i1", "open"), status="closed"), status="cancelled")
    )
    assert after["status"] == "cancelled"
    assert after["fulfillment_orders"][0]["status"] == "open"


def test_refresh_does_not_mutate_its_input() -> None:
    before = order(fo("FO-A", line("i1", "fulfilled")), status="open")
    snapshot = copy.deepcopy(before)
    refresh_statuses(before)
    assert before == snapshot


def test_seeded_fos_without_a_status_get_the_derived_one() -> None:
    """Seeding stores orders as given, but every FO the API returns carries a status."""
    given_status = fo("FO-A", line("i1", "open"), status="closed")
    missing = fo("FO-B", line("i2", "picked"))
    del missing["status"]
    seeded = order(given_status, missing, status="allocated")
    after = with_fo_statuses(seeded)
    assert [f["status"] for f in after["fulfillment_orders"]] == ["closed", "processing"]
    assert after["status"] == "allocated"
    assert "status" not in seeded["fulfillment_orders"][1]
    complete = order(given_status)
    assert with_fo_statuses(complete) is complete
