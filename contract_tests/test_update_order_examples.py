"""Page 002's three worked examples, with the starting states and requests of the page; the
page's FO names (FO-123, FO-A, FO-B) get the test's namespace, so that runs never share an id."""

from __future__ import annotations

import pytest

from .generation.samples import order_fields
from .oracle import rules
from .oracle.model import Json, fulfillment_orders
from .plugin.marks import verifies
from .target.target import Target

pytestmark = pytest.mark.behaviour


def _order(ns: str, merchant: str, fos: dict[str, dict[str, str]]) -> Json:
    """An order with every updatable field, line items item-1..item-3 and the FOs given as
    {fo: {item: status}}, FO ids and partner references `{ns}-{fo}` (the reference finds the FO
    again whatever id the target gave it)."""

    def line(key: str, status: str) -> Json:
        extra = {"fulfillment_id": f"{ns}-FUL-1", "shipment_ids": [f"{ns}-SHP-1"]}
        return {
            "id": key,
            "quantity": 1,
            "status": status,
            **(extra if status == "fulfilled" else {}),
        }

    return {
        "order_id": f"{ns}-ORD",
        **order_fields(ns, merchant),
        "status": "partially_fulfilled" if "fulfilled" in str(fos) else "open",
        "line_items": [{"id": f"item-{k}", "sku": f"SKU-{k}", "quantity": 2} for k in (1, 2, 3)],
        "fulfillment_orders": [
            {
                "fulfillment_order_id": f"{ns}-{fo_id}",
                "partner_fulfillment_order_reference": f"{ns}-{fo_id}",
                "delivery_method": "DELIVERY",
                "line_items": [line(key, status) for key, status in items.items()],
            }
            for fo_id, items in fos.items()
        ],
    }


def _run(
    target: Target,
    start: dict[str, dict[str, str]],
    request: Json,
    rule: rules.Rule,
    fos: dict[str, dict[str, str | None]],
    preserved: tuple[tuple[str, str], ...] = (),
) -> None:
    """Seed `start`, send `request`, and verify `rule` expecting `fos` ({fo: {item: status or
    None for any pending}}) and the `preserved` (fo, item) lines unchanged; FOs named as on the
    page."""
    ns = target.namespace()
    before = target.seed(_order(ns, target.merchant, start))
    order_id = before.json["order_id"]
    ids = {  # the page's FO names -> the ids the seeded FOs read back with (found by reference)
        name: fo["fulfillment_order_id"]
        for name in start
        for fo in fulfillment_orders(before.json)
        if fo.get("partner_fulfillment_order_reference") == f"{ns}-{name}"
    }
    request = {
        "fulfillment_orders": [
            {**entry, "fulfillment_order_id": ids[entry["fulfillment_order_id"]]}
            for entry in request["fulfillment_orders"]
        ]
    }
    rule.verify(
        target.observe(
            before,
            lambda: target.api.update_order(order_id, request),
            fos={ids[name]: wanted for name, wanted in fos.items()},
            preserved=[(ids[name], key) for name, key in preserved],
        )
    )


@pytest.mark.terminal_lines
@verifies(rules.EXAMPLE_ADD_ITEM)
def test_example_add_item_3_with_item_2_fulfilled(target: Target) -> None:
    """ "If you have an FO with 2 items (item-1: open, item-2: fulfilled) and want to add
    item-3" -> "FO will have item-1 (open), item-2 (fulfilled - preserved), item-3 (open)"."""
    _run(
        target,
        {"FO-123": {"item-1": "open", "item-2": "fulfilled"}},
        {
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-123",
                    "line_items": [
                        {"id": "item-1", "quantity": 1},
                        {"id": "item-3", "quantity": 2},
                    ],
                }
            ]
        },
        rules.EXAMPLE_ADD_ITEM,
        fos={"FO-123": {"item-1": "open", "item-2": "fulfilled", "item-3": "open"}},
        preserved=(("FO-123", "item-2"),),
    )


@verifies(rules.EXAMPLE_REMOVE_ITEM)
def test_example_remove_open_item_2(target: Target) -> None:
    """ "If you have an FO with 3 items and want to remove item-2 (which is open)"."""
    _run(
        target,
        {"FO-123": {"item-1": "open", "item-2": "open", "item-3": "open"}},
        {
            "fulfillment_orders": [
                {
                    "fulfillment_order_id": "FO-123",
                    "line_items": [
                        {"id": "item-1", "quantity": 1},
                        {"id": "item-3", "quantity": 1},
                    ],
                }
            ]
        },
        rules.EXAMPLE_REMOVE_ITEM,
        fos={"FO-123": {"item-1": None, "item-3": None}},
    )


@verifies(rules.EXAMPLE_MOVE_ITEM)
def test_example_move_item_2_from_fo_a_to_fo_b(target: Target) -> None:
    """ "To move item-2 from FO-A to FO-B": FO-A keeps item-1, FO-B holds item-2 and item-3."""
    _run(
        target,
        {"FO-A": {"item-1": "open", "item-2": "open"}, "FO-B": {"item-3": "open"}},
        {
            "fulfillment_orders": [
                {"fulfillment_order_id": "FO-A", "line_items": [{"id": "item-1", "quantity": 1}]},
                {
                    "fulfillment_order_id": "FO-B",
                    "line_items": [
                        {"id": "item-2", "quantity": 1},
                        {"id": "item-3", "quantity": 1},
                    ],
                },
            ]
        },
        rules.EXAMPLE_MOVE_ITEM,
        fos={"FO-A": {"item-1": None}, "FO-B": {"item-2": None, "item-3": None}},
    )
