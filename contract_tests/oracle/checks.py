"""The check behind each rule (see rules.py): a function of an Observation returning problems.

Checks read only the observation: the order read back before and after the call, the request
sent, the response got, and what the test arranged (`expect`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from .model import (
    FO_STATUSES,
    LINE_STATUSES,
    ORDER_STATUSES,
    PENDING,
    SCHEDULE_BY_METHOD,
    UPDATABLE_ORDER_FIELDS,
    Json,
    all_fo_lines,
    copied,
    date_time,
    differences,
    fo_by_id,
    fulfillment_orders,
    holds_non_pending,
    line_id,
    lines,
    lines_by_id,
    order_quantities,
    pending_lines,
    rolled_up_fo_statuses,
    rolled_up_order_statuses,
    terminal_lines,
    without_derived,
)
from .observation import Observation

Problems = list[str]
_FO_ID = "fulfillment_order_id"
_FO_REF = "partner_fulfillment_order_reference"


# ------------------------------------------------------------------ outcomes
def succeeded(obs: Observation) -> Problems:
    """The call was answered 200 and the order can still be read."""
    problems = []
    if obs.call.status != 200:
        problems.append(f"the call was answered {obs.call.status}, expected 200")
    if obs.after.status != 200:
        problems.append(f"reading the order back was answered {obs.after.status}")
    return problems


def unchanged(obs: Observation) -> Problems:
    """The order reads back exactly as before the call."""
    if obs.before.response_text == obs.after.response_text:
        return []
    found = differences(obs.old, obs.new)
    return [f"the order changed: {problem}" for problem in found] or (
        ["the order read back differs from before"] if obs.old != obs.new else []
    )


def refused(obs: Observation) -> Problems:
    """Answered the status the test expects (400 unless told)."""
    status = obs.expect.get("status", 400)
    if obs.call.status == status:
        return []
    return [f"the call was answered {obs.call.status}, expected {status}"]


def refused_unchanged(obs: Observation) -> Problems:
    """Refused with the status the test expects (400 unless told) and nothing applied."""
    return refused(obs) + unchanged(obs)


def credentials_refused(obs: Observation) -> Problems:
    """Refused for its credentials (403 as published; 401 from a service asking for the token
    first) and nothing applied."""
    problems = [] if obs.call.status in (401, 403) else [f"answered {obs.call.status}"]
    return problems + unchanged(obs)


def _no_order_found(obs: Observation) -> Problems:
    """Page 004's "may be empty": an empty body or an empty JSON object."""
    if not obs.call.response_text.strip() or obs.call.json == {}:
        return []
    return [f"the body is neither empty nor {{}}: {obs.call.response_text[:200]!r}"]


def empty_ok(obs: Observation) -> Problems:
    """200 with an empty body (or `{}`); the order observed (not the one addressed) is
    unchanged."""
    problems = [] if obs.call.status == 200 else [f"answered {obs.call.status}, expected 200"]
    return problems + _no_order_found(obs) + unchanged(obs)


def no_server_error(obs: Observation) -> Problems:
    return [f"answered {obs.call.status}"] if obs.call.status >= 500 else []


# ------------------------------------------------------------------ api/conventions
PUBLISHED_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)")
"""`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`: three fraction digits, and `XXX` an offset (`Z` at zero)."""


def _own_timestamps(body: Any) -> Iterator[tuple[str, Any]]:
    """The timestamps a service writes itself in an answer: an order's `creation_date` and
    `update_date`, an error body's `timestamp`, each change-log entry's `log_date` (the client's
    own, such as `order_date` or a schedule, are echoed and not looked at)."""
    if isinstance(body, list):
        for k, entry in enumerate(body):
            if isinstance(entry, dict) and "log_date" in entry:
                yield f"[{k}].log_date", entry["log_date"]
    elif isinstance(body, dict):
        for key in ("creation_date", "update_date", "timestamp"):
            if key in body:
                yield key, body[key]


def timestamps_published(obs: Observation) -> Problems:
    """Every timestamp the answer carries of the service's own is in the published form."""
    return [
        f"{where} {value!r} is not yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
        for where, value in _own_timestamps(obs.call.json)
        if not (isinstance(value, str) and PUBLISHED_TIMESTAMP.fullmatch(value))
    ]


_DATE_TIMES = frozenset(
    {"order_date", "scheduled_from", "scheduled_to", "creation_date", "update_date"}
    | {"log_date", "date", "timestamp"}
)
"""The answers' date-time fields, the client's and the service's (a `date` without a time, such
as a time slot's, is no date-time)."""


def _date_times(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for k, item in enumerate(node):
            yield from _date_times(item, f"{where}[{k}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _DATE_TIMES and isinstance(value, str):
                yield f"{where}.{key}".lstrip("."), value
            else:
                yield from _date_times(value, f"{where}.{key}")


def answers_carry_offsets(obs: Observation) -> Problems:
    """Every date-time of the answer, the ones the client sent included, has an offset."""
    return [
        f"{where} {value!r} has no offset"
        for where, value in _date_times(obs.call.json)
        if (moment := date_time(value)) is not None and moment.tzinfo is None
    ]


def _stable_without(order: Json, keys: tuple[str, ...]) -> Json:
    view = without_derived(order)
    for key in keys:
        view.pop(key, None)
    return view


def _unchanged_except(obs: Observation, keys: tuple[str, ...]) -> Problems:
    return [
        f"changed although not in the request: {problem}"
        for problem in differences(_stable_without(obs.old, keys), _stable_without(obs.new, keys))
    ]


# ------------------------------------------------------------------ page 002: order fields
def unprovided_listed_fields_unchanged(obs: Observation) -> Problems:
    """Each updatable field the request does not provide reads back as before."""
    return succeeded(obs) or [
        f"changed although not in the request: {problem}"
        for field in UPDATABLE_ORDER_FIELDS
        if field not in obs.body
        for problem in differences(obs.old.get(field), obs.new.get(field), field)
    ]


def unprovided_fields_unchanged(obs: Observation) -> Problems:
    """Everything the request does not provide reads back as before."""
    return succeeded(obs) or _unchanged_except(obs, tuple(obs.body))


def provided_fields_updated(obs: Observation) -> Problems:
    """Each provided updatable field reads back with the value sent."""
    return succeeded(obs) or [
        problem
        for field in UPDATABLE_ORDER_FIELDS
        if field in obs.body
        for problem in differences(obs.body[field], obs.new.get(field), field, subset=True)
    ]


def _without_id(line: Json) -> Json:
    return {key: value for key, value in line.items() if key not in ("id", "line_item_id")}


def line_items_replaced(obs: Observation) -> Problems:
    """The order's line items are exactly those sent, each with the fields sent."""
    problems = succeeded(obs)
    if problems:
        return problems
    sent = {line_id(line): line for line in obs.body["line_items"]}
    got = {line_id(line): line for line in obs.new.get("line_items") or []}
    if sorted(got, key=str) != sorted(sent, key=str):
        return [f"line item ids are {sorted(got, key=str)}, expected {sorted(sent, key=str)}"]
    return [
        problem
        for key, line in sent.items()
        for problem in differences(
            _without_id(line), _without_id(got[key]), f"line_items[id={key}]", subset=True
        )
    ]


# ------------------------------------------------------------------ page 002: fulfillment orders
def match_entries(order: Json, entries: list[Json]) -> list[Json | None]:
    """The existing FO each request entry names: by fulfillment_order_id, else by
    partner_fulfillment_order_reference; None for a new FO (page 002)."""
    by_id = fo_by_id(order)
    by_ref: dict[str | None, Json] = {
        fo[_FO_REF]: fo for fo in fulfillment_orders(order) if fo.get(_FO_REF) is not None
    }
    return [by_id.get(entry.get(_FO_ID)) or by_ref.get(entry.get(_FO_REF)) for entry in entries]


def _resulting_ids(obs: Observation) -> list[Any]:
    """The fulfillment_order_id each request entry reads back under (None: no FO found).

    A matched entry keeps its FO's id. A new FO may keep the id the entry sent or get one of the
    service's ("created with a new fulfillment_order_id", published update-order page): it is
    the FO not matched that has the entry's id, else its partner reference, else the next one.
    """
    entries = obs.body["fulfillment_orders"]
    matches = match_entries(obs.old, entries)
    result: list[Any] = [None if match is None else match.get(_FO_ID) for match in matches]
    fresh = [fo for fo in fulfillment_orders(obs.new) if fo.get(_FO_ID) not in set(result)]
    named = [
        next((fo for fo in fresh if _names(entry, fo)), None) if match is None else None
        for entry, match in zip(entries, matches, strict=True)
    ]
    rest = [fo for fo in fresh if fo not in named]
    for k, match in enumerate(matches):
        found = named[k] or (rest.pop(0) if match is None and rest else None)
        if found is not None:
            result[k] = found.get(_FO_ID)
    return result


def _names(entry: Json, fo: Json) -> bool:
    """The entry names this new FO by the id it sent or by its partner reference."""
    return any(
        entry.get(key) is not None and fo.get(key) == entry[key] for key in (_FO_ID, _FO_REF)
    )


def _entries_with_fos(obs: Observation) -> list[tuple[Json, Json | None, Json | None]]:
    """(entry, matched FO before, FO after) for every request entry."""
    entries = obs.body["fulfillment_orders"]
    after = fo_by_id(obs.new)
    return [
        (entry, match, after.get(fo_id) if fo_id is not None else None)
        for entry, match, fo_id in zip(
            entries, match_entries(obs.old, entries), _resulting_ids(obs), strict=True
        )
    ]


def _unambiguous(check: Callable[[Observation], Problems]) -> Callable[[Observation], Problems]:
    """A check of how update-order entries match FOs, judged only when no entry names one FO by
    fulfillment_order_id and another by its reference: page 002 does not say which wins
    (fo_id_before_reference holds the readings), so such a request passes these checks."""

    @functools.wraps(check)
    def judged(obs: Observation) -> Problems:
        entries = obs.body.get("fulfillment_orders") if isinstance(obs.body, dict) else None
        return [] if _names_two_fos(obs.old, entries or []) else check(obs)

    return judged


def _names_two_fos(order: Json, entries: list[Any]) -> bool:
    by_reference = {fo.get(_FO_REF): fo.get(_FO_ID) for fo in fulfillment_orders(order)}
    ids = set(by_reference.values())
    return any(
        isinstance(entry, dict)
        and entry.get(_FO_ID) in ids
        and entry.get(_FO_REF) is not None
        and by_reference.get(entry[_FO_REF], entry[_FO_ID]) != entry[_FO_ID]
        for entry in entries
    )


def omitted_fos_removed(obs: Observation) -> Problems:
    """Exactly one FO per entry; every FO the request does not name is gone. A service may
    refuse to remove an FO holding items that are no longer pending: a 400 changing nothing.
    An entry naming one FO by id and another by reference names both (page 002 does not say
    which it updates): neither is taken for omitted, and which one is left is not judged."""
    entries = obs.body["fulfillment_orders"]
    two = [isinstance(e, dict) and _names_two_fos(obs.old, [e]) for e in entries]
    by_reference = {fo.get(_FO_REF): fo.get(_FO_ID) for fo in fulfillment_orders(obs.old)}
    named = {fo.get(_FO_ID) for fo in match_entries(obs.old, entries) if fo} | {
        by_reference[entry[_FO_REF]] for entry, both in zip(entries, two, strict=True) if both
    }
    omitted = [fo for fo in fulfillment_orders(obs.old) if fo.get(_FO_ID) not in named]
    if obs.call.status == 400 and any(holds_non_pending(fo) for fo in omitted):
        return unchanged(obs)
    problems = succeeded(obs)
    if problems:
        return problems
    ids = _resulting_ids(obs)
    problems = [
        f"fulfillment_orders[{k}] (a new FO) is not in the order"
        for k, i in enumerate(ids)
        if i is None
    ]
    expected = sorted(str(i) for i, both in zip(ids, two, strict=True) if i and not both)
    got = sorted(str(fo.get(_FO_ID)) for fo in fulfillment_orders(obs.new))
    if len(got) != len(ids) or not set(expected) <= set(got):
        problems.append(f"fulfillment orders are {got}, expected one per entry: {expected}")
    problems += [
        f"FO {fo.get(_FO_ID)!r}, named by no entry, is still there"
        for fo in omitted
        if str(fo.get(_FO_ID)) in got
    ]
    return problems


@_unambiguous
def fos_matched(obs: Observation) -> Problems:
    """An entry naming an existing FO (by id or reference) updated that FO: it reads back
    under its fulfillment_order_id, and no other FO was made for the entry."""
    problems = succeeded(obs)
    for entry, match, fo in _entries_with_fos(obs) if not problems else []:
        if match is not None and fo is None:
            how = "fulfillment_order_id" if entry.get(_FO_ID) else "partner reference"
            problems.append(f"FO {match[_FO_ID]!r} (named by {how}) is gone")
    if not problems:
        count = len(fulfillment_orders(obs.new))
        if count != len(obs.body["fulfillment_orders"]):
            problems.append(
                f"{count} FOs after a request naming {len(obs.body['fulfillment_orders'])}"
            )
    return problems


def fo_id_before_reference(obs: Observation) -> Problems:
    """The one entry names FO `expect["fo_id"]` by id and FO `expect["other"]` by reference:
    the first is the one FO left, the second is gone."""
    problems = succeeded(obs)
    ids = sorted(str(fo.get(_FO_ID)) for fo in fulfillment_orders(obs.new))
    if not problems and ids != [obs.expect["fo_id"]]:
        problems.append(
            f"fulfillment orders are {ids}; expected only {obs.expect['fo_id']!r}, the FO the "
            f"entry's fulfillment_order_id names (its reference named {obs.expect['other']!r})"
        )
    return problems


def reference_before_fo_id(obs: Observation) -> Problems:
    """The other reading of `fo_id_before_reference`: the entry's reference wins, so FO
    `expect["other"]` is the one left and the FO its id named is gone."""
    problems = succeeded(obs)
    ids = sorted(str(fo.get(_FO_ID)) for fo in fulfillment_orders(obs.new))
    if not problems and ids != [obs.expect["other"]]:
        problems.append(f"fulfillment orders are {ids}; not only {obs.expect['other']!r}")
    return problems


def terminal_listed_stays(obs: Observation) -> Problems:
    """A terminal item listed under its own FO (`expect["fo_id"]`, `expect["line"]`): either
    the request is refused (400) and changes nothing, or it is applied and the line reads back
    as it was."""
    if obs.call.status == 400:
        return unchanged(obs)
    problems = succeeded(obs)
    fo_id, key = obs.expect["fo_id"], obs.expect["line"]
    before = lines_by_id(fo_by_id(obs.old)[fo_id])[key]
    after = lines_by_id(fo_by_id(obs.new).get(fo_id) or {}).get(key)
    if not problems and after is None:
        problems.append(f"FO {fo_id!r} line {key!r} ({before.get('status')}) is gone")
    elif not problems:
        problems.extend(f"FO {fo_id!r} line {key!r}: {p}" for p in differences(before, after))
    return problems


@_unambiguous
def terminal_preserved(obs: Observation) -> Problems:
    """Terminal line items of every FO the request keeps read back identical."""
    problems = succeeded(obs)
    for _, match, fo in _entries_with_fos(obs):
        if match is None or problems:
            continue
        held = lines_by_id(fo) if fo else {}
        for key, line in terminal_lines(match).items():
            where = f"FO {match[_FO_ID]!r} line {key!r} ({line.get('status')})"
            if key not in held:
                problems.append(f"{where} is gone")
            else:
                problems.extend(f"{where}: {p}" for p in differences(line, held[key]))
    return problems


def _listed(entry: Json) -> dict[Any, Json]:
    return {line_id(line): line for line in entry.get("line_items") or []}


@_unambiguous
def listed_items(obs: Observation) -> Problems:
    """Each listed line is in its FO with the quantity sent, pending; one new to an FO without
    a location is open (an FO with a location may allocate it: published line status catalogue)."""
    problems = succeeded(obs)
    for entry, match, fo in _entries_with_fos(obs) if not problems else []:
        held_before = lines_by_id(match) if match else {}
        held = lines_by_id(fo) if fo else {}
        for key, line in _listed(entry).items():
            where = f"FO {entry.get(_FO_ID) or entry.get(_FO_REF)!r} line {key!r}"
            got = held.get(key)
            if got is None:
                problems.append(f"{where} is missing")
                continue
            if got.get("quantity") != line.get("quantity"):
                problems.append(f"{where}: quantity {got.get('quantity')}, sent {line['quantity']}")
            status = got.get("status")
            located = fo is not None and fo.get("location_id")
            wanted = PENDING if key in held_before or located else {"open"}
            if status not in wanted:
                problems.append(f"{where}: status {status!r}, expected one of {sorted(wanted)}")
    return problems


@_unambiguous
def unlisted_pending_removed(obs: Observation) -> Problems:
    """A kept FO holds exactly its listed items plus the items it held not pending (terminal,
    or being picked or packed: page 002 does not say what becomes of those)."""
    problems = succeeded(obs)
    for entry, match, fo in _entries_with_fos(obs) if not problems else []:
        if fo is None:
            continue
        kept = set(lines_by_id(match)) - set(pending_lines(match)) if match else set()
        allowed = set(_listed(entry)) | kept
        extra = sorted(set(lines_by_id(fo)) - allowed, key=str)
        if extra:
            problems.append(f"FO {fo.get(_FO_ID)!r} still holds unlisted items {extra}")
    return problems


@_unambiguous
def moved_items(obs: Observation) -> Problems:
    """A pending item listed only under another FO is in that FO and no longer in its own."""
    problems = succeeded(obs)
    if problems:
        return problems
    listed_in = {
        key: fo_id
        for (entry, _, _), fo_id in zip(_entries_with_fos(obs), _resulting_ids(obs), strict=True)
        for key in _listed(entry)
    }
    after = fo_by_id(obs.new)
    for source in fulfillment_orders(obs.old):
        for key in pending_lines(source):
            target = listed_in.get(key)
            if target is None or target == source[_FO_ID]:
                continue
            old_home = after.get(source[_FO_ID])
            if old_home is not None and key in pending_lines(old_home):
                problems.append(
                    f"line {key!r} moved to FO {target!r} is still in {source[_FO_ID]!r}"
                )
            if key not in lines_by_id(after.get(target) or {}):
                problems.append(f"line {key!r} moved to FO {target!r} is not there")
    return problems


def fo_contents(obs: Observation) -> Problems:
    """Each FO in `expect["fos"]` holds exactly the listed line ids, with the statuses given
    (None: any pending status); `expect["preserved"]` lines read back identical."""
    problems = succeeded(obs)
    after = fo_by_id(obs.new)
    for fo_id, wanted in obs.expect["fos"].items() if not problems else []:
        held = lines_by_id(after.get(fo_id) or {})
        if sorted(held) != sorted(wanted):
            problems.append(f"FO {fo_id!r} holds {sorted(held)}, expected {sorted(wanted)}")
            continue
        for key, status in wanted.items():
            allowed = PENDING if status is None else {status}
            if held[key].get("status") not in allowed:
                problems.append(
                    f"FO {fo_id!r} line {key!r}: status {held[key].get('status')!r}, "
                    f"expected {' or '.join(sorted(allowed))}"
                )
    for fo_id, key in obs.expect.get("preserved", ()) if not problems else ():
        before = lines_by_id(fo_by_id(obs.old)[fo_id])[key]
        problems.extend(
            f"FO {fo_id!r} line {key!r}: {p}"
            for p in differences(before, lines_by_id(after[fo_id])[key])
        )
    return problems


# ------------------------------------------------------------------ page 001: location
def location_resolved(obs: Observation) -> Problems:
    """The FO's location_id reads back as `expect["location_id"]`."""
    problems = succeeded(obs)
    if problems:
        return problems
    fo = fo_by_id(obs.new).get(obs.expect["fo_id"]) or {}
    got, wanted = fo.get("location_id"), obs.expect["location_id"]
    return [] if got == wanted else [f"FO location_id is {got!r}, expected {wanted!r}"]


RELOCATABLE = frozenset({"open", "allocated"})
"""FO statuses that can be re-allocated (platform/orders/allocation)."""


def relocation_gate(obs: Observation) -> Problems:
    """An FO read back open or allocated is relocated (`location_resolved`); one in any other
    status is refused with nothing changed. The FO's status is the one read back, else the
    roll-up of its lines (an FO whose lines allow both is not judged)."""
    fo = fo_by_id(obs.old).get(obs.expect["fo_id"]) or {}
    status = fo.get("status")
    possible = (
        {status}
        if status is not None
        else rolled_up_fo_statuses([str(line.get("status", "open")) for line in lines(fo)])
    )
    if possible <= RELOCATABLE:
        return location_resolved(obs)
    if not possible & RELOCATABLE:
        return refused_unchanged(obs)
    return []


def order_status_recalculated(obs: Observation) -> Problems:
    """The order status read back is what the published roll-up gives for its FO statuses."""
    problems = succeeded(obs)
    statuses = [fo.get("status") for fo in fulfillment_orders(obs.new)]
    if problems or None in statuses:
        return problems  # a service need not return FO statuses: nothing to roll up
    allowed = rolled_up_order_statuses([str(status) for status in statuses])
    got = obs.new.get("status")
    if got not in allowed:
        problems.append(f"order status {got!r} for FO statuses {statuses}: expected {allowed}")
    return problems


def _with_fo_fields_dropped(order: Json, fo_id: str, keys: tuple[str, ...]) -> Json:
    view = without_derived(order)
    for fo in view.get("fulfillment_orders") or []:
        if fo.get(_FO_ID) == fo_id:
            for key in keys:
                fo.pop(key, None)
    return view


def _pending_unstated(order: Json, fo_id: str) -> Json:
    """The order with the FO's pending lines as "pending" (open or allocated alike)."""
    view: Json = copied(order)
    for fo, line in all_fo_lines(view):
        if fo.get(_FO_ID) == fo_id and line.get("status") in PENDING:
            line["status"] = "pending"
    return view


def _only_fo_fields_changed(
    obs: Observation, keys: tuple[str, ...], *, pending_follow: bool = False
) -> Problems:
    """Only the FO's `keys` changed (with `pending_follow`, its pending lines may also have
    turned open or allocated)."""
    fo_id = obs.expect["fo_id"]
    views = [obs.old, obs.new]
    if pending_follow:
        views = [_pending_unstated(view, fo_id) for view in views]
    before, after = (_with_fo_fields_dropped(view, fo_id, keys) for view in views)
    return [f"changed besides {'/'.join(keys)}: {p}" for p in differences(before, after)]


def only_location_changed(obs: Observation) -> Problems:
    """Nothing but the FO's location_id changed (and its pending lines' open or allocated,
    which the published line status catalogue derives from the FO's location)."""
    return succeeded(obs) or _only_fo_fields_changed(
        obs, ("location_id", "allocation_history"), pending_follow=True
    )


# ------------------------------------------------------------------ page 003: schedule
def _schedule_key(obs: Observation) -> str:
    method = fo_by_id(obs.old)[obs.expect["fo_id"]].get("delivery_method", "DELIVERY")
    return SCHEDULE_BY_METHOD[method]


def schedule_applied(obs: Observation) -> Problems:
    """The schedule field of the FO's delivery method holds the window sent."""
    problems = succeeded(obs)
    if problems:
        return problems
    key = _schedule_key(obs)
    got = fo_by_id(obs.new).get(obs.expect["fo_id"], {}).get(key)
    return [f"{key}.{p}" for p in differences(obs.body, got or {}, subset=True)]


def only_schedule_changed(obs: Observation) -> Problems:
    """Nothing but the schedule field of the FO's delivery method changed."""
    return succeeded(obs) or _only_fo_fields_changed(obs, (_schedule_key(obs),))


def delivery_method_unchanged(obs: Observation) -> Problems:
    """The FO's delivery_method reads back as before (whether the call succeeded or not)."""
    fo_id = obs.expect["fo_id"]
    before = fo_by_id(obs.old).get(fo_id, {}).get("delivery_method")
    after = fo_by_id(obs.new).get(fo_id, {}).get("delivery_method")
    return [] if before == after else [f"delivery_method {before!r} became {after!r}"]


# ------------------------------------------------------------------ page 000: partner references
def fo_reference_updated(obs: Observation) -> Problems:
    problems = succeeded(obs)
    if problems or _FO_REF not in obs.body:
        return problems
    got = fo_by_id(obs.new).get(obs.expect["fo_id"], {}).get(_FO_REF)
    wanted = obs.body[_FO_REF]
    return [] if got == wanted else [f"{_FO_REF} is {got!r}, expected {wanted!r}"]


def fulfillment_references_updated(obs: Observation) -> Problems:
    problems = succeeded(obs)
    if problems:
        return problems
    wanted = {
        u["fulfillment_id"]: u["partner_fulfillment_reference"] for u in obs.body["fulfillments"]
    }
    fo = fo_by_id(obs.new).get(obs.expect["fo_id"], {})
    return [
        f"line {line_id(line)!r} (fulfillment {line['fulfillment_id']!r}): "
        f"partner_fulfillment_reference {line.get('partner_fulfillment_reference')!r}, "
        f"expected {wanted[line['fulfillment_id']]!r}"
        for line in lines(fo)
        if line.get("status") == "fulfilled"
        and line.get("fulfillment_id") in wanted
        and line.get("partner_fulfillment_reference") != wanted[line["fulfillment_id"]]
    ]


_UNAFFECTED = ("location_id", "delivery_schedule", "customer_collection_schedule")
"""Page 000: what a reference update does not affect, besides the FO's line items."""


def _unaffected_parts(order: Json, fo_id: str, fulfillment_ids: set[Any]) -> Json:
    """The FO's line items (minus the references the request sets), schedule and location."""
    fo: Json = copied(fo_by_id(order).get(fo_id) or {})
    for line in lines(fo):
        if line.get("fulfillment_id") in fulfillment_ids:
            line.pop("partner_fulfillment_reference", None)
    return {key: fo.get(key) for key in ("line_items", *_UNAFFECTED)}


def only_references_changed(obs: Observation) -> Problems:
    """The FO's line items, schedule and location read back as before (but for the
    partner_fulfillment_reference of the fulfillments named)."""
    problems = succeeded(obs)
    if problems:
        return problems
    ids = {u["fulfillment_id"] for u in obs.body.get("fulfillments") or []}
    fo_id = obs.expect["fo_id"]
    before = _unaffected_parts(obs.old, fo_id, ids)
    after = _unaffected_parts(obs.new, fo_id, ids)
    return [f"changed besides references: {p}" for p in differences(before, after)]


# ------------------------------------------------------------------ page 004: shipment
def _fo_lines(order: Json) -> dict[Any, list[Json]]:
    return {fo.get(_FO_ID): lines(fo) for fo in fulfillment_orders(order)}


def delivered_closes_related(obs: Observation) -> Problems:
    """Fulfilled lines carrying the shipment_id are closed; every other line item is unchanged
    (what else a service records of a delivery, its own shipment records say, is not the
    rule's)."""
    problems = succeeded(obs)
    if problems:
        return problems
    shipment_id = obs.body["shipment_id"]
    expected: dict[Any, list[Json]] = copied(_fo_lines(obs.old))
    for line in (line for held in expected.values() for line in held):
        if line.get("status") == "fulfilled" and shipment_id in (line.get("shipment_ids") or []):
            line["status"] = "closed"
    return differences(expected, _fo_lines(obs.new), "fulfillment_orders")


def shipment_left_order_unchanged(obs: Observation) -> Problems:
    """200, and the order (read back, and in the body when there is one) is as before."""
    problems = [] if obs.call.status == 200 else [f"answered {obs.call.status}, expected 200"]
    body = obs.call.json
    if isinstance(body, dict) and body.get("order_id") is not None:
        problems.extend(f"response body: {p}" for p in differences(obs.old, body))
    return problems + unchanged(obs)


# ------------------------------------------------------------------ common
def reached_expected_order(obs: Observation) -> Problems:
    """The call answered 200 with the order `expect["order_id"]` (or, for an operation
    answering something else, with what `expect["same_as"]`, the same call by that order_id,
    answered); the decoy order (whose order_id is the reference used) is untouched."""
    problems = succeeded(obs)
    same_as = obs.expect.get("same_as")
    got = (obs.call.json or {}).get("order_id") if isinstance(obs.call.json, dict) else None
    if same_as is not None:
        if obs.call.json != same_as.json:
            problems.append(f"the call did not answer as by order_id:\n{same_as.describe()}")
    elif got != obs.expect["order_id"]:
        problems.append(f"the call reached order {got!r}, expected {obs.expect['order_id']!r}")
    decoy = obs.expect.get("decoy")
    if decoy is not None and decoy[0].response_text != decoy[1].response_text:
        problems.extend(
            f"the decoy order changed: {p}" for p in differences(decoy[0].json, decoy[1].json)
        )
    return problems


def other_tenant_shipment_ignored(obs: Observation) -> Problems:
    """A notification under another tenant finds no order (200 empty or `{}`; 401/403 when the
    credentials are refused) and the order is unchanged."""
    if obs.call.status in (401, 403):
        return unchanged(obs)
    problems = [] if obs.call.status == 200 else [f"answered {obs.call.status}, expected 200"]
    return problems + _no_order_found(obs) + unchanged(obs)


def other_tenant_refused(obs: Observation) -> Problems:
    """Under another tenant the order is not found (or the key refused) and not changed."""
    problems = (
        []
        if obs.call.status in (401, 403, 404)
        else [f"another tenant's call was answered {obs.call.status}, expected 404"]
    )
    body = obs.call.json
    if isinstance(body, dict) and body.get("order_id") == obs.old.get("order_id"):
        problems.append("another tenant's call returned the order")
    return problems + unchanged(obs)


# ------------------------------------------------------------------ invariants
def terminal_lines_as_modelled(obs: Observation) -> Problems:
    """`expect["terminal"]` is {fo_id: [the versions of each terminal line]}: every such FO
    still exists (unless in `expect["removable"]`) and holds each line as one of its versions
    (a None version: it may be gone), each line of the FO standing for one modelled line at
    most (an FO may hold a line item in several lines)."""
    after = fo_by_id(obs.new)
    problems = []
    for fo_id, modelled in obs.expect["terminal"].items():
        if fo_id not in after:
            kept = [versions for versions in modelled if None not in versions]
            if kept and fo_id not in obs.expect.get("removable", ()):
                held = sorted({line_id(versions[0]) for versions in kept}, key=str)
                problems.append(f"FO {fo_id!r} holding terminal items {held} is gone")
            continue
        unused = lines(after[fo_id])
        for versions in modelled:
            match = next(
                (
                    line
                    for line in unused
                    if any(v is not None and not differences(v, line) for v in versions)
                ),
                None,
            )
            if match is not None:
                unused.remove(match)
                continue
            if None in versions:
                continue
            first = versions[0]
            where = f"FO {fo_id!r} line {line_id(first)!r} ({first.get('status')})"
            same = [line for line in unused if line_id(line) == line_id(first)]
            problems.extend(
                [f"{where}: {p}" for p in differences(versions[-1], same[0])]
                if same
                else [f"{where} disappeared"]
            )
    return problems


def quantities_conserved(obs: Observation) -> Problems:
    """Each line item's quantity over all FO lines of the order (any status) is as before."""
    before, after = order_quantities(obs.old), order_quantities(obs.new)
    return [
        f"line item {key!r}: FO lines hold {after.get(key, 0)} in all, {before.get(key, 0)} before"
        for key in sorted(set(before) | set(after), key=str)
        if before.get(key, 0) != after.get(key, 0)
    ]


def statuses_rolled_up(obs: Observation) -> Problems:
    """Each FO's status is the published roll-up of its lines', the order's of its FOs'."""
    fos = fulfillment_orders(obs.new)
    problems = [
        f"FO {fo.get(_FO_ID)!r} is {fo['status']!r} for line statuses {statuses}: expected "
        f"{sorted(allowed)}"
        for fo in fos
        if "status" in fo
        for statuses in [[str(line.get("status", "open")) for line in lines(fo)]]
        for allowed in [rolled_up_fo_statuses(statuses)]
        if fo["status"] not in allowed
    ]
    return problems + order_status_recalculated(obs)


def statuses_in_enums(obs: Observation) -> Problems:
    problems = []
    if obs.new.get("status") not in ORDER_STATUSES:
        problems.append(f"order status {obs.new.get('status')!r} is not a documented status")
    problems.extend(
        f"FO {fo.get(_FO_ID)!r}: status {fo['status']!r}"
        for fo in fulfillment_orders(obs.new)
        if "status" in fo and fo["status"] not in FO_STATUSES
    )
    problems.extend(
        f"FO {fo.get(_FO_ID)!r} line {line_id(line)!r}: status {line.get('status')!r}"
        for fo, line in all_fo_lines(obs.new)
        if line.get("status") not in LINE_STATUSES
    )
    return problems
