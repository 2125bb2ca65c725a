"""The five operations that address an order by reference, each with a request that succeeds
on `fixed_order` and the rule that checks its effect (used by the key, tenant and 404 tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from . import rules
from .client import (
    UPDATE_LOCATION,
    UPDATE_PARTNER_REFERENCES,
    UPDATE_SCHEDULE,
    ApiClient,
    Exchange,
)
from .model import Json, fulfillment_orders
from .samples import order_fields
from .target import Target

WINDOW = {"scheduled_from": "2027-03-01T09:00:00Z", "scheduled_to": "2027-03-01T13:00:00Z"}


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
