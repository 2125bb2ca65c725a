"""The published delivery method and address updates of a fulfillment order
(api/orders/operation/update-fulfillment-order-delivery-method, update-fulfillment-order-address).
"""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from .generation import samples
from .generation.steps import draw_fo, property_test, seed_drawn, seed_holding
from .generation.strategies import windows
from .oracle import rules
from .oracle.exchange import Exchange
from .oracle.model import ADDRESS_BY_METHOD, DELIVERY_METHODS, PENDING, Json, copied
from .oracle.observation import Observation
from .target.client import UPDATE_ADDRESS, UPDATE_DELIVERY_METHOD
from .target.target import Target

pytestmark = pytest.mark.behaviour
PENDING_ORDER = frozenset({"open", "partially_allocated", "allocated"})
addresses = st.sampled_from(samples.ADDRESSES).map(copied)


def _patch(target: Target, before: Exchange, operation: str, fo_id: str, body: Json) -> Observation:
    order_id = before.json["order_id"]
    return target.observe(
        before,
        lambda: target.api.update_fulfillment_order(operation, order_id, fo_id, body),
        fo_id=fo_id,
    )


def _switch(target: Target, data: st.DataObject) -> Observation:
    """A pending FO switches to another delivery method, with an address and a window for it
    (none for DIGITAL, which uses neither)."""
    _, before = seed_drawn(
        target, data, fo_count=(1, 2), line_statuses=PENDING, order_statuses=PENDING_ORDER
    )
    fo = draw_fo(data, before.json)
    previous = fo.get("delivery_method", "DELIVERY")
    method = data.draw(st.sampled_from(sorted(DELIVERY_METHODS - {previous})), label="method")
    body: Json = {"delivery_method": method}
    if method in ADDRESS_BY_METHOD:
        body["address"] = data.draw(addresses, label="address")
        body.update(data.draw(windows(), label="window"))
    return _patch(target, before, UPDATE_DELIVERY_METHOD, fo["fulfillment_order_id"], body)


@property_test(rules.METHOD_SET, rules.METHOD_CLEARS_PREVIOUS, scale=0.5)
def test_switching_the_delivery_method(target: Target, data: st.DataObject) -> None:
    observation = _switch(target, data)
    rules.METHOD_SET.verify(observation)
    rules.METHOD_CLEARS_PREVIOUS.verify(observation)


@pytest.mark.terminal_lines
@property_test(rules.METHOD_NOT_ONCE_STARTED, scale=0.5)
def test_the_method_of_a_processing_fulfillment_order_is_kept(
    target: Target, data: st.DataObject
) -> None:
    """An FO holding fulfilled or closed items has started processing."""
    started = frozenset({"fulfilled", "closed"})
    _, before, fo = seed_holding(target, data, started)
    previous = fo.get("delivery_method", "DELIVERY")
    method = data.draw(st.sampled_from(sorted(DELIVERY_METHODS - {previous})), label="method")
    observation = _patch(
        target,
        before,
        UPDATE_DELIVERY_METHOD,
        fo["fulfillment_order_id"],
        {"delivery_method": method},
    )
    rules.METHOD_NOT_ONCE_STARTED.verify(observation)


def _readdress(target: Target, data: st.DataObject, methods: frozenset[str]) -> Observation:
    _, before = seed_drawn(
        target,
        data,
        fo_count=(1, 2),
        methods=methods,
        line_statuses=PENDING,
        order_statuses=PENDING_ORDER,
    )
    fo = draw_fo(data, before.json)
    body = {"address": data.draw(addresses, label="address")}
    return _patch(target, before, UPDATE_ADDRESS, fo["fulfillment_order_id"], body)


@property_test(
    rules.ADDRESS_FOLLOWS_METHOD,
    scale=0.5,
    method=st.sampled_from(sorted(ADDRESS_BY_METHOD)),
)
def test_the_address_of_the_delivery_method_is_updated(
    target: Target, data: st.DataObject, method: str
) -> None:
    rules.ADDRESS_FOLLOWS_METHOD.verify(_readdress(target, data, frozenset({method})))


@property_test(rules.ADDRESS_DIGITAL, scale=0.25)
def test_a_digital_fulfillment_order_takes_no_address(target: Target, data: st.DataObject) -> None:
    rules.ADDRESS_DIGITAL.verify(_readdress(target, data, frozenset({"DIGITAL"})))
