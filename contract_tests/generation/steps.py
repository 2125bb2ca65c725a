"""Steps the behaviour tests share: draw an order, seed it, pick a part of it (an FO, some of its
line items and quantities)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from hypothesis import assume, given
from hypothesis import strategies as st

from ..oracle.exchange import Exchange
from ..oracle.model import (
    LINE_STATUSES,
    ORDER_STATUSES,
    PENDING,
    Json,
    fulfillment_orders,
    quantities,
)
from ..oracle.tiers import Claim
from ..plugin.marks import verifies
from ..plugin.settings import examples
from ..target.target import Target
from .strategies import orders

Test = TypeVar("Test", bound=Callable[..., None])


def property_test(
    *claims: Claim, scale: float = 1.0, **strategies: st.SearchStrategy[Any]
) -> Callable[[Test], Test]:
    """A Hypothesis property verifying `claims`: `given(data=st.data(), **strategies)`, the
    suite's settings (`--max-examples` times `scale`) and the claims' tier."""

    def decorate(test: Test) -> Test:
        run = examples(scale)(given(data=st.data(), **strategies)(test))
        return verifies(*claims)(cast("Test", run))

    return decorate


def seed_drawn(
    target: Target,
    data: st.DataObject,
    *,
    line_statuses: frozenset[str] = LINE_STATUSES,
    **options: Any,
) -> tuple[str, Exchange]:
    """A fresh namespace and a drawn order (`strategies.orders(ns, **options)`) of the target's
    merchant, its FO lines in `line_statuses` the target can build, seeded and read back.

    The tests reason about the order read back. One that was not to be cancelled
    (`order_statuses` without cancelled) but reads back cancelled is discarded: in api seed mode
    an order all of whose FO lines were cancelled rolls up to cancelled."""
    ns = target.namespace()
    options.setdefault("merchant", target.merchant)
    statuses = (line_statuses & target.line_statuses) or line_statuses
    order = data.draw(orders(ns, line_statuses=statuses, **options), label="seeded order")
    read = target.seed(order)
    if "cancelled" not in options.get("order_statuses", ORDER_STATUSES):
        assume(read.json.get("status") != "cancelled")
    return ns, read


def draw_fo(data: st.DataObject, order: Json, label: str = "fulfillment order") -> Json:
    """One FO of the order (the example is discarded when it has none)."""
    fos = fulfillment_orders(order)
    assume(fos)
    fo: Json = data.draw(st.sampled_from(fos), label=label)
    return fo


def seed_holding(
    target: Target, data: st.DataObject, statuses: frozenset[str], **options: Any
) -> tuple[str, Exchange, Json]:
    """`seed_drawn` with a line item in `statuses` (anchored in the first FO; by default 1-2
    FOs, their other lines in `statuses` or pending), and one FO holding such items drawn from
    the order read back."""
    options.setdefault("fo_count", (1, 2))
    options.setdefault("line_statuses", statuses | PENDING)
    options.setdefault("anchors", (statuses,))
    ns, before = seed_drawn(target, data, **options)
    return ns, before, draw_holder(data, before.json, statuses)


def draw_holder(
    data: st.DataObject, order: Json, statuses: frozenset[str], label: str = "fulfillment order"
) -> Json:
    """One FO of the order holding line items in `statuses` (discarded when none does)."""
    holders = [fo for fo in fulfillment_orders(order) if quantities(fo, statuses)]
    assume(holders)
    fo: Json = data.draw(st.sampled_from(holders), label=label)
    return fo


def draw_items(
    data: st.DataObject,
    fo: Json,
    statuses: frozenset[str],
    *,
    whole: bool = True,
    only: bool = False,
    label: str = "line items",
) -> dict[Any, int]:
    """Some of the line items the FO holds in `statuses`, each with all of the quantity it
    holds so, or (`whole=False`) 1 to it; `only`: items the FO holds in no other status."""
    held = quantities(fo, statuses)
    if only:
        others = quantities(fo, frozenset(LINE_STATUSES) - statuses)
        held = {key: quantity for key, quantity in held.items() if key not in others}
    assume(held)
    keys = data.draw(
        st.lists(st.sampled_from(sorted(held, key=str)), min_size=1, unique=True), label=label
    )
    return {
        key: held[key] if whole else data.draw(st.integers(1, held[key]), label=f"{key} quantity")
        for key in keys
    }


def listed(items: dict[Any, int]) -> list[Json]:
    """A request's `line_items`: each item by id with its quantity."""
    return [{"id": key, "quantity": quantity} for key, quantity in items.items()]
