"""Page 002, update order: partial updates, full replacements, preserved terminal line items.

A property that requires success sends only requests the page clearly allows: pending items,
each within its order line's quantity, never an item that is not pending somewhere in the order,
and no omitted FO holding such items (a service may refuse to remove one: that case has a test
of its own, accepting either outcome).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from .generation.operations import fixed_order
from .generation.steps import property_test, seed_drawn
from .generation.strategies import fo_replacements, line_item_replacements, order_field_updates
from .oracle import rules
from .oracle.model import (
    IN_PROGRESS,
    PENDING,
    TERMINAL,
    UPDATABLE_ORDER_STATUSES,
    Json,
    fulfillment_orders,
    line_id,
    lines,
    pending_lines,
    terminal_lines,
)
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour


@dataclass(frozen=True)
class Update:
    """A request body and what the check needs to know about it."""

    body: Json
    expect: dict[str, object] = field(default_factory=dict)


Body = Callable[[st.DataObject, Json, str, Target], "Json | Update"]


def _update(target: Target, data: st.DataObject, body: Body, **options: Any) -> Observation:
    """Seed a drawn order, send update order with `body(data, order, ns, target)`, read it
    back."""
    options.setdefault("order_statuses", UPDATABLE_ORDER_STATUSES)
    ns, before = seed_drawn(target, data, **options)
    request = body(data, before.json, ns, target)
    update = request if isinstance(request, Update) else Update(request)
    return target.observe(
        before,
        lambda: target.api.update_order(before.json["order_id"], update.body),
        **update.expect,
    )


def _fields(data: st.DataObject, order: Json, ns: str, target: Target) -> Json:
    return data.draw(order_field_updates(ns, target.merchants), label="request")


def _line_items(data: st.DataObject, order: Json, ns: str, target: Target) -> Json:
    return {"line_items": data.draw(line_item_replacements(order), label="line_items")}


def _fos(data: st.DataObject, order: Json, ns: str, target: Target) -> Json:
    return {"fulfillment_orders": data.draw(fo_replacements(order, ns), label="fulfillment_orders")}


def _fos_dropping_any(data: st.DataObject, order: Json, ns: str, target: Target) -> Json:
    entries = fo_replacements(order, ns, drop_held=True)
    return {"fulfillment_orders": data.draw(entries, label="fulfillment_orders")}


@property_test(
    rules.UPDATABLE_STATUSES, rules.PROVIDED_FIELDS_UPDATED, rules.UNPROVIDED_FIELDS_UNCHANGED
)
def test_only_provided_fields_change(target: Target, data: st.DataObject) -> None:
    """Provided fields are updated, absent ones stay; every non-cancelled status allows it."""
    observation = _update(target, data, _fields)
    rules.UPDATABLE_STATUSES.verify(observation)
    rules.PROVIDED_FIELDS_UPDATED.verify(observation)
    rules.UNPROVIDED_FIELDS_UNCHANGED.verify(observation)


@property_test(
    rules.OTHER_FIELDS_UNCHANGED, scale=0.5, change=st.sampled_from([_fields, _line_items])
)
def test_fields_not_sent_stay_as_they_were(
    target: Target, data: st.DataObject, change: Body
) -> None:
    rules.OTHER_FIELDS_UNCHANGED.verify(_update(target, data, change))


@property_test(rules.LINE_ITEMS_REPLACED, rules.UNPROVIDED_FIELDS_UNCHANGED)
def test_line_items_replaced(target: Target, data: st.DataObject) -> None:
    observation = _update(target, data, _line_items)
    rules.LINE_ITEMS_REPLACED.verify(observation)
    rules.UNPROVIDED_FIELDS_UNCHANGED.verify(observation)


@property_test(rules.OMITTED_FOS_REMOVED)
def test_omitted_fulfillment_orders_removed(target: Target, data: st.DataObject) -> None:
    """Any FO may be omitted; one holding items that are no longer pending is removed, or the
    request is refused (400) and changes nothing."""
    rules.OMITTED_FOS_REMOVED.verify(_update(target, data, _fos_dropping_any))


@property_test(rules.FOS_MATCHED)
def test_fulfillment_orders_matched_by_id_or_reference(target: Target, data: st.DataObject) -> None:
    rules.FOS_MATCHED.verify(_update(target, data, _fos, fo_count=(1, 3)))


def _id_of_one_reference_of_another(data: st.DataObject, order: Json, ns: str, _: Target) -> Update:
    first, second = data.draw(
        st.permutations(fulfillment_orders(order)).map(lambda fos: fos[:2]), label="FOs"
    )
    entry = {
        "fulfillment_order_id": first["fulfillment_order_id"],
        "partner_fulfillment_order_reference": second["partner_fulfillment_order_reference"],
        "line_items": [
            {"id": key, "quantity": line["quantity"]} for key, line in pending_lines(first).items()
        ],
    }
    return Update(
        {"fulfillment_orders": [entry]},
        {"fo_id": first["fulfillment_order_id"], "other": second["fulfillment_order_id"]},
    )


@property_test(rules.FO_ID_BEFORE_REFERENCE, scale=0.5)
def test_fulfillment_order_id_wins_over_reference(target: Target, data: st.DataObject) -> None:
    """One entry names FO A by its id and FO B by its reference: A is updated, B removed."""
    observation = _update(
        target, data, _id_of_one_reference_of_another, fo_count=(2, 3), line_statuses=PENDING
    )
    rules.FO_ID_BEFORE_REFERENCE.verify(observation)


@pytest.mark.terminal_lines
@property_test(rules.TERMINAL_PRESERVED)
def test_terminal_line_items_preserved(target: Target, data: st.DataObject) -> None:
    rules.TERMINAL_PRESERVED.verify(_update(target, data, _fos, fo_count=(1, 3)))


@property_test(rules.LISTED_ITEMS)
def test_listed_line_items_are_in_their_fo(target: Target, data: st.DataObject) -> None:
    rules.LISTED_ITEMS.verify(_update(target, data, _fos))


@property_test(rules.UNLISTED_PENDING_REMOVED)
def test_unlisted_pending_line_items_removed(target: Target, data: st.DataObject) -> None:
    rules.UNLISTED_PENDING_REMOVED.verify(_update(target, data, _fos))


@property_test(rules.MOVED_ITEMS)
def test_moved_line_items_in_new_fo_only(target: Target, data: st.DataObject) -> None:
    rules.MOVED_ITEMS.verify(_update(target, data, _fos, fo_count=(2, 3)))


def _listing_again(*, elsewhere: bool, statuses: frozenset[str] = TERMINAL) -> Body:
    """A valid replacement, then one line item in one of `statuses` listed again: under its own
    FO, or (`elsewhere`) under a new FO while its own is kept (it would then exist twice)."""

    def held(fo: Json) -> dict[Any, Json]:
        return {line_id(line): line for line in lines(fo) if line.get("status") in statuses}

    def body(data: st.DataObject, order: Json, ns: str, _: Target) -> Update:
        holders = [fo for fo in fulfillment_orders(order) if held(fo)]
        assume(holders)
        fo = data.draw(st.sampled_from(holders), label="FO holding such items")
        key = data.draw(st.sampled_from(sorted(held(fo), key=str)), label="item listed again")
        entries = [
            entry
            for entry in data.draw(fo_replacements(order, ns), label="fulfillment_orders")
            if entry.get("fulfillment_order_id") != fo["fulfillment_order_id"]
            and entry.get("partner_fulfillment_order_reference")
            != fo.get("partner_fulfillment_order_reference")
        ]
        listed = {"id": key, "quantity": held(fo)[key].get("quantity", 1)}
        own: Json = {"fulfillment_order_id": fo["fulfillment_order_id"], "line_items": []}
        if elsewhere:
            other = {"partner_fulfillment_order_reference": f"{ns}-PFO-other"}
            entries += [own, {**other, "line_items": [listed]}]
        else:
            entries += [{**own, "line_items": [listed]}]
        expect = {"fo_id": fo["fulfillment_order_id"], "line": key}
        return Update({"fulfillment_orders": entries}, expect)

    return body


def _terminal_listed(target: Target, data: st.DataObject, *, elsewhere: bool) -> Observation:
    return _update(
        target,
        data,
        _listing_again(elsewhere=elsewhere),
        fo_count=(1, 3),
        line_statuses=TERMINAL,
    )


@pytest.mark.terminal_lines
@property_test(rules.TERMINAL_LISTED_STAYS, scale=0.5)
def test_terminal_item_listed_again_stays(target: Target, data: st.DataObject) -> None:
    """Listed under its own FO, a terminal item is preserved whatever the service does with
    the listing: it refuses the request, or keeps the line as it was."""
    rules.TERMINAL_LISTED_STAYS.verify(_terminal_listed(target, data, elsewhere=False))


@pytest.mark.terminal_lines
@property_test(rules.ONLY_PENDING_ITEMS, scale=0.5)
def test_listing_a_terminal_line_item_is_refused(target: Target, data: st.DataObject) -> None:
    rules.ONLY_PENDING_ITEMS.verify(_terminal_listed(target, data, elsewhere=False))


@pytest.mark.terminal_lines
@property_test(rules.TERMINAL_ITEM_ELSEWHERE_REFUSED, scale=0.5)
def test_terminal_item_listed_under_another_fo_is_refused(
    target: Target, data: st.DataObject
) -> None:
    rules.TERMINAL_ITEM_ELSEWHERE_REFUSED.verify(_terminal_listed(target, data, elsewhere=True))


@property_test(
    rules.CANCELLED_NOT_UPDATABLE, scale=0.5, change=st.sampled_from([_fields, _line_items, _fos])
)
def test_cancelled_order_not_updated(target: Target, data: st.DataObject, change: Body) -> None:
    rules.CANCELLED_NOT_UPDATABLE.verify(
        _update(target, data, change, order_statuses=frozenset({"cancelled"}))
    )


# ------------------------------------------------------------------ the sandbox's own refusals
@pytest.mark.admin_seed("line items being picked or packed")
@property_test(rules.IN_PROGRESS_LISTED_REFUSED, scale=0.5)
def test_listing_a_line_being_picked_is_refused(target: Target, data: st.DataObject) -> None:
    observation = _update(
        target,
        data,
        _listing_again(elsewhere=False, statuses=IN_PROGRESS),
        fo_count=(1, 3),
        line_statuses=IN_PROGRESS | PENDING,
    )
    rules.IN_PROGRESS_LISTED_REFUSED.verify(observation)


def _over_the_ordered_quantity(data: st.DataObject, order: Json, ns: str, _: Target) -> Json:
    """A valid replacement with one listed line raised above its order line's quantity."""
    entries = data.draw(fo_replacements(order, ns), label="fulfillment_orders")
    listed = [line for entry in entries for line in entry["line_items"]]
    assume(listed)
    line = data.draw(st.sampled_from(listed), label="line over the ordered quantity")
    ordered = {line_id(item): item["quantity"] for item in order["line_items"]}
    line["quantity"] = ordered[line["id"]] + data.draw(st.integers(1, 3), label="excess")
    return {"fulfillment_orders": entries}


@property_test(rules.FO_QUANTITY_WITHIN_ORDER, scale=0.5)
def test_fo_quantity_over_the_ordered_is_refused(target: Target, data: st.DataObject) -> None:
    observation = _update(
        target, data, _over_the_ordered_quantity, fo_count=(1, 3), line_statuses=PENDING
    )
    rules.FO_QUANTITY_WITHIN_ORDER.verify(observation)


def _dropping_a_referenced_item(data: st.DataObject, order: Json, ns: str, _: Target) -> Json:
    """`line_items` without an item a terminal FO line names."""
    held = sorted({key for fo in fulfillment_orders(order) for key in terminal_lines(fo)}, key=str)
    assume(held)
    dropped = data.draw(st.sampled_from(held), label="item dropped")
    kept = [item for item in order["line_items"] if line_id(item) != dropped]
    return {"line_items": [{"id": line_id(item), "quantity": item["quantity"]} for item in kept]}


@pytest.mark.terminal_lines
@property_test(rules.REFERENCED_ITEMS_KEPT, scale=0.5)
def test_line_items_dropping_a_referenced_item_is_refused(
    target: Target, data: st.DataObject
) -> None:
    observation = _update(
        target, data, _dropping_a_referenced_item, fo_count=(1, 3), line_statuses=TERMINAL
    )
    rules.REFERENCED_ITEMS_KEPT.verify(observation)


@verifies(rules.STALE_IF_MATCH_REFUSED)
def test_stale_if_match_is_refused(target: Target) -> None:
    """A write naming the ETag of a version another write has replaced changes nothing."""
    ns = target.namespace()
    seeded = target.seed(fixed_order(ns, target.merchant))
    order_id = seeded.json["order_id"]
    stale = seeded.response_headers.get("ETag", "")
    first = target.api.update_order(order_id, {"language": "ar"})
    assert first.status == 200, first.describe()
    before = target.api.get_order(order_id)
    rules.STALE_IF_MATCH_REFUSED.verify(
        target.observe(
            before,
            lambda: target.api.update_order(
                order_id, {"language": "fr"}, headers={"If-Match": stale}
            ),
            status=409,
        )
    )
