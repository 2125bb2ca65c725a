"""Page 002, update order: partial updates, full replacements, preserved terminal line items."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from . import rules
from .model import TERMINAL, UPDATABLE_ORDER_STATUSES, Json, fulfillment_orders, terminal_lines
from .observation import Observation
from .settings import examples
from .steps import seed_drawn
from .strategies import fo_replacements, line_item_replacements, order_field_updates
from .target import Target

pytestmark = pytest.mark.behaviour
ADMIN_TERMINAL = pytest.mark.admin_seed("line items in terminal statuses")
Body = Callable[[st.DataObject, Json, str], Json]


def _update(target: Target, data: st.DataObject, body: Body, **options: object) -> Observation:
    """Seed a drawn order, send update order with `body(data, order, ns)`, read it back."""
    options.setdefault("order_statuses", UPDATABLE_ORDER_STATUSES)
    ns, before = seed_drawn(target, data, **options)
    request = body(data, before.json, ns)
    return target.observe(before, lambda: target.api.update_order(before.json["order_id"], request))


def _fields(data: st.DataObject, order: Json, ns: str) -> Json:
    return data.draw(order_field_updates(ns), label="request")


def _line_items(data: st.DataObject, order: Json, ns: str) -> Json:
    return {"line_items": data.draw(line_item_replacements(order), label="line_items")}


def _fos(data: st.DataObject, order: Json, ns: str) -> Json:
    return {"fulfillment_orders": data.draw(fo_replacements(order, ns), label="fulfillment_orders")}


@examples()
@given(data=st.data())
def test_only_provided_fields_change(target: Target, data: st.DataObject) -> None:
    """Provided fields are updated, absent ones stay; every non-cancelled status allows it."""
    observation = _update(target, data, _fields)
    rules.UPDATABLE_STATUSES.verify(observation)
    rules.PROVIDED_FIELDS_UPDATED.verify(observation)
    rules.UNPROVIDED_FIELDS_UNCHANGED.verify(observation)


@examples()
@given(data=st.data())
def test_line_items_replaced(target: Target, data: st.DataObject) -> None:
    observation = _update(target, data, _line_items)
    rules.LINE_ITEMS_REPLACED.verify(observation)
    rules.UNPROVIDED_FIELDS_UNCHANGED.verify(observation)


@examples()
@given(data=st.data())
def test_omitted_fulfillment_orders_removed(target: Target, data: st.DataObject) -> None:
    rules.OMITTED_FOS_REMOVED.verify(_update(target, data, _fos))


@pytest.mark.reading
@examples()
@given(data=st.data())
def test_fulfillment_orders_matched_by_id_or_reference(target: Target, data: st.DataObject) -> None:
    rules.FOS_MATCHED.verify(_update(target, data, _fos, fo_count=(1, 3)))


@ADMIN_TERMINAL
@examples()
@given(data=st.data())
def test_terminal_line_items_preserved(target: Target, data: st.DataObject) -> None:
    rules.TERMINAL_PRESERVED.verify(_update(target, data, _fos, fo_count=(1, 3)))


@pytest.mark.reading
@examples()
@given(data=st.data())
def test_listed_line_items_are_in_their_fo(target: Target, data: st.DataObject) -> None:
    rules.LISTED_ITEMS.verify(_update(target, data, _fos))


@examples()
@given(data=st.data())
def test_unlisted_pending_line_items_removed(target: Target, data: st.DataObject) -> None:
    rules.UNLISTED_PENDING_REMOVED.verify(_update(target, data, _fos))


@examples()
@given(data=st.data())
def test_moved_line_items_in_new_fo_only(target: Target, data: st.DataObject) -> None:
    rules.MOVED_ITEMS.verify(_update(target, data, _fos, fo_count=(2, 3)))


def _listing_a_terminal_item(data: st.DataObject, order: Json, ns: str) -> Json:
    """A valid replacement, then one terminal line item listed again: under its own FO, or
    under another FO while its own is kept (it would then exist twice)."""
    holders = [fo for fo in fulfillment_orders(order) if terminal_lines(fo)]
    assume(holders)
    fo = data.draw(st.sampled_from(holders), label="FO holding terminal items")
    key = data.draw(st.sampled_from(sorted(terminal_lines(fo))), label="terminal item listed")
    names = {fo["fulfillment_order_id"], fo.get("partner_fulfillment_order_reference")}
    entries = [
        entry
        for entry in data.draw(fo_replacements(order, ns), label="fulfillment_orders")
        if not names
        & {entry.get("fulfillment_order_id"), entry.get("partner_fulfillment_order_reference")}
    ]
    listed = {"id": key, "quantity": terminal_lines(fo)[key].get("quantity", 1)}
    own: Json = {"fulfillment_order_id": fo["fulfillment_order_id"]}
    if data.draw(st.booleans(), label="listed under its own FO"):
        return {"fulfillment_orders": [*entries, {**own, "line_items": [listed]}]}
    other = {"partner_fulfillment_order_reference": f"{ns}-PFO-other", "line_items": [listed]}
    return {"fulfillment_orders": [*entries, own, other]}


@ADMIN_TERMINAL
@pytest.mark.reading
@examples()
@given(data=st.data())
def test_listing_a_terminal_line_item_is_refused(target: Target, data: st.DataObject) -> None:
    observation = _update(
        target, data, _listing_a_terminal_item, fo_count=(1, 3), line_statuses=TERMINAL
    )
    rules.ONLY_PENDING_ITEMS.verify(observation)


@pytest.mark.admin_seed("a cancelled order")
@examples(0.5)
@given(data=st.data(), change=st.sampled_from([_fields, _line_items, _fos]))
def test_cancelled_order_not_updated(target: Target, data: st.DataObject, change: Body) -> None:
    rules.CANCELLED_NOT_UPDATABLE.verify(
        _update(target, data, change, order_statuses=frozenset({"cancelled"}))
    )
