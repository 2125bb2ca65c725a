"""Page 002: `fulfillment_orders` as a full replacement that preserves terminal line items."""

from .errors import InvalidRequest
from .json_copy import copy_json
from .line_items import normalise_line_items
from .model import FulfillmentOrder, Json, LineItem, NewId
from .status import PENDING_LINE_STATUSES, TERMINAL_LINE_STATUSES

FO_FIELDS = (
    "partner_fulfillment_order_reference",
    "location_id",
    "delivery",
    "carriyo_metadata",
    "delivery_method",
    "delivery_type",
    "delivery_address",
    "customer_collection_address",
)
"""FO-level fields a request entry replaces on the FO it matches (absent ones are kept)."""

_ID = "fulfillment_order_id"
_REF = "partner_fulfillment_order_reference"
_UNIQUE_KEYS = (
    (_ID, "DUPLICATE_FULFILLMENT_ORDER_ID"),
    (_REF, "DUPLICATE_PARTNER_FULFILLMENT_ORDER_REFERENCE"),
)
_PENDING = ", ".join(sorted(PENDING_LINE_STATUSES))
_NOT_COPIED = frozenset({"line_items", "allocation_history"})
"""Entry keys a new FO does not take: its lines are built, its allocation history is the
server's (page 004's model; FulfillmentOrderInput does not declare it)."""


def merge_fulfillment_orders(
    existing: list[FulfillmentOrder], requested: list[Json], *, now: str, new_id: NewId
) -> list[FulfillmentOrder]:
    """Page 002: the FOs after a request that lists `requested`, in request order.

    "Any fulfillment order not included in the request will be permanently removed." Entries
    match existing FOs by fulfillment_order_id, else by partner_fulfillment_order_reference; an
    entry matching none is a new FO. Terminal line items of a matched FO are "added back
    automatically"; listing one is refused. The result must not repeat an FO id or reference.
    """
    matches = _match(existing, requested)
    merged = [
        _new_fo(entry, i, now=now, new_id=new_id) if match is None else _update_fo(match, entry, i)
        for i, (entry, match) in enumerate(zip(requested, matches, strict=True))
    ]
    for key, code in _UNIQUE_KEYS:
        _check_unique(merged, key, code)
    return merged


def _check_unique(fos: list[FulfillmentOrder], key: str, code: str) -> None:
    """Refuse two FOs sharing a value of `key`, naming `fulfillment_orders[i].{key}`."""
    seen: set[str] = set()
    for i, fo in enumerate(fos):
        value = fo.get(key)
        if value in seen:
            raise InvalidRequest(
                code, f"{key} {value!r} is used twice", f"fulfillment_orders[{i}].{key}"
            )
        if value is not None:
            seen.add(value)


def _index(fos: list[FulfillmentOrder], key: str) -> dict[str | None, int]:
    return {fo[key]: k for k, fo in enumerate(fos) if fo.get(key) is not None}


def _match(
    existing: list[FulfillmentOrder], requested: list[Json]
) -> list[FulfillmentOrder | None]:
    """The existing FO each entry updates (None: a new FO); two entries may not share one."""
    by_id, by_ref = _index(existing, _ID), _index(existing, _REF)
    claimed: dict[int, int] = {}
    matches: list[FulfillmentOrder | None] = []
    for i, entry in enumerate(requested):
        k = by_id.get(entry.get(_ID))
        if k is None:
            k = by_ref.get(entry.get(_REF))
        if k is None:
            matches.append(None)
            continue
        if k in claimed:
            raise InvalidRequest(
                "DUPLICATE_FULFILLMENT_ORDER",
                f"fulfillment_orders[{i}] and fulfillment_orders[{claimed[k]}] both match "
                f"fulfillment order {existing[k][_ID]!r}",
                f"fulfillment_orders[{i}]",
            )
        claimed[k] = i
        matches.append(existing[k])
    return matches


def _requested_lines(entry: Json, i: int) -> list[LineItem]:
    return normalise_line_items(
        entry.get("line_items", []), path=f"fulfillment_orders[{i}].line_items"
    )


def _pick(line: LineItem, *keys: str) -> LineItem:
    return {key: line[key] for key in keys if key in line}


def _open_line(line: LineItem) -> LineItem:
    """A line new to its FO: id and quantity from the request, status open."""
    return {**_pick(line, "id", "quantity"), "status": "open"}


def _new_fo(entry: Json, i: int, *, now: str, new_id: NewId) -> FulfillmentOrder:
    """A new FO: the entry's fields, id given or generated, creation_date now, DELIVERY default."""
    fo = {key: copy_json(value) for key, value in entry.items() if key not in _NOT_COPIED}
    if _ID not in fo:
        fo[_ID] = new_id("FO")
    fo.setdefault("creation_date", now)
    fo.setdefault("delivery_method", "DELIVERY")
    fo["line_items"] = [_open_line(line) for line in _requested_lines(entry, i)]
    return fo


def _update_fo(match: FulfillmentOrder, entry: Json, i: int) -> FulfillmentOrder:
    """The matched FO with the entry's FO_FIELDS; its lines merged when the entry lists lines.
    A new dict: the fields the entry does not replace are shared with `match` (never mutated)."""
    replaced = {key for key in FO_FIELDS if key in entry}
    if "line_items" in entry:
        replaced.add("line_items")  # rebuilt by _merge_lines
    fo = {key: value for key, value in match.items() if key not in replaced}
    fo.update({key: copy_json(entry[key]) for key in FO_FIELDS if key in entry})
    if "line_items" in entry:
        path = f"fulfillment_orders[{i}].line_items"
        fo["line_items"] = _merge_lines(
            match.get("line_items", []), _requested_lines(entry, i), path
        )
    return fo


def _merge_lines(held: list[LineItem], wanted: list[LineItem], path: str) -> list[LineItem]:
    """Page 002's line rules for one matched FO.

    Listing a line this FO holds in a terminal status -> TERMINAL_LINE_ITEM. The FO's lines are
    walked in order: terminal ones kept unchanged, pending ones kept (with the requested quantity)
    if listed and dropped if not; then lines new to this FO are appended open, in request order.
    A terminal line is kept as the stored FO's own object (never mutated); the others are new.
    """
    held_status = {line.get("id"): line.get("status", "open") for line in held}
    for j, line in enumerate(wanted):
        status = held_status.get(line["id"])
        if status in TERMINAL_LINE_STATUSES:
            raise InvalidRequest(
                "TERMINAL_LINE_ITEM",
                f"line item {line['id']!r} is {status} in this fulfillment order and is preserved "
                f"automatically; list only pending line items ({_PENDING})",
                f"{path}[{j}].id",
            )
    requested = {line["id"]: line for line in wanted}
    merged: list[LineItem] = []
    for line in held:
        if line.get("status") in TERMINAL_LINE_STATUSES:
            merged.append(line)
        elif line.get("id") in requested:
            merged.append({**line, **_pick(requested[line["id"]], "quantity")})
    return merged + [_open_line(line) for line in wanted if line["id"] not in held_status]
