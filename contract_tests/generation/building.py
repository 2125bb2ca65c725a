"""Api seed mode: the FO line statuses of a starting state, built through the published lifecycle
operations on the order `POST /orders` created (with every FO line pending).

- fulfilled: fulfil (api/orders/operation/fulfill-order) with `create_draft_shipment=true`, so
  that a real tenant never books a carrier for a test; lines the state gives one fulfillment_id
  are fulfilled in one call, so that one shipment carries them all;
- closed: lines the state gives shipment ids are fulfilled so and then delivered (page 004's
  notification); the others, and every line of a Shopify-sourced order (page 004 skips those),
  are fulfilled with `skip_shipping=true` ("items auto-close");
- cancelled: cancel line items, with the line's cancellation_reason (else OTHER);
- a cancelled order: cancel order (cancel-order), and nothing else (only a pending order can be
  cancelled, and cancelling it cancels every FO line).

Each line is taken whole, so no line is split. What the target then reads back is the starting
state the tests reason about: a DIGITAL FO's lines close on fulfilment ("If shipping is not
required ... closed"), pending lines are open or allocated as the FO's location has it. Line
items being picked or packed (pick_in_progress, picked, pack_in_progress) cannot be built: no
published operation sets those statuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..oracle.exchange import Exchange
from ..oracle.model import PENDING, TERMINAL, Json, fulfillment_orders, line_id, lines
from ..target.client import CANCEL_LINE_ITEMS, FULFILL, ApiClient

BUILDABLE = PENDING | TERMINAL
"""The line statuses api seed mode can build."""
DRAFT = {"create_draft_shipment": "true"}
SKIP_SHIPPING = {"skip_shipping": "true"}
DEFAULT_REASON = "OTHER"
_FO_ID = "fulfillment_order_id"
_FO_REF = "partner_fulfillment_order_reference"


class SeedingFailed(RuntimeError):
    """The target did not accept or return a starting state (the admin contract is broken, or
    POST /orders or a lifecycle operation refused a request the docs allow)."""


def shipment(reference: str, status: str, shipment_id: str | None = None) -> Json:
    """Page 004's minimal shipment payload."""
    body: Json = {
        "references": {"partner_order_reference": reference},
        "post_shipping_info": {"status": status},
    }
    if shipment_id is not None:
        body["shipment_id"] = shipment_id
    return body


@dataclass(frozen=True)
class Step:
    """One call bringing some whole lines of one FO to `status` (`delivered`: closed through a
    shipment that page 004's notification then delivers)."""

    fo_id: str
    status: str
    items: tuple[Json, ...]
    delivered: bool = False
    reason: str = DEFAULT_REASON


def plan(created: Json, wanted: Json) -> list[Step]:
    """The calls that bring the created order's FO lines to the statuses `wanted` gives them."""
    deliverable = _deliverable(wanted)
    steps: dict[tuple[object, ...], Step] = {}
    for fo_id, fo in _pairs(created, wanted):
        for line in lines(fo):
            status = line.get("status", "open")
            if status in PENDING:
                continue
            if status not in BUILDABLE:
                raise SeedingFailed(f"no published operation brings a line to {status!r}")
            delivered = status == "closed" and deliverable and bool(line.get("shipment_ids"))
            reason = line.get("cancellation_reason", DEFAULT_REASON)
            group = line.get("fulfillment_id") if status != "cancelled" else reason
            key = (fo_id, status, group, delivered)
            item = {"id": line_id(line), "quantity": line.get("quantity", 1)}
            known = steps.get(key)
            items = (*known.items, item) if known else (item,)
            steps[key] = Step(fo_id, status, items, delivered, reason)
    return list(steps.values())


def advance(api: ApiClient, created: Exchange, wanted: Json) -> Exchange:
    """Run the plan on the created order (or cancel it, when `wanted` is a cancelled order) and
    return it read back."""
    order_id = str(created.json["order_id"])
    if wanted.get("status") == "cancelled":
        reason = wanted.get("cancellation_reason", DEFAULT_REASON)
        _expect_success(api.cancel_order(order_id, {"cancellation_reason": reason}))
        return api.get_order(order_id)
    steps = plan(created.json, wanted)
    for step in steps:
        _run(api, order_id, step, str(wanted.get("partner_order_reference", "")))
    return api.get_order(order_id) if steps else created


def _run(api: ApiClient, order_id: str, step: Step, reference: str) -> None:
    body: Json = {"line_items": list(step.items)}
    if step.status == "cancelled":
        body["cancellation_reason"] = step.reason
        _expect_success(api.act_on_fulfillment_order(CANCEL_LINE_ITEMS, order_id, step.fo_id, body))
        return
    params = SKIP_SHIPPING if step.status == "closed" and not step.delivered else DRAFT
    before = _shipments(api.get_order(order_id).json) if step.delivered else set()
    _expect_success(api.act_on_fulfillment_order(FULFILL, order_id, step.fo_id, body, params))
    if step.delivered:
        for shipment_id in sorted(_shipments(api.get_order(order_id).json) - before):
            _expect_success(api.notify_shipment(shipment(reference, "delivered", shipment_id)))


def _expect_success(exchange: Exchange) -> None:
    if not exchange.ok:
        raise SeedingFailed(
            f"building a starting state was answered {exchange.status}:\n{exchange.describe()}"
        )


def _shipments(order: Json) -> set[str]:
    return {
        str(shipment_id)
        for fo in fulfillment_orders(order)
        for line in lines(fo)
        for shipment_id in line.get("shipment_ids") or []
    }


def _deliverable(order: Json) -> bool:
    """Page 004 closes its lines: it has a partner_order_reference and is not Shopify-sourced."""
    source = (order.get("creation_source") or {}).get("source_type", "")
    return bool(order.get("partner_order_reference")) and str(source).upper() != "SHOPIFY"


def _pairs(created: Json, wanted: Json) -> Iterator[tuple[str, Json]]:
    """(the created FO's id, the wanted FO) for every wanted FO: found by partner reference (the
    service may give an FO an id of its own), else by position."""
    made = fulfillment_orders(created)
    by_ref = {fo[_FO_REF]: fo for fo in made if fo.get(_FO_REF)}
    for k, fo in enumerate(fulfillment_orders(wanted)):
        match = by_ref.get(fo.get(_FO_REF)) or made[k]
        yield str(match[_FO_ID]), fo
