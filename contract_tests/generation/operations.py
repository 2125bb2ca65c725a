"""The operations that address an order by reference (the five pages', and those of the published
lifecycle), each with a request that succeeds on `fixed_order` in the state it needs (open lines,
fulfilled ones, two FOs) and the rule that checks its effect (used by the key, tenant and 404
tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from ..oracle import rules
from ..oracle.exchange import Exchange
from ..oracle.model import Json, carried_by, fulfillment_orders, lines
from ..target.client import (
    CANCEL_LINE_ITEMS,
    FULFILL,
    SHIP,
    SPLIT,
    UNFULFILL,
    UPDATE_ADDRESS,
    UPDATE_DELIVERY_METHOD,
    UPDATE_FULFILLMENT_ORDER,
    UPDATE_LOCATION,
    UPDATE_PARTNER_REFERENCES,
    UPDATE_SCHEDULE,
    ApiClient,
)
from ..target.target import Target
from .building import DRAFT, SKIP_SHIPPING
from .samples import ADDRESSES, order_fields

WINDOW = {"scheduled_from": "2027-03-01T09:00:00Z", "scheduled_to": "2027-03-01T13:00:00Z"}
ITEM = [{"id": "item-1", "quantity": 1}]
"""The one line item of `fixed_order`'s FO, whole."""


@dataclass(frozen=True)
class Setup:
    """What a request needs: the namespace, the FO to address, a location id that resolves, the
    fulfillment ids of the seeded FO's fulfilled lines, and the order's other FO (a merge's
    destination)."""

    ns: str
    fo_id: str
    location_id: str | None = None
    fulfillment_ids: tuple[str, ...] = ()
    other_fo_id: str = ""


Send = Callable[[ApiClient, str, str | None, Setup], Exchange]
"""(client, order reference, key, setup) -> the exchange."""


def _fo_expect(setup: Setup) -> dict[str, object]:
    return {"fo_id": setup.fo_id, "location_id": setup.location_id}


@dataclass(frozen=True)
class Operation:
    """`effect`: the documented rule checking what the request did (None where the published
    page supports only a reading of it, ship's and merge's: the key test stays documented);
    `status`: the status of the seeded FO lines the request succeeds on; `fos`: how many FOs
    the order needs; `answers_order`: False when the answer names no order_id (change logs; a
    system log's answer names its order's);
    `changed_first`: the order is updated once before the call, so that what the call reads of
    it (its change log) differs from any other order's."""

    name: str
    send: Send
    effect: rules.Rule | None
    expect: Callable[[Setup], dict[str, object]] = field(default=_fo_expect)
    on_fulfillment_order: bool = True
    needs_location: bool = False
    status: str = "open"
    fos: int = 1
    answers_order: bool = True
    changed_first: bool = False


def fo_line(item: str, quantity: int, status: str) -> Json:
    """A line of an FO to seed; a fulfilled one with a fulfillment id of its own."""
    line: Json = {"id": item, "quantity": quantity, "status": status}
    if status == "fulfilled":
        line["fulfillment_id"] = f"{item}-F"
    return line


def fixed_order(
    ns: str,
    merchant: str,
    *,
    order_id: str = "",
    reference: str = "",
    status: str = "open",
    fos: int = 1,
) -> Json:
    """An open order with every updatable field (samples.py) and `fos` DELIVERY FOs without a
    location (`{ns}-FO-0`, ...), each holding one line item (`item-1`, ...) in `status`;
    `order_id` and `reference` default to `{ns}-ORD`, `{ns}-REF`."""
    reference = reference or f"{ns}-REF"
    items = [f"item-{k + 1}" for k in range(fos)]
    return {
        "order_id": order_id or f"{ns}-ORD",
        **order_fields(ns, merchant),
        "partner_order_reference": reference,
        "status": "open",
        "line_items": [
            {"id": item, "sku": f"SKU-{k + 1}", "quantity": 1} for k, item in enumerate(items)
        ],
        "fulfillment_orders": [
            {
                "fulfillment_order_id": f"{ns}-FO-{k}",
                "partner_fulfillment_order_reference": f"{reference}-PFO" + (f"-{k}" if k else ""),
                "delivery_method": "DELIVERY",
                "line_items": [fo_line(item, 1, status)],
            }
            for k, item in enumerate(items)
        ],
    }


def _fo_call(operation: str, body: Callable[[Setup], Json]) -> Send:
    def send(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
        return api.update_fulfillment_order(operation, reference, setup.fo_id, body(setup), key)

    return send


def _fo_action(
    operation: str, body: Json | Callable[[Setup], Json], params: dict[str, str] | None = None
) -> Send:
    def send(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
        sent = body(setup) if callable(body) else body
        return api.act_on_fulfillment_order(operation, reference, setup.fo_id, sent, params, key)

    return send


def _with_item(setup: Setup) -> dict[str, object]:
    return {**_fo_expect(setup), "items": {"item-1": 1}, "removed": {"item-1": 1}}


def _reversed(setup: Setup) -> dict[str, object]:
    return {**_with_item(setup), "fulfillment_ids": list(setup.fulfillment_ids)}


def _merge(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
    """The seeded FO's line into the order's other FO (same method, no location)."""
    body = {
        "source": {"fulfillment_order_id": setup.fo_id, "line_items": ITEM},
        "destination": {"fulfillment_order_id": setup.other_fo_id},
    }
    return api.merge_fulfillment_orders(reference, body, key)


def _references(setup: Setup) -> Json:
    return {"partner_fulfillment_order_reference": f"{setup.ns}-PFO-NEW"}


def _get(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
    return api.get_order(reference, key)


def _update_order(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
    return api.update_order(reference, {"language": "ar", "sales_channel": f"{setup.ns}-app"}, key)


OPERATIONS: tuple[Operation, ...] = (
    Operation("get_order", _get, None, on_fulfillment_order=False),
    Operation(
        "update_order", _update_order, rules.PROVIDED_FIELDS_UPDATED, on_fulfillment_order=False
    ),
    Operation(
        "update_location",
        _fo_call(UPDATE_LOCATION, lambda setup: {"location_id": str(setup.location_id)}),
        rules.PARTNER_LOCATION_ID_RESOLVES,
        needs_location=True,
    ),
    Operation(
        "update_schedule",
        _fo_call(UPDATE_SCHEDULE, lambda _: dict(WINDOW)),
        rules.SCHEDULE_DELIVERY,
    ),
    Operation(
        "update_partner_references",
        _fo_call(UPDATE_PARTNER_REFERENCES, _references),
        rules.FO_REFERENCE_UPDATED,
    ),
    Operation(
        "update_fulfillment_order",
        _fo_call(UPDATE_FULFILLMENT_ORDER, _references),
        rules.FO_REFERENCE_UPDATED,
    ),
    Operation(
        "cancel_order",
        lambda api, ref, key, _: api.cancel_order(ref, {"cancellation_reason": "OTHER"}, key),
        rules.ORDER_CANCELLED,
        on_fulfillment_order=False,
    ),
    Operation(
        "fulfill",
        _fo_action(FULFILL, {"line_items": ITEM}, SKIP_SHIPPING),
        rules.FULFIL_SKIP_SHIPPING,
        _with_item,
    ),
    Operation("ship", _fo_action(SHIP, {"line_items": ITEM}, DRAFT), None, status="fulfilled"),
    Operation(
        "unfulfill",
        _fo_action(UNFULFILL, lambda setup: {"fulfillment_ids": list(setup.fulfillment_ids)}),
        rules.UNFULFIL_CLEARS,
        _reversed,
        status="fulfilled",
    ),
    Operation("split", _fo_action(SPLIT, {"line_items": ITEM}), rules.SPLIT_NEW_FO, _with_item),
    Operation("merge", _merge, None, fos=2),
    Operation(
        "cancel_line_items",
        _fo_action(CANCEL_LINE_ITEMS, {"cancellation_reason": "OTHER", "line_items": ITEM}),
        rules.LINES_CANCELLED,
        _with_item,
    ),
    Operation(
        "update_delivery_method",
        _fo_call(
            UPDATE_DELIVERY_METHOD,
            lambda _: {"delivery_method": "COLLECTION", "address": ADDRESSES[0], **WINDOW},
        ),
        rules.METHOD_SET,
    ),
    Operation(
        "update_address",
        _fo_call(UPDATE_ADDRESS, lambda _: {"address": ADDRESSES[1]}),
        rules.ADDRESS_FOLLOWS_METHOD,
    ),
    Operation(
        "redact",
        lambda api, ref, key, _: api.redact_order(ref, key),
        rules.REDACT_KEEPS_RECORD,
        on_fulfillment_order=False,
    ),
    Operation(
        "change_logs",
        lambda api, ref, key, _: api.change_logs(ref, key=key),
        None,
        on_fulfillment_order=False,
        answers_order=False,
        changed_first=True,
    ),
    Operation(
        "add_system_log",
        lambda api, ref, key, _: api.add_system_log(ref, {"event_type": "INBOUND"}, key=key),
        None,
        on_fulfillment_order=False,
    ),
)


def arrange(
    target: Target, operation: Operation, ns: str, *, reference: str = "", fo_id: str = ""
) -> tuple[Exchange, Setup]:
    """Seed `fixed_order` in the state `operation` needs (of the merchant of the location it
    needs, set up then; updated once if it is `changed_first`) and the Setup addressing its
    first FO (or `fo_id`, when given)."""
    location_id, merchant = None, target.merchant
    if operation.needs_location:
        places = target.locations(ns)
        location_id, merchant = places.partner_location_id, places.merchant
    order = fixed_order(
        ns, merchant, reference=reference, status=operation.status, fos=operation.fos
    )
    before = target.seed(order)
    if operation.changed_first:
        target.api.update_order(before.json["order_id"], {"language": "ar"})
        before = target.api.get_order(before.json["order_id"])
    seeded = fulfillment_orders(before.json)
    return before, Setup(
        ns,
        fo_id or str(seeded[0]["fulfillment_order_id"]),
        location_id,
        tuple(sorted(carried_by(lines(seeded[0]), "fulfillment_id"), key=str)),
        str(seeded[-1]["fulfillment_order_id"]),
    )


def params(
    operations: tuple[Operation, ...] | list[Operation], *, effect: bool = False
) -> list[object]:
    """pytest params of `operations`, those needing a location marked `known_location`, those
    starting from fulfilled lines `terminal_lines`; with `effect`, each declares the rule
    checking what its operation does."""
    return [
        pytest.param(
            op,
            id=op.name,
            marks=[
                *([pytest.mark.known_location] if op.needs_location else []),
                *([pytest.mark.terminal_lines] if op.status != "open" else []),
                *([pytest.mark.claims(op.effect.name)] if effect and op.effect else []),
            ],
        )
        for op in operations
    ]
