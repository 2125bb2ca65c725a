"""The published split and merge operations (api/orders/operation/split-fulfillment-order,
merge-fulfillment-orders)."""

from __future__ import annotations

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from .generation.steps import draw_items, listed, property_test, seed_holding
from .oracle import rules
from .oracle.model import DELIVERY_METHODS, PENDING, TERMINAL, Json, fulfillment_orders, quantities
from .oracle.observation import Observation
from .target.client import SPLIT
from .target.target import Target

pytestmark = pytest.mark.behaviour
methods = st.sampled_from(sorted(DELIVERY_METHODS))


def _split(target: Target, data: st.DataObject, statuses: frozenset[str] = PENDING) -> Observation:
    """Split some items (whole or in part) a drawn FO holds in `statuses` to a new FO."""
    _, before, fo = seed_holding(target, data, statuses)
    whole = statuses != PENDING or data.draw(st.booleans(), label="whole lines")
    items = draw_items(data, fo, statuses, whole=whole, only=statuses != PENDING)
    body = {"line_items": listed(items)}
    return target.observe(
        before,
        lambda: target.api.act_on_fulfillment_order(
            SPLIT, before.json["order_id"], fo["fulfillment_order_id"], body
        ),
        fo_id=fo["fulfillment_order_id"],
        items=items,
    )


@property_test(rules.SPLIT_NEW_FO, rules.SPLIT_REDUCES, rules.SPLIT_STATUS, scale=0.5)
def test_split_items_move_to_a_new_fulfillment_order(target: Target, data: st.DataObject) -> None:
    observation = _split(target, data)
    rules.SPLIT_NEW_FO.verify(observation)
    rules.SPLIT_REDUCES.verify(observation)
    rules.SPLIT_STATUS.verify(observation)


@property_test(rules.SPLIT_INHERITS, scale=0.5)
def test_the_new_fulfillment_order_inherits_delivery(target: Target, data: st.DataObject) -> None:
    rules.SPLIT_INHERITS.verify(_split(target, data))


@pytest.mark.terminal_lines
@property_test(rules.SPLIT_PENDING_ONLY, scale=0.5)
def test_splitting_items_not_pending_is_refused(target: Target, data: st.DataObject) -> None:
    rules.SPLIT_PENDING_ONLY.verify(_split(target, data, TERMINAL))


# ------------------------------------------------------------------ merge
def _merge(
    target: Target,
    data: st.DataObject,
    *,
    same_method: bool,
    statuses: frozenset[str] = PENDING,
) -> Observation:
    """Merge one FO of a drawn order into another, listing all of the source's pending items;
    both of one delivery method (or, `same_method=False`, of two); with `statuses` beyond the
    pending ones, the destination holds some (one of shipping: a DIGITAL line closes when
    fulfilled)."""
    shipped = methods if statuses == PENDING else st.sampled_from(["COLLECTION", "DELIVERY"])
    chosen = frozenset({data.draw(shipped, label="method")}) if same_method else DELIVERY_METHODS
    _, before, source = seed_holding(
        target,
        data,
        PENDING,
        fo_count=(2, 3),
        methods=chosen,
        anchors=(PENDING, statuses),
        line_statuses=statuses | PENDING,
    )
    source_id = source["fulfillment_order_id"]
    others = [
        fo for fo in fulfillment_orders(before.json) if fo["fulfillment_order_id"] != source_id
    ]
    if not same_method:
        others = [fo for fo in others if fo.get("delivery_method") != source.get("delivery_method")]
    if statuses != PENDING:
        others = [fo for fo in others if quantities(fo, statuses - PENDING)]
    assume(others)
    destination: Json = data.draw(st.sampled_from(others), label="destination")
    items = quantities(source, PENDING)
    body = {
        "source": {
            "fulfillment_order_id": source["fulfillment_order_id"],
            "line_items": listed(items),
        },
        "destination": {"fulfillment_order_id": destination["fulfillment_order_id"]},
    }
    return target.observe(
        before,
        lambda: target.api.merge_fulfillment_orders(before.json["order_id"], body),
        fo_id=source["fulfillment_order_id"],
        source=source["fulfillment_order_id"],
        destination=destination["fulfillment_order_id"],
        items=items,
    )


@property_test(rules.MERGE_MOVES, scale=0.5)
def test_merged_items_move_and_the_empty_source_goes(target: Target, data: st.DataObject) -> None:
    rules.MERGE_MOVES.verify(_merge(target, data, same_method=True))


@property_test(rules.MERGE_SAME_METHOD, scale=0.25)
def test_merging_fulfillment_orders_of_two_methods_is_refused(
    target: Target, data: st.DataObject
) -> None:
    rules.MERGE_SAME_METHOD.verify(_merge(target, data, same_method=False))


@pytest.mark.terminal_lines
@property_test(rules.MERGE_NO_FULFILLED, scale=0.25)
def test_merging_into_a_fulfillment_order_with_fulfilled_items_is_refused(
    target: Target, data: st.DataObject
) -> None:
    fulfilled = frozenset({"fulfilled"})
    rules.MERGE_NO_FULFILLED.verify(_merge(target, data, same_method=True, statuses=fulfilled))
