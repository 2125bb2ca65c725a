"""The order as a whole: create it (POST /orders), update it (page 002), cancel it and redact it
(published cancel-order and redact-order)."""

from collections.abc import Callable

from .creation import REQUEST_ONLY, with_delivery_fields, with_named_locations
from .errors import InvalidRequest, NotUpdatable
from .json_copy import copy_json
from .lifecycle import remove_quantity
from .line_items import normalise_line_items
from .model import Json, Location, NewId, Order
from .preservation import merge_fulfillment_orders
from .quantities import check_fo_quantities
from .status import refresh_statuses, touch

ORDER_FIELDS = (
    "partner_order_reference",
    "order_date",
    "merchant",
    "language",
    "sales_channel",
    "taxes_included",
    "duties_included",
    "shipping_address",
    "billing_address",
    "customer",
    "payment",
    "discount_applications",
    "shipping_lines",
)
"""Page 002: "updated only if provided in the request", each replaced wholesale."""

_DERIVED_KEYS = frozenset(
    {
        "status",
        "line_items",
        "fulfillment_orders",
        # server-owned Order fields that CreateOrderRequest does not declare (page 004's model)
        "auto_allocation_failed",
        "cancellation_reason",
        "redacted",
        "update_source",
        "error_details",
        "shipments",  # the sandbox's shipment records (domain/shipments.py)
    }
)
CANCELLABLE = frozenset({"open", "partially_allocated", "allocated"})
"""cancel-order: "Orders can only be cancelled when in one of these statuses"."""
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "company",
        "email",
        "phone",
        "alternate_phone",
        "contact_name",
        "contact_phone",
        "contact_email",
        "company_name",
        "personal_id",
        "address1",
        "address2",
        "street",
        "building",
        "floor",
        "flat",
        "po_box",
        "postcode",
        "area",
        "coords",
        "what3words",
        "address_codes",
        "custom_fields",
        "notes",
    }
)
"""The fields of an address or contact (both forms of the pages) that identify a person; city,
state and country stay (ours: they are what operations and reports group by)."""
_ADDRESSES = ("customer", "billing_address", "shipping_address")
_FO_ADDRESSES = ("delivery_address", "customer_collection_address")


def create_order(
    body: Json,
    *,
    tenant: str,
    now: str,
    new_id: NewId,
    find_by_partner_id: Callable[[str], Location | None],
    find_by_code: Callable[[str, str], Location | None],
) -> Order:
    """POST /orders (api/orders/operation/create-order): the stored order for a request.

    Keeps the body's keys but the request-only delivery fields, which go to the FOs created
    (with_delivery_fields); sets `tenant`, keeps or generates `order_id` ("ORD"), stamps both
    dates, normalises line item ids ("LI" when missing). Every FO is new (see
    merge_fulfillment_orders) and keeps a `fulfillment_order_id` it was given; a location it
    names by code is resolved (with_named_locations); its lines start pending (allocated when it
    has a location, else open). FO lines must name order line items, within the ordered
    quantities; statuses are derived, never sent.
    """
    order = {
        key: copy_json(value)
        for key, value in body.items()
        if key not in _DERIVED_KEYS and key not in REQUEST_ONLY
    }
    entries = with_named_locations(
        body, with_delivery_fields(body), find_by_partner_id, find_by_code
    )
    order["tenant"] = tenant
    if "order_id" not in order:
        order["order_id"] = new_id("ORD")
    order["creation_date"] = order["update_date"] = now
    order["line_items"] = normalise_line_items(
        body.get("line_items", []), path="line_items", new_id=new_id
    )
    order["fulfillment_orders"] = merge_fulfillment_orders(
        [], entries, now=now, new_id=new_id, keep_new_ids=True
    )
    _check_line_references(order)
    check_fo_quantities(order, body.get("fulfillment_orders", []))
    return refresh_statuses(order)


def update_order(order: Order, body: Json, *, now: str, new_id: NewId) -> Order:
    """Page 002: partial update of an order.

    A cancelled order "cannot be updated" (NotUpdatable); every other status can. ORDER_FIELDS
    present in the body replace the order's; other keys are ignored. `line_items` replaces the
    order's line items entirely; `fulfillment_orders` is the preserving full replacement. After
    either, every FO line must name an order line item, within the ordered quantities. Then
    update_date and statuses refresh.
    """
    if order.get("status") == "cancelled":
        raise NotUpdatable("ORDER_NOT_UPDATABLE", "a cancelled order cannot be updated", "status")
    # What the body does not replace is shared with `order` (stored orders are never mutated, as
    # in fulfillment_orders.py); what it takes from `body` is copied, so `body` is not aliased.
    replaced = {key for key in (*ORDER_FIELDS, "line_items", "fulfillment_orders") if key in body}
    new = {key: value for key, value in order.items() if key not in replaced}
    new.update({key: copy_json(body[key]) for key in ORDER_FIELDS if key in body})
    if "line_items" in body:
        new["line_items"] = normalise_line_items(
            body["line_items"], path="line_items", new_id=new_id
        )
    if "fulfillment_orders" in body:
        new["fulfillment_orders"] = merge_fulfillment_orders(
            order.get("fulfillment_orders", []), body["fulfillment_orders"], now=now, new_id=new_id
        )
    if "line_items" in body or "fulfillment_orders" in body:
        _check_line_references(new)
        check_fo_quantities(new, body.get("fulfillment_orders", []))
    return touch(new, now=now)


def _check_line_references(order: Order) -> None:
    """Every FO line item must name one of the order's line items (by `id`)."""
    known = {line.get("id") for line in order.get("line_items", [])}
    for i, fo in enumerate(order.get("fulfillment_orders", [])):
        for j, line in enumerate(fo.get("line_items", [])):
            if line.get("id") not in known:
                raise InvalidRequest(
                    "LINE_ITEM_NOT_IN_ORDER",
                    f"line item {line.get('id')!r} is not in the order's line_items",
                    f"fulfillment_orders[{i}].line_items[{j}].id",
                )


def cancel_order(order: Order, body: Json, *, now: str) -> Order:
    """api/orders/operation/cancel-order: "Orders can only be cancelled when in one of these
    statuses: open, allocated, partially_allocated" (else ORDER_NOT_CANCELLABLE). "All line items
    quantities are set to 0 with removed quantities recorded" (`removed_quantities`, the
    cancellation reason as its note), "All fulfillment order line items are marked as cancelled"
    (with the reason), and the order becomes cancelled with its `cancellation_reason`."""
    status = order.get("status")
    if status not in CANCELLABLE:
        raise NotUpdatable(
            "ORDER_NOT_CANCELLABLE", f"a {status} order cannot be cancelled", "status"
        )
    reason = body["cancellation_reason"]
    cancelled = {
        **order,
        "line_items": [
            remove_quantity(item, item.get("quantity", 0), reason)
            if item.get("quantity", 0)
            else item
            for item in order.get("line_items", [])
        ],
        "fulfillment_orders": [
            {
                **fo,
                "line_items": [
                    line
                    if line.get("status") == "cancelled"
                    else {**line, "status": "cancelled", "cancellation_reason": reason}
                    for line in fo.get("line_items", [])
                ],
            }
            for fo in order.get("fulfillment_orders", [])
        ],
        "status": "cancelled",
        "cancellation_reason": reason,
    }
    return touch(cancelled, now=now)


def redact(order: Order, *, now: str) -> Order:
    """api/orders/operation/redact-order: "PII fields are cleared or masked" and the order stays
    usable (security/data-redaction: the operational record — ids, line items, statuses — is kept).
    Ours: the PERSONAL_FIELDS of the customer, billing and shipping addresses and of every FO's
    delivery and collection address are removed, and `redacted` becomes true. An order with
    nothing left to redact is returned as it is (no change, no new update_date)."""
    redacted = {key: _without_personal(order[key]) for key in _ADDRESSES if key in order}
    fos = [
        {**fo, **{key: _without_personal(fo[key]) for key in _FO_ADDRESSES if key in fo}}
        for fo in order.get("fulfillment_orders", [])
    ]
    candidate = {**order, **redacted, "fulfillment_orders": fos, "redacted": True}
    if candidate == {**order, "fulfillment_orders": order.get("fulfillment_orders", [])}:
        return order
    return {**candidate, "update_date": now}


def _without_personal(address: object) -> object:
    if not isinstance(address, dict):
        return address
    return {key: value for key, value in address.items() if key not in PERSONAL_FIELDS}
