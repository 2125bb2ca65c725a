"""What create order (api/orders/operation/create-order) does to the fulfillment orders it is
sent, before they are built like any new FO: the order's delivery fields, and the location an
entry names by code."""

from collections.abc import Callable

from .fulfillment_orders import resolve_location
from .json_copy import copy_json
from .model import Json, Location

REQUEST_ONLY = (
    "delivery_method",
    "delivery_type",
    "delivery_address",
    "delivery_schedule",
    "customer_collection_address",
    "customer_collection_schedule",
)
"""create-order: top-level fields that are request-only: propagated to the fulfillment orders
created and persisted there, never stored on the order itself."""
_CODE = ("fulfillment_location", "partner_location_code")


def with_delivery_fields(body: Json) -> list[Json]:
    """create-order: the body's fulfillment orders, each taking the top-level REQUEST_ONLY fields
    it does not set itself ("To set them per fulfillment order, provide them inside each entry").
    Ours: explicit FOs take them too, as the FOs Carriyo allocates would."""
    shared = {key: body[key] for key in REQUEST_ONLY if key in body}
    return [
        {**{key: copy_json(value) for key, value in shared.items()}, **entry}
        for entry in body.get("fulfillment_orders", [])
    ]


def with_named_locations(
    order: Json,
    entries: list[Json],
    find_by_partner_id: Callable[[str], Location | None],
    find_by_code: Callable[[str, str], Location | None],
) -> list[Json]:
    """recipes/orders/place-order-with-fulfillment-orders: an FO names its location by
    `fulfillment_location.partner_location_code`. It resolves as page 001 resolves a location
    (partner_location_id first, then location_code for the order's merchant; neither ->
    LOCATION_NOT_FOUND naming that field), and the FO gets the location's partner_location_id as
    its `location_id` (so its lines are allocated). An entry with a `location_id` keeps it."""
    located = []
    for i, entry in enumerate(entries):
        code = (entry.get(_CODE[0]) or {}).get(_CODE[1])
        if code is not None and "location_id" not in entry:
            field = f"fulfillment_orders[{i}].{'.'.join(_CODE)}"
            location = resolve_location(order, code, find_by_partner_id, find_by_code, field)
            entry = {**entry, "location_id": location["partner_location_id"]}
        located.append(entry)
    return located
