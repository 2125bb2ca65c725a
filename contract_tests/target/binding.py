"""Schemathesis cases bound to an order seeded for each, so that a generated request reaches its
operation's logic instead of a 404: a generated `orderReference` names no order of the target, and
a generated line item, fulfillment or FO id none of an order's.

For an operation of SHAPES, `bind` seeds `fixed_order` shaped for the case (its FO lines in the
status the operation acts on, one line per line item or fulfillment the body names, each holding
the quantity the body asks of it; a second FO for a merge) and points the case at it: the path's
`orderReference` (the order_id, or the partner_order_reference when the case's `key` asks for it)
and `fulfillmentOrderId`; in the body, each distinct line item or fulfillment id it names becomes
the seeded one standing for it, a merge's source and destination the two FOs, a `location_id` a
location set up for the order's merchant (when the seed mode has one), and page 004's
`references.partner_order_reference` the seeded order's; a generated `If-Match` (the sandbox
tier's) becomes the seeded order's ETag, if it has one. Every other value is sent as generated
(a quantity of 0, or over the sandbox's limit, is refused as it would be), and a component
generated negative is left as it is, so negative data stays negative; a case with a negative path
is not bound at all (nothing to seed for it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..generation.operations import fixed_order, fo_line
from ..oracle.model import Json, fulfillment_orders, line_id, lines
from .target import Target

if TYPE_CHECKING:
    from schemathesis import Case

ORDER_PARAMETER = "orderReference"
FO_PARAMETER = "fulfillmentOrderId"
IF_MATCH = "If-Match"
PARTNER_KEY = "partner_order_reference"
LINE_ID_FIELDS = ("id", "line_item_id")
QUANTITY_CAP = 1000
"""The most a seeded line holds: a body asking more of it is refused (more than pending), as it
would be of any order."""
_FO_REF = "partner_fulfillment_order_reference"


@dataclass(frozen=True)
class Shape:
    """What an operation's cases are bound to: the status of the seeded FO lines, how many FOs
    (merge: a source and a destination), and whether the ids of the body are bound."""

    status: str = "open"
    fos: int = 1
    body: bool = True


SHAPES: dict[str, Shape] = {
    "getOrder": Shape(),
    "updateOrder": Shape(body=False),
    "updateFulfillmentOrderLocation": Shape(),
    "updateFulfillmentOrderSchedule": Shape(),
    "updateFulfillmentOrderPartnerReferences": Shape("fulfilled"),
    "updateFulfillmentOrder": Shape("fulfilled"),
    "cancelOrder": Shape(),
    "redactOrder": Shape(),
    "listOrderChangeLogs": Shape(),
    "addOrderSystemLog": Shape(body=False),
    "getOrderSystemLogDetailUrl": Shape(),
    "mergeFulfillmentOrders": Shape(fos=2),
    "fulfillFulfillmentOrder": Shape(),
    "shipFulfillmentOrder": Shape("fulfilled"),
    "unfulfillFulfillmentOrder": Shape("fulfilled"),
    "splitFulfillmentOrder": Shape(),
    "cancelFulfillmentOrderLineItems": Shape(),
    "updateFulfillmentOrderDeliveryMethod": Shape(),
    "updateFulfillmentOrderAddress": Shape(),
    "notifyShipmentStatus": Shape("fulfilled"),
    "notifyShipmentStatusDeprecated": Shape("fulfilled"),
}
"""The operations on an order, each with the state its documented success needs: pending lines
(fulfil, split, cancel lines, merge, the FO updates, cancel order), fulfilled ones (ship: "an
additional shipment"; unfulfil and the partner references: the fulfillments they name; page
004: lines a delivery closes). Update order's body replaces line items and FOs (page 002): its
own ids are not renamed."""


@dataclass
class Names:
    """The ids a body names, each with what the seeded order holds for it: a line item (and the
    quantity asked of it), a fulfilled line whose fulfillment it is; and the location it names
    (split, update location), if any. A merge's FOs stand for the seeded ones by their role."""

    ns: str
    lines: dict[str, str] = field(default_factory=dict)
    quantities: dict[str, int] = field(default_factory=dict)
    fulfillments: dict[str, str] = field(default_factory=dict)
    location: str | None = None

    def line(self, generated: str, quantity: object) -> None:
        seeded = self.lines.setdefault(generated, f"{self.ns}-L{len(self.lines)}")
        asked = quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 0
        self.quantities[seeded] = min(QUANTITY_CAP, self.quantities.get(seeded, 0) + asked)

    def fulfillment(self, generated: str) -> None:
        if generated not in self.fulfillments:
            seeded = f"{self.ns}-FL{len(self.fulfillments)}"
            self.fulfillments[generated] = seeded
            self.quantities[seeded] = 1


def _dicts(value: object) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _side(body: Json, name: str) -> Json:
    side = body.get(name)
    return side if isinstance(side, dict) else {}


def _entries(body: Json) -> list[Json]:
    """The line item entries a body lists: its `line_items`, or its merge source's."""
    return _dicts(body.get("line_items")) + _dicts(_side(body, "source").get("line_items"))


def _named(body: Json, ns: str) -> Names:
    names = Names(ns)
    for entry in _entries(body):
        for name in LINE_ID_FIELDS:
            if isinstance(entry.get(name), str):
                names.line(entry[name], entry.get("quantity"))
    listed = body.get("fulfillment_ids")
    for fulfillment_id in listed if isinstance(listed, list) else []:
        if isinstance(fulfillment_id, str):
            names.fulfillment(fulfillment_id)
    for entry in _dicts(body.get("fulfillments")):
        if isinstance(entry.get("fulfillment_id"), str):
            names.fulfillment(entry["fulfillment_id"])
    if isinstance(body.get("location_id"), str):
        names.location = body["location_id"]
    return names


def _order(names: Names, merchant: str, shape: Shape) -> Json:
    """`fixed_order` in the shape's status, with the shape's FOs; its first FO holding a line
    per line item and fulfillment named instead of its own, when the body names any."""
    order = fixed_order(names.ns, merchant, status=shape.status, fos=shape.fos)
    named = {seeded: max(1, quantity) for seeded, quantity in names.quantities.items()}
    if named:
        first = order["fulfillment_orders"][0]
        replaced = {line["id"] for line in first["line_items"]}
        first["line_items"] = [
            fo_line(item, quantity, shape.status) for item, quantity in named.items()
        ]
        order["line_items"] = [
            *(item for item in order["line_items"] if item["id"] not in replaced),
            *(
                {"id": item, "sku": f"SKU-{item}", "quantity": quantity}
                for item, quantity in named.items()
            ),
        ]
    return order


@dataclass(frozen=True)
class Seeded:
    """The seeded order as read back: its references, its FOs' ids in the order seeded (found
    by partner reference: a service may give an FO an id of its own) and the fulfillment id of
    each line of its first FO (the service's own in api seed mode)."""

    order_id: str
    reference: str
    fo_ids: tuple[str, ...]
    fulfillment_of: dict[Any, Any]

    @classmethod
    def read(cls, order: Json, seeded: Json) -> Seeded:
        made = fulfillment_orders(order)
        by_ref = {fo.get(_FO_REF): fo for fo in made}
        fos = [
            by_ref.get(fo[_FO_REF]) or made[k] for k, fo in enumerate(seeded["fulfillment_orders"])
        ]
        return cls(
            str(order["order_id"]),
            str(order.get(PARTNER_KEY)),
            tuple(str(fo.get("fulfillment_order_id")) for fo in fos),
            {line_id(line): line.get("fulfillment_id") for line in lines(fos[0])},
        )


def _renamed(body: Json, names: Names, seeded: Seeded, location: str | None) -> Json:
    """The body with each id it names replaced by the seeded one standing for it (a location:
    by `location`, when there is one)."""
    renamed = copy.deepcopy(body)
    if location is not None and names.location is not None:
        renamed["location_id"] = location
    for entry in _entries(renamed):
        for name in LINE_ID_FIELDS:
            if isinstance(entry.get(name), str):
                entry[name] = names.lines[entry[name]]
    fulfillment = {
        generated: seeded.fulfillment_of.get(line) for generated, line in names.fulfillments.items()
    }
    if isinstance(renamed.get("fulfillment_ids"), list):
        renamed["fulfillment_ids"] = [
            fulfillment[item] if isinstance(item, str) else item
            for item in renamed["fulfillment_ids"]
        ]
    for entry in _dicts(renamed.get("fulfillments")):
        if isinstance(entry.get("fulfillment_id"), str):
            entry["fulfillment_id"] = fulfillment[entry["fulfillment_id"]]
    ends = (seeded.fo_ids[0], seeded.fo_ids[-1])
    for side, fo_id in zip(("source", "destination"), ends, strict=True):
        named = _side(renamed, side)
        if isinstance(named.get("fulfillment_order_id"), str):
            named["fulfillment_order_id"] = fo_id
    references = _side(renamed, "references")
    if isinstance(references.get(PARTNER_KEY), str):
        references[PARTNER_KEY] = seeded.reference
    return renamed


def _negative(case: Case[Any], location: str) -> bool:
    """Whether Schemathesis generated the component at `location` ("path", "body") negative."""
    meta = case.meta
    return meta is not None and any(
        where.value == location and info.mode.is_negative for where, info in meta.components.items()
    )


def _has_locations(target: Target) -> bool:
    """Admin seed mode sets locations up; api mode knows one when given `--location-*`."""
    return target.config.admin or target.config.location is not None


def bind(case: Case[Any], target: Target, operation_id: str) -> None:
    """Seed an order for `case` (an operation of SHAPES) and point the case at it."""
    shape = SHAPES.get(operation_id)
    if shape is None:
        return
    on_path = ORDER_PARAMETER in case.path_parameters
    body = case.body if shape.body and not _negative(case, "body") else None
    if (on_path and _negative(case, "path")) or not (on_path or isinstance(body, dict)):
        return
    ns = target.namespace()
    names = _named(body, ns) if isinstance(body, dict) else Names(ns)
    places = target.locations(ns) if names.location is not None and _has_locations(target) else None
    order = _order(names, places.merchant if places else target.merchant, shape)
    read = target.seed(order)
    seeded = Seeded.read(read.json, order)
    etag = {name.lower(): value for name, value in read.response_headers.items()}.get("etag")
    if etag and IF_MATCH in case.headers and not _negative(case, "header"):
        headers = case.headers.copy()
        headers[IF_MATCH] = etag
        case.headers = headers
    if on_path:
        by_partner = (case.query or {}).get("key") == PARTNER_KEY
        bound = {ORDER_PARAMETER: seeded.reference if by_partner else seeded.order_id}
        if FO_PARAMETER in case.path_parameters:
            bound[FO_PARAMETER] = seeded.fo_ids[0]
        case.path_parameters = {**case.path_parameters, **bound}
    if isinstance(body, dict):
        case.body = _renamed(body, names, seeded, places.partner_location_id if places else None)
