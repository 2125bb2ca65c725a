"""Order webhooks (reference/order-webhook-events): each change is delivered in the published
envelope with the `trigger` header, and an operation fires its catalogue trigger. Observed only
where the suite can register a receiver (target/webhooks.py: a loopback target in admin seed
mode); skipped elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from .generation.steps import draw_fo, property_test, seed_drawn
from .generation.strategies import windows
from .oracle import rules
from .oracle.exchange import Exchange
from .oracle.model import PENDING
from .oracle.observation import Observation
from .target.client import LOOPBACK, UPDATE_PARTNER_REFERENCES, UPDATE_SCHEDULE
from .target.target import Target
from .target.webhooks import Receiver, register, unregister

pytestmark = pytest.mark.behaviour
Call = Callable[[Target, str, str, st.DataObject], Exchange]


@pytest.fixture(scope="module")
def receiver(target: Target) -> Iterator[Receiver]:
    if not target.config.admin or urlsplit(target.api.base_url).hostname not in LOOPBACK:
        pytest.skip("webhook deliveries are observed on a loopback target in admin seed mode")
    receiver = Receiver()
    webhook_id = register(target.api, receiver.url)
    yield receiver
    unregister(target.api, webhook_id)
    receiver.close()


def _update_order(target: Target, order_id: str, _: str, data: st.DataObject) -> Exchange:
    language = data.draw(st.sampled_from(["ar", "fr", "de"]), label="language")
    return target.api.update_order(order_id, {"language": language})


def _update_schedule(target: Target, order_id: str, fo_id: str, data: st.DataObject) -> Exchange:
    window = data.draw(windows(), label="window")
    return target.api.update_fulfillment_order(UPDATE_SCHEDULE, order_id, fo_id, window)


def _update_reference(target: Target, order_id: str, fo_id: str, data: st.DataObject) -> Exchange:
    reference = data.draw(st.uuids(), label="reference").hex
    body = {"partner_fulfillment_order_reference": reference}
    return target.api.update_fulfillment_order(UPDATE_PARTNER_REFERENCES, order_id, fo_id, body)


OPERATIONS: dict[str, tuple[Call, str]] = {
    "updateOrder": (_update_order, "ORDER_UPDATE"),
    "updateFulfillmentOrderSchedule": (_update_schedule, "FULFILLMENT_ORDER_UPDATE_SCHEDULE"),
    "updateFulfillmentOrderPartnerReferences": (
        _update_reference,
        "FULFILLMENT_ORDER_UPDATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
    ),
}


def _delivered(
    target: Target, receiver: Receiver, data: st.DataObject, operation: str
) -> Observation:
    """A pending order changed by `operation`, with the deliveries about the change."""
    _, before = seed_drawn(
        target,
        data,
        methods=frozenset({"DELIVERY"}),
        line_statuses=PENDING,
        order_statuses=frozenset({"open", "partially_allocated", "allocated"}),
        fo_count=(1, 2),
    )
    fo_id = draw_fo(data, before.json)["fulfillment_order_id"]
    call, trigger = OPERATIONS[operation]
    order_id = before.json["order_id"]
    observation = target.observe(before, lambda: call(target, order_id, fo_id, data))
    changed = observation.new.get("update_date") != observation.old.get("update_date")
    assume(observation.call.status != 200 or changed)  # a change to the same value fires nothing
    observation.expect["trigger"] = trigger
    observation.expect["deliveries"] = receiver.about(
        order_id, str(observation.new.get("update_date")), trigger
    )
    return observation


@property_test(
    rules.WEBHOOK_ENVELOPE,
    rules.WEBHOOK_TRIGGER,
    scale=0.3,
    operation=st.sampled_from(sorted(OPERATIONS)),
)
def test_a_change_is_delivered_in_the_envelope_with_its_trigger(
    target: Target, receiver: Receiver, data: st.DataObject, operation: str
) -> None:
    observation = _delivered(target, receiver, data, operation)
    rules.WEBHOOK_ENVELOPE.verify(observation)
    rules.WEBHOOK_TRIGGER.verify(observation)
