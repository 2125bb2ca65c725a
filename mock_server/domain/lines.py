"""Taking quantities out of an FO's lines: what fulfil, ship, split, merge and cancel-line-items
share (published pages under api/orders/operation/).

A request names order line items by id with a quantity; the FO may hold several lines of one id
(the fulfilled part of a line and its pending remainder, say). The quantity is taken from the
FO's lines of that id whose status the operation allows, in the FO's order; a line taken in part
is split in two: the part taken, and the remainder (same id, same status) right after it.
"""

from collections.abc import Callable, Collection

from .errors import InvalidRequest
from .json_copy import copy_json
from .line_items import normalise_line_items
from .model import Json, LineItem

Transform = Callable[[LineItem], LineItem | None]
"""What becomes of a part taken: given a copy with the quantity taken, the new line (None: the
part leaves this FO)."""


def requested_lines(body: Json, path: str = "line_items") -> list[LineItem]:
    """The request's `line_items` (`id` or `line_item_id`, published samples use both), each id
    once and every quantity at least 1."""
    return normalise_line_items(body.get(path, []), path=path)


def take_quantities(
    lines: list[LineItem],
    wanted: list[LineItem],
    allowed: Collection[str],
    transform: Transform,
    *,
    path: str = "line_items",
    refusal: str = "LINE_ITEM_NOT_ALLOWED",
) -> list[LineItem]:
    """`lines` with each `wanted` quantity taken from the lines of its id in an `allowed` status
    and transformed (or dropped); the other lines are the same objects (never mutated).

    A wanted id the FO does not hold is LINE_ITEM_NOT_IN_FULFILLMENT_ORDER, one it holds in no
    allowed status is `refusal`, and a quantity above what those lines hold is
    QUANTITY_NOT_AVAILABLE ("must be ≤ pending quantity", fulfill-order) — each naming
    `{path}[j]`'s field.
    """
    remaining = {line["id"]: line.get("quantity", 0) for line in wanted}
    for j, line in enumerate(wanted):
        held = [held for held in lines if held.get("id") == line["id"]]
        if not held:
            raise InvalidRequest(
                "LINE_ITEM_NOT_IN_FULFILLMENT_ORDER",
                f"line item {line['id']!r} is not in this fulfillment order",
                f"{path}[{j}].id",
            )
        usable = [held_line for held_line in held if held_line.get("status") in allowed]
        if not usable:
            statuses = ", ".join(sorted({str(held_line.get("status")) for held_line in held}))
            raise InvalidRequest(
                refusal,
                f"line item {line['id']!r} is {statuses}; this operation takes only "
                f"{', '.join(sorted(allowed))} line items",
                f"{path}[{j}].id",
            )
        available = sum(held_line.get("quantity", 0) for held_line in usable)
        if line.get("quantity", 0) > available:
            raise InvalidRequest(
                "QUANTITY_NOT_AVAILABLE",
                f"{line.get('quantity')} of line item {line['id']!r} asked, {available} available",
                f"{path}[{j}].quantity",
            )
    result: list[LineItem] = []
    for held_line in lines:
        left = remaining.get(held_line.get("id"), 0)
        if left <= 0 or held_line.get("status") not in allowed:
            result.append(held_line)
            continue
        quantity = held_line.get("quantity", 0)
        taken = min(left, quantity)
        remaining[held_line["id"]] = left - taken
        part = transform({**copy_json(held_line), "quantity": taken})
        if part is not None:
            result.append(part)
        if taken < quantity:
            result.append({**held_line, "quantity": quantity - taken})
    return result


def merge_identical(lines: list[LineItem], statuses: Collection[str]) -> list[LineItem]:
    """Lines of one id and one of `statuses` merged into the first of them, quantities summed
    (unfulfill-order: "Items with the same ID and status are merged"); others as they were."""
    merged: list[LineItem] = []
    first: dict[tuple[object, object], int] = {}
    for line in lines:
        key = (line.get("id"), line.get("status"))
        if line.get("status") not in statuses or key not in first:
            if line.get("status") in statuses:
                first[key] = len(merged)
            merged.append(line)
            continue
        k = first[key]
        merged[k] = {
            **merged[k],
            "quantity": merged[k].get("quantity", 0) + line.get("quantity", 0),
        }
    return merged
