"""Steps the behaviour tests share: draw an order, seed it, pick a part of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from hypothesis import assume, given
from hypothesis import strategies as st

from .client import Exchange
from .model import LINE_STATUSES, Json, fulfillment_orders
from .settings import examples
from .strategies import orders
from .target import Target
from .tiers import Claim, verifies

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
    merchant, its FO lines in `line_statuses` the target can build, seeded and read back."""
    ns = target.namespace()
    options.setdefault("merchant", target.merchant)
    statuses = (line_statuses & target.line_statuses) or line_statuses
    order = data.draw(orders(ns, line_statuses=statuses, **options), label="seeded order")
    return ns, target.seed(order)


def draw_fo(data: st.DataObject, order: Json, label: str = "fulfillment order") -> Json:
    """One FO of the order (the example is discarded when it has none)."""
    fos = fulfillment_orders(order)
    assume(fos)
    fo: Json = data.draw(st.sampled_from(fos), label=label)
    return fo


def shipment(reference: str, status: str, shipment_id: str | None = None) -> Json:
    """Page 004's minimal shipment payload."""
    body: Json = {
        "references": {"partner_order_reference": reference},
        "post_shipping_info": {"status": status},
    }
    if shipment_id is not None:
        body["shipment_id"] = shipment_id
    return body
