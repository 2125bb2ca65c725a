"""The operations that address an order by reference (the five pages', and those of the published
lifecycle that succeed on an open order), each with a request that succeeds on `fixed_order` and
the rule that checks its effect (used by the key, tenant and 404 tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from . import rules
from .building import SKIP_SHIPPING
from .client import (
    CANCEL_LINE_ITEMS,
    FULFILL,
    SPLIT,
    UPDATE_ADDRESS,
    UPDATE_DELIVERY_METHOD,
    UPDATE_LOCATION,
    UPDATE_PARTNER_REFERENCES,
    UPDATE_SCHEDULE,
    ApiClient,
    Exchange,
)
from .model import Json, fulfillment_orders
from .samples import ADDRESSES, order_fields
from .target import Target

WINDOW = {"scheduled_from": "2027-03-01T09:00:00Z", "scheduled_to": "2027-03-01T13:00:00Z"}
ITEM = [{"id": "item-1", "quantity": 1}]
"""The one line item of `fixed_order`'s FO, whole."""


@dataclass(frozen=True)
class Setup:
    """What a request needs: the namespace, the FO to address, a location id that resolves."""

    ns: str
    fo_id: str
    location_id: str | None = None


Send = Callable[[ApiClient, str, str | None, Setup], Exchange]
"""(client, order reference, key, setup) -> the exchange."""


def _fo_expect(setup: Setup) -> dict[str, object]:
    return {"fo_id": setup.fo_id, "location_id": setup.location_id}


@dataclass(frozen=True)
class Operation:
    name: str
    send: Send
    effect: rules.Rule | None
    expect: Callable[[Setup], dict[str, object]] = field(default=_fo_expect)
    on_fulfillment_order: bool = True
    needs_location: bool = False


def fixed_order(ns: str, merchant: str, *, order_id: str = "", reference: str = "") -> Json:
    """An open order with every updatable field (samples.py) and one DELIVERY FO (`{ns}-FO-0`)
    holding one open line item; `order_id` and `reference` default to `{ns}-ORD`, `{ns}-REF`."""
    reference = reference or f"{ns}-REF"
    return {
        "order_id": order_id or f"{ns}-ORD",
        **order_fields(ns, merchant),
        "partner_order_reference": reference,
        "status": "open",
        "line_items": [{"id": "item-1", "sku": "SKU-1", "quantity": 1}],
        "fulfillment_orders": [
            {
                "fulfillment_order_id": f"{ns}-FO-0",
                "partner_fulfillment_order_reference": f"{reference}-PFO",
                "delivery_method": "DELIVERY",
                "line_items": [{"id": "item-1", "quantity": 1, "status": "open"}],
            }
        ],
    }


def _fo_call(operation: str, body: Callable[[Setup], Json]) -> Send:
    def send(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
        return api.update_fulfillment_order(operation, reference, setup.fo_id, body(setup), key)

    return send


def _fo_action(operation: str, body: Json, params: dict[str, str] | None = None) -> Send:
    def send(api: ApiClient, reference: str, key: str | None, setup: Setup) -> Exchange:
        return api.act_on_fulfillment_order(operation, reference, setup.fo_id, body, params, key)

    return send


def _with_item(setup: Setup) -> dict[str, object]:
    return {**_fo_expect(setup), "items": {"item-1": 1}, "removed": {"item-1": 1}}


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
        _fo_call(
            UPDATE_PARTNER_REFERENCES,
            lambda setup: {"partner_fulfillment_order_reference": f"{setup.ns}-PFO-NEW"},
        ),
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
    Operation("split", _fo_action(SPLIT, {"line_items": ITEM}), rules.SPLIT_NEW_FO, _with_item),
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
)


def arrange(
    target: Target, operation: Operation, ns: str, *, reference: str = "", fo_id: str = ""
) -> tuple[Exchange, Setup]:
    """Seed `fixed_order` for `operation` (of the merchant of the location it needs, set up
    then) and the Setup addressing its FO (or `fo_id`, when given)."""
    location_id, merchant = None, target.merchant
    if operation.needs_location:
        places = target.locations(ns)
        location_id, merchant = places.partner_location_id, places.merchant
    before = target.seed(fixed_order(ns, merchant, reference=reference))
    seeded_fo = str(fulfillment_orders(before.json)[0]["fulfillment_order_id"])
    return before, Setup(ns, fo_id or seeded_fo, location_id)


def params(
    operations: tuple[Operation, ...] | list[Operation], *, effect: bool = False
) -> list[object]:
    """pytest params of `operations`, those needing a location marked `known_location`; with
    `effect`, each declares the rule checking what its operation does."""
    return [
        pytest.param(
            op,
            id=op.name,
            marks=[
                *([pytest.mark.known_location] if op.needs_location else []),
                *([pytest.mark.claims(op.effect.name)] if effect and op.effect else []),
            ],
        )
        for op in operations
    ]
