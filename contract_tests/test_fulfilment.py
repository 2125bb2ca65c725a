"""The published fulfil, ship and unfulfil operations (api/orders/operation/fulfill-order,
ship-fulfillment-order, unfulfill-order).

A fulfilment that succeeds always asks for a draft shipment (`create_draft_shipment=true`) or
none (`skip_shipping=true`), so that the suite never books a carrier on a real tenant.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from .generation.building import DRAFT, SKIP_SHIPPING
from .generation.steps import draw_items, listed, property_test, seed_holding
from .oracle import rules
from .oracle.exchange import Exchange
from .oracle.model import PENDING, TERMINAL, Json, fulfillment_orders, lines
from .oracle.observation import Observation
from .target.client import FULFILL, SHIP, UNFULFILL, UPDATE_PARTNER_REFERENCES
from .target.target import Target

pytestmark = pytest.mark.behaviour
SHIPPING_METHODS = frozenset({"DELIVERY", "COLLECTION"})
"""Delivery methods whose items are shipped (a DIGITAL FO's close on fulfilment)."""
PENDING_ORDER = frozenset({"open", "partially_allocated", "allocated"})
SHIPPED_OR_NOT = frozenset({"open", "allocated", "fulfilled", "closed", "cancelled"})
FO_REF = "partner_fulfillment_order_reference"


def _act(
    target: Target,
    before: Any,
    operation: str,
    fo: Json,
    body: Json,
    params: dict[str, str] | None = None,
    **expect: Any,
) -> Observation:
    """POST `…FO/{operation}` on the order of `before`, read back."""
    return target.observe(
        before,
        lambda: target.api.act_on_fulfillment_order(
            operation, before.json["order_id"], fo["fulfillment_order_id"], body, params
        ),
        fo_id=fo["fulfillment_order_id"],
        **expect,
    )


def _fulfil(
    target: Target,
    data: st.DataObject,
    params: dict[str, str],
    *,
    whole: bool = True,
    methods: frozenset[str] | None = None,
) -> Observation:
    """Fulfil some pending items of a drawn FO (whole lines, or parts of them)."""
    options: dict[str, Any] = {"methods": methods} if methods else {}
    _, before, fo = seed_holding(target, data, PENDING, order_statuses=PENDING_ORDER, **options)
    items = draw_items(data, fo, PENDING, whole=whole)
    body: Json = {"line_items": listed(items)}
    if data.draw(st.booleans(), label="partner_fulfillment_reference"):
        body["partner_fulfillment_reference"] = "WMS-FUL-1"
    return _act(target, before, FULFILL, fo, body, params, items=items)


@property_test(rules.FULFIL_MARKS, scale=0.5)
def test_fulfilled_items_get_a_new_fulfillment_id(target: Target, data: st.DataObject) -> None:
    rules.FULFIL_MARKS.verify(_fulfil(target, data, DRAFT))


@property_test(rules.FULFIL_MARKS, rules.FULFIL_SKIP_SHIPPING, scale=0.5)
def test_skip_shipping_closes_the_items(target: Target, data: st.DataObject) -> None:
    observation = _fulfil(target, data, SKIP_SHIPPING)
    rules.FULFIL_MARKS.verify(observation)
    rules.FULFIL_SKIP_SHIPPING.verify(observation)


@property_test(rules.FULFIL_PARTIAL, scale=0.5)
def test_a_partial_quantity_stays_pending(target: Target, data: st.DataObject) -> None:
    rules.FULFIL_PARTIAL.verify(_fulfil(target, data, DRAFT, whole=False))


@property_test(rules.FULFIL_SHIPMENT, scale=0.5)
def test_fulfilment_links_a_shipment(target: Target, data: st.DataObject) -> None:
    rules.FULFIL_SHIPMENT.verify(_fulfil(target, data, DRAFT, methods=SHIPPING_METHODS))


def _refused(
    target: Target,
    data: st.DataObject,
    operation: str,
    statuses: frozenset[str],
    *,
    excess: bool = False,
    params: dict[str, str] | None = None,
) -> Observation:
    """List items a drawn FO holds only in `statuses` (`excess`: more than it holds)."""
    _, before, fo = seed_holding(target, data, statuses, line_statuses=statuses | {"open"})
    items = draw_items(data, fo, statuses, only=True)
    if excess:
        items = {key: quantity + data.draw(st.integers(1, 3)) for key, quantity in items.items()}
    return _act(target, before, operation, fo, {"line_items": listed(items)}, params)


@pytest.mark.terminal_lines
@property_test(rules.FULFIL_PENDING_ONLY, scale=0.5)
def test_fulfilling_items_not_pending_is_refused(target: Target, data: st.DataObject) -> None:
    rules.FULFIL_PENDING_ONLY.verify(_refused(target, data, FULFILL, TERMINAL, params=DRAFT))


@property_test(rules.FULFIL_WITHIN_PENDING, scale=0.5)
def test_fulfilling_more_than_pending_is_refused(target: Target, data: st.DataObject) -> None:
    rules.FULFIL_WITHIN_PENDING.verify(
        _refused(target, data, FULFILL, PENDING, excess=True, params=DRAFT)
    )


# ------------------------------------------------------------------ ship
@pytest.mark.terminal_lines
@property_test(rules.SHIP_STATUSES, scale=0.5)
def test_shipping_open_cancelled_or_closed_items_is_refused(
    target: Target, data: st.DataObject
) -> None:
    refused = frozenset({"open", "cancelled", "closed"})
    rules.SHIP_STATUSES.verify(_refused(target, data, SHIP, refused, params=DRAFT))


@pytest.mark.terminal_lines
@property_test(rules.SHIP_LINKS, scale=0.5)
def test_shipping_links_a_new_shipment(target: Target, data: st.DataObject) -> None:
    shippable = frozenset({"allocated", "fulfilled"})
    _, before, fo = seed_holding(
        target, data, shippable, line_statuses=shippable, methods=SHIPPING_METHODS
    )
    items = draw_items(data, fo, shippable, only=True)
    observation = _act(target, before, SHIP, fo, {"line_items": listed(items)}, DRAFT, items=items)
    rules.SHIP_LINKS.verify(observation)


# ------------------------------------------------------------------ unfulfil
def _fulfilments_carry_fo_reference(
    target: Target, before: Exchange, fo: Json, held: list[str]
) -> tuple[Exchange, Json]:
    """Give every fulfilment of `fo` the FO's own partner reference (update-partner-references),
    so that the reference names the same lines whether a service reads it as the FO's or as a
    fulfilment's (the page admits both): the order read back and the FO in it."""
    order_id, fo_id = before.json["order_id"], fo["fulfillment_order_id"]
    fulfillments = [
        {"fulfillment_id": f, "partner_fulfillment_reference": fo[FO_REF]} for f in held
    ]
    marked = target.api.update_fulfillment_order(
        UPDATE_PARTNER_REFERENCES, order_id, fo_id, {"fulfillments": fulfillments}
    )
    assume(marked.ok)
    again = target.api.get_order(order_id)
    return again, next(
        f for f in fulfillment_orders(again.json) if f["fulfillment_order_id"] == fo_id
    )


def _unfulfil(target: Target, data: st.DataObject, *, by_reference: bool = False) -> Observation:
    """Unfulfil some of the fulfillment ids of a drawn FO's fulfilled lines, or (`by_reference`)
    all of them, named by the FO's partner_fulfillment_order_reference alone."""
    fulfilled = frozenset({"fulfilled"})
    _, before, fo = seed_holding(
        target, data, fulfilled, line_statuses=SHIPPED_OR_NOT, methods=SHIPPING_METHODS
    )
    held = sorted(
        {str(line["fulfillment_id"]) for line in lines(fo) if line.get("status") == "fulfilled"}
    )
    body: Json
    if by_reference:
        assume(fo.get(FO_REF))
        before, fo = _fulfilments_carry_fo_reference(target, before, fo, held)
        ids, body = held, {FO_REF: fo[FO_REF]}
    else:
        ids = data.draw(st.lists(st.sampled_from(held), min_size=1, unique=True), label="ids")
        body = {"fulfillment_ids": ids}
    items: dict[Any, int] = {}
    for line in lines(fo):
        if line.get("status") == "fulfilled" and line.get("fulfillment_id") in ids:
            key = line.get("id", line.get("line_item_id"))
            items[key] = items.get(key, 0) + int(line.get("quantity", 0))
    return _act(target, before, UNFULFILL, fo, body, items=items, fulfillment_ids=ids)


@pytest.mark.terminal_lines
@property_test(rules.UNFULFIL_CLEARS, scale=0.5)
def test_unfulfilled_items_lose_their_fulfillment(target: Target, data: st.DataObject) -> None:
    rules.UNFULFIL_CLEARS.verify(_unfulfil(target, data))


@pytest.mark.terminal_lines
@property_test(rules.UNFULFIL_RETURNS, scale=0.5)
def test_unfulfilled_items_are_pending_again(target: Target, data: st.DataObject) -> None:
    rules.UNFULFIL_RETURNS.verify(_unfulfil(target, data))


@pytest.mark.terminal_lines
@property_test(rules.UNFULFIL_BY_FO_REFERENCE, scale=0.5)
def test_unfulfilling_by_the_fo_reference(target: Target, data: st.DataObject) -> None:
    """The body's other identifier: the FO's partner_fulfillment_order_reference alone."""
    rules.UNFULFIL_BY_FO_REFERENCE.verify(_unfulfil(target, data, by_reference=True))


@pytest.mark.terminal_lines
@property_test(rules.UNFULFIL_UNKNOWN, scale=0.25)
def test_unfulfilling_an_unknown_fulfillment_is_refused(
    target: Target, data: st.DataObject
) -> None:
    ns, before, fo = seed_holding(target, data, SHIPPED_OR_NOT)
    body = {"fulfillment_ids": [f"{ns}-FUL-UNKNOWN"]}
    rules.UNFULFIL_UNKNOWN.verify(_act(target, before, UNFULFILL, fo, body))
