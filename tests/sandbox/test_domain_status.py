"""status.py: order and FO statuses derived from FO line items (our rule)."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.domain import derive_status, refresh_statuses
from tests.sandbox.support import fo, line, order

ORDER_STATUSES = {  # page 002's list of order statuses
    "open",
    "partially_allocated",
    "allocated",
    "partially_fulfilled",
    "fulfilled",
    "closed",
    "cancelled",
}
LINE_STATUSES = ["open", "allocated", "fulfilled", "cancelled", "closed"]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "open"),
        (["cancelled"], "closed"),
        (["cancelled", "cancelled"], "closed"),
        (["closed"], "closed"),
        (["closed", "cancelled"], "closed"),
        (["fulfilled"], "fulfilled"),
        (["fulfilled", "closed", "cancelled"], "fulfilled"),
        (["fulfilled", "open"], "partially_fulfilled"),
        (["closed", "allocated"], "partially_fulfilled"),
        (["allocated", "allocated", "cancelled"], "allocated"),
        (["allocated", "open"], "partially_allocated"),
        (["open", "cancelled"], "open"),
        (["open", "open"], "open"),
    ],
)
def test_derive_status_rule(statuses: list[str], expected: str) -> None:
    assert derive_status(statuses) == expected


@given(st.lists(st.sampled_from(LINE_STATUSES)) | st.lists(st.text()))
def test_derive_status_is_total_and_in_the_order_status_enum(statuses: list[str]) -> None:
    assert derive_status(statuses) in ORDER_STATUSES


@given(st.lists(st.sampled_from(LINE_STATUSES)), st.randoms())
def test_derive_status_ignores_line_order(statuses: list[str], rnd) -> None:
    shuffled = list(statuses)
    rnd.shuffle(shuffled)
    assert derive_status(shuffled) == derive_status(statuses)


def test_refresh_sets_fo_and_order_statuses() -> None:
    before = order(
        fo("FO-A", line("i1", "fulfilled"), line("i2", "open"), status="closed"),
        fo("FO-B", line("i3", "allocated"), status="open"),
        fo("FO-C", status="fulfilled"),
        status="closed",
    )
    after = refresh_statuses(before)
    assert [f["status"] for f in after["fulfillment_orders"]] == [
        "partially_fulfilled",
        "allocated",
        "open",
    ]
    assert after["status"] == "partially_fulfilled"


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
