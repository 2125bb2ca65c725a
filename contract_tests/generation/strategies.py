"""Hypothesis strategies: orders with 0-3 FOs, 1-5 line items, mixed statuses and delivery
methods, and the requests of each operation built from an order as read back.

Ids carry the namespace `ns` of one test execution (a fresh uuid, not drawn), so that examples
never collide, replays included, and the suite can run in parallel against one target.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from ..oracle.model import (
    ADDRESS_BY_METHOD,
    DELIVERY_METHODS,
    LINE_STATUSES,
    ORDER_STATUSES,
    SCHEDULE_BY_METHOD,
    Json,
    all_fo_lines,
    copied,
    fulfillment_orders,
    holds_non_pending,
    line_id,
    lines,
    not_pending,
)
from . import samples

NOT_DELIVERED = (
    "in_transit",
    "out_for_delivery",
    "shipped",
    "ready_to_ship",
    "pending",
    "failed_delivery",
    "returned",
)
"""Page 004: shipment statuses that are not "delivered"."""
_FO_ID = "fulfillment_order_id"
_FO_REF = "partner_fulfillment_order_reference"

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
quantities = st.integers(min_value=1, max_value=5)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
date_times = instants.map(_iso)


def _without_offset(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@st.composite
def windows(draw: st.DrawFn, offset: bool = True) -> Json:
    """Page 003: a schedule window, `scheduled_from` not after `scheduled_to`; its times without
    an offset when `offset` is False (api/conventions accepts them on input)."""
    write = _iso if offset else _without_offset
    start = draw(instants)
    length = draw(st.integers(min_value=0, max_value=72 * 3600))
    return {
        "scheduled_from": write(start),
        "scheduled_to": write(start + timedelta(seconds=length)),
    }


def _pool_index(pool: tuple[Any, ...]) -> st.SearchStrategy[int]:
    return st.integers(0, len(pool) - 1)


POOLS: dict[str, tuple[Any, ...]] = {
    "order_date": samples.ORDER_DATES,
    "language": samples.LANGUAGES,
    "sales_channel": samples.SALES_CHANNELS,
    "taxes_included": (False, True),
    "duties_included": (False, True),
    "shipping_address": samples.ADDRESSES,
    "billing_address": samples.ADDRESSES,
    "customer": samples.ADDRESSES,
    "payment": samples.PAYMENTS,
    "discount_applications": samples.DISCOUNT_APPLICATIONS,
    "shipping_lines": samples.SHIPPING_LINES,
}
"""The value pools of the updatable fields (samples.py), both address forms among them."""


def order_fields(ns: str, merchant: str) -> st.SearchStrategy[Json]:
    """Page 002: every updatable field of an order, with realistic values."""
    choices = st.fixed_dictionaries({field: _pool_index(pool) for field, pool in POOLS.items()})
    return choices.map(lambda choice: samples.order_fields(ns, merchant, choice))


@st.composite
def order_field_updates(draw: st.DrawFn, ns: str, merchants: tuple[str, ...]) -> Json:
    """Page 002: some of the fields "updated only if provided in the request" (`merchant` one
    of `merchants`: those the target knows).

    At most half of them, as a partial update sends: every example leaves out at least half the
    fields, so one clobbered field shows from the first example on. (Left to choose each field
    freely, Hypothesis, derandomized as it is on CI, sends nearly all of them in every example.)
    """
    optional: dict[str, st.SearchStrategy[Any]] = {
        "partner_order_reference": st.integers(1, 9).map(lambda k: f"{ns}-REF-{k}"),
        "merchant": st.sampled_from(merchants),
        **{field: st.sampled_from(pool).map(copied) for field, pool in POOLS.items()},
    }
    names = st.lists(
        st.sampled_from(sorted(optional)), min_size=1, max_size=len(optional) // 2, unique=True
    )
    return {name: draw(optional[name]) for name in draw(names)}


def _fo_line(draw: st.DrawFn, ns: str, fo_index: int, item: Json, statuses: list[str]) -> Json:
    status = draw(st.sampled_from(statuses))
    line: Json = {"id": item["id"], "quantity": draw(st.integers(1, item["quantity"]))}
    line["status"] = status
    if status in ("fulfilled", "closed"):
        group = draw(st.integers(1, 2))
        line["fulfillment_id"] = f"{ns}-FUL-{fo_index}-{status}-{group}"
        pool = [f"{ns}-SHP-{k}" for k in (1, 2, 3)]
        if status == "fulfilled" or draw(st.booleans()):  # closed: delivered, or never shipped
            line["shipment_ids"] = draw(
                st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)
            )
    if status == "cancelled" and draw(st.booleans()):
        line["cancellation_reason"] = "CUSTOMER_CANCELLATION"
    return line


@st.composite
def orders(
    draw: st.DrawFn,
    ns: str,
    *,
    merchant: str,
    line_statuses: frozenset[str] = LINE_STATUSES,
    order_statuses: frozenset[str] = ORDER_STATUSES,
    methods: frozenset[str] = DELIVERY_METHODS,
    fo_count: tuple[int, int] = (0, 3),
    source_type: str = "API",
    anchors: tuple[frozenset[str], ...] = (),
) -> Json:
    """An order as the admin seeding stores it (page 004's model), ids prefixed with `ns`, with
    every field page 002 lets a client update (samples.py).

    Each order line item sits in at most one FO; FO line statuses come from `line_statuses`;
    fulfilled and closed lines carry a fulfillment_id (shared by lines of one FO and status) and
    shipment ids from a small pool, so shipments relate to several lines (a closed line may have
    none: fulfilled with skip_shipping).

    `anchors`: the k-th puts item k+1 in FO k in one of its statuses, so that a property needing
    such a line is not left to chance (at least as many items and FOs are drawn).
    """
    items = [
        {"id": f"item-{k}", "sku": f"SKU-{draw(words)}", "quantity": draw(quantities)}
        for k in range(1, draw(st.integers(max(1, len(anchors)), 5)) + 1)
    ]
    fos: list[Json] = []
    for i in range(draw(st.integers(max(fo_count[0], len(anchors)), fo_count[1]))):
        method = draw(st.sampled_from(sorted(methods)))
        fo: Json = {_FO_ID: f"{ns}-FO-{i}", _FO_REF: f"{ns}-PFO-{i}", "delivery_method": method}
        if method in SCHEDULE_BY_METHOD and draw(st.booleans()):
            fo[SCHEDULE_BY_METHOD[method]] = draw(windows())
        if method in ADDRESS_BY_METHOD and draw(st.booleans()):
            fo[ADDRESS_BY_METHOD[method]] = copied(draw(st.sampled_from(samples.ADDRESSES)))
        if draw(st.booleans()):
            fo["carriyo_metadata"] = [{"key": "wave", "value": f"{ns}-W{i}"}]
        fo["line_items"] = []
        fos.append(fo)
    statuses = sorted(line_statuses)
    for k, item in enumerate(items):
        anchored = k < len(anchors)
        home = k if anchored else draw(st.integers(-1, len(fos) - 1))
        if home >= 0:
            allowed = (sorted(anchors[k] & line_statuses) if anchored else []) or statuses
            fos[home]["line_items"].append(_fo_line(draw, ns, home, item, allowed))
    return {
        "order_id": f"{ns}-ORD",
        **draw(order_fields(ns, merchant), label="order fields"),
        "status": draw(st.sampled_from(sorted(order_statuses))),
        "creation_source": {"source_type": source_type},
        "line_items": items,
        "fulfillment_orders": fos,
    }


def _held(order: Json) -> dict[Any, int]:
    """The quantity the order's FO lines hold of each item (cancelled ones hold none)."""
    held: dict[Any, int] = {}
    for _, line in all_fo_lines(order):
        if line.get("status") != "cancelled":
            held[line_id(line)] = held.get(line_id(line), 0) + line.get("quantity", 0)
    return held


@st.composite
def line_item_replacements(draw: st.DrawFn, order: Json) -> list[Json]:
    """Page 002: a new `line_items` list: every item an FO names (maybe changed, never to fewer
    than its FO lines hold), others kept or dropped, 0-2 new ones."""
    named = {line_id(line) for fo in fulfillment_orders(order) for line in lines(fo)}
    held = _held(order)
    kept = []
    for item in order.get("line_items") or []:
        key = line_id(item)
        if key in named or draw(st.booleans()):
            floor = max(1, held.get(key, 0))
            quantity = draw(st.integers(floor, max(floor, 5)))
            kept.append({"id": key, "sku": f"SKU-{draw(words)}", "quantity": quantity})
    new = [
        {"id": f"item-new-{k}", "sku": f"SKU-{draw(words)}", "quantity": draw(quantities)}
        for k in range(draw(st.integers(0, 2)))
    ]
    return draw(st.permutations(kept + new))


def _entry_for(draw: st.DrawFn, fo: Json) -> Json:
    """An entry naming an existing FO by its id, or by its partner reference alone."""
    if fo.get(_FO_REF) is not None and draw(st.booleans()):
        return {_FO_REF: fo[_FO_REF]}
    return {_FO_ID: fo[_FO_ID]}


def _new_entry(draw: st.DrawFn, ns: str, k: int) -> Json:
    """A new FO: always a partner reference (the service may give it an id of its own: the
    published update-order page), sometimes an id of the client's."""
    method = draw(st.sampled_from(sorted(DELIVERY_METHODS)))
    entry: Json = {_FO_REF: f"{ns}-PFO-new-{k}", "delivery_method": method}
    if draw(st.booleans()):
        entry[_FO_ID] = f"{ns}-FO-new-{k}"
    return entry


@st.composite
def fo_replacements(
    draw: st.DrawFn,
    order: Json,
    ns: str,
    *,
    new_fos: int = 1,
    items: list[Json] | None = None,
    drop_held: bool = False,
) -> list[Json]:
    """Page 002: a `fulfillment_orders` list for `order`: each FO kept (named by id or by
    partner reference) or dropped, up to `new_fos` new FOs, and every order line item that no FO
    holds in a status other than pending listed under at most one entry, with a quantity within
    the order's (`items`: the line items the same request sets, if it does).

    Only FOs holding nothing but pending lines are dropped, unless `drop_held`: the docs say an
    omitted FO is removed, and a service may refuse to remove one whose items were fulfilled, so
    a property that requires success never asks it to."""
    held = {fo[_FO_ID] for fo in fulfillment_orders(order) if holds_non_pending(fo)}
    entries = [  # "dropped" shrinks to False: a smaller example keeps every FO
        _entry_for(draw, fo)
        for fo in fulfillment_orders(order)
        if (fo[_FO_ID] in held and not drop_held) or not draw(st.booleans())
    ]
    entries += [_new_entry(draw, ns, k) for k in range(draw(st.integers(0, new_fos)))]
    entries = draw(st.permutations(entries))
    for entry in entries:
        entry["line_items"] = []
    excluded = not_pending(order)
    for item in (order.get("line_items") or []) if items is None else items:
        key = line_id(item)
        target = (
            draw(st.sampled_from([None, *entries])) if entries and key not in excluded else None
        )
        if target is not None:
            ceiling = max(1, item.get("quantity", 1))
            target["line_items"].append({"id": key, "quantity": draw(st.integers(1, ceiling))})
    return entries
