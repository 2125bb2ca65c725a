"""Page 002: `fulfillment_orders` as a full replacement that preserves terminal line items (and,
ours, in-progress ones)."""

from .errors import InvalidRequest
from .json_copy import copy_json
from .line_items import normalise_line_items
from .model import DELIVERY_FIELDS, FulfillmentOrder, Json, LineItem, NewId
from .status import PENDING_LINE_STATUSES, PRESERVED_LINE_STATUSES, pending_line_status

FO_FIELDS = ("partner_fulfillment_order_reference", "location_id", *DELIVERY_FIELDS)
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
    existing: list[FulfillmentOrder],
    requested: list[Json],
    *,
    now: str,
    new_id: NewId,
    keep_new_ids: bool = False,
) -> list[FulfillmentOrder]:
    """Page 002: the FOs after a request that lists `requested`, in request order.

    "Any fulfillment order not included in the request will be permanently removed." Entries
    match existing FOs by fulfillment_order_id, else by partner_fulfillment_order_reference; an
    entry matching none is a new FO, "created with a new fulfillment_order_id" (published
    api/orders/operation/update-order) even when it carried one (`keep_new_ids`: create order
    keeps it). Terminal line items of a matched FO are "added back automatically" and so are
    in-progress ones (ours); listing either, in any FO, is refused. The result must not repeat an
    FO id or reference.
    """
    matches = _match(existing, requested)
    wanted = [
        _requested_lines(entry, i) if "line_items" in entry else None
        for i, entry in enumerate(requested)
    ]
    _check_not_preserved(existing, matches, wanted)
    merged = [
        _new_fo(entry, lines or [], now=now, new_id=new_id, keep_id=keep_new_ids)
        if match is None
        else _update_fo(match, entry, lines)
        for entry, match, lines in zip(requested, matches, wanted, strict=True)
    ]
    for key, code in _UNIQUE_KEYS:
        _check_unique(merged, key, code)
    return merged


def _check_not_preserved(
    existing: list[FulfillmentOrder],
    matches: list[FulfillmentOrder | None],
    wanted: list[list[LineItem] | None],
) -> None:
    """Page 002, "Only pass line items with pending statuses": a line item that any FO of the order
    holds in a terminal status (or, ours, an in-progress one) may not be listed in any FO of the
    request -> PRESERVED_LINE_ITEM naming `fulfillment_orders[i].line_items[j].id`. Listing it
    elsewhere would make a second, pending copy of an item that is already fulfilled or picked.
    Ours: except in the FO that holds a pending line of that id too — the remainder of a line
    fulfilled or cancelled in part (fulfill-order splits a line) is pending, and may be listed
    there like any pending line.
    """
    preserved = {
        line.get("id"): (line["status"], fo.get(_ID))
        for fo in existing
        for line in fo.get("line_items", [])
        if line.get("status") in PRESERVED_LINE_STATUSES
    }
    for i, (match, lines) in enumerate(zip(matches, wanted, strict=True)):
        remainders = {
            line.get("id")
            for line in (match or {}).get("line_items", [])
            if line.get("status") in PENDING_LINE_STATUSES
        }
        for j, line in enumerate(lines or []):
            if line["id"] in preserved and line["id"] not in remainders:
                status, holder = preserved[line["id"]]
                raise InvalidRequest(
                    "PRESERVED_LINE_ITEM",
                    f"line item {line['id']!r} is {status} in fulfillment order {holder!r} and is "
                    f"preserved automatically; list only pending line items ({_PENDING})",
                    f"fulfillment_orders[{i}].line_items[{j}].id",
                )


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


def _pending_line(line: LineItem, status: str) -> LineItem:
    """A line new to its FO: id and quantity from the request, the FO's pending status."""
    return {**_pick(line, "id", "quantity"), "status": status}


def _new_fo(
    entry: Json, lines: list[LineItem], *, now: str, new_id: NewId, keep_id: bool
) -> FulfillmentOrder:
    """A new FO: the entry's fields, a generated id (the entry's when `keep_id` and given),
    creation_date now, DELIVERY by default; its lines pending as its location says."""
    fo = {key: copy_json(value) for key, value in entry.items() if key not in _NOT_COPIED}
    if not (keep_id and _ID in fo):
        fo[_ID] = new_id("FO")
    fo.setdefault("creation_date", now)
    fo.setdefault("delivery_method", "DELIVERY")
    status = pending_line_status(fo)
    fo["line_items"] = [_pending_line(line, status) for line in lines]
    return fo


def _update_fo(
    match: FulfillmentOrder, entry: Json, lines: list[LineItem] | None
) -> FulfillmentOrder:
    """The matched FO with the entry's FO_FIELDS and its lines merged with those the entry lists
    (an entry without line_items lists them all again). A new dict: the fields the entry does not
    replace are shared with `match` (never mutated)."""
    replaced = {key for key in FO_FIELDS if key in entry} | {"line_items"}
    fo = {key: value for key, value in match.items() if key not in replaced}
    fo.update({key: copy_json(entry[key]) for key in FO_FIELDS if key in entry})
    held = match.get("line_items", [])
    fo["line_items"] = _merge_lines(held, held if lines is None else lines, pending_line_status(fo))
    return fo


def _merge_lines(held: list[LineItem], wanted: list[LineItem], status: str) -> list[LineItem]:
    """Page 002's line rules for one matched FO (listed lines are pending, see
    _check_not_preserved).

    The FO's lines are walked in order: preserved ones kept unchanged, pending ones kept (with the
    requested quantity) if listed and dropped if not; then lines new to this FO are appended, in
    request order. Pending lines take `status`, the FO's (line status catalogue). A preserved line
    is kept as the stored FO's own object (never mutated); the others are new.
    """
    requested = {line["id"]: line for line in wanted}
    merged: list[LineItem] = []
    for line in held:
        if line.get("status") in PRESERVED_LINE_STATUSES:
            merged.append(line)
        elif line.get("id") in requested:
            merged.append({**line, **_pick(requested[line["id"]], "quantity"), "status": status})
    held_ids = {line.get("id") for line in held}
    return merged + [_pending_line(line, status) for line in wanted if line["id"] not in held_ids]
