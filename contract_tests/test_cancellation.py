"""The published cancel order and cancel line items operations
(api/orders/operation/cancel-order, cancel-fulfillment-order-line-items)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from .generation.steps import draw_items, listed, property_test, seed_drawn, seed_holding
from .oracle import rules
from .oracle.model import CANCELLABLE_ORDER_STATUSES, CANCELLATION_REASONS, PENDING, Json, line_id
from .oracle.observation import Observation
from .target.client import CANCEL_LINE_ITEMS
from .target.target import Target

pytestmark = pytest.mark.behaviour
reasons = st.sampled_from(CANCELLATION_REASONS)


def _cancel_order(target: Target, data: st.DataObject, **options: Any) -> Observation:
    _, before = seed_drawn(target, data, **options)
    body = {"cancellation_reason": data.draw(reasons, label="reason")}
    removed = {
        line_id(item): item.get("quantity", 0) for item in before.json.get("line_items") or []
    }
    return target.observe(
        before,
        lambda: target.api.cancel_order(before.json["order_id"], body),
        removed=removed,
    )


@pytest.mark.terminal_lines
@property_test(rules.CANCEL_ORDER_GATE, scale=0.5)
def test_only_open_or_allocated_orders_are_cancelled(target: Target, data: st.DataObject) -> None:
    """Any starting state: cancelled if its status read back allows it, else refused."""
    rules.CANCEL_ORDER_GATE.verify(_cancel_order(target, data))


def _cancel_pending_order(target: Target, data: st.DataObject) -> Observation:
    return _cancel_order(
        target, data, line_statuses=PENDING, order_statuses=CANCELLABLE_ORDER_STATUSES
    )


@property_test(
    rules.ORDER_CANCELLED, rules.CANCEL_ORDER_FO_LINES, rules.CANCEL_ORDER_QUANTITIES, scale=0.5
)
def test_a_cancelled_order_has_every_line_cancelled(target: Target, data: st.DataObject) -> None:
    observation = _cancel_pending_order(target, data)
    rules.ORDER_CANCELLED.verify(observation)
    rules.CANCEL_ORDER_FO_LINES.verify(observation)
    rules.CANCEL_ORDER_QUANTITIES.verify(observation)


@property_test(rules.CANCEL_ORDER_REMOVED, scale=0.25)
def test_a_cancelled_order_records_the_removed_quantities(
    target: Target, data: st.DataObject
) -> None:
    rules.CANCEL_ORDER_REMOVED.verify(_cancel_pending_order(target, data))


# ------------------------------------------------------------------ cancel line items
def _cancel_lines(
    target: Target, data: st.DataObject, statuses: frozenset[str], *, whole: bool = True
) -> Observation:
    """Cancel some items a drawn FO holds in `statuses`."""
    _, before, fo = seed_holding(target, data, statuses)
    items = draw_items(data, fo, statuses, whole=whole, only=statuses != PENDING)
    body: Json = {
        "cancellation_reason": data.draw(reasons, label="reason"),
        "line_items": listed(items),
    }
    return target.observe(
        before,
        lambda: target.api.act_on_fulfillment_order(
            CANCEL_LINE_ITEMS, before.json["order_id"], fo["fulfillment_order_id"], body
        ),
        fo_id=fo["fulfillment_order_id"],
        items=items,
        removed=items,
    )


@property_test(rules.LINES_CANCELLED, scale=0.5)
def test_cancelled_items_read_back_cancelled(target: Target, data: st.DataObject) -> None:
    rules.LINES_CANCELLED.verify(_cancel_lines(target, data, PENDING))


@property_test(rules.LINES_CANCELLED_RECORDED, scale=0.5)
def test_cancelled_items_carry_the_reason(target: Target, data: st.DataObject) -> None:
    """Whole lines or parts of them."""
    rules.LINES_CANCELLED_RECORDED.verify(_cancel_lines(target, data, PENDING, whole=False))


@pytest.mark.terminal_lines
@property_test(rules.CANCEL_LINES_PENDING_ONLY, scale=0.5)
def test_cancelling_fulfilled_or_closed_items_is_refused(
    target: Target, data: st.DataObject
) -> None:
    done = frozenset({"fulfilled", "closed"})
    rules.CANCEL_LINES_PENDING_ONLY.verify(_cancel_lines(target, data, done))
