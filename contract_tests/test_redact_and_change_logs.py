"""The published redact and change log operations (api/orders/operation/redact-order,
list-order-change-logs), and the timestamps their answers carry (api/conventions)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from hypothesis import strategies as st

from .generation.building import DRAFT, SKIP_SHIPPING, shipment
from .generation.operations import fixed_order
from .generation.steps import property_test, seed_drawn
from .oracle import rules
from .oracle.exchange import Exchange
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target.client import FULFILL, ApiClient
from .target.target import Target

pytestmark = pytest.mark.behaviour


def _redact(target: Target, data: st.DataObject) -> Observation:
    _, before = seed_drawn(target, data)
    return target.observe(before, lambda: target.api.redact_order(before.json["order_id"]))


@property_test(rules.REDACT_KEEPS_RECORD, scale=0.5)
def test_a_redacted_order_keeps_its_operational_record(target: Target, data: st.DataObject) -> None:
    rules.REDACT_KEEPS_RECORD.verify(_redact(target, data))


@property_test(rules.REDACT_CLEARS, scale=0.5)
def test_a_redacted_order_keeps_no_personal_data(target: Target, data: st.DataObject) -> None:
    rules.REDACT_CLEARS.verify(_redact(target, data))


# ------------------------------------------------------------------ change logs
Call = Callable[[ApiClient, str, str], Exchange]
"""(client, order_id, partner_order_reference) -> the exchange."""


def _fulfil(params: dict[str, str], quantity: int) -> Call:
    def call(api: ApiClient, order_id: str, _: str) -> Exchange:
        fo_id = str(api.get_order(order_id).json["fulfillment_orders"][0]["fulfillment_order_id"])
        body = {"line_items": [{"id": "item-1", "quantity": quantity}]}
        return api.act_on_fulfillment_order(FULFILL, order_id, fo_id, body, params)

    return call


CALLS: tuple[tuple[str, Call], ...] = (
    ("updateOrder", lambda api, order_id, _: api.update_order(order_id, {"language": "fr"})),
    ("updateOrder", lambda api, order_id, _: api.update_order(order_id, {"language": 7})),
    ("fulfillFulfillmentOrder", _fulfil(DRAFT, 5)),
    ("fulfillFulfillmentOrder", _fulfil(SKIP_SHIPPING, 1)),
    (
        "notifyShipmentStatus",
        lambda api, _, reference: api.notify_shipment(shipment(reference, "in_transit")),
    ),
    ("updateOrder", lambda api, order_id, _: api.update_order(order_id, {"sales_channel": "app"})),
)
"""A change, a refused one (a language that is not a string), a fulfilment over the pending
quantity (refused), one that succeeds, a notification that changes nothing, a change."""


def _logged(target: Target, ns: str) -> list[Observation]:
    """Seed `fixed_order` and run CALLS on it, observing each with the log before and after."""
    before = target.seed(fixed_order(ns, target.merchant))
    order_id, reference = before.json["order_id"], before.json["partner_order_reference"]
    observed = []
    for operation, call in CALLS:
        logs = target.api.change_logs(order_id)
        observation = target.observe(
            before, functools.partial(call, target.api, order_id, reference), operation=operation
        )
        observation.expect["logs"] = (logs, target.api.change_logs(order_id))
        observed.append(observation)
        before = observation.after
    return observed


@verifies(rules.CHANGE_LOG_PER_CHANGE)
def test_every_change_adds_one_entry_to_the_log(target: Target) -> None:
    for observation in _logged(target, target.namespace()):
        rules.CHANGE_LOG_PER_CHANGE.verify(observation)


@verifies(rules.CHANGE_LOG_OPERATION)
def test_each_entry_names_its_operation(target: Target) -> None:
    for observation in _logged(target, target.namespace()):
        if observation.call.ok and observation.old != observation.new:
            rules.CHANGE_LOG_OPERATION.verify(observation)


@verifies(rules.CHANGE_LOG_SORTED)
def test_the_log_is_sorted_by_log_date(target: Target) -> None:
    (*_, last) = _logged(target, target.namespace())
    order_id = last.after.json["order_id"]
    listed = target.observe(last.after, lambda: target.api.change_logs(order_id))
    listed.expect["desc"] = target.api.change_logs(order_id, "DESC")
    rules.CHANGE_LOG_SORTED.verify(listed)


@verifies(rules.TIMESTAMPS_PUBLISHED)
def test_the_service_writes_its_timestamps_in_the_published_form(target: Target) -> None:
    """The orders, refusals and change log of `_logged`: every stamp the service wrote."""
    observed = _logged(target, target.namespace())
    order_id = observed[-1].after.json["order_id"]
    listed = target.observe(observed[-1].after, lambda: target.api.change_logs(order_id))
    for observation in (*observed, listed):
        rules.TIMESTAMPS_PUBLISHED.verify(observation)
