"""A Hypothesis rule-based machine: the five update operations interleaved on a few orders.

After every step it checks what the suite reads the pages to imply whatever the sequence (each
invariant is a `reading` rule): no request is answered 5xx; terminal line items of an FO that
still exists never disappear or change except as documented (page 004 closes delivered
fulfilled items, page 000 sets their partner_fulfillment_reference; page 002 may remove whole
FOs); order, FO and line statuses stay in their enums (page 002's and the published ones); a
refused request changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from . import rules
from .checks import match_entries
from .client import UPDATE_LOCATION, UPDATE_PARTNER_REFERENCES, UPDATE_SCHEDULE, Exchange
from .model import Json, fo_by_id, fulfillment_orders, lines, terminal_lines
from .observation import Observation
from .strategies import (
    NOT_DELIVERED,
    fo_replacements,
    line_item_replacements,
    order_field_updates,
    orders,
    windows,
)
from .target import Locations, Target

INVARIANTS = (rules.NO_SERVER_ERROR, rules.TERMINAL_NEVER_CHANGE, rules.STATUSES_IN_ENUMS)
"""Checked after every step (and REFUSAL_CHANGES_NOTHING after every 4xx)."""
Versions = dict[str, dict[Any, list[Json]]]
"""{fo_id: {line_id: the versions the line item may read back as}}."""


class OrderLifecycle(RuleBasedStateMachine):
    target: ClassVar[Target]

    def __init__(self) -> None:
        super().__init__()
        self.ns = self.target.namespace()
        self.step = 0
        self.places: Locations | None = None
        self.order_ids: list[str] = []
        self.terminal: dict[str, dict[str, dict[Any, Json]]] = {}

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
            fo["fulfillment_order_id"]: terminal_lines(fo) for fo in fulfillment_orders(order)
        }

    def _fresh(self) -> str:
        self.step += 1
        return f"{self.ns}-s{self.step}"

    def _pick(self, data: st.DataObject) -> Exchange:
        order_id = data.draw(st.sampled_from(self.order_ids), label="order")
        return self.target.api.get_order(order_id)

    def _pick_fo(self, data: st.DataObject, order: Json) -> str:
        """One of the order's FOs (an unknown one when it has none left: 404, nothing changes)."""
        fo_ids = [fo["fulfillment_order_id"] for fo in fulfillment_orders(order)]
        return str(data.draw(st.sampled_from(fo_ids or [f"{self.ns}-FO-NONE"]), label="FO"))

    # ------------------------------------------------------------------ checks after each step
    def _versions(self, order_id: str) -> Versions:
        return {
            fo_id: {key: [line] for key, line in held.items()}
            for fo_id, held in self.terminal[order_id].items()
        }

    def _check(
        self,
        before: Exchange,
        call: Exchange,
        versions: Versions,
        removable: frozenset[str | None] = frozenset(),
    ) -> None:
        after = self.target.api.get_order(before.json["order_id"])
        observation = Observation(
            before, call, after, {"terminal": versions, "removable": removable}
        )
        if 400 <= call.status < 500:
            rules.REFUSAL_CHANGES_NOTHING.verify(
                Observation(before, call, after, {"status": call.status})
            )
        for invariant in INVARIANTS:
            invariant.verify(observation)
        self._track(after.json)

    # ------------------------------------------------------------------ the five operations
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
        self._check(before, call, self._versions(order["order_id"]), removable)

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
        self._check(before, call, self._versions(before.json["order_id"]))

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
        known = sorted(
            {
                line["fulfillment_id"]
                for line in lines(fo_by_id(order).get(fo_id, {}))
                if line.get("fulfillment_id")
            }
        )
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
            for key, choices in versions.get(fo_id, {}).items():
                line = choices[0]
                if line.get("fulfillment_id") in wanted:
                    referenced = {
                        **line,
                        "partner_fulfillment_reference": wanted[line["fulfillment_id"]],
                    }  # page 000 names "fulfilled items"; a closed one may keep its reference
                    fulfilled = line.get("status") == "fulfilled"
                    versions[fo_id][key] = [referenced] if fulfilled else [line, referenced]
        self._check(before, call, versions)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def notify_shipment(self, data: st.DataObject) -> None:
        """Page 004: delivered (fulfilled items carrying the shipment may close) or not."""
        before = self._pick(data)
        order = before.json
        status = data.draw(st.sampled_from(["delivered", *NOT_DELIVERED]), label="status")
        shipment_id = data.draw(
            st.sampled_from([f"{self.ns}-{k}-SHP-{n}" for k in range(3) for n in (1, 2, 3)]),
            label="shipment_id",
        )
        payload = {
            "shipment_id": shipment_id,
            "references": {"partner_order_reference": order["partner_order_reference"]},
            "post_shipping_info": {"status": status},
        }
        call = self.target.api.notify_shipment(payload)
        versions = self._versions(order["order_id"])
        if status == "delivered":
            for held in versions.values():
                for key, (line,) in list(held.items()):
                    if line.get("status") == "fulfilled" and shipment_id in (
                        line.get("shipment_ids") or []
                    ):
                        held[key] = [line, {**line, "status": "closed"}]
        self._check(before, call, versions)
