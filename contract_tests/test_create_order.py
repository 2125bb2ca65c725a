"""The published create order (api/orders/operation/create-order) and the recipe placing an
order with fulfillment orders (recipes/orders/place-order-with-fulfillment-orders): its success
status, the request-only delivery fields, and locations named by partner_location_code.

Each request creates a fresh order under a reference of its own namespace; the observation's
`before` is the create call itself (no order exists before it).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from .generation import samples
from .generation.steps import property_test
from .oracle import rules
from .oracle.model import ADDRESS_BY_METHOD, Json, copied
from .oracle.observation import Observation
from .target.target import Target

pytestmark = pytest.mark.behaviour
KEY = "partner_order_reference"


def _create(
    target: Target, merchant: str, ns: str, extra: Json, fo: Json, **expect: Any
) -> Observation:
    """POST /orders of one line item held by one FO `fo`, with the top-level fields `extra`;
    the order read back by the reference sent."""
    reference = f"{ns}-ORDER"
    body = {
        "merchant": merchant,
        KEY: reference,
        "line_items": [{"id": f"{ns}-LI", "quantity": 1}],
        "fulfillment_orders": [
            {
                **fo,
                "partner_fulfillment_order_reference": f"{ns}-PFO",
                "line_items": [{"id": f"{ns}-LI", "quantity": 1}],
            }
        ],
        **extra,
    }
    call = target.api.create_order(body)
    return Observation(call, call, target.api.get_order(reference, KEY), dict(expect))


def _delivery_fields(data: st.DataObject) -> Json:
    method = data.draw(st.sampled_from(sorted(ADDRESS_BY_METHOD)), label="delivery_method")
    return {
        "delivery_method": method,
        "delivery_type": data.draw(st.sampled_from(["STANDARD", "EXPRESS"]), label="type"),
        ADDRESS_BY_METHOD[method]: copied(data.draw(st.sampled_from(samples.ADDRESSES))),
    }


@property_test(rules.CREATE_STATUS, rules.CREATE_REQUEST_ONLY, scale=0.5)
def test_top_level_delivery_fields_are_not_stored(target: Target, data: st.DataObject) -> None:
    """Answered 200; the order stores none of the top-level delivery fields."""
    observation = _create(target, target.merchant, target.namespace(), _delivery_fields(data), {})
    rules.CREATE_STATUS.verify(observation)
    rules.CREATE_REQUEST_ONLY.verify(observation)


@property_test(rules.CREATE_DELIVERY_TO_FOS, scale=0.5)
def test_top_level_delivery_fields_go_to_the_fos(target: Target, data: st.DataObject) -> None:
    """An FO that sets none of them reads back with the top-level delivery fields."""
    rules.CREATE_DELIVERY_TO_FOS.verify(
        _create(target, target.merchant, target.namespace(), _delivery_fields(data), {})
    )


@pytest.mark.known_location
@property_test(rules.CREATE_LOCATION_CODE, scale=0.25)
def test_a_location_named_by_code_allocates_the_fo(target: Target, data: st.DataObject) -> None:
    ns = target.namespace()
    places = target.locations(ns)
    code, partner_id = data.draw(st.sampled_from(sorted(places.by_code.items())), label="code")
    fo = {"fulfillment_location": {"partner_location_code": code}}
    rules.CREATE_LOCATION_CODE.verify(
        _create(target, places.merchant, ns, {}, fo, location_id=partner_id)
    )


@property_test(rules.CREATE_LOCATION_UNKNOWN, scale=0.25)
def test_an_unknown_location_code_is_refused(target: Target, data: st.DataObject) -> None:
    ns = target.namespace()
    fo = {"fulfillment_location": {"partner_location_code": f"{ns}-NOWHERE"}}
    rules.CREATE_LOCATION_UNKNOWN.verify(_create(target, target.merchant, ns, {}, fo))
