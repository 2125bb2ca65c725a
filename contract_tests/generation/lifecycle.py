"""A Hypothesis rule-based machine: the operations of the five pages and the published lifecycle
(cancel, fulfil, ship, unfulfil, split, merge, cancel lines, delivery method, address, redact)
interleaved on a few orders.

After every step it checks what the suite reads the docs to imply whatever the sequence (each
invariant is a `reading` rule): no request is answered 5xx; terminal line items of an FO that
still exists never disappear or change except as documented (page 004 closes delivered
fulfilled items, page 000 sets their partner_fulfillment_reference, ship links a shipment to
them, unfulfil returns them to pending, cancel order cancels them; page 002 may remove whole
FOs); no line is lost or duplicated (each line item's quantity over the FOs is conserved by
every operation but update order); statuses are the published roll-up after the operations
that recalculate them; order, FO and line statuses stay in their enums; a refused request
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from ..oracle import rules
from ..oracle.checks import match_entries
from ..oracle.exchange import Exchange
from ..oracle.model import (
    ADDRESS_BY_METHOD,
    CANCELLATION_REASONS,
    DELIVERY_METHODS,
    PENDING,
    TERMINAL,
    Json,
    carried,
    carried_by,
    copied,
    fo_by_id,
    fulfillment_orders,
    line_id,
    lines,
    quantities,
)
from ..oracle.observation import Observation
from ..target.client import (
    CANCEL_LINE_ITEMS,
    FULFILL,
    SHIP,
    SPLIT,
    UNFULFILL,
    UPDATE_ADDRESS,
    UPDATE_DELIVERY_METHOD,
    UPDATE_LOCATION,
    UPDATE_PARTNER_REFERENCES,
    UPDATE_SCHEDULE,
)
from ..target.target import Locations, Target
from . import samples
from .building import DRAFT, SKIP_SHIPPING
from .strategies import (
    NOT_DELIVERED,
    fo_replacements,
    line_item_replacements,
    order_field_updates,
    orders,
    windows,
)

INVARIANTS = (rules.NO_SERVER_ERROR, rules.TERMINAL_NEVER_CHANGE, rules.STATUSES_IN_ENUMS)
"""Checked after every step (and REFUSAL_CHANGES_NOTHING after every 4xx)."""
CONSERVING = (rules.QUANTITIES_CONSERVED,)
"""Checked after every step but update order."""
ROLLING_UP = (rules.STATUSES_ROLLED_UP,)
"""Checked after a successful step of an operation that recalculates statuses."""
ALL_INVARIANTS = (*INVARIANTS, *CONSERVING, *ROLLING_UP)
Versions = dict[str, list[list[Json | None]]]
"""{fo_id: for each terminal line, the versions it may read back as (None: it may be gone)}."""
Widening = Callable[[Json, Versions], None]
"""Adds to the versions what the order read back after the call makes legitimate."""


def widen(
    versions: Versions,
    picked: Callable[[Json], bool],
    more: Callable[[Json], list[Json | None]],
    fo_id: str | None = None,
) -> None:
    """Each modelled line (of FO `fo_id`, or of any) that `picked` holds may also read back as
    each of `more(line)` (None: be gone)."""
    for held_fo, held in versions.items():
        for choices in held if fo_id in (None, held_fo) else []:
            line = choices[0]
            if line is not None and picked(line):
                choices.extend(more(line))


class OrderLifecycle(RuleBasedStateMachine):
    target: ClassVar[Target]

    def __init__(self) -> None:
        super().__init__()
        self.ns = self.target.namespace()
        self.step = 0
        self.places: Locations | None = None
        self.order_ids: list[str] = []
        self.terminal: dict[str, dict[str, list[Json]]] = {}

    # ------------------------------------------------------------------ set-up
    @initialize(data=st.data())
    def seed_orders(self, data: st.DataObject) -> None:
        config = self.target.config
        if config.admin or config.location is not None:
            self.places = self.target.locations(self.ns)
        merchant = self.places.merchant if self.places else self.target.merchant
        for k in range(data.draw(st.integers(1, 3), label="orders")):
            source = data.draw(st.sampled_from(["API", "SHOPIFY"]), label="source")
            order = data.draw(
                orders(
                    f"{self.ns}-{k}",
                    merchant=merchant,
                    line_statuses=self.target.line_statuses,
                    fo_count=(1, 3),
                    source_type=source,
                ),
                label=f"order {k}",
            )
            read = self.target.seed(order)
            self.order_ids.append(read.json["order_id"])
            self._track(read.json)

    def _track(self, order: Json) -> None:
        self.terminal[order["order_id"]] = {
            fo["fulfillment_order_id"]: [
                line for line in lines(fo) if line.get("status") in TERMINAL
            ]
            for fo in fulfillment_orders(order)
        }

    def _fresh(self) -> str:
        self.step += 1
        return f"{self.ns}-s{self.step}"

    def _pick(self, data: st.DataObject) -> Exchange:
        order_id = data.draw(st.sampled_from(self.order_ids), label="order")
        return self.target.api.get_order(order_id)

    def _pick_fo(
        self, data: st.DataObject, order: Json, holding: frozenset[str] | None = None
    ) -> str:
        """One of the order's FOs: one holding line items in `holding` when some does (so that
        most requests can succeed), else any; an unknown one when it has none left (404,
        nothing changes)."""
        fos = fulfillment_orders(order)
        holders = [fo for fo in fos if holding is not None and quantities(fo, holding)]
        fo_ids = [fo["fulfillment_order_id"] for fo in holders or fos]
        return str(data.draw(st.sampled_from(fo_ids or [f"{self.ns}-FO-NONE"]), label="FO"))

    def _items(
        self, data: st.DataObject, fo: Json, statuses: frozenset[str], *, whole: bool = False
    ) -> list[Json]:
        """Some of the line items the FO holds in `statuses`, each with a quantity up to what it
        holds so (`whole`: all of it); one it may not hold when it holds none (a refusal)."""
        held = quantities(fo, statuses)
        if not held:
            return [{"id": "item-1", "quantity": 1}]
        keys = data.draw(
            st.lists(st.sampled_from(sorted(held, key=str)), min_size=1, unique=True),
            label="items",
        )
        return [
            {"id": key, "quantity": held[key] if whole else data.draw(st.integers(1, held[key]))}
            for key in keys
        ]

    # ------------------------------------------------------------------ checks after each step
    def _versions(self, order_id: str) -> Versions:
        return {fo_id: [[line] for line in held] for fo_id, held in self.terminal[order_id].items()}

    def _check(
        self,
        before: Exchange,
        call: Exchange,
        versions: Versions,
        removable: frozenset[str | None] = frozenset(),
        *,
        conserves: bool = True,
        rolls_up: bool = False,
        widening: Widening | None = None,
    ) -> None:
        after = self.target.api.get_order(before.json["order_id"])
        if widening is not None and call.ok and after.json:
            widening(after.json, versions)
        observation = Observation(
            before, call, after, {"terminal": versions, "removable": removable}
        )
        if 400 <= call.status < 500:
            rules.REFUSAL_CHANGES_NOTHING.verify(
                Observation(before, call, after, {"status": call.status})
            )
        checked = [*INVARIANTS, *(CONSERVING if conserves else ())]
        if rolls_up and call.ok and before.json.get("status") != "cancelled":
            checked += ROLLING_UP
        for invariant in checked:
            invariant.verify(observation)
        self._track(after.json)

    def _act(
        self, data: st.DataObject, operation: str, body: Callable[[Json, Json], Json], **kw: Any
    ) -> None:
        """POST `…FO/{operation}` with `body(order, fo)` on a drawn FO (one holding pending
        items, when some does); check the invariants, statuses rolled up."""
        params = kw.pop("params", None)
        before = self._pick(data)
        order = before.json
        fo_id = self._pick_fo(data, order, PENDING)
        sent = body(order, fo_by_id(order).get(fo_id) or {})
        call = self.target.api.act_on_fulfillment_order(
            operation, order["order_id"], fo_id, sent, params
        )
        self._check(before, call, self._versions(order["order_id"]), rolls_up=True, **kw)

    # ------------------------------------------------------------------ pages 000-004
    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_order(self, data: st.DataObject) -> None:
        """Page 002: fields, line_items and/or fulfillment_orders."""
        before = self._pick(data)
        order, ns = before.json, self._fresh()
        body: Json = {}
        if data.draw(st.booleans(), label="fields"):
            body.update(data.draw(order_field_updates(ns, self.target.merchants), label="fields"))
        if data.draw(st.booleans(), label="line_items"):
            body["line_items"] = data.draw(line_item_replacements(order), label="line_items")
        if not body or data.draw(st.booleans(), label="fulfillment_orders"):
            body["fulfillment_orders"] = data.draw(
                fo_replacements(order, ns, items=body.get("line_items"), drop_held=True),
                label="FOs",
            )
        call = self.target.api.update_order(order["order_id"], body)
        removable: frozenset[str | None] = frozenset()
        if call.status == 200 and "fulfillment_orders" in body:
            kept: set[str | None] = {
                fo["fulfillment_order_id"]
                for fo in match_entries(order, body["fulfillment_orders"])
                if fo
            }
            removable = frozenset(fo_by_id(order)) - kept
        self._check(before, call, self._versions(order["order_id"]), removable, conserves=False)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_location(self, data: st.DataObject) -> None:
        """Page 001: a location that resolves, or one that does not."""
        before = self._pick(data)
        choices = [f"{self.ns}-NOWHERE"]
        if self.places is not None:
            choices += [self.places.partner_location_id, *self.places.by_code]
        location_id = data.draw(st.sampled_from(choices), label="location_id")
        call = self.target.api.update_fulfillment_order(
            UPDATE_LOCATION,
            before.json["order_id"],
            self._pick_fo(data, before.json),
            {"location_id": location_id},
        )
        self._check(before, call, self._versions(before.json["order_id"]), rolls_up=True)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_schedule(self, data: st.DataObject) -> None:
        """Page 003: a window for any FO (DIGITAL and others may be refused)."""
        before = self._pick(data)
        call = self.target.api.update_fulfillment_order(
            UPDATE_SCHEDULE,
            before.json["order_id"],
            self._pick_fo(data, before.json),
            data.draw(windows(), label="window"),
        )
        self._check(before, call, self._versions(before.json["order_id"]))

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_partner_references(self, data: st.DataObject) -> None:
        """Page 000: an FO reference and/or fulfillment references (known or not)."""
        before = self._pick(data)
        order, ns = before.json, self._fresh()
        fo_id = self._pick_fo(data, order)
        known = sorted(carried_by(lines(fo_by_id(order).get(fo_id, {})), "fulfillment_id"))
        ids = data.draw(
            st.lists(st.sampled_from([*known, f"{ns}-FUL-UNKNOWN"]), unique=True, max_size=2),
            label="fulfillment ids",
        )
        body: Json = {
            "fulfillments": [
                {"fulfillment_id": f, "partner_fulfillment_reference": f"{ns}-{f}"} for f in ids
            ]
        }
        if not ids or data.draw(st.booleans(), label="FO reference"):
            body["partner_fulfillment_order_reference"] = f"{ns}-PFO"
        call = self.target.api.update_fulfillment_order(
            UPDATE_PARTNER_REFERENCES, order["order_id"], fo_id, body
        )
        versions = self._versions(order["order_id"])
        if call.status == 200:
            wanted = {
                u["fulfillment_id"]: u["partner_fulfillment_reference"]
                for u in body["fulfillments"]
            }
            for choices in versions.get(fo_id, []):
                line = choices[0]
                if line is not None and line.get("fulfillment_id") in wanted:
                    referenced = {
                        **line,
                        "partner_fulfillment_reference": wanted[line["fulfillment_id"]],
                    }  # page 000 names "fulfilled items"; a closed one may keep its reference
                    fulfilled = line.get("status") == "fulfilled"
                    choices[:] = [referenced] if fulfilled else [line, referenced]
        self._check(before, call, versions)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def notify_shipment(self, data: st.DataObject) -> None:
        """Page 004: delivered (fulfilled items carrying the shipment may close) or not; the
        shipment one the order's lines carry or one of a made-up pool."""
        before = self._pick(data)
        order = before.json
        status = data.draw(st.sampled_from(["delivered", *NOT_DELIVERED]), label="status")
        pool = {f"{self.ns}-{k}-SHP-{n}" for k in range(3) for n in (1, 2, 3)}
        shipment_id = data.draw(
            st.sampled_from(sorted(pool | carried(order, "shipment_ids"))), label="shipment_id"
        )
        payload = {
            "shipment_id": shipment_id,
            "references": {"partner_order_reference": order["partner_order_reference"]},
            "post_shipping_info": {"status": status},
        }
        call = self.target.api.notify_shipment(payload)
        versions = self._versions(order["order_id"])
        if status == "delivered":
            widen(
                versions,
                lambda line: (
                    line.get("status") == "fulfilled"
                    and shipment_id in (line.get("shipment_ids") or [])
                ),
                lambda line: [{**line, "status": "closed"}],
            )
        self._check(before, call, versions)

    # ------------------------------------------------------------------ the published lifecycle
    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def fulfill(self, data: st.DataObject) -> None:
        """fulfill-order: some pending quantities, a draft shipment or none."""
        params = data.draw(st.sampled_from([DRAFT, SKIP_SHIPPING]), label="shipping")
        self._act(
            data,
            FULFILL,
            lambda _, fo: {"line_items": self._items(data, fo, PENDING)},
            params=params,
        )

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def ship(self, data: st.DataObject) -> None:
        """ship-fulfillment-order: whole allocated or fulfilled lines, a draft shipment; a
        fulfilled line shipped may carry the new shipment's id."""
        shippable = frozenset({"allocated", "fulfilled"})
        listed: set[Any] = set()

        def body(_: Json, fo: Json) -> Json:
            items = self._items(data, fo, shippable, whole=True)
            listed.update(item["id"] for item in items)
            return {"line_items": items}

        before = self._pick(data)
        order = before.json
        fo_id = self._pick_fo(data, order, shippable)

        def linked(after: Json, versions: Versions) -> None:
            new = sorted(carried(after, "shipment_ids") - carried(before.json, "shipment_ids"))
            widen(
                versions,
                lambda line: line.get("status") == "fulfilled" and line_id(line) in listed,
                lambda line: [
                    {**line, "shipment_ids": [*(line.get("shipment_ids") or []), s]} for s in new
                ],
                fo_id,
            )

        call = self.target.api.act_on_fulfillment_order(
            SHIP, order["order_id"], fo_id, body(order, fo_by_id(order).get(fo_id) or {}), DRAFT
        )
        self._check(before, call, self._versions(order["order_id"]), widening=linked)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def unfulfill(self, data: st.DataObject) -> None:
        """unfulfill-order: fulfillment ids of the FO's fulfilled lines, sometimes with one it
        cannot take (a closed line's, an unknown one); on success their lines may be gone (back
        to pending)."""
        before = self._pick(data)
        order = before.json
        fo_id = self._pick_fo(data, order, frozenset({"fulfilled"}))
        fo = fo_by_id(order).get(fo_id, {})
        fulfilled = sorted(
            {str(line["fulfillment_id"]) for line in lines(fo) if line.get("status") == "fulfilled"}
        )
        unknown = f"{self.ns}-FUL-UNKNOWN"
        ids = data.draw(
            st.lists(st.sampled_from(fulfilled or [unknown]), min_size=1, unique=True),
            label="fulfillment ids",
        )
        if data.draw(st.booleans(), label="one it cannot take"):
            other = carried_by(lines(fo), "fulfillment_id") - set(fulfilled)
            ids.append(data.draw(st.sampled_from(sorted(map(str, other | {unknown})))))
        call = self.target.api.act_on_fulfillment_order(
            UNFULFILL, order["order_id"], fo_id, {"fulfillment_ids": ids}
        )
        versions = self._versions(order["order_id"])
        if call.ok:
            widen(versions, lambda line: line.get("fulfillment_id") in ids, lambda _: [None], fo_id)
        self._check(before, call, versions, rolls_up=True)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def split(self, data: st.DataObject) -> None:
        """split-fulfillment-order: some pending quantities to a new FO."""

        def body(_: Json, fo: Json) -> Json:
            sent: Json = {"line_items": self._items(data, fo, PENDING)}
            if data.draw(st.booleans(), label="reference"):
                sent["partner_fulfillment_order_reference"] = f"{self._fresh()}-PFO-SPLIT"
            return sent

        self._act(data, SPLIT, body)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        """merge-fulfillment-orders: one FO into another (maybe itself), some or all of the
        source's pending items."""
        before = self._pick(data)
        order = before.json
        source = self._pick_fo(data, order, PENDING)
        method = fo_by_id(order).get(source, {}).get("delivery_method")
        alike = [
            fo
            for fo in fulfillment_orders(order)
            if fo.get("delivery_method") == method and fo["fulfillment_order_id"] != source
        ]
        destination = self._pick_fo(data, {"fulfillment_orders": alike} if alike else order)
        side: Json = {"fulfillment_order_id": source}
        if data.draw(st.booleans(), label="list items"):
            side["line_items"] = self._items(data, fo_by_id(order).get(source) or {}, PENDING)
        body = {"source": side, "destination": {"fulfillment_order_id": destination}}
        call = self.target.api.merge_fulfillment_orders(order["order_id"], body)
        self._check(before, call, self._versions(order["order_id"]), rolls_up=True)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def cancel_line_items(self, data: st.DataObject) -> None:
        """cancel-fulfillment-order-line-items: some pending quantities, a reason."""
        reason = data.draw(st.sampled_from(CANCELLATION_REASONS), label="reason")
        self._act(
            data,
            CANCEL_LINE_ITEMS,
            lambda _, fo: {
                "cancellation_reason": reason,
                "line_items": self._items(data, fo, PENDING),
            },
        )

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def cancel_order(self, data: st.DataObject) -> None:
        """cancel-order: on success every line may read back cancelled with the reason."""
        before = self._pick(data)
        reason = data.draw(st.sampled_from(CANCELLATION_REASONS), label="reason")
        call = self.target.api.cancel_order(
            before.json["order_id"], {"cancellation_reason": reason}
        )
        versions = self._versions(before.json["order_id"])
        if call.ok:
            widen(
                versions,
                lambda line: line.get("status") != "cancelled",
                lambda line: [{**line, "status": "cancelled", "cancellation_reason": reason}],
            )
        self._check(before, call, versions)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_delivery_method(self, data: st.DataObject) -> None:
        """update-delivery-method: any method, with an address and a window or without."""
        before = self._pick(data)
        body: Json = {
            "delivery_method": data.draw(st.sampled_from(sorted(DELIVERY_METHODS)), label="method")
        }
        if body["delivery_method"] in ADDRESS_BY_METHOD and data.draw(st.booleans()):
            body["address"] = copied(data.draw(st.sampled_from(samples.ADDRESSES)))
            body.update(data.draw(windows(), label="window"))
        call = self.target.api.update_fulfillment_order(
            UPDATE_DELIVERY_METHOD, before.json["order_id"], self._pick_fo(data, before.json), body
        )
        self._check(before, call, self._versions(before.json["order_id"]))

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def update_address(self, data: st.DataObject) -> None:
        """update-address: an address for any FO (DIGITAL and settled ones may be refused)."""
        before = self._pick(data)
        address = copied(data.draw(st.sampled_from(samples.ADDRESSES), label="address"))
        call = self.target.api.update_fulfillment_order(
            UPDATE_ADDRESS,
            before.json["order_id"],
            self._pick_fo(data, before.json),
            {"address": address},
        )
        self._check(before, call, self._versions(before.json["order_id"]))

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def redact(self, data: st.DataObject) -> None:
        """redact-order: the order goes on working for every other operation."""
        before = self._pick(data)
        call = self.target.api.redact_order(before.json["order_id"])
        self._check(before, call, self._versions(before.json["order_id"]))
