"""The published fulfillment-order lifecycle: fulfil, ship, unfulfil, split, merge and cancel line
items (api/orders/operation/*). Each returns a new order; the stored one is never mutated.

A shipment is the sandbox's stand-in for the Shipping API's: an id in the fulfilled lines'
`shipment_ids` and a record in the order's `shipments` (its status: draft, booked, cancelled or
delivered), enough for page 004's notification to close the lines it carries.
"""

from collections.abc import Callable

from .errors import InvalidRequest, NotFound
from .fulfillment_orders import locate_fo
from .json_copy import copy_json
from .lines import merge_identical, requested_lines, take_quantities
from .model import DELIVERY_FIELDS, FulfillmentOrder, Json, LineItem, Location, NewId, Order
from .shipments import cancel_shipments, new_shipment
from .status import PENDING_LINE_STATUSES, pending_line_status, touch

_FOS = "fulfillment_orders"
_ID = "fulfillment_order_id"
_REF = "partner_fulfillment_order_reference"
_SHIPPABLE = frozenset({"allocated", "fulfilled"})
_FULFILMENT_KEYS = ("fulfillment_id", "shipment_ids", "partner_fulfillment_reference")
_SHIPMENT_DETAILS = ("carrier_account", "parcels", "delivery", "payment", "pre_booking_info")
_INHERITED = (*DELIVERY_FIELDS, "delivery_schedule", "customer_collection_schedule")
"""What a split's new FO takes from the original (split-fulfillment-order: "inherits delivery and
carriyo_metadata"; ours: the delivery method, type, addresses and schedules with them, so that a
COLLECTION FO does not split into a DELIVERY one)."""


def fulfill(
    order: Order,
    fo_id: str,
    body: Json,
    *,
    skip_shipping: bool,
    draft: bool,
    now: str,
    new_id: NewId,
) -> Order:
    """api/orders/operation/fulfill-order: the listed open or allocated quantities (each "≤
    pending quantity") become fulfilled, "with a unique fulfillment ID" each and the request's
    `partner_fulfillment_reference`; a part of a line splits it in a fulfilled part and a pending
    remainder. Unless `skip_shipping`, one shipment carries the fulfilled lines (a draft when
    `draft`: create_draft_shipment). "If shipping is not required (or skip_shipping=true), items
    are automatically set to closed": a line of a DIGITAL FO, or of an order line with
    `requires_shipping: false` or `digital: true`, closes at once. Order status recalculated.
    """
    new, fo = locate_fo(order, fo_id)
    ships = {item.get("id"): _requires_shipping(item, fo) for item in order.get("line_items", [])}
    shipment_id = None if skip_shipping else new_id("SHP")
    shipped: list[LineItem] = []

    def fulfil(part: LineItem) -> LineItem:
        line = {**part, "status": "fulfilled", "fulfillment_id": new_id("FUL")}
        if "partner_fulfillment_reference" in body:
            line["partner_fulfillment_reference"] = body["partner_fulfillment_reference"]
        if shipment_id is None or not ships.get(line["id"], True):
            return {**line, "status": "closed"}
        line["shipment_ids"] = [shipment_id]
        shipped.append(line)
        return line

    fo["line_items"] = take_quantities(
        fo.get("line_items", []),
        requested_lines(body),
        PENDING_LINE_STATUSES,
        fulfil,
        refusal="LINE_ITEM_NOT_FULFILLABLE",
    )
    if shipment_id is not None and shipped:
        _add_shipment(new, shipment_id, fo_id, shipped, body, draft=draft, now=now)
    return touch(new, now=now)


def ship(order: Order, fo_id: str, body: Json, *, draft: bool, now: str, new_id: NewId) -> Order:
    """api/orders/operation/ship-fulfillment-order: a shipment for the listed quantities of
    allocated or fulfilled lines ("open - Must be allocated first"; cancelled and closed cannot be
    shipped, "fulfilled - Can be shipped (additional shipment)"), its id linked to those lines
    (`shipment_ids`); a draft when `draft`. Ours: an allocated quantity shipped is fulfilled by
    the shipment (a unique `fulfillment_id`, as fulfil gives), so that it is one line, not a
    second pending copy, and page 004's notification closes it on delivery."""
    new, fo = locate_fo(order, fo_id)
    shipment_id = new_id("SHP")
    shipped: list[LineItem] = []

    def link(part: LineItem) -> LineItem:
        line = {**part, "shipment_ids": [*part.get("shipment_ids", []), shipment_id]}
        if line.get("status") == "allocated":
            line.update(status="fulfilled", fulfillment_id=new_id("FUL"))
        shipped.append(line)
        return line

    fo["line_items"] = take_quantities(
        fo.get("line_items", []),
        requested_lines(body),
        _SHIPPABLE,
        link,
        refusal="LINE_ITEM_NOT_SHIPPABLE",
    )
    _add_shipment(new, shipment_id, fo_id, shipped, body, draft=draft, now=now)
    return touch(new, now=now)


def unfulfill(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """api/orders/operation/unfulfill-order: the fulfillments named (fulfillments_named) "must
    exist in the fulfillment order's fulfilled line items" (a closed one is "already shipped":
    refused too). Their lines return to pending (allocated, or open in an FO without a location:
    the line status catalogue), lose fulfillment id, shipment ids and partner reference, and merge
    with lines of the same id and status; their shipments are cancelled. Order status
    recalculated."""
    new, fo = locate_fo(order, fo_id)
    lines = fo.get("line_items", [])
    by_fulfillment = {line.get("fulfillment_id"): line for line in lines}
    wanted = fulfillments_named(fo, body)
    for fulfillment_id, field in wanted:
        line = by_fulfillment.get(fulfillment_id)
        if line is None:
            raise InvalidRequest(
                "FULFILLMENT_NOT_FOUND",
                f"fulfillment {fulfillment_id!r} is not in fulfillment order {fo_id!r}",
                field,
            )
        if line.get("status") != "fulfilled":
            raise InvalidRequest(
                "FULFILLMENT_NOT_REVERSIBLE",
                f"fulfillment {fulfillment_id!r} is {line.get('status')}: cannot unfulfill - "
                "items may already be shipped",
                field,
            )
    reversed_ids = {fulfillment_id for fulfillment_id, _ in wanted}
    pending = pending_line_status(fo)
    cancelled_shipments: set[str] = set()
    unfulfilled = []
    for line in lines:
        if line.get("fulfillment_id") in reversed_ids:
            cancelled_shipments.update(line.get("shipment_ids", []))
            line = {key: value for key, value in line.items() if key not in _FULFILMENT_KEYS}
            line["status"] = pending
        unfulfilled.append(line)
    fo["line_items"] = merge_identical(unfulfilled, PENDING_LINE_STATUSES)
    if cancelled_shipments and "shipments" in new:
        new["shipments"] = cancel_shipments(new["shipments"], cancelled_shipments, now=now)
    return touch(new, now=now)


def fulfillments_named(fo: FulfillmentOrder, body: Json) -> list[tuple[str, str]]:
    """The fulfillment ids an unfulfil request names, each with the request field naming it.

    unfulfill-order's body names them by `fulfillment_ids`, or by "partner reference to identify
    the fulfillment to reverse" (`partner_fulfillment_order_reference`). Ours, for the second:
    the FO's own reference names all its fulfilled lines, else a fulfilment's
    `partner_fulfillment_reference` names its lines; naming nothing -> FULFILLMENT_NOT_FOUND.
    `fulfillment_ids`, when given, decide.
    """
    if "fulfillment_ids" in body:
        return [(fid, f"fulfillment_ids[{k}]") for k, fid in enumerate(body["fulfillment_ids"])]
    reference, lines = body[_REF], fo.get("line_items", [])
    if fo.get(_REF) == reference:
        named = [line for line in lines if line.get("status") == "fulfilled"]
    else:
        named = [line for line in lines if line.get("partner_fulfillment_reference") == reference]
    ids = list(dict.fromkeys(line["fulfillment_id"] for line in named if "fulfillment_id" in line))
    if not ids:
        raise InvalidRequest(
            "FULFILLMENT_NOT_FOUND",
            f"{_REF} {reference!r} names no fulfillment of fulfillment order {fo.get(_ID)!r}",
            _REF,
        )
    return [(fid, _REF) for fid in ids]


def split(
    order: Order,
    fo_id: str,
    body: Json,
    *,
    find_location: Callable[[str], Location],
    now: str,
    new_id: NewId,
) -> Order:
    """api/orders/operation/split-fulfillment-order: the listed quantities of open or allocated
    lines move to a new FO "with a new fulfillment_order_id", which inherits delivery and
    carriyo_metadata (see _INHERITED), takes `location_id` (resolved as page 001 resolves one;
    default the original's) and `partner_fulfillment_order_reference` when given; its lines are
    "allocated if location is set, otherwise open"; the original's quantities are reduced ("items
    removed if quantity becomes 0"). Order status recalculated."""
    new, fo = locate_fo(order, fo_id)
    reference = body.get(_REF)
    if reference is not None and any(other.get(_REF) == reference for other in new[_FOS]):
        raise InvalidRequest(
            "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
            f"{_REF} {reference!r} is used by another fulfillment order of this order",
            _REF,
        )
    location = fo.get("location_id")
    if "location_id" in body:
        location = find_location(body["location_id"])["partner_location_id"]
    moved: list[LineItem] = []
    fo["line_items"] = take_quantities(
        fo.get("line_items", []),
        requested_lines(body),
        PENDING_LINE_STATUSES,
        _collect(moved),
        refusal="LINE_ITEM_NOT_SPLITTABLE",
    )
    created: FulfillmentOrder = {
        _ID: new_id("FO"),
        **{key: copy_json(fo[key]) for key in _INHERITED if key in fo},
        "creation_date": now,
    }
    if reference is not None:
        created[_REF] = reference
    if location is not None:
        created["location_id"] = location
    status = pending_line_status(created)
    created["line_items"] = [{**line, "status": status} for line in moved]
    fos = new[_FOS]
    at = next(k for k, other in enumerate(fos) if other is fo)
    new[_FOS] = [*fos[: at + 1], created, *fos[at + 1 :]]
    return touch(new, now=now)


def merge(order: Order, body: Json, *, now: str) -> Order:
    """api/orders/operation/merge-fulfillment-orders: the `source` FO's line items (those it
    lists, else all its pending ones) move into the `destination` FO, merging with a pending line
    of the same id there; "If all items are moved, the source fulfillment order is removed".
    Both must exist (404) and be two FOs that hold no fulfilled line ("only pending items can be
    merged"; ours: no line other than pending or cancelled), with the same location_id, the same
    delivery_type if specified and the same delivery method, and the lines may not mix ones that
    require shipping with ones that do not -> 400 CANNOT_MERGE naming the field. Order status
    recalculated."""
    fos = order.get(_FOS, [])
    source, destination = (_fo_named(fos, body[side], side) for side in ("source", "destination"))
    if source is destination:
        raise InvalidRequest(
            "CANNOT_MERGE", "source and destination are the same fulfillment order", "destination"
        )
    for side, fo in (("source", source), ("destination", destination)):
        busy = [line for line in fo.get("line_items", []) if not _mergeable(line)]
        if busy:
            raise InvalidRequest(
                "CANNOT_MERGE",
                f"fulfillment order {fo[_ID]!r} holds a {busy[0].get('status')} line item; only "
                "pending items can be merged",
                f"{side}.fulfillment_order_id",
            )
    _check_alike(source, destination)
    listed = requested_lines(body["source"]) if "line_items" in body["source"] else None
    wanted = listed or [
        {"id": line["id"], "quantity": line.get("quantity", 0)}
        for line in merge_identical(source.get("line_items", []), PENDING_LINE_STATUSES)
        if line.get("status") in PENDING_LINE_STATUSES
    ]
    moved: list[LineItem] = []
    left = take_quantities(
        source.get("line_items", []),
        wanted,
        PENDING_LINE_STATUSES,
        _collect(moved),
        path="source.line_items",
        refusal="CANNOT_MERGE",
    )
    _check_shipping_not_mixed(order, [*destination.get("line_items", []), *moved])
    status = pending_line_status(destination)
    merged_destination = {
        **destination,
        "line_items": merge_identical(
            [*destination.get("line_items", []), *({**line, "status": status} for line in moved)],
            PENDING_LINE_STATUSES,
        ),
    }
    result = []
    for fo in fos:
        if fo is destination:
            result.append(merged_destination)
        elif fo is not source:
            result.append(fo)
        elif left:
            result.append({**source, "line_items": left})
    return touch({**order, _FOS: result}, now=now)


def cancel_line_items(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """api/orders/operation/cancel-fulfillment-order-line-items: the listed quantities of open or
    allocated lines are cancelled "with the cancellation reason" (`cancellation_reason` on the
    line); the "Order line item's removed_quantities is updated" (ours: its quantity reduced by
    as much, as cancel-order sets it to 0 with the removal recorded). Order status recalculated."""
    new, fo = locate_fo(order, fo_id)
    reason = body["cancellation_reason"]
    removed: dict[object, int] = {}

    def cancel(part: LineItem) -> LineItem:
        removed[part["id"]] = removed.get(part["id"], 0) + part.get("quantity", 0)
        return {**part, "status": "cancelled", "cancellation_reason": reason}

    fo["line_items"] = take_quantities(
        fo.get("line_items", []),
        requested_lines(body),
        PENDING_LINE_STATUSES,
        cancel,
        refusal="LINE_ITEM_NOT_CANCELLABLE",
    )
    new["line_items"] = [
        remove_quantity(item, removed[item.get("id")], reason)
        if item.get("id") in removed
        else item
        for item in order.get("line_items", [])
    ]
    return touch(new, now=now)


def remove_quantity(item: LineItem, quantity: int, note: str) -> LineItem:
    """An order line with `quantity` fewer items and the removal recorded in
    `removed_quantities` (`{quantity, note}`, page 004's model)."""
    return {
        **item,
        "quantity": max(0, item.get("quantity", 0) - quantity),
        "removed_quantities": [
            *item.get("removed_quantities", []),
            {"quantity": quantity, "note": note},
        ],
    }


def _collect(moved: list[LineItem]) -> Callable[[LineItem], None]:
    """A transform that takes the parts out of their FO, into `moved`."""

    def take(part: LineItem) -> None:
        moved.append(part)

    return take


def _requires_shipping(item: LineItem, fo: FulfillmentOrder) -> bool:
    return (
        fo.get("delivery_method") != "DIGITAL"
        and item.get("requires_shipping", True) is not False
        and item.get("digital") is not True
    )


def _add_shipment(
    order: Order,
    shipment_id: str,
    fo_id: str,
    lines: list[LineItem],
    body: Json,
    *,
    draft: bool,
    now: str,
) -> None:
    """Record the shipment on `order` (a copy the caller owns)."""
    details = {key: copy_json(body[key]) for key in _SHIPMENT_DETAILS if key in body}
    shipment = new_shipment(shipment_id, fo_id, lines, draft=draft, details=details, now=now)
    order["shipments"] = [*order.get("shipments", []), shipment]


def _fo_named(fos: list[FulfillmentOrder], side: Json, name: str) -> FulfillmentOrder:
    fo_id = side["fulfillment_order_id"]
    for fo in fos:
        if fo.get(_ID) == fo_id:
            return fo
    raise NotFound(
        "FULFILLMENT_ORDER_NOT_FOUND",
        f"fulfillment order {fo_id!r} is not in this order",
        f"{name}.fulfillment_order_id",
    )


def _mergeable(line: LineItem) -> bool:
    return line.get("status") in PENDING_LINE_STATUSES or line.get("status") == "cancelled"


def _check_alike(source: FulfillmentOrder, destination: FulfillmentOrder) -> None:
    """merge-fulfillment-orders: "the same location_id", "the same delivery_type (if
    specified)", "the same delivery method"."""
    checks = (
        ("location_id", source.get("location_id"), destination.get("location_id")),
        (
            "delivery_method",
            source.get("delivery_method", "DELIVERY"),
            destination.get("delivery_method", "DELIVERY"),
        ),
    )
    for key, mine, theirs in checks:
        if mine != theirs:
            raise InvalidRequest(
                "CANNOT_MERGE", f"the fulfillment orders differ in {key}", f"destination.{key}"
            )
    types = {fo.get("delivery_type") for fo in (source, destination)} - {None}
    if len(types) > 1:
        raise InvalidRequest(
            "CANNOT_MERGE",
            "the fulfillment orders differ in delivery_type",
            "destination.delivery_type",
        )


def _check_shipping_not_mixed(order: Order, lines: list[LineItem]) -> None:
    """merge-fulfillment-orders: "Cannot mix items where some require shipping and some don't"."""
    needs = {
        item.get("id"): item.get("requires_shipping", True) is not False
        for item in order.get("line_items", [])
    }
    if len({needs.get(line.get("id"), True) for line in lines}) > 1:
        raise InvalidRequest(
            "CANNOT_MERGE",
            "the merged fulfillment order would mix items that require shipping with items that "
            "do not",
            "source.line_items",
        )
