"""The Inventory API (api/inventory/) and each order operation's published "Inventory Impact": a
product stocked through the bulk import, its events read back, the published validation rules
refusing, and the stock an order's creation, cancellation, line cancellation, fulfilment,
unfulfilment and relocation move (target/stock.py says where the stock comes from)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .oracle import rules
from .oracle.exchange import Exchange
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target import stock
from .target.client import UPDATE_LOCATION
from .target.stock import Place
from .target.target import Target

pytestmark = pytest.mark.behaviour
STOCKED = 50
"""Units put on hand before an order test, so that nothing it does runs the stock out."""
Json = dict[str, Any]


def _place(target: Target, ns: str) -> Place:
    where = stock.place(target, ns)
    if where is None:
        pytest.skip("api seed mode needs --product-id and --location-id for the inventory tests")
    return where


def _levels(target: Target, where: Place) -> dict[str, Any]:
    watched = [where.location_id] + ([where.other] if where.other else [])
    return {loc: stock.level(target, where.product_id, loc) for loc in watched}


def _watched(
    target: Target, where: Place, before: Exchange, call: Callable[[], Exchange], **expect: Any
) -> Observation:
    """`call` observed on the order of `before`, with the stock read before and after it."""
    levels = {"before": _levels(target, where)}
    observation = target.observe(before, call, location=where.location_id, **expect)
    levels["after"] = _levels(target, where)
    observation.expect.update(levels=levels, other=where.other)
    return observation


def _order(ns: str, where: Place, quantity: int) -> Json:
    """A create-order body: `quantity` of the product in one FO at the place's location."""
    return {
        "merchant": where.merchant,
        "partner_order_reference": f"{ns}-REF",
        "line_items": [{"id": "item-1", "sku": where.product_id, "quantity": quantity}],
        "fulfillment_orders": [
            {
                "location_id": where.location_id,
                "line_items": [{"id": "item-1", "quantity": quantity}],
            }
        ],
    }


def _created(target: Target, quantity: int) -> tuple[Place, Exchange]:
    """A stocked place and an order of `quantity` created there (read back)."""
    ns = target.namespace()
    where = _place(target, ns)
    stock.stock_up(target, where, STOCKED, ns)
    created = target.api.create_order(_order(ns, where, quantity))
    if created.status != 200 or not isinstance(created.json, dict):
        pytest.fail(f"create-order was answered {created.status}:\n{created.describe()}")
    return where, target.api.get_order(str(created.json["order_id"]))


def _fo(order: Exchange) -> str:
    return str(order.json["fulfillment_orders"][0]["fulfillment_order_id"])


# ------------------------------------------------------------------ the Inventory API
def _import(
    target: Target, where: Place, events: list[Json], ns: str, quantity: int
) -> Observation:
    """The import of `events` observed on the product's stock (`quantity`: what it should add to
    on_hand once processed), with the batch and the history read back."""
    before = target.api.get_inventory(where.product_id)
    levels = {"before": _levels(target, where)}
    request_id = f"{ns}-BATCH"
    call = target.api.import_inventory_events(events, request_id)
    batch = stock.settle(target, request_id)
    after = target.api.get_inventory(where.product_id)
    levels["after"] = _levels(target, where)
    history = target.api.inventory_history(where.product_id)
    return Observation(
        before,
        call,
        after,
        {
            "levels": levels,
            "location": where.location_id,
            "quantity": quantity,
            "request_id": request_id,
            "batch": batch,
            "history": history,
        },
    )


def _adjust(where: Place, on_hand: int, **fields: Any) -> Json:
    return {
        "product_id": where.product_id,
        "location_id": where.location_id,
        "event_type": "INVENTORY_ADJUSTMENT_ONHAND",
        "on_hand": on_hand,
        **fields,
    }


@verifies(
    rules.INVENTORY_IMPORT_ANSWERED,
    rules.INVENTORY_IMPORT_APPLIED,
    rules.INVENTORY_EVENTS_READ_BACK,
)
def test_an_import_is_answered_applied_and_read_back(target: Target) -> None:
    ns = target.namespace()
    where = _place(target, ns)
    observation = _import(target, where, [_adjust(where, 7)], ns, 7)
    rules.INVENTORY_IMPORT_ANSWERED.verify(observation)
    rules.INVENTORY_IMPORT_APPLIED.verify(observation)
    rules.INVENTORY_EVENTS_READ_BACK.verify(observation)


@verifies(rules.INVENTORY_RULES_REFUSE)
def test_events_breaking_a_published_rule_are_not_accepted(target: Target) -> None:
    ns = target.namespace()
    where = _place(target, ns)
    events = [
        _adjust(where, 1_000_001),
        {**_adjust(where, 1), "product_id": f"{ns}-NO-SUCH-PRODUCT"},
        {**_adjust(where, 1), "event_type": "ORDER_RESERVATION"},
        {**_adjust(where, 1), "event_timestamp": "2999-01-01T00:00:00Z"},
    ]
    observation = _import(target, where, events, ns, 0)
    observation.expect["refused"] = list(range(len(events)))
    rules.INVENTORY_RULES_REFUSE.verify(observation)


def _duplicated(target: Target) -> Observation:
    ns = target.namespace()
    where = _place(target, ns)
    return _import(target, where, [_adjust(where, 1), _adjust(where, 2)], ns, 0)


@verifies(rules.INVENTORY_DUPLICATE_REFUSED)
def test_a_batch_repeating_a_product_and_location_is_not_accepted_whole(target: Target) -> None:
    rules.INVENTORY_DUPLICATE_REFUSED.verify(_duplicated(target))


@verifies(rules.INVENTORY_DUPLICATES_ALL_REJECTED)
def test_every_repeated_event_is_rejected(target: Target) -> None:
    rules.INVENTORY_DUPLICATES_ALL_REJECTED.verify(_duplicated(target))


# ------------------------------------------------------------------ the orders' inventory impact
@verifies(rules.INVENTORY_CREATE_RESERVES)
def test_creating_an_allocated_order_reserves_its_quantity(target: Target) -> None:
    ns = target.namespace()
    where = _place(target, ns)
    stock.stock_up(target, where, STOCKED, ns)
    levels = {"before": _levels(target, where)}
    created = target.api.create_order(_order(ns, where, 3))
    levels["after"] = _levels(target, where)
    observation = Observation(created, created, created, {})
    observation.expect.update(levels=levels, location=where.location_id, quantity=3)
    rules.INVENTORY_CREATE_RESERVES.verify(observation)


@verifies(rules.INVENTORY_CANCEL_RELEASES)
def test_cancelling_the_order_releases_its_reservation(target: Target) -> None:
    where, order = _created(target, 3)
    order_id = str(order.json["order_id"])
    observation = _watched(
        target,
        where,
        order,
        lambda: target.api.cancel_order(order_id, {"cancellation_reason": "OTHER"}),
        quantity=3,
    )
    rules.INVENTORY_CANCEL_RELEASES.verify(observation)


@verifies(rules.INVENTORY_CANCEL_LINES_RELEASE)
def test_cancelling_line_items_releases_their_quantity(target: Target) -> None:
    where, order = _created(target, 3)
    body = {"cancellation_reason": "OTHER", "line_items": [{"id": "item-1", "quantity": 2}]}
    order_id = str(order.json["order_id"])
    observation = _watched(
        target,
        where,
        order,
        lambda: target.api.act_on_fulfillment_order("cancel", order_id, _fo(order), body),
        quantity=2,
    )
    rules.INVENTORY_CANCEL_LINES_RELEASE.verify(observation)


def _fulfilled(target: Target) -> tuple[Place, Observation]:
    where, order = _created(target, 3)
    body = {"line_items": [{"id": "item-1", "quantity": 2}]}
    order_id = str(order.json["order_id"])
    params = {"skip_shipping": "true"}
    observation = _watched(
        target,
        where,
        order,
        lambda: target.api.act_on_fulfillment_order("fulfill", order_id, _fo(order), body, params),
        quantity=2,
    )
    return where, observation


@verifies(rules.INVENTORY_FULFIL_REDUCES)
def test_fulfilling_reduces_on_hand_and_reserved(target: Target) -> None:
    _, observation = _fulfilled(target)
    rules.INVENTORY_FULFIL_REDUCES.verify(observation)


def _unfulfilled(target: Target) -> Observation:
    where, order = _created(target, 3)
    order_id = str(order.json["order_id"])
    body = {"line_items": [{"id": "item-1", "quantity": 2}]}
    fulfilled = target.api.act_on_fulfillment_order("fulfill", order_id, _fo(order), body)
    lines = fulfilled.json["fulfillment_orders"][0]["line_items"] if fulfilled.ok else []
    ids = [line["fulfillment_id"] for line in lines if line.get("fulfillment_id")]
    if not ids:
        pytest.fail(f"the fulfilment to reverse was answered:\n{fulfilled.describe()}")
    read = target.api.get_order(order_id)
    return _watched(
        target,
        where,
        read,
        lambda: target.api.act_on_fulfillment_order(
            "unfulfill", order_id, _fo(order), {"fulfillment_ids": ids}
        ),
        quantity=2,
    )


@verifies(rules.INVENTORY_UNFULFIL_RESTORES)
def test_unfulfilling_restores_on_hand(target: Target) -> None:
    rules.INVENTORY_UNFULFIL_RESTORES.verify(_unfulfilled(target))


@verifies(rules.INVENTORY_UNFULFIL_RESERVES)
def test_unfulfilled_items_are_reserved_again(target: Target) -> None:
    rules.INVENTORY_UNFULFIL_RESERVES.verify(_unfulfilled(target))


def _relocated(target: Target) -> Observation:
    where, order = _created(target, 3)
    if where.other is None:
        pytest.skip("api seed mode has one known location: no relocation to watch")
    order_id = str(order.json["order_id"])
    return _watched(
        target,
        where,
        order,
        lambda: target.api.update_fulfillment_order(
            UPDATE_LOCATION, order_id, _fo(order), {"location_id": where.other}
        ),
        quantity=3,
    )


@verifies(rules.INVENTORY_RELOCATION_KEEPS_ON_HAND)
def test_relocating_the_fo_moves_no_stock_on_hand(target: Target) -> None:
    rules.INVENTORY_RELOCATION_KEEPS_ON_HAND.verify(_relocated(target))


@verifies(rules.INVENTORY_RELOCATION_RESERVATION)
def test_the_reservation_follows_the_relocated_fo(target: Target) -> None:
    rules.INVENTORY_RELOCATION_RESERVATION.verify(_relocated(target))
