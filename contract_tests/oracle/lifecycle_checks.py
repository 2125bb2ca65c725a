"""The checks behind the rules of the published lifecycle operations (api/orders/operation/*):
cancel order, fulfil, ship, unfulfil, split, merge, cancel line items, delivery method, address,
redact and the change log. Like checks.py, each reads only the observation.

`expect` carries what the test arranged: `fo_id` (the FO addressed), `items` ({line item id:
quantity} the request lists), `fulfillment_ids` (unfulfil), `method` (the delivery method
switched to), `source`/`destination` (merge). The quantities are compared per line item, over
the FO's lines in given statuses, so that a service is free to keep a line item in one line or in
parts (a fulfilled part and a pending remainder).
"""

from __future__ import annotations

from typing import Any

from .checks import Problems, refused_unchanged, succeeded
from .model import (
    ADDRESS_BY_METHOD,
    CANCELLABLE_ORDER_STATUSES,
    PENDING,
    SCHEDULE_BY_METHOD,
    Json,
    all_fo_lines,
    carried,
    carried_by,
    differences,
    fo_by_id,
    fulfillment_orders,
    instant,
    line_id,
    lines,
    quantities,
    same_value,
    without_derived,
)
from .observation import Observation

DONE = frozenset({"fulfilled", "closed"})
_FO_ID = "fulfillment_order_id"


def _fo(order: Json, fo_id: Any) -> Json:
    return fo_by_id(order).get(fo_id) or {}


def _fresh_lines(obs: Observation, field: str = "fulfillment_id") -> list[Json]:
    """The addressed FO's lines after the call carrying a `field` value no line of the order
    carried before (a new fulfillment id, a new shipment id)."""
    known = carried(obs.old, field)
    return [
        line
        for line in lines(_fo(obs.new, obs.expect["fo_id"]))
        if carried_by([line], field) - known
    ]


def _by_item(found: list[Json]) -> dict[Any, int]:
    held: dict[Any, int] = {}
    for line in found:
        held[line_id(line)] = held.get(line_id(line), 0) + int(line.get("quantity", 0))
    return held


def _listed_quantities(obs: Observation, found: list[Json], what: str) -> Problems:
    """`found` lines hold exactly the listed quantity of each listed item, and no other item."""
    got, wanted = _by_item(found), obs.expect["items"]
    return [
        f"{what}: line item {key!r} {got.get(key, 0)}, expected {wanted.get(key, 0)}"
        for key in sorted(set(got) | set(wanted), key=str)
        if got.get(key, 0) != wanted.get(key, 0)
    ]


def _pending_moved(obs: Observation, sign: int) -> Problems:
    """The addressed FO's pending quantity of each listed item changed by `sign` times the
    listed quantity (-1: fulfilled, cancelled or split away; +1: unfulfilled)."""
    fo_id = obs.expect["fo_id"]
    before = quantities(_fo(obs.old, fo_id), PENDING)
    after = quantities(_fo(obs.new, fo_id), PENDING)
    problems = []
    for key, quantity in obs.expect["items"].items():
        wanted = before.get(key, 0) + sign * quantity
        if after.get(key, 0) != wanted:
            problems.append(
                f"FO {fo_id!r}: pending quantity of {key!r} is {after.get(key, 0)}, expected "
                f"{wanted} ({before.get(key, 0)} before)"
            )
    return problems


def _other_fos_unchanged(obs: Observation, *keep: Any) -> Problems:
    """Every FO but the addressed one (and `keep`) reads back as before (statuses aside)."""
    skipped = {obs.expect["fo_id"], *keep}
    before = {k: v for k, v in fo_by_id(without_derived(obs.old)).items() if k not in skipped}
    after = {k: v for k, v in fo_by_id(without_derived(obs.new)).items() if k in before}
    return [f"another FO changed: {p}" for p in differences(before, after)]


# ------------------------------------------------------------------ cancel order
def cancel_order_gate(obs: Observation) -> Problems:
    """Cancelled when the order read back before was open, allocated or partially_allocated;
    otherwise refused (400) and unchanged."""
    if obs.old.get("status") in CANCELLABLE_ORDER_STATUSES:
        return succeeded(obs)
    return refused_unchanged(obs)


def order_cancelled(obs: Observation) -> Problems:
    problems = succeeded(obs)
    if not problems and obs.new.get("status") != "cancelled":
        problems.append(f"order status is {obs.new.get('status')!r}, expected 'cancelled'")
    return problems


def fo_lines_cancelled(obs: Observation) -> Problems:
    return succeeded(obs) or [
        f"FO {fo.get(_FO_ID)!r} line {line_id(line)!r} is {line.get('status')!r}, expected "
        "'cancelled'"
        for fo, line in all_fo_lines(obs.new)
        if line.get("status") != "cancelled"
    ]


def quantities_zeroed(obs: Observation) -> Problems:
    return succeeded(obs) or [
        f"line item {line_id(item)!r}: quantity {item.get('quantity')!r}, expected 0"
        for item in obs.new.get("line_items") or []
        if item.get("quantity") != 0
    ]


def _removed(item: Json) -> int:
    return sum(int(entry.get("quantity", 0)) for entry in item.get("removed_quantities") or [])


def removed_quantities_recorded(obs: Observation) -> Problems:
    """Each order line item's `removed_quantities` gained as much as `expect["removed"]` gives
    it ({line item id: quantity})."""
    problems = succeeded(obs)
    if problems:
        return problems
    old = {line_id(item): item for item in obs.old.get("line_items") or []}
    for item in obs.new.get("line_items") or []:
        key = line_id(item)
        gained = _removed(item) - _removed(old.get(key) or {})
        wanted = obs.expect["removed"].get(key, 0)
        if gained != wanted:
            problems.append(
                f"line item {key!r}: removed_quantities gained {gained}, expected {wanted}"
            )
    return problems


# ------------------------------------------------------------------ fulfil
def fulfilled_with_new_ids(obs: Observation) -> Problems:
    """The listed quantities read back in lines of the FO, fulfilled or closed, each carrying a
    fulfillment_id no line of the order carried before."""
    found = [line for line in _fresh_lines(obs) if line.get("status") in DONE]
    return succeeded(obs) or _listed_quantities(obs, found, "fulfilled with a new fulfillment_id")


def fulfilment_quantities(obs: Observation) -> Problems:
    """The FO's pending quantity of each listed item dropped by the quantity fulfilled (a part
    stays pending in the same FO); no other FO changed."""
    return succeeded(obs) or _pending_moved(obs, -1) + _other_fos_unchanged(obs)


def skip_shipping_closes(obs: Observation) -> Problems:
    """With skip_shipping, the listed quantities are fulfilled (`fulfilled_with_new_ids`), their
    lines closed, carrying no new shipment id."""
    problems = fulfilled_with_new_ids(obs)
    for line in [] if problems else _fresh_lines(obs):
        if line.get("status") != "closed":
            problems.append(f"line {line_id(line)!r} is {line.get('status')!r}, expected closed")
    if not problems and _fresh_lines(obs, "shipment_ids"):
        problems.append("a shipment id was linked although skip_shipping=true")
    return problems


def shipment_linked(obs: Observation) -> Problems:
    """Without skip_shipping, in a DELIVERY or COLLECTION FO, the listed quantities are
    fulfilled (not closed) and carry a shipment id no line carried before."""
    problems = succeeded(obs)
    if problems:
        return problems
    found = [line for line in _fresh_lines(obs, "shipment_ids") if line.get("status") in DONE]
    problems = _listed_quantities(obs, found, "linked to a new shipment")
    problems += [
        f"line {line_id(line)!r} is {line.get('status')!r}, expected fulfilled"
        for line in found
        if line.get("status") != "fulfilled"
    ]
    return problems


# ------------------------------------------------------------------ ship
def shipped_lines_linked(obs: Observation) -> Problems:
    """The listed quantities read back in lines carrying a new shipment id; no other FO
    changed."""
    found = _fresh_lines(obs, "shipment_ids")
    return succeeded(obs) or (
        _listed_quantities(obs, found, "linked to a new shipment") + _other_fos_unchanged(obs)
    )


# ------------------------------------------------------------------ unfulfil
def fulfillments_cleared(obs: Observation) -> Problems:
    """No line of the order carries a fulfillment_id the request reversed."""
    left = carried(obs.new, "fulfillment_id") & set(obs.expect["fulfillment_ids"])
    return succeeded(obs) or [f"fulfillment ids {sorted(left)} are still carried"] * bool(left)


def unfulfilled_back_to_pending(obs: Observation) -> Problems:
    """The reversed quantities are pending again in the FO, its pending lines carry no
    fulfillment id, shipment ids or partner reference, and hold each line item once per
    status (merged)."""
    problems = succeeded(obs) or _pending_moved(obs, +1)
    pending = [
        line for line in lines(_fo(obs.new, obs.expect["fo_id"])) if line.get("status") in PENDING
    ]
    for line in [] if problems else pending:
        leftover = [
            key
            for key in ("fulfillment_id", "shipment_ids", "partner_fulfillment_reference")
            if line.get(key)
        ]
        if leftover:
            problems.append(f"pending line {line_id(line)!r} still carries {leftover}")
    keys = [(line_id(line), line.get("status")) for line in pending]
    problems += (
        [
            f"line {key!r} ({status}) is not merged"
            for key, status in set(keys)
            if keys.count((key, status)) > 1
        ]
        if not problems
        else []
    )
    return problems


# ------------------------------------------------------------------ split
def _new_fos(obs: Observation) -> list[Json]:
    old = set(fo_by_id(obs.old))
    return [fo for fo in fulfillment_orders(obs.new) if fo.get(_FO_ID) not in old]


def split_new_fo(obs: Observation) -> Problems:
    """Exactly one FO more, under a new id, holding exactly the listed quantities."""
    problems = succeeded(obs)
    new = _new_fos(obs)
    if not problems and len(new) != 1:
        return [f"{len(new)} new FOs, expected 1"]
    return problems or _listed_quantities(obs, lines(new[0]), f"new FO {new[0].get(_FO_ID)!r}")


def split_original_reduced(obs: Observation) -> Problems:
    """The original's pending quantities dropped by the listed ones; an item at 0 holds no
    pending line there."""
    problems = succeeded(obs) or _pending_moved(obs, -1)
    left = quantities(_fo(obs.new, obs.expect["fo_id"]), PENDING)
    problems += [
        f"line item {key!r} at quantity 0 is still listed"
        for key, quantity in left.items()
        if quantity == 0
    ]
    return problems


def _location(fo: Json) -> Any:
    return fo.get("location_id") or None


def split_line_status(obs: Observation) -> Problems:
    """The new FO has the original's location (none was sent), and its lines are allocated if
    it has one, else open."""
    problems = split_new_fo(obs)
    if problems:
        return problems
    (new,) = _new_fos(obs)
    original = _fo(obs.old, obs.expect["fo_id"])
    if _location(new) != _location(original):
        problems.append(f"new FO location {_location(new)!r}, original's {_location(original)!r}")
    wanted = "allocated" if _location(new) else "open"
    problems += [
        f"new FO line {line_id(line)!r} is {line.get('status')!r}, expected {wanted}"
        for line in lines(new)
        if line.get("status") != wanted
    ]
    return problems


INHERITED = (
    "delivery_method",
    "delivery_type",
    "delivery",
    "carriyo_metadata",
    *ADDRESS_BY_METHOD.values(),
    *SCHEDULE_BY_METHOD.values(),
)


def split_inherits(obs: Observation) -> Problems:
    """The new FO has the original's delivery fields and carriyo_metadata."""
    problems = split_new_fo(obs)
    if problems:
        return problems
    (new,) = _new_fos(obs)
    original = _fo(obs.old, obs.expect["fo_id"])
    return [
        f"new FO {key}: {p}"
        for key in INHERITED
        for p in differences(original.get(key), new.get(key))
    ]


# ------------------------------------------------------------------ merge
def merged_into_destination(obs: Observation) -> Problems:
    """The destination's pending quantities grew by the source's listed ones; the source, all
    of whose items moved, is gone."""
    problems = succeeded(obs)
    if problems:
        return problems
    source, destination = obs.expect["source"], obs.expect["destination"]
    if source in fo_by_id(obs.new):
        problems.append(f"source FO {source!r} is still there, all its items moved")
    before = quantities(_fo(obs.old, destination), PENDING)
    after = quantities(_fo(obs.new, destination), PENDING)
    for key, quantity in obs.expect["items"].items():
        wanted = before.get(key, 0) + quantity
        if after.get(key, 0) != wanted:
            problems.append(
                f"destination {destination!r}: pending {key!r} {after.get(key, 0)}, expected "
                f"{wanted}"
            )
    return problems + _other_fos_unchanged(obs, source, destination)


# ------------------------------------------------------------------ cancel line items
def lines_cancelled(obs: Observation) -> Problems:
    """The listed quantities were pending and are cancelled now: the FO's cancelled quantity of
    each grew by as much, its pending quantity dropped by as much."""
    problems = succeeded(obs)
    if problems:
        return problems
    fo_id = obs.expect["fo_id"]
    before = quantities(_fo(obs.old, fo_id), frozenset({"cancelled"}))
    after = quantities(_fo(obs.new, fo_id), frozenset({"cancelled"}))
    for key, quantity in obs.expect["items"].items():
        if after.get(key, 0) != before.get(key, 0) + quantity:
            problems.append(f"cancelled quantity of {key!r} is {after.get(key, 0)}")
    return problems + _pending_moved(obs, -1)


def cancellation_reason_recorded(obs: Observation) -> Problems:
    """The FO's cancelled lines of the listed items carry the reason sent, and their order line
    items' removed_quantities grew by the quantities cancelled."""
    reason = obs.body["cancellation_reason"]
    fo = _fo(obs.new, obs.expect["fo_id"])
    problems = removed_quantities_recorded(obs)
    problems += [
        f"cancelled line {line_id(line)!r}: cancellation_reason "
        f"{line.get('cancellation_reason')!r}, expected {reason!r}"
        for line in lines(fo)
        if line.get("status") == "cancelled"
        and line_id(line) in obs.expect["items"]
        and line.get("cancellation_reason") != reason
    ]
    return problems


# ------------------------------------------------------------------ delivery method, address
def _is_clear(value: Any) -> bool:
    return value in (None, {}, [])


def delivery_method_set(obs: Observation) -> Problems:
    """The FO's delivery_method is the one sent; the address and window sent are in the fields
    of that method."""
    problems = succeeded(obs)
    if problems:
        return problems
    fo, method = _fo(obs.new, obs.expect["fo_id"]), obs.body["delivery_method"]
    if fo.get("delivery_method") != method:
        problems.append(f"delivery_method is {fo.get('delivery_method')!r}, expected {method!r}")
    if method in ADDRESS_BY_METHOD and "address" in obs.body:
        key = ADDRESS_BY_METHOD[method]
        got = fo.get(key) or {}
        problems += [f"{key}.{p}" for p in differences(obs.body["address"], got, subset=True)]
    if method in SCHEDULE_BY_METHOD:
        key = SCHEDULE_BY_METHOD[method]
        schedule = fo.get(key) or {}
        problems += [
            f"{key}.{end}: {schedule.get(end)!r}, expected {obs.body[end]!r}"
            for end in ("scheduled_from", "scheduled_to")
            if end in obs.body and not same_value(obs.body[end], schedule.get(end))
        ]
    return problems


def previous_method_cleared(obs: Observation) -> Problems:
    """The address and schedule fields of the FO's previous method read back empty."""
    problems = succeeded(obs)
    previous = _fo(obs.old, obs.expect["fo_id"]).get("delivery_method", "DELIVERY")
    fo = _fo(obs.new, obs.expect["fo_id"])
    cleared = [ADDRESS_BY_METHOD.get(previous), SCHEDULE_BY_METHOD.get(previous)]
    return problems or [
        f"{key} of the previous method {previous} is still {fo[key]!r}"
        for key in cleared
        if key is not None and not _is_clear(fo.get(key))
    ]


def address_set(obs: Observation) -> Problems:
    """The address sent is in the field of the FO's delivery method."""
    problems = succeeded(obs)
    fo = _fo(obs.new, obs.expect["fo_id"])
    key = ADDRESS_BY_METHOD[_fo(obs.old, obs.expect["fo_id"]).get("delivery_method", "DELIVERY")]
    got = fo.get(key) or {}
    return problems or [f"{key}.{p}" for p in differences(obs.body["address"], got, subset=True)]


# ------------------------------------------------------------------ redact
PERSONAL = (
    "name",
    "contact_name",
    "email",
    "contact_email",
    "phone",
    "contact_phone",
    "alternate_phone",
    "address1",
    "address2",
)
"""What the suite takes for personal data in an address or contact (both forms of the pages)."""
_REDACTED = ("customer", "billing_address", "shipping_address")


def _operational(order: Json) -> Json:
    """The order's operational record: its id, line items (id and quantity) and FOs (id, line
    ids, quantities and statuses)."""
    return {
        "order_id": order.get("order_id"),
        "line_items": [
            (line_id(item), item.get("quantity")) for item in order.get("line_items") or []
        ],
        "fulfillment_orders": [
            (
                fo.get(_FO_ID),
                [(line_id(li), li.get("quantity"), li.get("status")) for li in lines(fo)],
            )
            for fo in fulfillment_orders(order)
        ],
    }


def operational_record_kept(obs: Observation) -> Problems:
    return succeeded(obs) or [
        f"operational record changed: {p}"
        for p in differences(_operational(obs.old), _operational(obs.new))
    ]


def _addresses(order: Json) -> dict[str, Json]:
    found = {key: order[key] for key in _REDACTED if isinstance(order.get(key), dict)}
    for fo in fulfillment_orders(order):
        for key in ADDRESS_BY_METHOD.values():
            if isinstance(fo.get(key), dict):
                found[f"fulfillment_orders[{fo.get(_FO_ID)}].{key}"] = fo[key]
    return found


def personal_data_cleared(obs: Observation) -> Problems:
    """No personal field of an address or contact reads back with the value it had, and the
    order says `redacted: true`."""
    problems = succeeded(obs)
    if problems:
        return problems
    after = _addresses(obs.new)
    for where, address in _addresses(obs.old).items():
        kept = after.get(where) or {}
        problems += [
            f"{where}.{key} still reads {address[key]!r}"
            for key in PERSONAL
            if address.get(key) and kept.get(key) == address[key]
        ]
    if obs.new.get("redacted") is not True:
        problems.append(f"redacted is {obs.new.get('redacted')!r}, expected true")
    return problems


# ------------------------------------------------------------------ change logs
def _entries(exchange: Any) -> list[Json] | None:
    body = exchange.json
    if exchange.status != 200 or not isinstance(body, list):
        return None
    return [entry for entry in body if isinstance(entry, dict)]


def _dates(entries: list[Json]) -> list[Any]:
    return [instant(str(e["log_date"])) for e in entries if e.get("log_date") is not None]


def change_log_sorted(obs: Observation) -> Problems:
    """`obs.call` lists the log with no sort_order, `expect["desc"]` with DESC: both 200 arrays
    of the same entries; the first oldest first by log_date, the second newest first (entries
    without a log_date are not placed)."""
    ascending, descending = _entries(obs.call), _entries(obs.expect["desc"])
    if ascending is None or descending is None:
        return [f"the change log was answered {obs.call.status} / {obs.expect['desc'].status}"]
    problems = []
    if len(ascending) != len(descending):
        problems.append(f"{len(ascending)} entries oldest first, {len(descending)} newest first")
    up, down = _dates(ascending), _dates(descending)
    if None in up or None in down:
        return [*problems, "a log_date is not a date-time"]
    if up != sorted(up):
        problems.append(f"the default order is not by log_date ascending: {up}")
    if down != sorted(down, reverse=True):
        problems.append(f"sort_order=DESC is not by log_date descending: {down}")
    return problems


def one_entry_per_change(obs: Observation) -> Problems:
    """`expect["logs"]` is the change log before and after the call: one entry more after a
    call that changed the order, none after a refused one."""
    before, after = (_entries(log) for log in obs.expect["logs"])
    if before is None or after is None:
        return ["the change log could not be read"]
    changed = obs.call.ok and without_derived(obs.old) != without_derived(obs.new)
    wanted = len(before) + (1 if changed else 0)
    what = "a change" if changed else f"a call answered {obs.call.status} changing nothing"
    return [] if len(after) == wanted else [f"{len(after)} entries after {what}, expected {wanted}"]


def entry_names_operation(obs: Observation) -> Problems:
    """The newest entry names `expect["operation"]` (the operationId)."""
    entries = _entries(obs.expect["logs"][1]) or [{}]
    got = entries[-1].get("operation")
    wanted = obs.expect["operation"]
    return [] if got == wanted else [f"the newest entry names {got!r}, expected {wanted!r}"]
