"""Page 003, update schedule: the schedule field of the FO's delivery method; DIGITAL refused."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from .generation.steps import draw_fo, property_test, seed_drawn
from .generation.strategies import windows
from .oracle import rules
from .oracle.model import PENDING
from .oracle.observation import Observation
from .target.client import UPDATE_SCHEDULE
from .target.target import Target

pytestmark = pytest.mark.behaviour
RESCHEDULABLE_ORDER = frozenset({"open", "partially_allocated", "allocated"})
"""Statuses of an order whose line items are all pending (no page gates on them)."""


def _reschedule(
    target: Target, data: st.DataObject, method: str, *, offset: bool = True
) -> Observation:
    """A pending FO of `method` gets a drawn window (its times without an offset unless
    `offset`)."""
    _, before = seed_drawn(
        target,
        data,
        methods=frozenset({method}),
        line_statuses=PENDING,
        order_statuses=RESCHEDULABLE_ORDER,
        fo_count=(1, 3),
    )
    fo_id = draw_fo(data, before.json)["fulfillment_order_id"]
    window = data.draw(windows(offset), label="window")
    return target.observe(
        before,
        lambda: target.api.update_fulfillment_order(
            UPDATE_SCHEDULE, before.json["order_id"], fo_id, window
        ),
        fo_id=fo_id,
    )


@property_test(rules.SCHEDULE_DELIVERY, rules.SCHEDULE_KEEPS_METHOD)
def test_delivery_updates_delivery_schedule(target: Target, data: st.DataObject) -> None:
    observation = _reschedule(target, data, "DELIVERY")
    rules.SCHEDULE_DELIVERY.verify(observation)
    rules.SCHEDULE_KEEPS_METHOD.verify(observation)


@property_test(rules.SCHEDULE_COLLECTION, rules.SCHEDULE_KEEPS_METHOD)
def test_collection_updates_customer_collection_schedule(
    target: Target, data: st.DataObject
) -> None:
    observation = _reschedule(target, data, "COLLECTION")
    rules.SCHEDULE_COLLECTION.verify(observation)
    rules.SCHEDULE_KEEPS_METHOD.verify(observation)


@property_test(rules.SCHEDULE_ONLY, scale=0.5, method=st.sampled_from(["DELIVERY", "COLLECTION"]))
def test_rescheduling_changes_nothing_else(
    target: Target, data: st.DataObject, method: str
) -> None:
    rules.SCHEDULE_ONLY.verify(_reschedule(target, data, method))


@property_test(rules.SCHEDULE_DIGITAL, rules.SCHEDULE_KEEPS_METHOD, scale=0.5)
def test_digital_is_refused(target: Target, data: st.DataObject) -> None:
    observation = _reschedule(target, data, "DIGITAL")
    rules.SCHEDULE_DIGITAL.verify(observation)
    rules.SCHEDULE_KEEPS_METHOD.verify(observation)


@property_test(rules.INPUT_WITHOUT_OFFSET, rules.ANSWERS_CARRY_OFFSETS, scale=0.5)
def test_a_window_without_offsets_is_accepted_and_answered_with_them(
    target: Target, data: st.DataObject
) -> None:
    observation = _reschedule(target, data, "DELIVERY", offset=False)
    rules.INPUT_WITHOUT_OFFSET.verify(observation)
    rules.ANSWERS_CARRY_OFFSETS.verify(observation)
