"""Operations on one fulfillment order: location (page 001), schedule (003), references (000),
delivery method and address (published update-fulfillment-order-delivery-method and -address).

Stored orders are never mutated, so a new order shares every part it does not change with the old
one: only the order, its FO list and the addressed FO (and, for references, its lines) are copied.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from .errors import InvalidRequest, NotFound
from .json_copy import copy_json
from .model import FulfillmentOrder, Json, Location, Order
from .status import (
    PENDING_LINE_STATUSES,
    TERMINAL_LINE_STATUSES,
    derive_fo_status,
    pending_line_status,
    touch,
)

_FOS = "fulfillment_orders"
_REF = "partner_fulfillment_order_reference"
_SCHEDULE_KEYS = ("scheduled_from", "scheduled_to")
_SCHEDULE_BY_METHOD = {
    "DELIVERY": "delivery_schedule",
    "COLLECTION": "customer_collection_schedule",
}
_ADDRESS_BY_METHOD = {
    "DELIVERY": "delivery_address",
    "COLLECTION": "customer_collection_address",
}
_NOT_STARTED = frozenset({"open", "allocated"})


def update_location(
    order: Order,
    fo_id: str,
    location_id: str,
    *,
    find_by_partner_id: Callable[[str], Location | None],
    find_by_code: Callable[[str, str], Location | None],
    now: str,
) -> Order:
    """Page 001: reassign an FO to another location.

    "First tries to find by partner_location_id", then "by location_code for the merchant" (the
    order's); none -> LOCATION_NOT_FOUND. The FO's location_id becomes the location's
    partner_location_id and its pending lines follow it (allocated: "The parent fulfillment order
    has a fulfillment location assigned", reference/line-item-status-codes); nothing else in it
    changes; "Order status is recalculated". Only an open or allocated FO can be re-allocated
    (platform/orders/allocation; check_relocatable).
    """
    new, fo = locate_fo(order, fo_id)
    check_relocatable(fo)
    location = resolve_location(order, location_id, find_by_partner_id, find_by_code)
    fo["location_id"] = location["partner_location_id"]
    if "line_items" in fo:
        status = pending_line_status(fo)
        fo["line_items"] = [
            {**line, "status": status} if line.get("status") in PENDING_LINE_STATUSES else line
            for line in fo["line_items"]
        ]
    return touch(new, now=now)


def check_relocatable(fo: FulfillmentOrder) -> None:
    """platform/orders/allocation: an FO "can be re-allocated as long as it is still open or
    allocated"; any other status -> FULFILLMENT_ORDER_NOT_RELOCATABLE naming `status`."""
    status = fo.get("status") or derive_fo_status(fo)
    if status not in _NOT_STARTED:
        raise InvalidRequest(
            "FULFILLMENT_ORDER_NOT_RELOCATABLE",
            f"a {status} fulfillment order cannot be re-allocated (only open or allocated)",
            "status",
        )


def resolve_location(
    order: Order,
    location_id: str,
    find_by_partner_id: Callable[[str], Location | None],
    find_by_code: Callable[[str, str], Location | None],
    field: str = "location_id",
) -> Location:
    """Page 001: "First tries to find by partner_location_id", then "by location_code for the
    merchant" (the order's); neither -> LOCATION_NOT_FOUND naming `field`."""
    location = find_by_partner_id(location_id)
    if location is None and "merchant" in order:
        location = find_by_code(order["merchant"], location_id)
    if location is None:
        raise InvalidRequest(
            "LOCATION_NOT_FOUND", f"no location {location_id!r} for this merchant", field
        )
    return location


def update_schedule(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """Page 003: reschedule "without changing its delivery method".

    DELIVERY (the default) -> delivery_schedule, COLLECTION -> customer_collection_schedule,
    DIGITAL -> "Not applicable". A fulfilled, cancelled or closed FO is "not in a state that allows
    this update" (ours). Given ends overwrite the existing ones; the window must not end before it
    starts (compared as instants, naive = UTC).
    """
    new, fo = locate_fo(order, fo_id)
    _check_not_settled(fo, "FULFILLMENT_ORDER_NOT_SCHEDULABLE", "be rescheduled")
    key = _field_of_method(fo, _SCHEDULE_BY_METHOD, "schedule", "delivery_method")
    fo[key] = _window(fo.get(key), body)
    new["update_date"] = now
    return new


def _field_of_method(fo: FulfillmentOrder, fields: dict[str, str], what: str, field: str) -> str:
    """The FO field its delivery method (DELIVERY by default) keeps `what` in; a method without
    one (DIGITAL: "Not applicable") -> `<WHAT>_NOT_APPLICABLE` naming `field`."""
    method = fo.get("delivery_method", "DELIVERY")
    key = fields.get(method)
    if key is None:
        raise InvalidRequest(
            f"{what.upper()}_NOT_APPLICABLE", f"a {method} fulfillment order has no {what}", field
        )
    return key


def _window(schedule: Json | None, body: Json) -> Json:
    """`schedule` with the ends `body` gives replaced; the window must not end before it starts
    (compared as instants, naive = UTC) -> INVALID_SCHEDULE_WINDOW."""
    window = {**(schedule or {}), **{k: body[k] for k in _SCHEDULE_KEYS if k in body}}
    ends = {k: _instant(window[k], k) for k in _SCHEDULE_KEYS if k in window}
    if len(ends) == 2 and ends["scheduled_from"] > ends["scheduled_to"]:
        raise InvalidRequest(
            "INVALID_SCHEDULE_WINDOW", "scheduled_from is after scheduled_to", "scheduled_from"
        )
    return window


def _check_not_settled(fo: FulfillmentOrder, code: str, what: str) -> None:
    """A fulfilled, cancelled or closed FO is "not in a state that allows this update" (ours)."""
    if fo.get("status") in TERMINAL_LINE_STATUSES:
        raise InvalidRequest(code, f"a {fo['status']} fulfillment order cannot {what}", "status")


def update_delivery_method(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """api/orders/operation/update-fulfillment-order-delivery-method: the FO's delivery_method
    becomes the one given, `address` and `scheduled_from`/`scheduled_to` set as the new method
    reads them (DELIVERY: delivery_address and delivery_schedule; COLLECTION:
    customer_collection_address and customer_collection_schedule; DIGITAL: "not used", ours:
    ignored), and "Switching to a new delivery method will clear the address and schedule fields
    associated with the previous method". Refused once the FO "started processing (e.g.,
    shipments created, items fulfilled)": any FO status but open or allocated, or a line linked to
    a shipment -> FULFILLMENT_ORDER_STARTED naming `delivery_method`.
    """
    new, fo = locate_fo(order, fo_id)
    started = any(line.get("shipment_ids") for line in fo.get("line_items", []))
    if fo.get("status", "open") not in _NOT_STARTED or started:
        raise InvalidRequest(
            "FULFILLMENT_ORDER_STARTED",
            f"fulfillment order {fo_id!r} has started processing ({fo.get('status')}); unfulfil "
            "or cancel first",
            "delivery_method",
        )
    previous, method = fo.get("delivery_method", "DELIVERY"), body["delivery_method"]
    if previous != method:
        for key in (_ADDRESS_BY_METHOD.get(previous), _SCHEDULE_BY_METHOD.get(previous)):
            fo.pop(key or "", None)
    fo["delivery_method"] = method
    address_key, schedule_key = _ADDRESS_BY_METHOD.get(method), _SCHEDULE_BY_METHOD.get(method)
    if address_key is not None and "address" in body:
        fo[address_key] = copy_json(body["address"])
    if schedule_key is not None and any(key in body for key in _SCHEDULE_KEYS):
        fo[schedule_key] = _window(fo.get(schedule_key), body)
    new["update_date"] = now
    return new


def update_address(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """api/orders/operation/update-fulfillment-order-address: `address` becomes the FO's
    delivery_address (DELIVERY) or customer_collection_address (COLLECTION); "Not applicable when
    delivery_method is DIGITAL" -> ADDRESS_NOT_APPLICABLE. Ours, as for the schedule: a fulfilled,
    cancelled or closed FO is "not in a state that allows this update"."""
    new, fo = locate_fo(order, fo_id)
    _check_not_settled(fo, "FULFILLMENT_ORDER_NOT_UPDATABLE", "have its address changed")
    key = _field_of_method(fo, _ADDRESS_BY_METHOD, "address", "address")
    fo[key] = copy_json(body["address"])
    new["update_date"] = now
    return new


def update_partner_references(order: Order, fo_id: str, body: Json, *, now: str) -> Order:
    """Page 000: set partner references "without affecting its line items, schedule, or location".

    Each `fulfillments[k].fulfillment_id` "must match an existing fulfillment ID in the FO's
    fulfilled items" (FULFILLMENT_NOT_FOUND: a closed or pending line's id is not one) and appear
    once; its reference is set on those fulfilled items; the FO reference must not be another
    FO's. All is checked before anything is applied; statuses are left as they are.
    """
    new, fo = locate_fo(order, fo_id)
    updates = body.get("fulfillments", [])
    _check_fulfillment_ids(fo, updates)
    if _REF in body:
        if any(other is not fo and other.get(_REF) == body[_REF] for other in new[_FOS]):
            raise InvalidRequest(
                "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE",
                f"{_REF} {body[_REF]!r} is used by another fulfillment order of this order",
                _REF,
            )
        fo[_REF] = body[_REF]
    references = {u["fulfillment_id"]: u["partner_fulfillment_reference"] for u in updates}
    if "line_items" in fo:
        fo["line_items"] = [
            {**line, "partner_fulfillment_reference": references[line["fulfillment_id"]]}
            if _fulfilled(line) and line.get("fulfillment_id") in references
            else line
            for line in fo["line_items"]
        ]
    new["update_date"] = now
    return new


def _fulfilled(line: Json) -> bool:
    return line.get("status") == "fulfilled"


def _check_fulfillment_ids(fo: FulfillmentOrder, updates: list[Json]) -> None:
    """Each update names a fulfillment_id of this FO's fulfilled lines, and only once."""
    known = {
        line.get("fulfillment_id") for line in fo.get("line_items", []) if _fulfilled(line)
    } - {None}
    seen: set[str] = set()
    for k, update in enumerate(updates):
        fulfillment_id, field = update["fulfillment_id"], f"fulfillments[{k}].fulfillment_id"
        if fulfillment_id not in known:
            raise InvalidRequest(
                "FULFILLMENT_NOT_FOUND",
                f"fulfillment {fulfillment_id!r} is not a fulfilled item of fulfillment order "
                f"{fo['fulfillment_order_id']!r}",
                field,
            )
        if fulfillment_id in seen:
            raise InvalidRequest(
                "DUPLICATE_FULFILLMENT_ID", f"fulfillment {fulfillment_id!r} is listed twice", field
            )
        seen.add(fulfillment_id)


def locate_fo(order: Order, fo_id: str) -> tuple[Order, FulfillmentOrder]:
    """A copy of the order and the FO `fo_id` inside that copy; absent -> NotFound.

    Copy on write: the order, its FO list and that FO are new dicts and lists (free to change);
    everything else is shared with `order`, and must not be changed in place.
    """
    fos = order.get(_FOS, [])
    for k, fo in enumerate(fos):
        if fo.get("fulfillment_order_id") == fo_id:
            fo = dict(fo)
            return {**order, _FOS: [*fos[:k], fo, *fos[k + 1 :]]}, fo
    raise NotFound(
        "FULFILLMENT_ORDER_NOT_FOUND",
        f"fulfillment order {fo_id!r} is not in order {order.get('order_id')!r}",
        "fulfillmentOrderId",
    )


def _instant(value: str, field: str) -> datetime:
    """An ISO-8601 date-time, aware (naive = UTC); unparseable -> INVALID_DATE_TIME."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRequest(
            "INVALID_DATE_TIME", f"{field} is not an ISO-8601 date-time: {value!r}", field
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
