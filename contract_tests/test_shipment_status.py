"""Page 004, shipment status notification: auto-close on delivered; otherwise nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from .generation.building import shipment
from .generation.operations import fixed_order
from .generation.samples import order_fields
from .generation.steps import property_test, seed_drawn
from .generation.strategies import NOT_DELIVERED
from .oracle import rules
from .oracle.model import UPDATABLE_ORDER_STATUSES, Json, all_fo_lines, line_id
from .oracle.observation import Observation
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour
FULFILLED_ORDER = frozenset({"partially_fulfilled", "processing", "fulfilled"})
"""Statuses of an order holding fulfilled line items that is eligible for auto-close."""
SHIPPED_LINES = frozenset({"fulfilled", "closed", "open"})
"""Line statuses of the delivered tests: mostly shipped items, some still open."""


def _notify(target: Target, data: st.DataObject, status: str, **options: Any) -> Observation:
    """Seed a drawn order, notify a shipment of one of the shipment ids its lines carry (or of
    the pool they are drawn from), read the order back."""
    ns, before = seed_drawn(target, data, fo_count=(1, 3), **options)
    carried = sorted(
        {sid for _, line in all_fo_lines(before.json) for sid in line.get("shipment_ids") or []}
    )
    pool = carried or [f"{ns}-SHP-{k}" for k in (1, 2, 3)]
    shipment_id = data.draw(st.sampled_from(pool), label="shipment_id")
    payload = shipment(before.json["partner_order_reference"], status, shipment_id)
    return target.observe(before, lambda: target.api.notify_shipment(payload))


@pytest.mark.terminal_lines
@property_test(rules.DELIVERED_CLOSES_RELATED)
def test_delivered_closes_related_fulfilled_lines(target: Target, data: st.DataObject) -> None:
    rules.DELIVERED_CLOSES_RELATED.verify(
        _notify(
            target, data, "delivered", order_statuses=FULFILLED_ORDER, line_statuses=SHIPPED_LINES
        )
    )


def _two_shipments(ns: str, merchant: str) -> Json:
    """An order with two fulfilled lines, each of its own shipment: the case that tells the
    related line from the others, so it is checked on every run, not only when drawn."""
    lines = [
        {
            "id": f"item-{k}",
            "quantity": 1,
            "status": "fulfilled",
            "fulfillment_id": f"{ns}-FUL-{k}",
            "shipment_ids": [f"{ns}-SHP-{k}"],
        }
        for k in (1, 2)
    ]
    return {
        "order_id": f"{ns}-ORD",
        **order_fields(ns, merchant),
        "status": "fulfilled",
        "creation_source": {"source_type": "API"},
        "line_items": [{"id": line["id"], "quantity": 1} for line in lines],
        "fulfillment_orders": [
            {
                "fulfillment_order_id": f"{ns}-FO-0",
                "delivery_method": "DELIVERY",
                "line_items": lines,
            }
        ],
    }


@pytest.mark.terminal_lines
@verifies(rules.DELIVERED_CLOSES_RELATED)
def test_delivered_leaves_lines_of_other_shipments(target: Target) -> None:
    ns = target.namespace()
    before = target.seed(_two_shipments(ns, target.merchant))
    first = next(line for _, line in all_fo_lines(before.json) if line_id(line) == "item-1")
    shipment_id = first["shipment_ids"][0]  # as read back: the service's id in api seed mode
    payload = shipment(before.json["partner_order_reference"], "delivered", shipment_id)
    rules.DELIVERED_CLOSES_RELATED.verify(
        target.observe(before, lambda: target.api.notify_shipment(payload))
    )


@property_test(rules.NOT_DELIVERED_UNCHANGED, status=st.sampled_from(NOT_DELIVERED))
def test_other_statuses_change_nothing(target: Target, data: st.DataObject, status: str) -> None:
    rules.NOT_DELIVERED_UNCHANGED.verify(
        _notify(target, data, status, order_statuses=UPDATABLE_ORDER_STATUSES)
    )


@pytest.mark.terminal_lines
@property_test(rules.SHOPIFY_SKIPPED)
def test_shopify_sourced_orders_skipped(target: Target, data: st.DataObject) -> None:
    rules.SHOPIFY_SKIPPED.verify(
        _notify(
            target,
            data,
            "delivered",
            order_statuses=FULFILLED_ORDER,
            line_statuses=SHIPPED_LINES,
            source_type="SHOPIFY",
        )
    )


@property_test(rules.UNKNOWN_REFERENCE_EMPTY, scale=0.25)
def test_unknown_reference_gives_empty_200(target: Target, data: st.DataObject) -> None:
    """No order holds the reference: 200 with an empty body (or `{}`), and the orders that
    exist are unchanged."""
    ns, before = seed_drawn(target, data)
    payload = shipment(f"{ns}-NO-SUCH-REFERENCE", "delivered", f"{ns}-SHP-1")
    observation = target.observe(before, lambda: target.api.notify_shipment(payload))
    rules.UNKNOWN_REFERENCE_EMPTY.verify(observation)


@verifies(rules.SHIPMENT_TENANT_ISOLATION)
@pytest.mark.parametrize("status", ["delivered", "in_transit"])
def test_notification_under_another_tenant_finds_no_order(target: Target, status: str) -> None:
    """The order's partner_order_reference, notified under another tenant, reaches nothing."""
    ns = target.namespace()
    before = target.seed(fixed_order(ns, target.merchant))
    stranger = target.api.for_tenant(f"{ns}-other-tenant")
    payload = shipment(before.json["partner_order_reference"], status, f"{ns}-SHP-1")
    rules.SHIPMENT_TENANT_ISOLATION.verify(
        target.observe(before, lambda: stranger.notify_shipment(payload))
    )
