"""Page 000, update partner references: only references change; a fulfillment_id that is not
one of the FO's fulfilled items is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from .generation.steps import draw_fo, property_test, seed_drawn
from .oracle import rules
from .oracle.model import UPDATABLE_ORDER_STATUSES, Json, fulfillment_orders, lines
from .oracle.observation import Observation
from .target.client import UPDATE_PARTNER_REFERENCES
from .target.target import Target

pytestmark = pytest.mark.behaviour
_SHIPPED_OR_NOT = frozenset({"open", "fulfilled", "closed"})
"""Line statuses of the seeded orders: fulfilled items to name, closed ones not to."""
Foreign = Callable[[Json, Json, str], list[str]]
"""(order, FO addressed, ns) -> fulfillment ids that are not among the FO's fulfilled items."""


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


def _unknown(order: Json, fo: Json, ns: str) -> list[str]:
    return [f"{ns}-FUL-UNKNOWN"]


def _of_closed_items(order: Json, fo: Json, ns: str) -> list[str]:
    return _fulfillment_ids(fo, fulfilled=False)


def _of_other_fos(order: Json, fo: Json, ns: str) -> list[str]:
    own = set(_fulfillment_ids(fo)) | set(_fulfillment_ids(fo, fulfilled=False))
    others = {key for other in fulfillment_orders(order) for key in _fulfillment_ids(other)}
    return sorted(others - own)


def _references(
    target: Target,
    data: st.DataObject,
    *,
    fulfillments: bool,
    foreign: Foreign | None = None,
    fo_count: tuple[int, int] = (1, 3),
) -> Observation:
    """Seed an order, pick an FO, send a new FO reference and/or fulfillment references of its
    fulfilled items (plus, given `foreign`, one fulfillment_id drawn from it)."""
    ns, before = seed_drawn(
        target,
        data,
        fo_count=fo_count,
        line_statuses=_SHIPPED_OR_NOT,
        order_statuses=UPDATABLE_ORDER_STATUSES,
    )
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
    if foreign is not None:
        candidates = foreign(before.json, fo, ns)
        assume(candidates)
        updates.insert(
            data.draw(st.integers(0, len(updates))),
            {
                "fulfillment_id": data.draw(st.sampled_from(candidates), label="foreign id"),
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


@property_test(rules.FO_REFERENCE_UPDATED, rules.ONLY_REFERENCES_CHANGE)
def test_fulfillment_order_reference_updated(target: Target, data: st.DataObject) -> None:
    observation = _references(target, data, fulfillments=False)
    rules.FO_REFERENCE_UPDATED.verify(observation)
    rules.ONLY_REFERENCES_CHANGE.verify(observation)


@pytest.mark.terminal_lines
@property_test(
    rules.FULFILLMENT_REFERENCES_UPDATED, rules.FO_REFERENCE_UPDATED, rules.ONLY_REFERENCES_CHANGE
)
def test_fulfillment_references_updated(target: Target, data: st.DataObject) -> None:
    observation = _references(target, data, fulfillments=True)
    rules.FULFILLMENT_REFERENCES_UPDATED.verify(observation)
    rules.FO_REFERENCE_UPDATED.verify(observation)
    rules.ONLY_REFERENCES_CHANGE.verify(observation)


def _with_known(target: Target, with_known: bool) -> bool:
    """Known fulfillment ids beside the unknown one need fulfilled items (admin mode)."""
    return with_known and target.config.admin


@property_test(rules.UNKNOWN_FULFILLMENT_REFUSED, with_known=st.booleans())
def test_unknown_fulfillment_id_refused(
    target: Target, data: st.DataObject, with_known: bool
) -> None:
    """Refused even beside fulfillment ids that are the FO's."""
    rules.UNKNOWN_FULFILLMENT_REFUSED.verify(
        _references(target, data, fulfillments=_with_known(target, with_known), foreign=_unknown)
    )


@property_test(rules.REFUSAL_CHANGES_NOTHING, scale=0.5, with_known=st.booleans())
def test_refused_reference_update_applies_nothing(
    target: Target, data: st.DataObject, with_known: bool
) -> None:
    """Nothing of a refused request is applied, not even its valid parts."""
    rules.REFUSAL_CHANGES_NOTHING.verify(
        _references(target, data, fulfillments=_with_known(target, with_known), foreign=_unknown)
    )


@pytest.mark.terminal_lines
@property_test(rules.OTHER_FO_FULFILLMENT_REFUSED, scale=0.5)
def test_fulfillment_id_of_another_fo_refused(target: Target, data: st.DataObject) -> None:
    rules.OTHER_FO_FULFILLMENT_REFUSED.verify(
        _references(target, data, fulfillments=False, foreign=_of_other_fos, fo_count=(2, 3))
    )


@pytest.mark.terminal_lines
@property_test(rules.CLOSED_ITEM_FULFILLMENT_REFUSED, scale=0.5)
def test_fulfillment_id_of_a_closed_item_refused(target: Target, data: st.DataObject) -> None:
    rules.CLOSED_ITEM_FULFILLMENT_REFUSED.verify(
        _references(target, data, fulfillments=False, foreign=_of_closed_items)
    )
