"""Page 000, update partner references: only references change; unknown fulfillments refused."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from . import rules
from .client import UPDATE_PARTNER_REFERENCES
from .model import Json, fulfillment_orders, lines
from .observation import Observation
from .settings import examples
from .steps import draw_fo, seed_drawn
from .target import Target

pytestmark = pytest.mark.behaviour
_SHIPPED_OR_NOT = frozenset({"open", "fulfilled", "closed"})
"""Line statuses of the seeded orders: fulfilled items to name, closed ones not to."""


def _fulfillment_ids(fo: Json, *, fulfilled: bool = True) -> list[str]:
    """The fulfillment ids of the FO's fulfilled items (`fulfilled=False`: the ids only its
    other items carry, e.g. closed ones, which are not "in the FO's fulfilled items")."""
    carried = {line["fulfillment_id"] for line in lines(fo) if line.get("fulfillment_id")}
    of_fulfilled = {
        line["fulfillment_id"]
        for line in lines(fo)
        if line.get("status") == "fulfilled" and line.get("fulfillment_id")
    }
    return sorted(of_fulfilled if fulfilled else carried - of_fulfilled)


def _references(
    target: Target, data: st.DataObject, *, fulfillments: bool, unknown: bool = False
) -> Observation:
    """Seed an order, pick an FO, send a new FO reference and/or fulfillment references (plus,
    when `unknown`, a fulfillment_id not on a fulfilled item of the FO: unknown, or a closed
    item's)."""
    ns, before = seed_drawn(target, data, fo_count=(1, 3), line_statuses=_SHIPPED_OR_NOT)
    if fulfillments:
        holders = [fo for fo in fulfillment_orders(before.json) if _fulfillment_ids(fo)]
        assume(holders)
        fo = data.draw(st.sampled_from(holders), label="fulfillment order")
    else:
        fo = draw_fo(data, before.json)
    body: Json = {}
    if not fulfillments or data.draw(st.booleans(), label="also the FO reference"):
        body["partner_fulfillment_order_reference"] = f"{ns}-PFO-NEW"
    known = _fulfillment_ids(fo) if fulfillments else []
    chosen = (
        data.draw(st.lists(st.sampled_from(known), unique=True, min_size=1), label="ids")
        if known
        else []
    )
    updates = [{"fulfillment_id": f, "partner_fulfillment_reference": f"{f}-WMS"} for f in chosen]
    if unknown:
        candidates = [f"{ns}-FUL-UNKNOWN", *_fulfillment_ids(fo, fulfilled=False)]
        updates.insert(
            data.draw(st.integers(0, len(updates))),
            {
                "fulfillment_id": data.draw(st.sampled_from(candidates), label="unknown id"),
                "partner_fulfillment_reference": "x",
            },
        )
    if updates:
        body["fulfillments"] = updates
    return target.observe(
        before,
        lambda: target.api.update_fulfillment_order(
            UPDATE_PARTNER_REFERENCES, before.json["order_id"], fo["fulfillment_order_id"], body
        ),
        fo_id=fo["fulfillment_order_id"],
    )


@examples()
@given(data=st.data())
def test_fulfillment_order_reference_updated(target: Target, data: st.DataObject) -> None:
    observation = _references(target, data, fulfillments=False)
    rules.FO_REFERENCE_UPDATED.verify(observation)
    rules.ONLY_REFERENCES_CHANGE.verify(observation)


@pytest.mark.admin_seed("fulfilled line items with fulfillment ids")
@examples()
@given(data=st.data())
def test_fulfillment_references_updated(target: Target, data: st.DataObject) -> None:
    observation = _references(target, data, fulfillments=True)
    rules.FULFILLMENT_REFERENCES_UPDATED.verify(observation)
    rules.FO_REFERENCE_UPDATED.verify(observation)
    rules.ONLY_REFERENCES_CHANGE.verify(observation)


@examples()
@given(data=st.data(), with_known=st.booleans())
def test_unknown_fulfillment_id_refused(
    target: Target, data: st.DataObject, with_known: bool
) -> None:
    """Nothing of the request is applied, not even the valid parts."""
    if with_known and not target.config.admin:
        with_known = False
    rules.UNKNOWN_FULFILLMENT_REFUSED.verify(
        _references(target, data, fulfillments=with_known, unknown=True)
    )
