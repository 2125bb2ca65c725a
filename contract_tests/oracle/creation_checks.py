"""The checks of create order's rules (api/orders/operation/create-order and the recipe placing
an order with fulfillment orders). The observation's `before` is the create call itself (there
is no order before it) and `after` the order read back by the reference sent."""

from __future__ import annotations

from .model import PENDING, fulfillment_orders, lines
from .observation import Observation

Problems = list[str]
REQUEST_ONLY = (
    "delivery_method",
    "delivery_type",
    "delivery_address",
    "delivery_schedule",
    "customer_collection_address",
    "customer_collection_schedule",
)
"""create-order's top-level fields that are request-only."""
CREATED = 200
"""create-order's success status (its page lists 200, as every operation page does)."""


def created(obs: Observation) -> Problems:
    """The create was answered 200 and the order reads back."""
    problems = [] if obs.call.status == CREATED else [f"answered {obs.call.status}, expected 200"]
    if obs.after.status != 200:
        problems.append(f"the order created reads back {obs.after.status}")
    return problems


def request_only_not_stored(obs: Observation) -> Problems:
    """None of the top-level delivery fields sent reads back on the order."""
    stored = [key for key in REQUEST_ONLY if key in obs.body and key in obs.new]
    return created(obs) or [f"the order stores the request-only {key}" for key in stored]


def delivery_fields_on_fos(obs: Observation) -> Problems:
    """Every FO created (none of whose entries set them) reads back with the top-level delivery
    fields sent."""
    problems = created(obs)
    for fo in [] if problems else fulfillment_orders(obs.new):
        problems += [
            f"FO {fo.get('fulfillment_order_id')!r}: {key} {fo.get(key)!r}, sent {obs.body[key]!r}"
            for key in REQUEST_ONLY
            if key in obs.body and fo.get(key) != obs.body[key]
        ]
    return problems


def location_code_resolved(obs: Observation) -> Problems:
    """Every FO created reads back with the location_id the code names, its lines allocated."""
    problems = created(obs)
    wanted = obs.expect["location_id"]
    for fo in [] if problems else fulfillment_orders(obs.new):
        if fo.get("location_id") != wanted:
            problems.append(f"FO location_id is {fo.get('location_id')!r}, expected {wanted!r}")
        problems += [
            f"line {line.get('id')!r} is {line.get('status')}, expected allocated"
            for line in lines(fo)
            if line.get("status") in PENDING and line.get("status") != "allocated"
        ]
    return problems


def create_refused(obs: Observation) -> Problems:
    """Refused with a 400, and no order was created under the reference sent."""
    problems = [] if obs.call.status == 400 else [f"answered {obs.call.status}, expected 400"]
    if obs.after.status != 404:
        problems.append(f"reading the reference back was answered {obs.after.status}, not 404")
    return problems
